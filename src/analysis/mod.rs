//! Narrowing down: races and atomicity violations over schedules (happens-before with vector
//! clocks), state-machine checking, stale reads, and delta-debugging minimisation. Each takes
//! the store and a set of event indices, so the minimiser can run them on subsets. Also the
//! clock checks per source, run diff, and suggested hypotheses.

pub mod bits;
pub mod clock;
pub mod cooccur;
pub mod diff;
pub mod hb;
pub mod minimize;
pub mod races;
pub mod stale;
pub mod suggest;
pub mod verify;

use crate::model::{Format, Kind, Store};

/// All event indices of a store.
pub fn all(store: &Store) -> Vec<u32> {
    (0..store.len() as u32).collect()
}

/// Schedule operations recorded by heisen's own format (not imported race reports).
pub fn is_schedule_op(store: &Store, i: u32) -> bool {
    let e = &store.events()[i as usize];
    e.kind() == Kind::Op && !matches!(store.format_of(e), Format::Gorace | Format::Tsan)
}

/// A field or attribute of an event as text, by name (normalised fields first).
pub fn field_text(store: &Store, i: u32, name: &str) -> Option<String> {
    let e = &store.events()[i as usize];
    crate::model::field::Field::normalised(name)
        .and_then(|f| crate::model::field::get(store, e, f))
        .map(|v| v.text(store).into_owned())
        .or_else(|| store.attr(e, name).map(|v| v.to_text(store.strings())))
}
