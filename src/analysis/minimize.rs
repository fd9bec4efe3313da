//! Delta debugging (ddmin) of the evidence: a causal slice by happens-before first, then whole
//! threads / groups, then single events, keeping an oracle true. The result is 1-minimal:
//! removing any one event makes the oracle fail.

use super::verify::Spec;
use crate::model::Store;
use std::collections::BTreeMap;

/// What must keep holding.
#[derive(Clone, Debug)]
pub enum Oracle {
    /// A race (on this object, if given).
    Race(Option<String>),
    /// A lost update (on this object, if given).
    LostUpdate(Option<String>),
    /// A state-machine violation (of this instance, if given). Once minimisation starts, the
    /// transition (from, to) of the first such violation is pinned, so that the repro keeps
    /// showing the same illegal transition and not some other one.
    Violation(Option<String>, Spec, Option<(Option<String>, String)>),
    /// A query still matches: a filter has events, a pattern has matches, a hypothesis has
    /// counterexamples.
    Hypothesis(String),
}

impl Oracle {
    /// Parse `race[:OBJ]`, `lost-update[:OBJ]`, `violation[:KEY]` (needs a spec),
    /// `hypothesis:<query>`.
    pub fn parse(s: &str, spec: Option<Spec>) -> Result<Oracle, String> {
        let (name, arg) = match s.split_once(':') {
            Some((n, a)) => (n, Some(a.to_string()).filter(|a| !a.is_empty())),
            None => (s, None),
        };
        match name {
            "race" => Ok(Oracle::Race(arg)),
            "lost-update" => Ok(Oracle::LostUpdate(arg)),
            "violation" => spec
                .map(|sp| Oracle::Violation(arg, sp, None))
                .ok_or_else(|| "the violation oracle needs --spec MACHINE.toml".to_string()),
            "hypothesis" => match arg {
                // A syntax error is the user's to fix, not an oracle that never holds.
                Some(q) => match crate::query::parse(&q) {
                    Ok(_) => Ok(Oracle::Hypothesis(q)),
                    Err(e) => Err(format!("hypothesis: {}", e.render(&q))),
                },
                None => Err("hypothesis: needs a query, e.g. hypothesis:expect … per request".to_string()),
            },
            other => Err(format!(
                "unknown oracle '{other}' (race[:OBJ], lost-update[:OBJ], violation[:KEY], hypothesis:QUERY)"
            )),
        }
    }

    /// The events that show the oracle holding (a race's two accesses, a lost update's four,
    /// a violation and the event before it); `None` for query oracles.
    pub fn witness(&self, store: &Store, events: &[u32]) -> Option<Vec<u32>> {
        match self {
            Oracle::Race(obj) => super::races::analyse(store, events)
                .races
                .into_iter()
                .find(|r| obj.as_ref().is_none_or(|o| *o == r.obj))
                .map(|r| vec![r.a, r.b]),
            Oracle::LostUpdate(obj) => super::races::analyse(store, events)
                .lost_updates
                .into_iter()
                .find(|l| obj.as_ref().is_none_or(|o| *o == l.obj))
                .map(|l| l.events),
            Oracle::Violation(key, spec, _) => super::verify::verify(store, spec, events)
                .violations
                .into_iter()
                .find(|v| key.as_ref().is_none_or(|k| *k == v.key))
                .map(|v| v.previous.into_iter().chain([v.event]).collect()),
            Oracle::Hypothesis(_) => None,
        }
    }

    /// Does the oracle hold on this subset of events?
    pub fn holds(&self, store: &Store, events: &[u32]) -> bool {
        match self {
            Oracle::Race(obj) => super::races::analyse(store, events)
                .races
                .iter()
                .any(|r| obj.as_ref().is_none_or(|o| *o == r.obj)),
            Oracle::LostUpdate(obj) => super::races::analyse(store, events)
                .lost_updates
                .iter()
                .any(|l| obj.as_ref().is_none_or(|o| *o == l.obj)),
            Oracle::Violation(key, spec, pinned) => super::verify::verify(store, spec, events)
                .violations
                .iter()
                .any(|v| {
                    key.as_ref().is_none_or(|k| *k == v.key)
                        && pinned
                            .as_ref()
                            .is_none_or(|(from, to)| *from == v.from && *to == v.to)
                }),
            Oracle::Hypothesis(q) => {
                let sub = store.subset(events);
                match crate::query::compile(&sub, q) {
                    Ok(c) => match crate::query::run(&sub, &c) {
                        crate::query::QueryResult::Events(e) => !e.is_empty(),
                        crate::query::QueryResult::Matches(m) => !m.is_empty(),
                        crate::query::QueryResult::Hypothesis(v) => {
                            v.condition_only + v.outcome_only > 0
                        }
                    },
                    Err(_) => false,
                }
            }
        }
    }
}

