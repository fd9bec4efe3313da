//! The event list and the timeline window: which events are listed, the selection, scrolling,
//! stepping through results, zooming and panning.

use crate::model::Store;
use crate::ui::app::App;
use crate::ui::lanes;

/// The time window of the timeline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    pub start: i64,
    pub span: i64,
}

/// The window that shows everything.
pub fn full_window(store: &Store) -> Window {
    match store.time_range() {
        Some((a, b)) => {
            let span = (b - a).max(1_000);
            Window {
                start: a - span / 50,
                span: span + span / 25,
            }
        }
        None => Window {
            start: 0,
            span: 1_000_000_000,
        },
    }
}

impl App {
    /// The selected event's index in the store.
    pub fn selected_event(&self) -> Option<u32> {
        self.visible.get(self.selected).copied()
    }

    /// The lane of the selected event.
    pub fn selected_lane(&self) -> Option<String> {
        self.selected_event()
            .map(|i| lanes::lane_name(&self.store, i, self.lane_key))
    }

    /// Select list position `pos` (clamped), scrolling the list and the timeline to it.
    pub(crate) fn select(&mut self, pos: usize) {
        if self.visible.is_empty() {
            self.selected = 0;
            return;
        }
        self.selected = pos.min(self.visible.len() - 1);
        let rows = self.list_rows.max(1);
        if self.selected < self.list_offset {
            self.list_offset = self.selected;
        } else if self.selected >= self.list_offset + rows {
            self.list_offset = self.selected + 1 - rows;
        }
        self.follow_cursor();
    }

    /// Keep the selected event inside the timeline window.
    fn follow_cursor(&mut self) {
        if let Some(i) = self.selected_event() {
            let ts = self.store.events()[i as usize].ts;
            let w = &mut self.window;
            if ts < w.start || ts >= w.start + w.span {
                w.start = ts - w.span / 2;
            }
        }
    }

    /// Jump the selection to a store index (nearest visible event at or after it).
    pub fn jump_to(&mut self, idx: u32) {
        let pos = self.visible.partition_point(|&v| v < idx);
        self.select(pos);
    }

    /// Step to the next (or previous) counterexample or match.
    pub(crate) fn next_result(&mut self, forward: bool) {
        if self.results.is_empty() {
            self.message = Some("no counterexamples or matches to step through".into());
            return;
        }
        let n = self.results.len();
        let pos = match (self.result_pos, forward) {
            (None, _) => 0,
            (Some(p), true) => (p + 1) % n,
            (Some(p), false) => (p + n - 1) % n,
        };
        self.result_pos = Some(pos);
        self.jump_to(self.results[pos]);
        self.message = Some(format!("result {} of {n}", pos + 1));
    }

    /// Zoom the timeline by `factor` around the selected event (or the window's centre).
    pub(crate) fn zoom(&mut self, factor: f64) {
        let center = self
            .selected_event()
            .map(|i| self.store.events()[i as usize].ts)
            .unwrap_or(self.window.start + self.window.span / 2);
        let span = ((self.window.span as f64) * factor).clamp(1_000.0, 1e18) as i64;
        let rel = (center - self.window.start) as f64 / self.window.span.max(1) as f64;
        self.window = Window {
            start: center - (span as f64 * rel) as i64,
            span,
        };
    }
}
