//! The query bar (syntax colouring, error marker, completions) and the status line.

use crate::model::time;
use crate::query::lexer::{is_keyword, lex, Tok};
use crate::text::sanitize;
use crate::ui::app::{App, InputKind, Mode};
use crate::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Gauge, Widget};

/// Colour a query by token.
pub fn colour_query(
    text: &str,
    theme: &Theme,
    error: Option<(usize, usize)>,
) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let mut at = 0;
    let toks = lex(text).unwrap_or_default();
    let style_of = |tok: &Tok| match tok {
        Tok::Ident(s) if is_keyword(s) => theme.fg("keyword").add_modifier(Modifier::BOLD),
        Tok::Ident(_) => theme.fg("fg"),
        Tok::Str(_) => theme.fg("string"),
        Tok::Num(_) | Tok::Dur(_) => theme.fg("number"),
        Tok::Sym(_) => theme.fg("accent"),
    };
    let mut push = |from: usize, to: usize, style: Style| {
        if from >= to {
            return;
        }
        let piece = sanitize(&text[from..to], true).into_owned();
        let in_err = error.is_some_and(|(a, b)| from < b.max(a + 1) && to > a);
        let style = if in_err {
            style
                .bg(theme.color("error"))
                .fg(theme.color("selection_fg"))
        } else {
            style
        };
        spans.push(Span::styled(piece, style));
    };
    for t in &toks {
        push(at, t.start, theme.fg("fg"));
        push(t.start, t.end, style_of(&t.tok));
        at = t.end;
    }
    push(at, text.len(), theme.fg("fg"));
    if let Some((a, _)) = error {
        if a >= text.len() {
            spans.push(Span::styled(" ", Style::default().bg(theme.color("error"))));
        }
    }
    spans
}

/// Draw the query bar (one line) and, when typing, the completion popup above it.
pub fn draw_query(app: &App, area: Rect, buf: &mut Buffer) -> Option<(u16, u16)> {
    let t = &app.theme;
    let typing = app.mode == Mode::Query;
    let prompt = match (typing, app.input_kind) {
        (true, InputKind::Command) => ":",
        _ => "/",
    };
    let mut spans = vec![Span::styled(
        prompt,
        t.fg("accent").add_modifier(Modifier::BOLD),
    )];
    let mut cursor = None;
    if typing {
        let err = app
            .query_error
            .as_ref()
            .filter(|(q, _)| *q == app.input)
            .map(|(_, e)| (e.start, e.end));
        spans.extend(colour_query(&app.input, t, err));
        let col = app.input[..app.input_cursor].chars().count() as u16;
        cursor = Some((area.x + 1 + col, area.y));
    } else if let Some((q, e)) = &app.query_error {
        spans.extend(colour_query(q, t, Some((e.start, e.end))));
        spans.push(Span::styled(
            format!("  ✗ {}", sanitize(&e.message, true)),
            t.fg("error"),
        ));
    } else if let Some(q) = &app.running {
        spans.push(Span::styled(format!("running {q} …"), t.fg("dim")));
    } else if let Some(m) = &app.message {
        spans.push(Span::styled(sanitize(m, true).into_owned(), t.fg("accent")));
    } else if let Some(q) = &app.query {
        spans.extend(colour_query(q, t, None));
        if !app.summary.is_empty() {
            spans.push(Span::styled(format!("  · {}", app.summary), t.fg("dim")));
        }
    } else {
        let k = |a| app.hint(crate::ui::keymap::KeyMode::Normal, a);
        spans.push(Span::styled(
            format!(
                "type {} for a filter, pattern or hypothesis · {} for help",
                k(crate::ui::action::Action::OpenFilter),
                k(crate::ui::action::Action::Help)
            ),
            t.fg("dim"),
        ));
    }
    buf.set_line(area.x, area.y, &Line::from(spans), area.width);
    if typing {
        if let Some((q, e)) = app.query_error.as_ref().filter(|(q, _)| *q == app.input) {
            let _ = q;
            popup(buf, area, &[format!("✗ {}", e.message)], t.fg("error"));
        } else if !app.completions.is_empty() {
            let items: Vec<String> = app
                .completions
                .iter()
                .take(6)
                .map(|c| format!("{:<7} {}", format!("{:?}", c.kind).to_lowercase(), c.text))
                .collect();
            popup(buf, area, &items, t.fg("fg"));
        }
    }
    cursor
}

