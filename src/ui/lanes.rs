//! Swimlanes: the visible events grouped by a lane key, in order of first appearance.

use crate::model::{LaneKey, Store};
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
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut lanes: Vec<Lane> = Vec::new();
    for &i in visible {
        let name = lane_name(store, i, key);
        let at = *index.entry(name.clone()).or_insert_with(|| {
            lanes.push(Lane {
                name,
                events: Vec::new(),
                max_dur: 0,
            });
            lanes.len() - 1
        });
        let lane = &mut lanes[at];
        lane.events.push(i);
        lane.max_dur = lane.max_dur.max(store.events[i as usize].dur.unwrap_or(0));
    }
    lanes
}
