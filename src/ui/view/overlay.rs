//! Overlays: the help screen (generated from the keymap) and the parse-error list.

use crate::text::sanitize;
use crate::ui::app::{App, Mode};
use crate::ui::keymap::KeyMode;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

fn centered(area: Rect, w_pct: u16, h_pct: u16) -> Rect {
    let w = (area.width * w_pct / 100).max(40).min(area.width);
    let h = (area.height * h_pct / 100).max(10).min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// The help lines: every binding with its description, per mode.
pub fn help_lines(app: &App) -> Vec<Line<'static>> {
    let t = &app.theme;
    let mut lines = Vec::new();
    for mode in [KeyMode::Normal, KeyMode::Query, KeyMode::Replay] {
        lines.push(Line::from(Span::styled(
            format!("— {} —", mode.as_str()),
            t.fg("title"),
        )));
        let mut by_action: Vec<(crate::ui::action::Action, Vec<String>)> = Vec::new();
        for (k, a) in app.keymap.bindings(mode) {
            match by_action.iter_mut().find(|(x, _)| *x == a) {
                Some((_, keys)) => keys.push(k),
                None => by_action.push((a, vec![k])),
            }
        }
        for (a, keys) in by_action {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<18}", keys.join(" ")), t.fg("accent")),
                Span::raw(a.describe()),
            ]));
        }
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "queries: level >= warn and service = \"api\" · (msg ~ \"write\") as w then (msg ~ \"read\") as r within 150ms where r.request = w.request · expect level = error when hostname = \"pod-2\" per request",
        t.fg("dim"),
    )));
    lines
}

/// Draw the help or the error overlay.
pub fn draw(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let (title, lines) = match app.mode {
        Mode::Help => (
            format!(
                " help — keys ({} to close) ",
                app.hint(KeyMode::Overlay, crate::ui::action::Action::Back)
            ),
            help_lines(app),
        ),
        _ => {
            let mut lines = Vec::new();
            for s in app.store.sources() {
                if s.error_count == 0 {
                    continue;
                }
                lines.push(Line::from(Span::styled(
                    format!(
                        "{} — {} parse errors",
                        sanitize(&s.path, true),
                        s.error_count
                    ),
                    t.fg("title"),
                )));
                for e in &s.errors {
                    lines.push(Line::from(sanitize(&e.located(&s.path), true).into_owned()));
                }
                if s.error_count as usize > s.errors.len() {
                    lines.push(Line::from(Span::styled(
                        format!(
                            "… {} more (counted, not kept)",
                            s.error_count as usize - s.errors.len()
                        ),
                        t.fg("dim"),
                    )));
                }
            }
            if lines.is_empty() {
                lines.push(Line::from("no parse errors"));
            }
            (" parse errors (file:line: reason) ".to_string(), lines)
        }
    };
    let r = centered(area, 80, 80);
    Clear.render(r, buf);
    Paragraph::new(lines)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(t.fg("accent"))
                .title(title)
                .title_style(t.fg("title")),
        )
        .style(t.base())
        .wrap(Wrap { trim: false })
        .scroll((app.overlay_scroll as u16, 0))
        .render(r, buf);
}
