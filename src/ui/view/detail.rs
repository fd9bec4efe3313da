//! The detail pane: every field and attribute of the selected event, payloads highlighted,
//! long values wrapped. Or, after a hypothesis, its verdict.

use crate::model::{time, Store};
use crate::text::sanitize;
use crate::ui::action::Action;
use crate::ui::app::App;
use crate::ui::highlight;
use crate::ui::keymap::KeyMode;
use crate::ui::state::detail;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

fn kv<'a>(app: &App, k: &str, v: String) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{k:<9} "), app.theme.fg("dim")),
        Span::styled(v, app.theme.fg("fg")),
    ])
}

/// The lines describing one event.
pub fn event_lines(app: &App, store: &Store, idx: u32) -> Vec<Line<'static>> {
    let e = &store.events()[idx as usize];
    let mut out = vec![kv(app, "ts", time::format_ns(e.ts))];
    let src = store.source_path(e);
    let loc = if e.line > 0 {
        format!("{src}:{}", e.line)
    } else {
        src.to_string()
    };
    out.push(kv(app, "source", sanitize(&loc, true).into_owned()));
    out.push(kv(
        app,
        "kind",
        format!("{} ({})", e.kind().as_str(), store.format_of(e).as_str()),
    ));
    if let Some(l) = e.level() {
        out.push(Line::from(vec![
            Span::styled(format!("{:<9} ", "level"), app.theme.fg("dim")),
            Span::styled(
                l.as_str().to_string(),
                app.theme.level(Some(l)).add_modifier(Modifier::BOLD),
            ),
        ]));
    }
    if let Some(o) = e.tz_offset() {
        out.push(kv(app, "offset", time::format_offset(o)));
    }
    for (k, v) in [
        ("service", e.service),
        ("thread", e.thread),
        ("trace", e.trace),
        ("span", e.span),
        ("parent", e.parent),
        ("request", e.request),
        ("name", e.name),
        ("obj", e.obj),
    ] {
        if let Some(v) = v {
            out.push(kv(app, k, sanitize(store.s(v), true).into_owned()));
        }
    }
    if let Some(d) = e.dur() {
        out.push(kv(app, "dur", time::format_duration(d)));
    }
    if let Some(s) = e.status() {
        out.push(kv(app, "status", s.as_str().to_string()));
    }
    if let Some(op) = e.op() {
        out.push(kv(app, "op", op.as_str().to_string()));
    }
    if !e.value().is_null() {
        out.push(kv(
            app,
            "value",
            sanitize(&e.value().to_text(store.strings()), true).into_owned(),
        ));
    }
    if let Some(m) = e.msg {
        out.push(Line::from(Span::styled("msg", app.theme.fg("dim"))));
        for (n, l) in sanitize(store.s(m), false).lines().enumerate() {
            let style = if n > 0 && l.trim_start().starts_with("at ") || l.starts_with('\t') {
                app.theme.fg("dim")
            } else {
                app.theme.fg("fg")
            };
            out.push(Line::from(Span::styled(format!("  {l}"), style)));
        }
    }
    let attrs = store.attrs(e);
    if !attrs.is_empty() {
        out.push(Line::from(Span::styled("attrs", app.theme.fg("dim"))));
        for (n, a) in attrs.iter().enumerate() {
            let key = sanitize(store.s(a.key()), true).into_owned();
            // Large payloads are highlighted on a worker; until then they show as plain text.
            let val = a.value().to_text(store.strings());
            let lines = if detail::is_large(store, a) {
                detail::ready(app, e.attr_start, n).map(<[Line]>::to_vec)
            } else {
                let safe = sanitize(&val, false);
                highlight::detect(&safe).map(|lang| highlight::highlight(&safe, lang))
            };
            match lines {
                Some(lines) => {
                    out.push(Line::from(Span::styled(
                        format!("  {key}:"),
                        app.theme.fg("accent"),
                    )));
                    for l in lines {
                        let mut spans = vec![Span::raw("    ")];
                        spans.extend(l.spans);
                        out.push(Line::from(spans));
                    }
                }
                None => out.push(Line::from(vec![
                    Span::styled(format!("  {key} = "), app.theme.fg("accent")),
                    Span::styled(sanitize(&val, true).into_owned(), app.theme.fg("fg")),
                ])),
            }
        }
    }
    out
}

/// Draw the detail pane (or the verdict panel when a hypothesis is active).
pub fn draw(app: &App, area: Rect, buf: &mut Buffer, focused: bool) {
    if app.verdict.is_some() {
        return super::verdict::draw(app, area, buf, focused);
    }
    if !app.suggestions.is_empty() {
        return draw_suggestions(app, area, buf, focused);
    }
    let t = &app.theme;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if focused {
            t.fg("accent")
        } else {
            t.fg("border")
        })
        .title(" detail ")
        .title_style(t.fg("title"));
    let lines = app
        .selected_event()
        .map(|i| event_lines(app, &app.store, i))
        .unwrap_or_else(|| vec![Line::from("no event selected")]);
    Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false })
        .render(area, buf);
}

/// The ranked suggestions of `:suggest`, the selected one highlighted.
fn draw_suggestions(app: &App, area: Rect, buf: &mut Buffer, focused: bool) {
    let t = &app.theme;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if focused {
            t.fg("accent")
        } else {
            t.fg("border")
        })
        .title(format!(
            " suggested hypotheses · Ochiai · {}/{} choose · {} check ",
            app.hint(KeyMode::Normal, Action::NextResult),
            app.hint(KeyMode::Normal, Action::PrevResult),
            app.hint(KeyMode::Normal, Action::Accept),
        ))
        .title_style(t.fg("title"));
    let mut lines = Vec::new();
    for (i, s) in app.suggestions.iter().enumerate() {
        let style = if i == app.suggestion_pos {
            t.selected()
        } else {
            t.fg("fg")
        };
        lines.push(Line::from(Span::styled(
            format!("{:.3} {}", s.score, sanitize(&s.predicate, true)),
            style,
        )));
        lines.push(Line::from(Span::styled(
            format!(
                "      both {} · cond only {} · outcome only {} · neither {}",
                s.counts.both, s.counts.condition_only, s.counts.outcome_only, s.counts.neither
            ),
            t.fg("dim"),
        )));
    }
    Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false })
        .render(area, buf);
}
