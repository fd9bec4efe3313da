//! Swimlanes: the visible events grouped by a lane key, in order of first appearance.

use crate::model::{Event, LaneKey, Store, Sym};
use std::collections::HashMap;

/// One swimlane.
#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    pub name: String,
    /// Event indices in store (time) order.
    pub events: Vec<u32>,
    /// The longest duration in the lane (to find spans that start before a window).
    pub max_dur: i64,
}

/// The lane name of an event: the key's value, or the source file when it has none.
pub fn lane_name(store: &Store, idx: u32, key: LaneKey) -> String {
    let e = &store.events[idx as usize];
    if key != LaneKey::Source {
        if let Some(s) = store.lane_of(e, key) {
            return store.s(s).to_string();
        }
        // No service: the thread is the next most telling lane (schedules, race reports).
        if key == LaneKey::Service {
            if let Some(t) = e.thread {
                return format!("thread {}", store.s(t));
            }
        }
    }
    let path = store.source_path(e);
    let file = std::path::Path::new(path)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string());
    if key == LaneKey::Source {
        file
    } else {
        format!("({file})")
    }
}

/// Group `visible` into lanes by `key`.
pub fn compute(store: &Store, visible: &[u32], key: LaneKey) -> Vec<Lane> {
    let mut lanes = Vec::new();
    add(
        &mut lanes,
        HashMap::new(),
        store,
        visible.iter().copied(),
        key,
    );
    lanes
}

/// Bring lanes of every event up to date after the store changed from index `from` on (the
/// events before it kept their places): afterwards they equal [`compute`] over every event,
/// at the cost of the changed events only.
pub fn update_all(lanes: &mut Vec<Lane>, store: &Store, from: usize, key: LaneKey) {
    truncate(lanes, from);
    let index = lanes
        .iter()
        .enumerate()
        .map(|(at, l)| (l.name.clone(), at))
        .collect();
    add(lanes, index, store, from as u32..store.len() as u32, key);
}

/// What decides an event's lane name (equal ids give equal names), cheaper than the name.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum LaneId {
    Value(Sym),
    Thread(Sym),
    Source(u32),
}

fn lane_id(store: &Store, e: &Event, key: LaneKey) -> LaneId {
    if key != LaneKey::Source {
        if let Some(s) = store.lane_of(e, key) {
            return LaneId::Value(s);
        }
        if let (LaneKey::Service, Some(t)) = (key, e.thread) {
            return LaneId::Thread(t);
        }
    }
    LaneId::Source(e.source())
}

/// Drop the events from index `from` on (the store changed there), and the lanes left empty
/// (one that first appeared there may appear in another order when they come back).
pub fn truncate(lanes: &mut Vec<Lane>, from: usize) {
    for lane in lanes.iter_mut() {
        let cut = lane.events.partition_point(|&i| (i as usize) < from);
        lane.events.truncate(cut);
    }
    lanes.retain(|l| !l.events.is_empty());
}

/// Add events to the lanes (`index` finds a lane by name), new lanes in order of appearance.
fn add(
    lanes: &mut Vec<Lane>,
    mut index: HashMap<String, usize>,
    store: &Store,
    events: impl Iterator<Item = u32>,
    key: LaneKey,
) {
    // The name is made once per distinct id, not once per event.
    let mut by_id: HashMap<LaneId, usize, ahash::RandomState> = HashMap::default();
    for i in events {
        let e = &store.events[i as usize];
        let id = lane_id(store, e, key);
        let at = *by_id.entry(id).or_insert_with(|| {
            let name = lane_name(store, i, key);
            *index.entry(name.clone()).or_insert_with(|| {
                lanes.push(Lane {
                    name,
                    events: Vec::new(),
                    max_dur: 0,
                });
                lanes.len() - 1
            })
        });
        let lane = &mut lanes[at];
        lane.events.push(i);
        lane.max_dur = lane.max_dur.max(e.dur().unwrap_or(0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{absorb_live, load_named_bytes, parse_chunk, Ctx, LiveBatch, LoadOptions};
    use crate::model::Format;

    fn jsonl(records: &[(i64, &str, i64)]) -> String {
        records
            .iter()
            .map(|(ms, svc, dur)| {
                format!(
                    "{{\"ts\":{},\"service\":\"{svc}\",\"msg\":\"m\",\"dur_ns\":{dur}}}\n",
                    1_700_000_000_000i64 + ms
                )
            })
            .collect()
    }

    #[test]
    fn updated_lanes_equal_lanes_computed_afresh() {
        let text = jsonl(&[
            (10, "api", 5),
            (20, "db", 0),
            (30, "api", 1),
            (40, "late", 0),
        ]);
        let opts = LoadOptions::default();
        let mut store = load_named_bytes(&[("a.log", text.as_bytes())], &opts).expect("loads");
        for key in LaneKey::ALL {
            let mut s = store.clone();
            let all: Vec<u32> = (0..s.len() as u32).collect();
            let mut lanes = compute(&s, &all, key);
            // A late "cache" record goes before "late", which thereby appears after it; a new
            // "api" record is longer than the others; one has no service.
            let ctx = Ctx::new(s.strings.clone());
            let more = jsonl(&[(35, "cache", 0), (50, "api", 9)])
                + "{\"ts\":1700000000060,\"msg\":\"x\"}\n";
            let batch = parse_chunk(more.as_bytes(), &ctx, crate::ingest::jsonl::line);
            let grown = absorb_live(
                &mut s,
                [LiveBatch {
                    path: "live".into(),
                    format: Format::Jsonl,
                    batch,
                }],
            )
            .unwrap();
            assert_eq!((grown.added, grown.from), (3, 3));
            update_all(&mut lanes, &s, grown.from, key);
            let all: Vec<u32> = (0..s.len() as u32).collect();
            assert_eq!(lanes, compute(&s, &all, key), "{key:?}");
        }
        // Growing nothing changes nothing.
        let all: Vec<u32> = (0..store.len() as u32).collect();
        let mut lanes = compute(&store, &all, LaneKey::Service);
        let grown = absorb_live(&mut store, []).unwrap();
        update_all(&mut lanes, &store, grown.from, LaneKey::Service);
        assert_eq!(lanes, compute(&store, &all, LaneKey::Service));
        let names: Vec<&str> = lanes.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["api", "db", "late"]);
    }
}
