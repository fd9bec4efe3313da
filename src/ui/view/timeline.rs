//! The timeline: a density sparkline and one swimlane per lane on a shared time axis. Only the
//! visible window is drawn: the cost depends on the screen, not on the number of events.

use crate::model::{time, Event, Kind, Op, Store};
use crate::text::sanitize;
use crate::ui::app::{App, Window};
use crate::ui::lanes::Lane;
use crate::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Block, Borders, Sparkline, Widget};

/// How many events one lane may walk before switching to per-column sampling.
const WALK_CAP: usize = 20_000;

/// The glyph and its priority for one event.
fn glyph(e: &Event, theme: &Theme) -> (char, Style, u8) {
    match e.kind() {
        Kind::Race => ('✖', theme.fg("race").add_modifier(Modifier::BOLD), 9),
        Kind::Op => {
            let c = match e.op() {
                Some(Op::Read) => 'r',
                Some(Op::Write) => 'w',
                Some(Op::Lock) => 'L',
                Some(Op::Unlock) => 'U',
                Some(Op::Spawn) => 's',
                Some(Op::Join) => 'j',
                Some(Op::Send) => '>',
                Some(Op::Recv) => '<',
                Some(Op::Begin) => '[',
                Some(Op::End) => ']',
                _ => '*',
            };
            (c, e.op().map_or(theme.fg("dim"), |o| theme.op(o)), 5)
        }
        Kind::Span => (
            '━',
            if e.level() >= Some(crate::model::Level::Error) {
                theme.fg("error")
            } else {
                theme.fg("span")
            },
            2,
        ),
        Kind::Event => ('◆', theme.level(e.level()), 4),
        Kind::Log => {
            let strong = e.level() >= Some(crate::model::Level::Warn);
            (
                if strong { '●' } else { '•' },
                theme.level(e.level()),
                if strong { 7 } else { 3 },
            )
        }
    }
}

fn col_of(ts: i64, w: &Window, width: u16) -> Option<u16> {
    if ts < w.start || ts >= w.start + w.span {
        return None;
    }
    Some((((ts - w.start) as f64 / w.span as f64) * width as f64) as u16)
}

/// Per-column event counts of the visible events (binary search per column).
fn density(store: &Store, visible: &[u32], w: &Window, width: u16) -> Vec<u64> {
    let mut out = Vec::with_capacity(width as usize);
    let at = |t: i64| visible.partition_point(|&i| store.events()[i as usize].ts < t);
    let mut prev = at(w.start);
    for c in 0..width {
        let end = w.start + ((c as i128 + 1) * w.span as i128 / width as i128) as i64;
        let next = at(end);
        out.push((next - prev) as u64);
        prev = next;
    }
    out
}

struct Cell {
    ch: char,
    style: Style,
    rank: u8,
}

/// Draw one lane's cells into `rows` (1 to 3 rows: depth of span nesting).
fn lane_cells(app: &App, lane: &Lane, width: u16, depth_rows: usize) -> Vec<Vec<Option<Cell>>> {
    let store = &app.store;
    let w = &app.window;
    let mut rows: Vec<Vec<Option<Cell>>> = (0..depth_rows)
        .map(|_| (0..width).map(|_| None).collect())
        .collect();
    let lo = w.start.saturating_sub(lane.max_dur);
    let hi = w.start + w.span;
    let start = lane
        .events
        .partition_point(|&i| store.events()[i as usize].ts < lo);
    let end = lane
        .events
        .partition_point(|&i| store.events()[i as usize].ts < hi);
    let dense = end - start > WALK_CAP;
    let mut put = |row: usize, col: u16, ch: char, style: Style, rank: u8| {
        if let Some(slot) = rows.get_mut(row).and_then(|r| r.get_mut(col as usize)) {
            if slot.as_ref().is_none_or(|c| c.rank < rank) {
                *slot = Some(Cell { ch, style, rank });
            }
        }
    };
    let mut open: Vec<i64> = Vec::new();
    let mut walked = 0;
    for &i in &lane.events[start..end] {
        let e = &store.events()[i as usize];
        walked += 1;
        if dense || walked > WALK_CAP {
            // Too dense to walk: mark columns that have events.
            let counts = density(store, &lane.events, w, width);
            for (c, n) in counts.iter().enumerate() {
                if *n > 0 {
                    put(0, c as u16, '▪', app.theme.fg("dim"), 1);
                }
            }
            break;
        }
        let (ch, mut style, rank) = glyph(e, &app.theme);
        if app.highlight.binary_search(&i).is_ok() {
            style = style
                .bg(app.theme.color("match"))
                .fg(app.theme.color("selection_fg"));
        }
        if e.kind() == Kind::Span {
            open.retain(|&end| end > e.ts);
            let depth = open.len().min(depth_rows.saturating_sub(1));
            open.push(e.end());
            let a = e.ts.max(w.start);
            let b = e.end().min(hi - 1);
            let (Some(ca), Some(cb)) = (col_of(a, w, width), col_of(b.max(a), w, width)) else {
                continue;
            };
            for c in ca..=cb.min(width.saturating_sub(1)) {
                put(
                    depth,
                    c,
                    if c == ca && e.ts >= w.start {
                        '┣'
                    } else {
                        ch
                    },
                    style,
                    rank,
                );
            }
        } else if let Some(c) = col_of(e.ts, w, width) {
            put(0, c, ch, style, rank);
        }
    }
    rows
}

