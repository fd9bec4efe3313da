//! Live growth: batches from followed files and the OTLP receiver are merged into the store
//! while the user keeps their place; the status line shows the rate and the lag.

use crate::ingest::{self, Grown};
use crate::model::{Event, Store};
use crate::ui::app::{App, Effect, Effects};
use crate::ui::lanes;
use std::sync::Arc;
use std::time::Duration;

/// What the status line says about live ingest.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct LiveStatus {
    pub rate: f64,
    pub lag_ns: i64,
    pub received: u64,
}

impl App {
    /// New events arrived: take the grown store, keep the user's place (or follow the end when
    /// they were at it), and re-run the active query so filters and hypotheses stay current.
    /// Without a query (every event shown, nothing running) the list and lanes are brought up
    /// to date here, at the cost of the changed events: nothing is re-run. With one, until its
    /// re-run comes back the list keeps what it showed before the change (all events, when it
    /// showed all); the changed ones wait for the re-run.
    pub fn store_grew(&mut self, grow: impl FnOnce(&mut Store) -> Grown) -> Effects {
        let at_end = self.visible.is_empty() || self.selected + 1 >= self.visible.len();
        let keep = self
            .selected_event()
            .map(|i| self.store.events[i as usize].order_key());
        let shows_all = self.shows_all();
        let old_len = self.store.len();
        let listed_all = self.visible.len() == old_len;
        // Copy-on-write: the store is copied only while a worker still reads the old one.
        let from = grow(Arc::make_mut(&mut self.store)).from.min(old_len);
        let len = self.store.len() as u32;
        // Indices from `from` on may name other events now.
        let cut = self.visible.partition_point(|&i| (i as usize) < from);
        self.visible.truncate(cut);
        if listed_all {
            self.visible.extend(from as u32..len);
            lanes::update_all(&mut self.lanes, &self.store, from, self.lane_key);
        } else {
            lanes::truncate(&mut self.lanes, from);
        }
        self.highlight.retain(|&i| (i as usize) < from);
        self.results.retain(|&i| (i as usize) < from);
        if self.result_pos.is_some_and(|p| p >= self.results.len()) {
            self.result_pos = None;
        }
        if at_end {
            self.select(self.visible.len().saturating_sub(1));
        } else if let Some(k) = keep {
            let events = &self.store.events;
            let pos = self
                .visible
                .partition_point(|&i| events[i as usize].order_key() < k);
            self.select(pos);
        }
        // The newest end among the changed events (the others were there before).
        let end = self.store.events[from..].iter().map(Event::end).max();
        if let Some(end) = end.filter(|&e| at_end && e > self.window.start + self.window.span) {
            self.window.start = end - self.window.span * 9 / 10;
        }
        if shows_all && listed_all {
            Vec::new()
        } else {
            vec![Effect::RunQuery(self.query.clone().unwrap_or_default())]
        }
    }

    /// Whether live batches pending for `waited` should be merged now: every 50 ms when a
    /// merge costs only the new events (no query to re-run), else every 250 ms; and not while
    /// a worker still holds the store (growing it would copy it) unless that has lasted 2 s.
    pub fn live_merge_due(&self, waited: Duration) -> bool {
        let every = Duration::from_millis(if self.shows_all() { 50 } else { 250 });
        waited >= every && (Arc::strong_count(&self.store) == 1 || waited >= Duration::from_secs(2))
    }

    /// Whether every event is listed with no query active or running, so that growth can be
    /// followed without re-running anything.
    fn shows_all(&self) -> bool {
        self.query.is_none() && self.running.is_none()
    }
}

/// Merge the pending live batches into the store and update the live status; `secs` since the
/// previous merge, `now_ns` the wall clock (Unix nanoseconds), both read by the loop.
pub(crate) fn merge(app: &mut App, secs: f64, now_ns: i64) -> Effects {
    let batches = std::mem::take(&mut app.live_pending);
    let received: u64 = batches.iter().map(|b| b.batch.events.len() as u64).sum();
    let newest = batches
        .iter()
        .filter_map(|b| b.batch.events.iter().map(|e| e.ts).max())
        .max();
    let mut refused = None;
    let fx = app.store_grew(|store| {
        ingest::absorb_live(store, batches).unwrap_or_else(|e| {
            // Nothing was added: say why instead.
            refused = Some(e.to_string());
            Grown {
                added: 0,
                from: store.len(),
            }
        })
    });
    if let Some(reason) = refused {
        app.message = Some(format!("live lines not merged: {reason}"));
    }
    if let Some(l) = &mut app.live {
        l.received += received;
        l.rate = received as f64 / secs.max(0.001);
        if let Some(newest) = newest {
            l.lag_ns = now_ns - newest;
        }
    }
    fx
}
