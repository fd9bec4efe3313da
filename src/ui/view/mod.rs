//! Rendering: pure functions from `&App` to a frame. Layout adapts from 80×24 to large screens.

pub mod bars;
pub mod compare;
pub mod detail;
pub mod list;
pub mod overlay;
pub mod replay;
pub mod timeline;
pub mod verdict;

use super::app::{App, Mode, Pane};
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// The number of event-list rows the layout gives for a terminal size (the app needs it for
/// paging, before drawing).
pub fn list_rows(width: u16, height: u16) -> usize {
    let (_, mid, _) = split(Rect::new(0, 0, width, height));
    mid.height.saturating_sub(2) as usize
}

fn split(area: Rect) -> (Rect, Rect, Rect) {
    let tl = (area.height.saturating_sub(2) * 2 / 5).clamp(5, 24);
    let [top, mid, bottom] = Layout::vertical([
        Constraint::Length(tl),
        Constraint::Min(3),
        Constraint::Length(2),
    ])
    .areas(area);
    (top, mid, bottom)
}

/// Draw a whole frame.
pub fn draw(app: &App, f: &mut Frame) {
    let area = f.area();
    if area.width < 40 || area.height < 10 {
        f.render_widget(
            Paragraph::new("heisen needs at least 40×10 — make the terminal larger"),
            area,
        );
        return;
    }
    let (top, mid, bottom) = split(area);
    let buf = f.buffer_mut();
    timeline::draw(app, top, buf, app.focus == Pane::Timeline);
    // The query bar's popups cover the inside of the pane above it, never its border.
    let popup_over = match (app.mode, &app.compare) {
        (Mode::Compare, Some(c)) => {
            compare::draw(app, c, mid, buf);
            mid.inner(Margin::new(1, 1))
        }
        _ => {
            let detail_w = (mid.width * 2 / 5).max(28);
            let [left, right] =
                Layout::horizontal([Constraint::Min(30), Constraint::Length(detail_w)]).areas(mid);
            list::draw(app, left, buf, app.focus == Pane::List);
            if app.mode == Mode::Replay {
                replay::draw(app, right, buf);
            } else {
                detail::draw(app, right, buf, app.focus == Pane::Detail);
            }
            left.inner(Margin::new(1, 1))
        }
    };
    let [qbar, status] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(bottom);
    let cursor = bars::draw_query(app, qbar, popup_over, buf);
    bars::draw_status(app, status, buf);
    if matches!(app.mode, Mode::Help | Mode::Errors) {
        overlay::draw(app, area, f.buffer_mut());
    }
    if let Some((x, y)) = cursor {
        f.set_cursor_position((x, y));
    }
}
