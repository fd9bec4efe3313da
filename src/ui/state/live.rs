//! Live growth: batches from followed files and the OTLP receiver are merged into the store
//! while the user keeps their place; the status line shows the rate and the lag.
//!
//! A merge costs the new events (and the stored ones later than the earliest of them) when the
//! loop holds the only reference to the store: it is done in place. While a worker still reads
//! the store, growing it means copying it first; that copy and the merge run on a worker
//! ([`Effect::Grow`]), and the grown store comes back as a message.

use crate::ingest::{self, Grown, LiveBatch};
use crate::model::{Event, Store};
use crate::ui::app::{App, Effect, Effects, Handoff};
use crate::ui::lanes;
use crate::ui::msg::Msg;
use std::sync::Arc;
use std::time::Duration;

/// What the status line says about live ingest.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct LiveStatus {
    pub rate: f64,
    pub lag_ns: i64,
    pub received: u64,
}

/// A merge under way on a worker: what it will tell the status line.
pub struct Growing {
    stats: Stats,
}

/// Where the user was before the store grew.
struct Place {
    at_end: bool,
    keep: Option<Event>,
    shows_all: bool,
    old_len: usize,
    listed_all: bool,
}

impl App {
    /// New events arrived: take the grown store, keep the user's place (or follow the end when
    /// they were at it), and re-run the active query so filters and hypotheses stay current.
    /// Without a query (every event shown, nothing running) the list and lanes are brought up
    /// to date here, at the cost of the changed events: nothing is re-run. With one, until its
    /// re-run comes back the list keeps what it showed before the change (all events, when it
    /// showed all); the changed ones wait for the re-run.
    pub fn store_grew(&mut self, grow: impl FnOnce(&mut Store) -> Grown) -> Effects {
        let place = self.place();
        // Copy-on-write: the store is copied only while a worker still reads the old one.
        let from = grow(Arc::make_mut(&mut self.store)).from;
        self.follow_growth(place, from)
    }

    /// Take a store grown elsewhere (from this one), as [`App::store_grew`] does.
    pub fn store_replaced(&mut self, store: Arc<Store>, grown: Grown) -> Effects {
        let place = self.place();
        self.store = store;
        self.follow_growth(place, grown.from)
    }

    fn place(&self) -> Place {
        Place {
            at_end: self.visible.is_empty() || self.selected + 1 >= self.visible.len(),
            keep: self
                .selected_event()
                .map(|i| self.store.events()[i as usize].clone()),
            shows_all: self.shows_all(),
            old_len: self.store.len(),
            listed_all: self.visible.len() == self.store.len(),
        }
    }

    /// Bring the view up to date with a store that changed from index `from` on.
    fn follow_growth(&mut self, place: Place, from: usize) -> Effects {
        let from = from.min(place.old_len);
        let len = self.store.len() as u32;
        // Indices from `from` on may name other events now.
        let cut = self.visible.partition_point(|&i| (i as usize) < from);
        self.visible.truncate(cut);
        if place.listed_all {
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
        if place.at_end {
            self.select(self.visible.len().saturating_sub(1));
        } else if let Some(k) = place.keep {
            let events = &self.store.events();
            let pos = self
                .visible
                .partition_point(|&i| events[i as usize].order_key() < k.order_key());
            self.select(pos);
        }
        // The newest end among the changed events (the others were there before).
        let end = self.store.events()[from..].iter().map(Event::end).max();
        let window_end = self.window.start + self.window.span;
        if let Some(end) = end.filter(|&e| place.at_end && e > window_end) {
            self.window.start = end - self.window.span * 9 / 10;
        }
        if place.shows_all && place.listed_all {
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

/// Merge the pending live batches; `secs` since the previous merge, `now_ns` the wall clock
/// (Unix nanoseconds), both read by the loop. In place when the store is not shared, else on
/// a worker (one growth at a time; batches arriving meanwhile wait for the next merge).
pub(crate) fn merge(app: &mut App, secs: f64, now_ns: i64) -> Effects {
    if app.growing.is_some() || app.live_pending.is_empty() {
        return Vec::new();
    }
    let batches = std::mem::take(&mut app.live_pending);
    let stats = Stats::of(&batches, secs, now_ns);
    if Arc::strong_count(&app.store) > 1 {
        app.growing = Some(Growing { stats });
        return vec![Effect::Grow(Handoff::new(batches))];
    }
    let mut refused = None;
    let fx = app.store_grew(|store| {
        grow(store, batches).unwrap_or_else(|e| {
            refused = Some(e);
            Grown {
                added: 0,
                from: store.len(),
            }
        })
    });
    stats.show(app, refused);
    fx
}

/// Copy the store and merge the batches into the copy (the work of [`Effect::Grow`]).
pub fn grow_copy(store: &Store, batches: Vec<LiveBatch>) -> Msg {
    let mut copy = store.clone();
    let result = grow(&mut copy, batches).map(|grown| (Arc::new(copy), grown));
    Msg::Grown(result)
}

/// The copy grown on a worker arrived (or why nothing was added).
pub(crate) fn grown(app: &mut App, result: Result<(Arc<Store>, Grown), String>) -> Effects {
    let Some(g) = app.growing.take() else {
        return Vec::new();
    };
    let (fx, refused) = match result {
        Ok((store, grown)) => (app.store_replaced(store, grown), None),
        Err(e) => (Vec::new(), Some(e)),
    };
    g.stats.show(app, refused);
    fx
}

fn grow(store: &mut Store, batches: Vec<LiveBatch>) -> Result<Grown, String> {
    ingest::absorb_live(store, batches).map_err(|e| e.to_string())
}

/// What a merge tells the status line.
struct Stats {
    received: u64,
    newest: Option<i64>,
    secs: f64,
    now_ns: i64,
}

impl Stats {
    fn of(batches: &[LiveBatch], secs: f64, now_ns: i64) -> Stats {
        Stats {
            received: batches.iter().map(|b| b.batch.events.len() as u64).sum(),
            newest: batches
                .iter()
                .filter_map(|b| b.batch.events.iter().map(|e| e.ts).max())
                .max(),
            secs,
            now_ns,
        }
    }

    /// Update the live status; when nothing was merged, say why.
    fn show(self, app: &mut App, refused: Option<String>) {
        if let Some(reason) = refused {
            app.message = Some(format!("live lines not merged: {reason}"));
        }
        if let Some(l) = &mut app.live {
            l.received += self.received;
            l.rate = self.received as f64 / self.secs.max(0.001);
            if let Some(newest) = self.newest {
                l.lag_ns = self.now_ns - newest;
            }
        }
    }
}
