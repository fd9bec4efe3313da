//! The event list: virtualised — only the rows on screen are looked at.

use crate::model::{time, Event, Store};
use crate::text::sanitize;
use crate::ui::app::App;
use crate::ui::lanes::lane_name;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::widgets::{Block, Borders, Widget};

/// The text column of an event: what it is and what it says.
pub fn event_text(store: &Store, e: &Event) -> String {
    let mut s = String::new();
    if let Some(op) = e.op() {
        s.push_str(op.as_str());
        if let Some(o) = e.obj {
            s.push(' ');
            s.push_str(store.s(o));
        }
        if !e.value().is_null() {
            s.push_str(" = ");
            s.push_str(&e.value().to_text(store.strings()));
        }
    }
    if let Some(n) = e.name {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(store.s(n));
    }
    if let Some(d) = e.dur() {
        s.push_str(&format!(" ({})", time::format_duration(d)));
    }
    if let Some(m) = e.msg {
        if !s.is_empty() {
            s.push_str(": ");
        }
        let m = store.s(m);
        s.push_str(m.lines().next().unwrap_or(""));
        if m.contains('\n') {
            s.push_str(" …");
        }
    }
    sanitize(&s, true).into_owned()
}

/// `s` in at most `w` characters: when longer, its end behind `…`, since the end is what tells
/// lanes apart (`thread main` and `thread T1`, `dev/app.log` and `prod/app.log`).
fn fit_end(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n <= w {
        return s.to_string();
    }
    let tail: String = s.chars().skip(n + 1 - w.max(1)).collect();
    format!("…{tail}")
}

/// Draw the list.
pub fn draw(app: &App, area: Rect, buf: &mut Buffer, focused: bool) {
    let t = &app.theme;
    let title = format!(
        " events {}/{}{} ",
        if app.visible.is_empty() {
            0
        } else {
            app.selected + 1
        },
        app.visible.len(),
        if app.visible.len() < app.store.len() {
            " (filtered)"
        } else {
            ""
        }
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
    let lane_w = (inner.width / 6).clamp(6, 16) as usize;
    for row in 0..inner.height as usize {
        let pos = app.list_offset + row;
        let Some(&idx) = app.visible.get(pos) else {
            break;
        };
        let e = &app.store.events()[idx as usize];
        let y = inner.y + row as u16;
        let selected = pos == app.selected;
        let mark = if app.highlight.binary_search(&idx).is_ok() {
            "▶"
        } else {
            " "
        };
        let lvl = e
            .level()
            .map(|l| l.as_str().to_ascii_uppercase())
            .unwrap_or_else(|| e.kind().as_str().to_string());
        let lane = fit_end(
            &sanitize(&lane_name(&app.store, idx, app.lane_key), true),
            lane_w,
        );
        let line = format!(
            "{mark}{} {:<lw$.lw$} {:<5.5} {}",
            time::format_time_of_day_ms(e.ts),
            lane,
            lvl,
            event_text(&app.store, e),
            lw = lane_w
        );
        let style = if selected {
            t.selected()
        } else if app.highlight.binary_search(&idx).is_ok() {
            t.fg("match")
        } else {
            t.base()
        };
        buf.set_stringn(inner.x, y, &line, inner.width as usize, style);
        if !selected {
            // colour the level column
            let lx = inner.x + 1 + 12 + 1 + lane_w as u16 + 1;
            if lx + 5 <= inner.x + inner.width {
                buf.set_stringn(
                    lx,
                    y,
                    format!("{lvl:<5.5}"),
                    5,
                    t.level(e.level()).add_modifier(Modifier::BOLD),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fit_end;

    #[test]
    fn long_lane_names_keep_their_end() {
        assert_eq!(fit_end("thread T1", 9), "thread T1");
        assert_eq!(fit_end("thread main", 9), "…ead main");
        assert_eq!(fit_end("thread main", 6), "… main");
        assert_eq!(fit_end("x", 1), "x");
    }
}