/// The outcome of a minimisation.
#[derive(Clone, Debug)]
pub struct Minimized {
    pub events: Vec<u32>,
    pub input_events: usize,
    pub after_slice: usize,
    pub oracle_calls: usize,
}

struct Counter<'a> {
    store: &'a Store,
    oracle: &'a Oracle,
    calls: usize,
}

impl Counter<'_> {
    fn test(&mut self, events: &[u32]) -> bool {
        self.calls += 1;
        self.oracle.holds(self.store, events)
    }
}

/// ddmin over items (each item a group of events); returns a 1-minimal list of items.
fn ddmin<T: Clone>(c: &mut Counter, items: Vec<T>, flat: impl Fn(&[T]) -> Vec<u32>) -> Vec<T> {
    let mut cur = items;
    let mut n = 2usize;
    while cur.len() >= 2 {
        let chunk = cur.len().div_ceil(n);
        let parts: Vec<Vec<T>> = cur.chunks(chunk).map(<[T]>::to_vec).collect();
        let mut reduced = false;
        for (k, part) in parts.iter().enumerate() {
            if parts.len() > 2 && c.test(&flat(part)) {
                cur = part.clone();
                n = 2;
                reduced = true;
                break;
            }
            let complement: Vec<T> = parts
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != k)
                .flat_map(|(_, p)| p.iter().cloned())
                .collect();
            if c.test(&flat(&complement)) {
                cur = complement;
                n = (n - 1).max(2);
                reduced = true;
                break;
            }
        }
        if !reduced {
            if n >= cur.len() {
                break;
            }
            n = (n * 2).min(cur.len());
        }
    }
    cur
}

/// Minimise `events` (store order) under an oracle. `None` when the oracle does not hold on
/// the input to begin with.
pub fn minimize(store: &Store, events: &[u32], oracle: &Oracle) -> Option<Minimized> {
    let pinned;
    let oracle = match oracle {
        Oracle::Violation(key, spec, None) => {
            let first = super::verify::verify(store, spec, events)
                .violations
                .into_iter()
                .find(|v| key.as_ref().is_none_or(|k| *k == v.key))?;
            pinned = Oracle::Violation(key.clone(), spec.clone(), Some((first.from, first.to)));
            &pinned
        }
        other => other,
    };
    let mut c = Counter {
        store,
        oracle,
        calls: 0,
    };
    if !c.test(events) {
        return None;
    }
    // 1. Causal slice: keep what happens before the last event of a small failing prefix.
    let mut cur: Vec<u32> = events.to_vec();
    let prefix_end = {
        let (mut lo, mut hi) = (1usize, events.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if c.test(&events[..mid]) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        lo
    };
    cur.truncate(prefix_end);
    if let Some(targets) = oracle.witness(store, &cur) {
        let hb = super::hb::compute(store, &cur);
        let sliced: Vec<u32> = cur
            .iter()
            .copied()
            .filter(|&i| {
                targets.contains(&i)
                    || !hb.thread_of.contains_key(&i)
                    || targets.iter().any(|&t| hb.happens_before(i, t))
            })
            .collect();
        if sliced.len() < cur.len() && c.test(&sliced) {
            cur = sliced;
        }
    }
    let after_slice = cur.len();
    // 2. Whole threads / groups.
    let mut groups: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for &i in &cur {
        let e = &store.events()[i as usize];
        let g = e
            .thread
            .or(e.request)
            .or(e.trace)
            .map(|s| store.s(s).to_string())
            .unwrap_or_default();
        groups.entry(g).or_default().push(i);
    }
    let flat_groups = |gs: &[Vec<u32>]| {
        let mut v: Vec<u32> = gs.iter().flatten().copied().collect();
        v.sort_unstable();
        v
    };
    let kept = ddmin(&mut c, groups.into_values().collect(), flat_groups);
    cur = flat_groups(&kept);
    // 3. Single events.
    let kept = ddmin(&mut c, cur, |v: &[u32]| v.to_vec());
    Some(Minimized {
        events: kept,
        input_events: events.len(),
        after_slice,
        oracle_calls: c.calls,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{load_named_bytes, LoadOptions};

    #[test]
    fn counter_lost_update_shrinks_to_four_events_and_is_one_minimal() {
        let data = include_bytes!("../../sample-traces/counter/schedule.jsonl");
        let st = load_named_bytes(&[("c", data)], &LoadOptions::default()).unwrap();
        let all = super::super::all(&st);
        let o = Oracle::parse("lost-update:counter", None).unwrap();
        let m = minimize(&st, &all, &o).unwrap();
        assert_eq!(m.events.len(), 4, "{:?}", m.events);
        assert!(o.holds(&st, &m.events));
        for k in 0..m.events.len() {
            let mut less = m.events.clone();
            less.remove(k);
            assert!(
                !o.holds(&st, &less),
                "removing event {k} keeps the oracle: not 1-minimal"
            );
        }
        assert!(Oracle::parse("violation", None).is_err());
        assert!(Oracle::parse("nonsense", None).is_err());
    }
}
