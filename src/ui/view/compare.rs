//! Side by side: two lanes (a failing and a passing request, two traces, prod and dev), each on
//! its own time axis, aligned at their starts or at a chosen matching event, with the first
//! divergence marked.

use crate::model::{time, Store};
use crate::text::{sanitize, template};
use crate::ui::app::{App, Compare};
use crate::ui::view::list::event_text;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

/// The template of an event, for alignment.
pub fn event_template(store: &Store, i: u32) -> String {
    let e = &store.events[i as usize];
    let mut t = String::new();
    if let Some(op) = e.op {
        t.push_str(op.as_str());
        if let Some(o) = e.obj {
            t.push(' ');
            t.push_str(store.s(o));
        }
    }
    if let Some(n) = e.name {
        t.push_str(store.s(n));
    }
    if let Some(m) = e.msg {
        t.push(' ');
        t.push_str(&template(store.s(m).lines().next().unwrap_or("")));
    }
    t
}

/// One aligned row: the event of each side, if any.
pub type Row = (Option<u32>, Option<u32>);

/// Aligned rows, and the first row whose templates differ.
pub fn align(
    store: &Store,
    a: &[u32],
    b: &[u32],
    anchor: Option<&str>,
) -> (Vec<Row>, Option<usize>) {
    let (sa, sb) = match anchor {
        Some(tpl) => {
            let fa = a
                .iter()
                .position(|&i| event_template(store, i) == tpl)
                .unwrap_or(0);
            let fb = b
                .iter()
                .position(|&i| event_template(store, i) == tpl)
                .unwrap_or(0);
            (fa, fb)
        }
        None => (0, 0),
    };
    let pad = sa.max(sb);
    let n = (a.len() - sa).max(b.len() - sb) + pad;
    let mut rows = Vec::with_capacity(n);
    let mut first = None;
    for r in 0..n {
        let ia = (r + sa).checked_sub(pad).and_then(|k| a.get(k)).copied();
        let ib = (r + sb).checked_sub(pad).and_then(|k| b.get(k)).copied();
        if first.is_none() && r >= pad {
            let ta = ia.map(|i| event_template(store, i));
            let tb = ib.map(|i| event_template(store, i));
            if ta != tb {
                first = Some(r);
            }
        }
        rows.push((ia, ib));
    }
    (rows, first)
}

/// Draw the comparison.
pub fn draw(app: &App, c: &Compare, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let lane = |name: &str| {
        app.lanes
            .iter()
            .find(|l| l.name == name)
            .map(|l| l.events.clone())
            .unwrap_or_default()
    };
    let (a, b) = (lane(&c.a), lane(&c.b));
    let anchor = if c.at_selected {
        app.selected_event().map(|i| event_template(&app.store, i))
    } else {
        None
    };
    let (rows, first) = align(&app.store, &a, &b, anchor.as_deref());
    let title = format!(
        " side by side · {} ({}) vs {} ({}) · aligned at {} · {} ",
        sanitize(&c.a, true),
        a.len(),
        sanitize(&c.b, true),
        b.len(),
        if c.at_selected {
            "the selected event"
        } else {
            "starts"
        },
        match first {
            Some(r) => format!("first divergence at row {}", r + 1),
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
    let cols =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).split(inner);
    let start_of = |v: &[u32]| {
        v.first()
            .map(|&i| app.store.events[i as usize].ts)
            .unwrap_or(0)
    };
    let (t0a, t0b) = (start_of(&a), start_of(&b));
    let skip = first
        .map(|f| f.saturating_sub(inner.height as usize / 2))
        .unwrap_or(0);
    for (side, (col, t0)) in [(cols[0], t0a), (cols[1], t0b)].into_iter().enumerate() {
        let lines: Vec<Line> = rows
            .iter()
            .enumerate()
            .skip(skip)
            .take(inner.height as usize)
            .map(|(r, (ia, ib))| {
                let idx = if side == 0 { ia } else { ib };
                let diverged = first == Some(r);
                let style = if diverged {
                    t.fg("error")
                        .add_modifier(Modifier::BOLD | Modifier::REVERSED)
                } else if first.is_some_and(|f| r > f) {
                    t.fg("dim")
                } else {
                    t.fg("fg")
                };
                match idx {
                    Some(i) => {
                        let e = &app.store.events[*i as usize];
                        Line::from(vec![
                            Span::styled(
                                format!("+{:<8} ", time::format_duration(e.ts - t0)),
                                t.fg("dim"),
                            ),
                            Span::styled(event_text(&app.store, e), style),
                        ])
                    }
                    None => Line::from(Span::styled("·", t.fg("dim"))),
                }
            })
            .collect();
        Paragraph::new(lines).render(col, buf);
    }
}
