//! Side by side: two lanes (a failing and a passing request, two traces, prod and dev), each on
//! its own time axis, aligned as `heisen diff` aligns runs (matched events share a row; the
//! gutter marks `=` same, `~` same template with different values, `≠` changed, `<` only left,
//! `>` only right), the first divergence highlighted.

use crate::analysis::diff::{Row, RowKind};
use crate::model::time;
use crate::text::sanitize;
use crate::ui::app::{App, Compare};
use crate::ui::view::list::event_text;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

/// Draw the comparison.
pub fn draw(app: &App, c: &Compare, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let count = |f: fn(&Row) -> Option<u32>| c.rows.iter().filter_map(f).count();
    let of_kind = |f: fn(RowKind) -> bool| c.rows.iter().filter(|r| f(r.kind)).count();
    let differing = of_kind(|k| !matches!(k, RowKind::Same | RowKind::Values));
    let values = match of_kind(|k| k == RowKind::Values) {
        0 => String::new(),
        1 => " · 1 row differs in values".into(),
        n => format!(" · {n} rows differ in values"),
    };
    let title = format!(
        " side by side · {} ({}) vs {} ({}) · aligned from {} · {}{values} ",
        sanitize(&c.a, true),
        count(|r| r.a),
        sanitize(&c.b, true),
        count(|r| r.b),
        if c.at_selected {
            "the selected event's template"
        } else {
            "the starts"
        },
        match c.first {
            Some(r) => format!("first divergence at row {}, {differing} rows differ", r + 1),
            None => "no divergence".into(),
        }
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.fg("accent"))
        .title(title)
        .title_style(t.fg("title"));
    let inner = block.inner(area);
    block.render(area, buf);
    // A one-cell gutter between the sides says how the row's events relate.
    let cols = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(3),
        Constraint::Fill(1),
    ])
    .split(inner);
    let start_of = |f: fn(&Row) -> Option<u32>| {
        c.rows
            .iter()
            .find_map(f)
            .map(|i| app.store.events()[i as usize].ts)
            .unwrap_or(0)
    };
    let (t0a, t0b) = (start_of(|r| r.a), start_of(|r| r.b));
    let skip = c
        .first
        .map(|f| f.saturating_sub(inner.height as usize / 2))
        .unwrap_or(0);
    let shown = || {
        c.rows
            .iter()
            .enumerate()
            .skip(skip)
            .take(inner.height as usize)
    };
    let style_of = |r: usize, row: &Row| match row.kind {
        _ if c.first == Some(r) => t
            .fg("error")
            .add_modifier(Modifier::BOLD | Modifier::REVERSED),
        RowKind::Same => t.fg("fg"),
        RowKind::Values => t.fg("number"),
        RowKind::Changed => t.fg("level_warn"),
        RowKind::OnlyA | RowKind::OnlyB => t.fg("error"),
    };
    for (col, t0, pick) in [
        (cols[0], t0a, (|r: &Row| r.a) as fn(&Row) -> Option<u32>),
        (cols[2], t0b, |r: &Row| r.b),
    ] {
        let offset = |i: u32| time::format_duration(app.store.events()[i as usize].ts - t0);
        // Offsets padded to the widest shown, so that the events line up.
        let w = shown()
            .filter_map(|(_, row)| pick(row))
            .map(|i| offset(i).chars().count())
            .max()
            .unwrap_or(0);
        let lines: Vec<Line> = shown()
            .map(|(r, row)| match pick(row) {
                Some(i) => {
                    let e = &app.store.events()[i as usize];
                    Line::from(vec![
                        Span::styled(format!("+{:<w$} ", offset(i)), t.fg("dim")),
                        Span::styled(event_text(&app.store, e), style_of(r, row)),
                    ])
                }
                None => Line::from(Span::styled("·", t.fg("dim"))),
            })
            .collect();
        Paragraph::new(lines).render(col, buf);
    }
    let gutter: Vec<Line> = shown()
        .map(|(r, row)| {
            let mark = match row.kind {
                RowKind::Same => " = ",
                RowKind::Values => " ~ ",
                RowKind::Changed => " ≠ ",
                RowKind::OnlyA => " < ",
                RowKind::OnlyB => " > ",
            };
            Line::from(Span::styled(mark, style_of(r, row)))
        })
        .collect();
    Paragraph::new(gutter).render(cols[1], buf);
}
