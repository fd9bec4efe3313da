//! The replay state panel: what is true at the replay cursor.

use crate::text::sanitize;
use crate::ui::action::Action;
use crate::ui::app::App;
use crate::ui::keymap::KeyMode;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

/// Draw the state panel.
pub fn draw(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let Some(r) = &app.replay else { return };
    let title = format!(
        " replay · step {}/{} · {} {}/s ",
        r.pos + 1,
        app.visible.len(),
        if r.playing {
            "▶ playing"
        } else {
            "⏸ paused"
        },
        r.speed
    );
    let mut lines = Vec::new();
    match &r.state {
        None => lines.push(Line::from("…")),
        Some(s) => {
            lines.push(Line::from(Span::styled(
                format!("at {}", s.ts),
                t.fg("dim"),
            )));
            lines.push(Line::from(Span::styled(
                "variables (value · last writer · step)",
                t.fg("title"),
            )));
            if s.vars.is_empty() {
                lines.push(Line::from(Span::styled("  none written yet", t.fg("dim"))));
            }
            for v in &s.vars {
                lines.push(Line::from(vec![
                    Span::styled(format!("  {:<14} ", sanitize(&v.obj, true)), t.fg("accent")),
                    Span::raw(format!(
                        "{} · {} · #{}",
                        sanitize(&v.value.to_string(), true),
                        sanitize(&v.writer, true),
                        v.at + 1
                    )),
                ]));
            }
            lines.push(Line::from(Span::styled("locks held", t.fg("title"))));
            if s.locks.is_empty() {
                lines.push(Line::from(Span::styled("  none", t.fg("dim"))));
            }
            for l in &s.locks {
                lines.push(Line::from(format!(
                    "  {} held by {} since #{}",
                    sanitize(&l.lock, true),
                    sanitize(&l.holder, true),
                    l.since + 1
                )));
            }
            lines.push(Line::from(Span::styled("spans open", t.fg("title"))));
            if s.open_spans.is_empty() {
                lines.push(Line::from(Span::styled("  none", t.fg("dim"))));
            }
            for o in &s.open_spans {
                lines.push(Line::from(format!(
                    "  {} {} ({})",
                    sanitize(&o.service, true),
                    sanitize(&o.name, true),
                    sanitize(&o.span, true)
                )));
            }
            if !s.machines.is_empty() {
                lines.push(Line::from(Span::styled("state machines", t.fg("title"))));
                for m in &s.machines {
                    lines.push(Line::from(format!(
                        "  {} → {}",
                        sanitize(&m.key, true),
                        sanitize(&m.state, true)
                    )));
                }
            }
        }
    }
    let k = |a| app.hint(KeyMode::Replay, a);
    lines.push(Line::from(Span::styled(
        format!(
            "{} step · {} back · {} play · {}/{} speed · {} leave",
            k(Action::StepForward),
            k(Action::StepBack),
            k(Action::PlayPause),
            k(Action::Faster),
            k(Action::Slower),
            k(Action::Back),
        ),
        t.fg("dim"),
    )));
    Paragraph::new(lines)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(t.fg("accent"))
                .title(title)
                .title_style(t.fg("title")),
        )
        .wrap(Wrap { trim: false })
        .render(area, buf);
}
