//! Lanes, defined once: what an event's lane is under a key (with its fallbacks), and the
//! names lanes are shown by (a source is named by the shortest suffix of its path that tells
//! it from the other sources, so `dev/app.log` and `prod/app.log` stay apart).

use super::{Event, Store, Sym};
use serde::Serialize;
use std::collections::HashMap;

/// What a swimlane is keyed by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LaneKey {
    Service,
    Thread,
    Request,
    Trace,
    Source,
}

impl LaneKey {
    /// All lane keys, in the order the UI cycles through them.
    pub const ALL: [LaneKey; 5] = [
        LaneKey::Service,
        LaneKey::Thread,
        LaneKey::Request,
        LaneKey::Trace,
        LaneKey::Source,
    ];
    /// The field name.
    pub fn as_str(self) -> &'static str {
        match self {
            LaneKey::Service => "service",
            LaneKey::Thread => "thread",
            LaneKey::Request => "request",
            LaneKey::Trace => "trace",
            LaneKey::Source => "source",
        }
    }
    /// Parse a field name.
    pub fn parse(s: &str) -> Option<LaneKey> {
        LaneKey::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The lane of an event under this key: the key's value; without a service, its thread
    /// (schedules and race reports name threads, not services); else its source.
    pub fn lane(self, store: &Store, e: &Event) -> LaneId {
        if self != LaneKey::Source {
            if let Some(s) = store.lane_of(e, self) {
                return LaneId::Value(s);
            }
            if let (LaneKey::Service, Some(t)) = (self, e.thread) {
                return LaneId::Thread(t);
            }
        }
        LaneId::Source(e.source())
    }
}

/// An event's lane: equal lanes hold the same events (cheaper to compare than a name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LaneId {
    /// The value of the lane key.
    Value(Sym),
    /// No service: the thread.
    Thread(Sym),
    /// Neither: the source (index into the store's sources).
    Source(u32),
}

/// The names of a store's lanes; sources by their shortest distinct path suffix.
#[derive(Clone, Debug, Default)]
pub struct LaneNames {
    sources: Vec<String>,
}

impl LaneNames {
    /// Names for the lanes of `store` (as its sources are now).
    pub fn new(store: &Store) -> Self {
        let paths: Vec<&str> = store.sources().iter().map(|s| s.path.as_str()).collect();
        LaneNames {
            sources: source_names(&paths),
        }
    }

    /// The short name of a source.
    pub fn source(&self, source: u32) -> &str {
        self.sources.get(source as usize).map_or("", String::as_str)
    }

    /// A lane's name as text: the value, the thread, or the source's short name.
    pub fn plain(&self, store: &Store, lane: LaneId) -> String {
        match lane {
            LaneId::Value(s) | LaneId::Thread(s) => store.s(s).to_string(),
            LaneId::Source(i) => self.source(i).to_string(),
        }
    }

    /// A lane's label under `key`: a thread standing in for a service reads `thread T1`, a
    /// source standing in for a missing value reads `(app.log)`.
    pub fn label(&self, store: &Store, lane: LaneId, key: LaneKey) -> String {
        match lane {
            LaneId::Value(s) => store.s(s).to_string(),
            LaneId::Thread(t) => format!("thread {}", store.s(t)),
            LaneId::Source(i) if key == LaneKey::Source => self.source(i).to_string(),
            LaneId::Source(i) => format!("({})", self.source(i)),
        }
    }
}

/// For each path, the shortest suffix of whole components that no other (different) path
/// ends with: `dev/app.log` and `prod/app.log` keep their folders, a lone `x/y.log` is
/// `y.log`. Equal paths get equal names.
pub fn source_names(paths: &[&str]) -> Vec<String> {
    let parts: Vec<Vec<&str>> = paths
        .iter()
        .map(|p| p.split(['/', '\\']).filter(|c| !c.is_empty()).collect())
        .collect();
    let suffix = |i: usize, k: usize| -> String {
        let c = &parts[i];
        c[c.len().saturating_sub(k)..].join("/")
    };
    let deepest = parts.iter().map(Vec::len).max().unwrap_or(0);
    let mut names: Vec<Option<String>> = vec![None; paths.len()];
    for k in 1..=deepest {
        // Distinct paths per suffix of k components.
        let mut owners: HashMap<String, Vec<&str>> = HashMap::new();
        for (i, p) in paths.iter().enumerate() {
            let o = owners.entry(suffix(i, k)).or_default();
            if !o.contains(p) {
                o.push(p);
            }
        }
        for (i, name) in names.iter_mut().enumerate() {
            let s = suffix(i, k);
            if name.is_none() && owners[&s].len() == 1 {
                *name = Some(s);
            }
        }
        if names.iter().all(Option::is_some) {
            break;
        }
    }
    names
        .into_iter()
        .zip(paths)
        .map(|(n, p)| n.unwrap_or_else(|| p.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_named_by_their_shortest_distinct_suffix() {
        assert_eq!(
            source_names(&["dev/app.log", "prod/app.log", "x/db.log"]),
            ["dev/app.log", "prod/app.log", "db.log"]
        );
        assert_eq!(
            source_names(&["/r/a/x/app.log", "/r/b/x/app.log"]),
            ["a/x/app.log", "b/x/app.log"]
        );
        assert_eq!(
            source_names(&["a/x.jsonl", "x.jsonl"]),
            ["a/x.jsonl", "x.jsonl"]
        );
        assert_eq!(
            source_names(&["s.log", "s.log", "-"]),
            ["s.log", "s.log", "-"]
        );
        assert_eq!(source_names(&["live"]), ["live"]);
    }
}
