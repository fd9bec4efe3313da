//! The hypothesis panel: verdict, 2×2 table, strength, and the counterexamples to step through.

use crate::text::sanitize;
use crate::ui::app::App;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

/// Draw the panel.
pub fn draw(app: &App, area: Rect, buf: &mut Buffer, focused: bool) {
    let t = &app.theme;
    let Some(v) = &app.verdict else { return };
    let vstyle = match v.verdict {
        "supported" => t.fg("ok"),
        "falsified" => t.fg("error"),
        _ => t.fg("level_warn"),
    }
    .add_modifier(Modifier::BOLD);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if focused {
            t.fg("accent")
        } else {
            t.fg("border")
        })
        .title(Line::from(vec![
            Span::raw(" hypothesis: "),
            Span::styled(v.verdict.to_uppercase(), vstyle),
            Span::raw(format!(" · {} groups by {} ", v.groups, v.key)),
        ]))
        .title_style(t.fg("title"));
    let yes = |b: bool| if b { "yes" } else { "no" };
    let mut lines = vec![
        Line::from(Span::styled(
            "               outcome  no outcome",
            t.fg("dim"),
        )),
        Line::from(format!(
            "condition    {:>8} {:>11}",
            v.both, v.condition_only
        )),
        Line::from(format!(
            "no condition {:>8} {:>11}",
            v.outcome_only, v.neither
        )),
        Line::from(""),
        Line::from(format!(
            "necessary {}  sufficient {}",
            yes(v.necessary),
            yes(v.sufficient)
        )),
        // One figure per line: a narrow pane would wrap a word away from its value.
        Line::from(format!("p = {:.2e} (Fisher, one-sided)", v.p_value)),
        Line::from(format!(
            "precision {}  recall {}",
            v.precision.map_or("n/a".into(), |x| format!("{x:.2}")),
            v.recall.map_or("n/a".into(), |x| format!("{x:.2}"))
        )),
        Line::from(""),
    ];
    let mut n = 0usize;
    for (label, list) in [
        ("condition, no outcome", &v.counterexamples.condition_only),
        ("outcome, no condition", &v.counterexamples.outcome_only),
    ] {
        if list.is_empty() {
            continue;
        }
        lines.push(Line::from(Span::styled(
            format!("counterexamples — {label} ({}):", list.len()),
            t.fg("accent"),
        )));
        for k in list {
            let current = app.result_pos == Some(n);
            let style = if current { t.selected() } else { t.fg("fg") };
            lines.push(Line::from(Span::styled(
                format!("{} {}", if current { "▶" } else { " " }, sanitize(k, true)),
                style,
            )));
            n += 1;
        }
    }
    if n > 0 {
        lines.push(Line::from(Span::styled(
            "n / N: step through, jumping the timeline",
            t.fg("dim"),
        )));
    }
    Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false })
        .render(area, buf);
}
