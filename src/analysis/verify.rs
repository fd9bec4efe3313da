//! State machines: replay each instance (events sharing a key) in time order and report its
//! first illegal transition, with the interleaving of other instances in between.

use crate::model::field::{get, key_of, Field, GroupKey, FV};
use crate::model::Store;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

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
    let (Some(kf), Some(sf)) = (
        Field::resolve(store, &spec.key, false),
        Field::resolve(store, &spec.state, false),
    ) else {
        return Report::default();
    };
    // States as small numbers; the allowed transitions as a set of pairs (memory linear in
    // the size of the spec, not quadratic in its states).
    let names: Vec<&str> = spec.states().into_iter().collect();
    let numbers: HashMap<&str, usize, ahash::RandomState> =
        names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let index = |s: &str| numbers.get(s).copied();
    let by_sym: HashMap<crate::model::Sym, usize, ahash::RandomState> = names
        .iter()
        .enumerate()
        .filter_map(|(i, n)| store.strings().lookup(n).map(|s| (s, i)))
        .collect();
    let allowed: HashSet<(usize, usize), ahash::RandomState> = spec
        .transitions
        .iter()
        .flat_map(|(from, tos)| tos.iter().filter_map(|to| Some((index(from)?, index(to)?))))
        .collect();
    let initial = index(&spec.initial);
    // instance → (current state, index of the last event, violated?)
    let mut inst: HashMap<GroupKey, (usize, u32, bool), ahash::RandomState> = HashMap::default();
    let mut instances = 0usize;
    let mut violations = Vec::new();
    for (p, &i) in events.iter().enumerate() {
        let e = &store.events()[i as usize];
        let (Some(key), Some(state)) = (key_of(store, e, kf), get(store, e, sf)) else {
            continue;
        };
        let st = match state {
            FV::Sym(s) => by_sym.get(&s).copied(),
            other => index(&other.text(store)),
        };
        let violation = match inst.get(&key) {
            None => {
                instances += 1;
                match st {
                    None => Some((None, "unknown state")),
                    Some(s) if Some(s) != initial => Some((None, "wrong initial state")),
                    _ => None,
                }
            }
            Some((_, _, true)) => continue,
            Some(&(cur, prev, false)) => match st {
                None => Some((Some((cur, prev)), "unknown state")),
                Some(s) if !allowed.contains(&(cur, s)) => {
                    Some((Some((cur, prev)), "illegal transition"))
                }
                _ => None,
            },
        };
        match violation {
            Some((from, reason)) => {
                let between = match from {
                    Some((_, prev)) => {
                        let a = events.binary_search(&prev).unwrap_or(p);
                        events[a + 1..p]
                            .iter()
                            .copied()
                            .filter(|&j| {
                                key_of(store, &store.events()[j as usize], kf).as_ref()
                                    != Some(&key)
                            })
                            .take(BETWEEN_MAX)
                            .collect()
                    }
                    None => Vec::new(),
                };
                violations.push(Violation {
                    key: key.text(store),
                    from: from.map(|f| names[f.0].to_string()),
                    to: state.text(store).into_owned(),
                    reason,
                    event: i,
                    previous: from.map(|f| f.1),
                    between,
                });
                inst.insert(key, (st.unwrap_or(0), i, true));
            }
            None => {
                inst.insert(key, (st.unwrap_or(0), i, false));
            }
        }
    }
    Report {
        instances,
        violations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{load_named_bytes, LoadOptions};

    /// A chain of 100 000 states: a matrix of states × states would need 10 GB.
    #[test]
    fn a_spec_with_many_states_is_checked_in_linear_memory() {
        const N: usize = 100_000;
        let spec = Spec {
            key: "obj".into(),
            state: "msg".into(),
            initial: "s0".into(),
            transitions: (0..N - 1)
                .map(|i| (format!("s{i}"), vec![format!("s{}", i + 1)]))
                .collect(),
        };
        let text = format!(
            "{{\"ts\":1,\"obj\":\"o\",\"msg\":\"s0\"}}\n{{\"ts\":2,\"obj\":\"o\",\"msg\":\"s1\"}}\n{{\"ts\":3,\"obj\":\"o\",\"msg\":\"s{}\"}}\n",
            N - 1
        );
        let store = load_named_bytes(&[("m.jsonl", text.as_bytes())], &LoadOptions::default())
            .expect("loads");
        let r = verify(&store, &spec, &[0, 1, 2]);
        assert_eq!(r.instances, 1);
        assert_eq!(r.violations.len(), 1);
        let v = &r.violations[0];
        assert_eq!(
            (v.from.as_deref(), v.reason),
            (Some("s1"), "illegal transition")
        );
        assert_eq!((v.event, v.previous), (2, Some(1)));
    }
}
