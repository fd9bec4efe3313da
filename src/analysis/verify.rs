//! State machines: replay each instance (events sharing a key) in time order and report its
//! first illegal transition, with the interleaving of other instances in between.

use crate::model::Store;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A spec file:
/// ```toml
/// key = "order_id"
/// state = "state"
/// initial = "created"
/// [transitions]
/// created = ["paid", "cancelled"]
/// ```
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct Spec {
    /// Field or attribute naming the instance.
    pub key: String,
    /// Field or attribute holding the state entered.
    pub state: String,
    /// The state every instance must start in.
    pub initial: String,
    /// Allowed transitions: state → states it may go to.
    #[serde(default)]
    pub transitions: BTreeMap<String, Vec<String>>,
}

impl Spec {
    /// Parse a spec file's text (errors name the line).
    pub fn parse(text: &str) -> Result<Spec, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }
    /// Every state the spec mentions.
    pub fn states(&self) -> BTreeSet<&str> {
        let mut s: BTreeSet<&str> = BTreeSet::new();
        s.insert(&self.initial);
        for (from, tos) in &self.transitions {
            s.insert(from);
            s.extend(tos.iter().map(String::as_str));
        }
        s
    }
}

/// The first illegal transition of one instance.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Violation {
    pub key: String,
    /// The state before (`None` for a wrong first state).
    pub from: Option<String>,
    pub to: String,
    /// `illegal transition`, `unknown state` or `wrong initial state`.
    pub reason: &'static str,
    pub event: u32,
    pub previous: Option<u32>,
    /// Events of other instances or lanes between the previous and the offending event.
    pub between: Vec<u32>,
}

/// The result of checking a store.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Report {
    pub instances: usize,
    pub violations: Vec<Violation>,
}

/// How many interleaved events a violation lists.
pub const BETWEEN_MAX: usize = 50;

/// Check `events` (store order) against a spec.
pub fn verify(store: &Store, spec: &Spec, events: &[u32]) -> Report {
    let known = spec.states();
    // instance → (current state, index of the last event, violated?)
    let mut inst: HashMap<String, (String, u32, bool)> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut violations = Vec::new();
    let mut pos_of: HashMap<u32, usize> = HashMap::new();
    for (p, &i) in events.iter().enumerate() {
        pos_of.insert(i, p);
        let (Some(key), Some(state)) = (
            super::field_text(store, i, &spec.key),
            super::field_text(store, i, &spec.state),
        ) else {
            continue;
        };
        let violation = match inst.get(&key) {
            None => {
                order.push(key.clone());
                if !known.contains(state.as_str()) {
                    Some((None, "unknown state"))
                } else if state != spec.initial {
                    Some((None, "wrong initial state"))
                } else {
                    None
                }
            }
            Some((_, _, true)) => {
                continue;
            }
            Some((cur, prev, false)) => {
                if !known.contains(state.as_str()) {
                    Some((Some((cur.clone(), *prev)), "unknown state"))
                } else if !spec
                    .transitions
                    .get(cur)
                    .is_some_and(|tos| tos.contains(&state))
                {
                    Some((Some((cur.clone(), *prev)), "illegal transition"))
                } else {
                    None
                }
            }
        };
        match violation {
            Some((from, reason)) => {
                let between = match &from {
                    Some((_, prev)) => {
                        let a = pos_of.get(prev).copied().unwrap_or(p);
                        events[a + 1..p]
                            .iter()
                            .copied()
                            .filter(|&j| {
                                super::field_text(store, j, &spec.key).as_deref()
                                    != Some(key.as_str())
                            })
                            .take(BETWEEN_MAX)
                            .collect()
                    }
                    None => Vec::new(),
                };
                violations.push(Violation {
                    key: key.clone(),
                    from: from.as_ref().map(|f| f.0.clone()),
                    to: state.clone(),
                    reason,
                    event: i,
                    previous: from.map(|f| f.1),
                    between,
                });
                inst.insert(key, (state, i, true));
            }
            None => {
                inst.insert(key, (state, i, false));
            }
        }
    }
    Report {
        instances: order.len(),
        violations,
    }
}
