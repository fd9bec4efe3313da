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
    // Past a character the lexer refuses, colour the tokens before it.
    let toks = lex(text)
        .or_else(|e| lex(text.get(..e.pos).unwrap_or("")))
        .unwrap_or_default();
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
    // After the last token: the error range apart, so that only it is marked.
    match error {
        Some((a, b)) if a >= at && text.is_char_boundary(a) && text.is_char_boundary(b) => {
            let b = b.max(a);
            push(at, a, theme.fg("fg"));
            push(a, b, theme.fg("fg"));
            push(b, text.len(), theme.fg("fg"));
        }
        _ => push(at, text.len(), theme.fg("fg")),
    }
    if let Some((a, _)) = error {
        if a >= text.len() {
            spans.push(Span::styled(" ", Style::default().bg(theme.color("error"))));
        }
    }
    spans
}

/// Draw the query bar (one line) and, when typing, the error or completion popup at the bottom
/// of `over` (the inside of the pane above the bar).
pub fn draw_query(app: &App, area: Rect, over: Rect, buf: &mut Buffer) -> Option<(u16, u16)> {
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
        if let Some((_, e)) = app.query_error.as_ref().filter(|(q, _)| *q == app.input) {
            popup(buf, over, &[format!("✗ {}", e.message)], t.fg("error"));
        } else if !app.completions.is_empty() {
            let items: Vec<String> = app
                .completions
                .iter()
                .take(6)
                .map(|c| format!("{:<7} {}", format!("{:?}", c.kind).to_lowercase(), c.text))
                .collect();
            popup(buf, over, &items, t.fg("fg"));
        }
    }
    cursor
}

/// A bordered popup at the bottom of `over`, one column in from its left so that the border of
/// the pane it covers stays whole; items are sanitised and wrapped to the room there is.
fn popup(buf: &mut Buffer, over: Rect, items: &[String], style: Style) {
    let room = over.width.saturating_sub(4) as usize;
    if room < 8 {
        return;
    }
    let lines: Vec<String> = items
        .iter()
        .flat_map(|it| wrap(&sanitize(it, true), room))
        .collect();
    let h = lines.len() as u16 + 2;
    if h > over.height {
        return;
    }
    let w = lines.iter().map(|l| width(l)).max().unwrap_or(0) as u16 + 2;
    let area = Rect::new(over.x + 1, over.bottom() - h, w, h);
    Clear.render(area, buf);
    let block = Block::default().borders(Borders::ALL).border_style(style);
    let inner = block.inner(area);
    block.render(area, buf);
    for (i, l) in lines.iter().enumerate() {
        buf.set_stringn(inner.x, inner.y + i as u16, l, inner.width as usize, style);
    }
}

/// Display width of `s` in terminal columns.
fn width(s: &str) -> usize {
    Span::raw(s).width()
}

/// `s` broken into lines of at most `room` columns, at spaces where it can be.
fn wrap(s: &str, room: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in s.split_inclusive(' ') {
        if !line.is_empty() && width(&line) + width(word.trim_end()) > room {
            lines.push(line.trim_end().to_string());
            line.clear();
        }
        for c in word.chars() {
            if width(&line) + width(c.encode_utf8(&mut [0; 4])) > room {
                lines.push(std::mem::take(&mut line));
                if c == ' ' {
                    continue;
                }
            }
            line.push(c);
        }
    }
    if !line.trim_end().is_empty() || lines.is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
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
    let errors: u64 = app.store.sources().iter().map(|s| s.error_count).sum();
    let shifted: Vec<String> = app
        .store
        .sources()
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
        .map(|i| time::format_ns(app.store.events()[i as usize].ts))
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
            app.store.sources().len(),
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

#[cfg(test)]
mod tests {
    use super::{colour_query, wrap};
    use crate::ui::theme::Theme;

    #[test]
    fn only_the_refused_character_is_marked() {
        let t = Theme::default_theme();
        let q = "level ≥ warn";
        let spans = colour_query(q, &t, Some((6, 9)));
        let marked: Vec<&str> = spans
            .iter()
            .filter(|s| s.style.bg == Some(t.color("error")))
            .map(|s| s.content.as_ref())
            .collect();
        assert_eq!(marked, ["≥"]);
        let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, q);
        // The token before it is coloured as a field.
        assert_eq!(spans[0].content, "level");
    }

    #[test]
    fn wrap_breaks_at_spaces_and_inside_long_words() {
        assert_eq!(wrap("unknown field 'x'", 40), ["unknown field 'x'"]);
        assert_eq!(wrap("aa bb cc", 5), ["aa bb", "cc"]);
        assert_eq!(wrap("abcdefgh ij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("日本語", 4), ["日本", "語"]);
    }
}
