//! Swimlanes on the screen: the visible events grouped by a lane key (defined in
//! [`crate::model::lanes`]), in order of first appearance.

use crate::model::{LaneId, LaneKey, LaneNames, Store};
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

/// The lane name of an event under `key` (see [`LaneNames::label`]).
pub fn lane_name(store: &Store, idx: u32, key: LaneKey) -> String {
    let lane = key.lane(store, &store.events()[idx as usize]);
    // Only a source's name depends on the other sources.
    let names = match lane {
        LaneId::Source(_) => LaneNames::new(store),
        _ => LaneNames::default(),
    };
    names.label(store, lane, key)
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
/// at the cost of the changed events only (all of them when a new source renamed an old one).
pub fn update_all(lanes: &mut Vec<Lane>, store: &Store, from: usize, key: LaneKey) {
    truncate(lanes, from);
    let names = LaneNames::new(store);
    let renamed = lanes.iter().any(|l| {
        l.events.first().is_some_and(|&i| {
            names.label(store, key.lane(store, &store.events()[i as usize]), key) != l.name
        })
    });
    if renamed {
        lanes.clear();
        add(lanes, HashMap::new(), store, 0..store.len() as u32, key);
        return;
    }
    let index = lanes
        .iter()
        .enumerate()
        .map(|(at, l)| (l.name.clone(), at))
        .collect();
    add(lanes, index, store, from as u32..store.len() as u32, key);
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
    // The name is made once per distinct lane, not once per event.
    let names = LaneNames::new(store);
    let mut by_id: HashMap<LaneId, usize, ahash::RandomState> = HashMap::default();
    for i in events {
        let e = &store.events()[i as usize];
        let id = key.lane(store, e);
        let at = *by_id.entry(id).or_insert_with(|| {
            let name = names.label(store, id, key);
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
            let ctx = Ctx::new(s.strings().clone());
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

    #[test]
    fn files_of_one_name_in_two_folders_are_two_lanes() {
        let a = "{\"ts\":1700000000000,\"msg\":\"from a\"}\n";
        let b = "{\"ts\":1700000000001,\"msg\":\"from b\"}\n";
        let opts = LoadOptions::default();
        let store = load_named_bytes(
            &[("a/x.jsonl", a.as_bytes()), ("b/x.jsonl", b.as_bytes())],
            &opts,
        )
        .expect("loads");
        let all: Vec<u32> = (0..store.len() as u32).collect();
        for (key, names) in [
            (LaneKey::Service, ["(a/x.jsonl)", "(b/x.jsonl)"]),
            (LaneKey::Source, ["a/x.jsonl", "b/x.jsonl"]),
        ] {
            let lanes = compute(&store, &all, key);
            let got: Vec<(&str, usize)> = lanes
                .iter()
                .map(|l| (l.name.as_str(), l.events.len()))
                .collect();
            assert_eq!(got, [(names[0], 1), (names[1], 1)], "{key:?}");
        }
    }
}
