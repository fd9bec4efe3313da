//! Backwards jumps of a source's clock in file order, tracked as the source is loaded (its
//! events are then in file order and in cache; after the time sort, file order would have to
//! be rebuilt).

use super::event::{Event, INHERIT_TS};
use serde::Serialize;

/// Backwards jumps smaller than this are ordinary interleaving of concurrent writers.
pub const JUMP_TOLERANCE_NS: i64 = 1_000_000_000;

/// What the clock of one source did in file order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Jumps {
    /// Times more than [`JUMP_TOLERANCE_NS`] below the latest time before them.
    pub count: u64,
    /// The largest such drop, in nanoseconds.
    pub worst_ns: i64,
    /// The line of the record with the largest drop.
    pub worst_line: Option<u32>,
}

/// Follows a source's events in file order, counting [`Jumps`].
#[derive(Clone, Debug)]
pub struct JumpTracker {
    jumps: Jumps,
    /// The latest time so far.
    max: i64,
    /// The time of the last record that had one (what a record without one takes).
    prev: Option<i64>,
}

impl Default for JumpTracker {
    fn default() -> Self {
        JumpTracker {
            jumps: Jumps::default(),
            max: i64::MIN,
            prev: None,
        }
    }
}

impl JumpTracker {
    /// Follow the next events of the source, in file order.
    pub fn feed(&mut self, events: &[Event]) {
        for e in events {
            let ts = if e.ts == INHERIT_TS {
                // Before the first time, records take that first time: never a jump.
                match self.prev {
                    Some(p) => p,
                    None => continue,
                }
            } else {
                self.prev = Some(e.ts);
                e.ts
            };
            let drop = self.max.saturating_sub(ts);
            if drop > JUMP_TOLERANCE_NS {
                let j = &mut self.jumps;
                j.count += 1;
                if drop > j.worst_ns {
                    j.worst_ns = drop;
                    j.worst_line = Some(e.line);
                }
            }
            self.max = self.max.max(ts);
        }
    }

    /// The jumps seen so far.
    pub fn jumps(&self) -> Jumps {
        self.jumps
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;

    fn events(times: &[i64]) -> Vec<Event> {
        times
            .iter()
            .enumerate()
            .map(|(i, &t)| {
                let mut e = Event::new(Kind::Log, t);
                e.line = i as u32 + 1;
                e
            })
            .collect()
    }

    #[test]
    fn counts_drops_beyond_the_tolerance_and_keeps_the_worst() {
        let s = 1_000_000_000;
        let ev = events(&[
            INHERIT_TS,
            10 * s,
            11 * s,
            11 * s - s / 2, // within the tolerance
            8 * s,          // 3 s back
            INHERIT_TS,     // takes 8 s: 3 s back again
            12 * s,
            5 * s, // 7 s back: the worst
        ]);
        let mut t = JumpTracker::default();
        t.feed(&ev);
        let j = t.jumps();
        assert_eq!((j.count, j.worst_ns, j.worst_line), (3, 7 * s, Some(8)));
        // Fed in pieces, the same.
        for cut in 0..ev.len() {
            let mut t = JumpTracker::default();
            t.feed(&ev[..cut]);
            t.feed(&ev[cut..]);
            assert_eq!(t.jumps(), j, "cut at {cut}");
        }
    }
}