/// Nesting rows a lane needs in the window (1–3).
fn lane_depth(app: &App, lane: &Lane) -> usize {
    if app.collapsed.contains(&lane.name) || lane.max_dur == 0 {
        return 1;
    }
    let store = &app.store;
    let w = &app.window;
    let start = lane
        .events
        .partition_point(|&i| store.events()[i as usize].ts < w.start.saturating_sub(lane.max_dur));
    let end = lane
        .events
        .partition_point(|&i| store.events()[i as usize].ts < w.start + w.span);
    if end - start > WALK_CAP {
        return 1;
    }
    let mut open: Vec<i64> = Vec::new();
    let mut max = 0;
    for &i in lane.events[start..].iter().take(WALK_CAP) {
        let e = &store.events()[i as usize];
        if e.ts >= w.start + w.span {
            break;
        }
        if e.kind() == Kind::Span {
            open.retain(|&end| end > e.ts);
            max = max.max(open.len());
            open.push(e.end());
        }
    }
    1 + max.min(2)
}

/// Draw the timeline.
pub fn draw(app: &App, area: Rect, buf: &mut Buffer, focused: bool) {
    let t = &app.theme;
    let title = format!(
        " timeline · lanes by {} · {} lanes ",
        app.lane_key.as_str(),
        app.lanes.len()
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if focused {
            t.fg("accent")
        } else {
            t.fg("border")
        })
        .title(title)
        .title_style(t.fg("title"));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.height < 2 || inner.width < 20 {
        return;
    }
    let label_w = (inner.width / 5).clamp(8, 22);
    let cols = inner.width - label_w - 1;
    let x0 = inner.x + label_w + 1;
    let w = &app.window;
    // Axis: start, cursor time, span.
    let axis = format!("{} ", time::format_time_of_day_ms(w.start));
    let right = format!(
        " span {} · {} ",
        time::format_duration(w.span),
        time::format_time_of_day_ms(w.start + w.span)
    );
    buf.set_stringn(inner.x, inner.y, "", label_w as usize, t.fg("dim"));
    buf.set_stringn(x0, inner.y, &axis, cols as usize, t.fg("dim"));
    if (right.len() as u16) < cols.saturating_sub(axis.len() as u16) {
        buf.set_string(x0 + cols - right.len() as u16, inner.y, &right, t.fg("dim"));
    }
    // Density sparkline.
    let dens = density(&app.store, &app.visible, w, cols);
    buf.set_stringn(
        inner.x,
        inner.y + 1,
        "density",
        label_w as usize,
        t.fg("dim"),
    );
    Sparkline::default()
        .data(&dens)
        .style(t.fg("accent"))
        .render(Rect::new(x0, inner.y + 1, cols, 1), buf);
    // Lanes: keep the selected event's lane on screen.
    let rows_avail = inner.height.saturating_sub(2) as usize;
    let sel_lane = app.selected_lane();
    let sel_idx = sel_lane
        .as_ref()
        .and_then(|s| app.lanes.iter().position(|l| &l.name == s))
        .unwrap_or(0);
    let first = sel_idx.saturating_sub(rows_avail.saturating_sub(1));
    let mut y = inner.y + 2;
    let cursor_col = app
        .selected_event()
        .and_then(|i| col_of(app.store.events()[i as usize].ts, w, cols));
    for lane in app.lanes.iter().skip(first) {
        if y >= inner.y + inner.height {
            break;
        }
        let depth = lane_depth(app, lane).min((inner.y + inner.height - y) as usize);
        let collapsed = app.collapsed.contains(&lane.name);
        let marker = match (&app.marked, collapsed) {
            (Some(m), _) if *m == lane.name => '*',
            (_, true) => '▸',
            _ => '▾',
        };
        let label = format!("{marker}{}", sanitize(&lane.name, true));
        let style = if sel_lane.as_deref() == Some(lane.name.as_str()) {
            t.fg("accent").add_modifier(Modifier::BOLD)
        } else {
            t.fg("fg")
        };
        buf.set_stringn(inner.x, y, &label, label_w as usize, style);
        let rows = lane_cells(app, lane, cols, depth);
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let x = x0 + c as u16;
                if let Some(cell) = cell {
                    buf[(x, y + r as u16)]
                        .set_char(cell.ch)
                        .set_style(cell.style);
                } else if Some(c as u16) == cursor_col {
                    buf[(x, y + r as u16)]
                        .set_char('│')
                        .set_style(t.fg("cursor"));
                }
            }
        }
        y += depth as u16;
    }
}