fn popup(buf: &mut Buffer, bar: Rect, items: &[String], style: Style) {
    let h = items.len() as u16 + 2;
    if bar.y < h {
        return;
    }
    let w = items
        .iter()
        .map(|s| s.chars().count() as u16 + 2)
        .max()
        .unwrap_or(10)
        .min(bar.width);
    let area = Rect::new(bar.x + 1, bar.y - h, w, h);
    Clear.render(area, buf);
    let block = Block::default().borders(Borders::ALL).border_style(style);
    let inner = block.inner(area);
    block.render(area, buf);
    for (i, it) in items.iter().enumerate() {
        buf.set_stringn(
            inner.x,
            inner.y + i as u16,
            sanitize(it, true),
            inner.width as usize,
            style,
        );
    }
}

/// Draw the status line.
pub fn draw_status(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    if let Some(l) = &app.loading {
        let ratio = if l.total > 0 {
            l.done as f64 / l.total as f64
        } else {
            0.0
        };
        Gauge::default()
            .gauge_style(t.fg("accent"))
            .label(format!(
                "loading {:.0}% · {} of {} MB",
                ratio * 100.0,
                l.done / 1_000_000,
                l.total / 1_000_000
            ))
            .ratio(ratio.clamp(0.0, 1.0))
            .render(area, buf);
        return;
    }
    let errors: u64 = app.store.sources.iter().map(|s| s.error_count).sum();
    let shifted: Vec<String> = app
        .store
        .sources
        .iter()
        .filter(|s| s.shift_ns != 0)
        .map(|s| {
            let file = std::path::Path::new(&s.path)
                .file_name()
                .map_or_else(|| s.path.clone(), |f| f.to_string_lossy().into_owned());
            let sign = if s.shift_ns < 0 { "-" } else { "+" };
            let by = time::format_duration(s.shift_ns.abs());
            format!("{} {sign}{by}", sanitize(&file, true))
        })
        .collect();
    let cursor = app
        .selected_event()
        .map(|i| time::format_ns(app.store.events[i as usize].ts))
        .unwrap_or_default();
    let mode = match app.mode {
        Mode::Replay => " REPLAY ",
        Mode::Compare => " SIDE BY SIDE ",
        Mode::Query => " QUERY ",
        _ => " heisen ",
    };
    let mut spans = vec![
        Span::styled(mode, t.selected()),
        Span::raw(format!(
            " {} sources · {} events",
            app.store.sources.len(),
            app.store.len()
        )),
    ];
    if errors > 0 {
        spans.push(Span::styled(
            format!(" · {errors} parse errors (E)"),
            t.fg("error"),
        ));
    }
    // Clock corrections (--shift) by source, or how many when there are several.
    if !shifted.is_empty() {
        let text = if shifted.len() <= 2 {
            format!(" · shifted {}", shifted.join(", "))
        } else {
            format!(" · {} sources shifted", shifted.len())
        };
        spans.push(Span::styled(text, t.fg("level_warn")));
    }
    if let Some(l) = &app.live {
        spans.push(Span::styled(
            format!(
                " · live {:.0} ev/s, lag {}",
                l.rate,
                time::format_duration(l.lag_ns.max(0))
            ),
            t.fg("ok"),
        ));
    }
    spans.push(Span::raw(format!(
        " · lanes: {} · {cursor}",
        app.lane_key.as_str()
    )));
    buf.set_line(area.x, area.y, &Line::from(spans), area.width);
}
