//! Deterministic replay: the state that is true after each event — shared variables and their
//! last writer, locks held, spans open, per-key state-machine state. The same store gives the
//! same sequence of states on every run and machine.

use crate::model::{Event, Kind, Op, Store, Sym};
use serde::Serialize;
use std::collections::BTreeMap;

/// A shared variable at the cursor.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct VarState {
    pub obj: String,
    pub value: serde_json::Value,
    /// The thread that wrote it last.
    pub writer: String,
    /// Index of the writing event.
    pub at: usize,
}

/// A lock held at the cursor.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LockState {
    pub lock: String,
    pub holder: String,
    pub since: usize,
}

/// A span open at the cursor.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct OpenSpan {
    pub span: String,
    pub name: String,
    pub service: String,
    pub start_ns: i64,
}

/// One instance's state-machine state.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct MachineState {
    pub key: String,
    pub state: String,
}

/// Everything true after a step.
#[derive(Clone, Debug, Serialize, PartialEq, Default)]
pub struct ReplayState {
    pub step: usize,
    pub ts: String,
    pub vars: Vec<VarState>,
    pub locks: Vec<LockState>,
    pub open_spans: Vec<OpenSpan>,
    pub machines: Vec<MachineState>,
}

/// Which fields drive per-key machine state (from a `verify` spec).
#[derive(Clone, Debug)]
pub struct MachineFields {
    pub key: String,
    pub state: String,
}

#[derive(Clone, Default)]
struct Raw {
    vars: BTreeMap<Sym, (crate::model::Value, Option<Sym>, usize)>,
    locks: BTreeMap<Sym, (Option<Sym>, usize)>,
    machines: BTreeMap<String, String>,
}

/// Steps through a store in order, with checkpoints so that jumping around is cheap.
pub struct Replayer<'a> {
    store: &'a Store,
    machine: Option<MachineFields>,
    checkpoints: Vec<(usize, Raw)>,
    /// Checkpoint every this many events.
    every: usize,
}

impl<'a> Replayer<'a> {
    /// A replayer over a store.
    pub fn new(store: &'a Store) -> Self {
        Replayer {
            store,
            machine: None,
            checkpoints: vec![(0, Raw::default())],
            every: 4096,
        }
    }

    /// Also track a per-key state machine (`key` and `state` are field or attribute names).
    pub fn with_machine(mut self, m: MachineFields) -> Self {
        self.machine = Some(m);
        self
    }

    fn apply(&self, raw: &mut Raw, i: usize, e: &Event) {
        match (e.kind(), e.op()) {
            (Kind::Op, Some(Op::Write)) => {
                if let Some(o) = e.obj {
                    raw.vars.insert(o, (e.value(), e.thread, i));
                }
            }
            (Kind::Op, Some(Op::Lock)) => {
                if let Some(o) = e.obj {
                    raw.locks.insert(o, (e.thread, i));
                }
            }
            (Kind::Op, Some(Op::Unlock)) => {
                if let Some(o) = e.obj {
                    raw.locks.remove(&o);
                }
            }
            _ => {}
        }
        if let Some(m) = &self.machine {
            let get = |name: &str| -> Option<String> {
                let f = crate::model::field::Field::normalised(name)
                    .map(|f| crate::model::field::get(self.store, e, f))
                    .unwrap_or(None)
                    .map(|v| v.text(self.store).into_owned());
                f.or_else(|| {
                    self.store
                        .attr(e, name)
                        .map(|v| v.to_text(self.store.strings()))
                })
            };
            if let (Some(k), Some(s)) = (get(&m.key), get(&m.state)) {
                raw.machines.insert(k, s);
            }
        }
    }

    /// State after applying events `0..=idx`.
    pub fn state_at(&mut self, idx: usize) -> ReplayState {
        let n = self.store.events().len();
        if n == 0 {
            return ReplayState::default();
        }
        let idx = idx.min(n - 1);
        let cp = self
            .checkpoints
            .iter()
            .rev()
            .find(|(at, _)| *at <= idx)
            .map(|(at, r)| (*at, r.clone()))
            .unwrap_or_default();
        let (mut at, mut raw) = cp;
        while at <= idx {
            let e = &self.store.events()[at];
            self.apply(&mut raw, at, e);
            at += 1;
            if at % self.every == 0 && self.checkpoints.last().is_some_and(|(c, _)| *c < at) {
                self.checkpoints.push((at, raw.clone()));
            }
        }
        self.render(idx, &raw)
    }

    fn render(&self, idx: usize, raw: &Raw) -> ReplayState {
        let st = self.store;
        let name = |s: Option<Sym>| st.opt(s).unwrap_or("").to_string();
        let cur = &st.events()[idx];
        let open_spans = st.events()[..=idx]
            .iter()
            .rev()
            .take(100_000)
            .filter(|e| e.kind() == Kind::Span && e.ts <= cur.ts && e.end() > cur.ts)
            .take(50)
            .map(|e| OpenSpan {
                span: name(e.span),
                name: name(e.name),
                service: name(e.service),
                start_ns: e.ts,
            })
            .collect();
        ReplayState {
            step: idx,
            ts: crate::model::time::format_ns(cur.ts),
            vars: raw
                .vars
                .iter()
                .map(|(o, (v, w, at))| VarState {
                    obj: st.s(*o).to_string(),
                    value: v.to_json(st.strings()),
                    writer: name(*w),
                    at: *at,
                })
                .collect(),
            locks: raw
                .locks
                .iter()
                .map(|(l, (h, since))| LockState {
                    lock: st.s(*l).to_string(),
                    holder: name(*h),
                    since: *since,
                })
                .collect(),
            open_spans,
            machines: raw
                .machines
                .iter()
                .map(|(k, s)| MachineState {
                    key: k.clone(),
                    state: s.clone(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{load_named_bytes, LoadOptions};

    #[test]
    fn replays_the_counter_deterministically() {
        let data = include_bytes!("../../sample-traces/counter/schedule.jsonl");
        let st = load_named_bytes(&[("counter", data)], &LoadOptions::default()).unwrap();
        let mut r = Replayer::new(&st);
        let last = r.state_at(st.len() - 1);
        assert_eq!(last.vars.len(), 1);
        assert_eq!(last.vars[0].obj, "counter");
        assert_eq!(last.vars[0].value, serde_json::json!(10));
        // jumping back and forth gives the same states
        let a = r.state_at(10);
        let _ = r.state_at(40);
        assert_eq!(r.state_at(10), a);
        let mut fresh = Replayer::new(&st);
        fresh.every = 3;
        assert_eq!(fresh.state_at(st.len() - 1), last);
        assert_eq!(fresh.state_at(10), a);
    }
}
