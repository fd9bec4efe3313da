//! Data races (unordered conflicting accesses, at least one a write) by happens-before, races
//! imported from Go race detector / ThreadSanitizer reports, and lost updates (two threads read
//! the same value and both write after it), with a summary per object.

use super::hb::{Epoch, Walker};
use crate::model::{Kind, Op, Store, Sym, Value};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One race: two accesses to one object, not ordered by happens-before.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Race {
    pub obj: String,
    /// `write-write` or `read-write`.
    pub kind: &'static str,
    /// The earlier access.
    pub a: u32,
    /// The later access.
    pub b: u32,
    /// How many unordered pairs share these two code locations / threads.
    pub count: usize,
    /// `happens-before` (found here) or `report` (imported from a race detector).
    pub found_by: &'static str,
}

/// Two threads read the same value and both wrote after it: one update is lost.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LostUpdate {
    pub obj: String,
    /// The value both threads read.
    pub value: serde_json::Value,
    /// read a, read b, write a, write b — in time order.
    pub events: Vec<u32>,
}

/// Per object: what was attempted and what remained.
#[derive(Clone, Debug, PartialEq, Serialize, Default)]
pub struct ObjectSummary {
    pub reads: usize,
    pub writes: usize,
    pub threads: usize,
    pub races: usize,
    pub lost_updates: usize,
    /// Writes of (value read by the same thread) + 1.
    pub increments_attempted: usize,
    pub initial_value: Option<serde_json::Value>,
    pub final_value: Option<serde_json::Value>,
    /// initial + increments attempted, when the writes are increments.
    pub expected_final: Option<f64>,
}

/// The whole analysis.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    pub races: Vec<Race>,
    pub lost_updates: Vec<LostUpdate>,
    pub objects: BTreeMap<String, ObjectSummary>,
}

/// A code location for deduplication: `pc`, `frame` or `loc` attribute, else the thread.
fn location(store: &Store, i: u32) -> String {
    let e = &store.events()[i as usize];
    for k in ["pc", "frame", "loc", "location"] {
        if let Some(v) = store.attr(e, k) {
            return v.to_text(store.strings());
        }
    }
    e.thread.map(|t| store.s(t).to_string()).unwrap_or_default()
}

#[derive(Clone, Copy)]
struct Access {
    idx: u32,
    epoch: Epoch,
}

/// Run every analysis over `events` (store order).
pub fn analyse(store: &Store, events: &[u32]) -> Analysis {
    let mut out = Analysis::default();
    detect_races(store, events, &mut out);
    imported(store, events, &mut out);
    lost_updates(store, events, &mut out);
    for r in &out.races {
        out.objects.entry(r.obj.clone()).or_default().races += 1;
    }
    out
}

fn detect_races(store: &Store, events: &[u32], out: &mut Analysis) {
    // Per object: the last write, and the reads since it (one per thread), as epochs.
    let mut last_write: HashMap<Sym, Access> = HashMap::new();
    let mut reads: HashMap<Sym, Vec<Access>> = HashMap::new();
    let mut seen: HashMap<(Sym, &'static str, u32, u32), usize> = HashMap::new();
    let mut loc_cache: HashMap<u32, u32> = HashMap::new();
    let mut locs: Vec<String> = Vec::new();
    let mut loc_id = |i: u32| -> u32 {
        let l = location(store, i);
        match locs.iter().position(|x| *x == l) {
            Some(p) => p as u32,
            None => {
                locs.push(l);
                (locs.len() - 1) as u32
            }
        }
    };
    let mut report = |a: u32, b: u32, obj: Sym, kind: &'static str, out: &mut Analysis| {
        let la = *loc_cache.entry(a).or_insert_with(|| loc_id(a));
        let lb = loc_id(b);
        let key = (obj, kind, la, lb);
        match seen.get(&key) {
            Some(&k) => out.races[k].count += 1,
            None => {
                seen.insert(key, out.races.len());
                out.races.push(Race {
                    obj: store.s(obj).to_string(),
                    kind,
                    a,
                    b,
                    count: 1,
                    found_by: "happens-before",
                });
            }
        }
    };
    let mut walker = Walker::default();
    for &i in events {
        if !super::is_schedule_op(store, i) {
            continue;
        }
        let e = &store.events()[i as usize];
        let Some((t, clock)) = walker.step(e) else {
            continue;
        };
        let (Some(op), Some(obj)) = (e.op(), e.obj) else {
            continue;
        };
        let me = Access {
            idx: i,
            epoch: Epoch {
                thread: t,
                clock: clock[t],
            },
        };
        match op {
            Op::Write => {
                if let Some(w) = last_write.get(&obj) {
                    if w.epoch.thread != t && !w.epoch.before(clock) {
                        report(w.idx, i, obj, "write-write", out);
                    }
                }
                for r in reads.remove(&obj).unwrap_or_default() {
                    if r.epoch.thread != t && !r.epoch.before(clock) {
                        report(r.idx, i, obj, "read-write", out);
                    }
                }
                last_write.insert(obj, me);
            }
            Op::Read => {
                if let Some(w) = last_write.get(&obj) {
                    if w.epoch.thread != t && !w.epoch.before(clock) {
                        report(w.idx, i, obj, "read-write", out);
                    }
                }
                let rs = reads.entry(obj).or_default();
                rs.retain(|r| r.epoch.thread != t);
                rs.push(me);
            }
            _ => {}
        }
    }
}

/// Races from imported reports: one per report block (`race.id`), with its two accesses.
fn imported(store: &Store, events: &[u32], out: &mut Analysis) {
    let key_id = store.strings().lookup("race.id");
    let mut by_report: BTreeMap<(u32, i64), Vec<u32>> = BTreeMap::new();
    let mut reports: Vec<(u32, i64)> = Vec::new();
    for &i in events {
        let e = &store.events()[i as usize];
        let Some(Value::Int(id)) = key_id.and_then(|k| store.attr_sym(e, k)) else {
            continue;
        };
        match e.kind() {
            Kind::Race => reports.push((e.source(), id)),
            Kind::Op => by_report.entry((e.source(), id)).or_default().push(i),
            _ => {}
        }
    }
    for r in reports {
        let acc = by_report.get(&r).cloned().unwrap_or_default();
        if let [a, b, ..] = acc[..] {
            let ea = &store.events()[a as usize];
            let eb = &store.events()[b as usize];
            let kind = if ea.op() == Some(Op::Write) && eb.op() == Some(Op::Write) {
                "write-write"
            } else {
                "read-write"
            };
            out.races.push(Race {
                obj: ea.obj.map(|o| store.s(o).to_string()).unwrap_or_default(),
                kind,
                a,
                b,
                count: 1,
                found_by: "report",
            });
        }
    }
}

fn lost_updates(store: &Store, events: &[u32], out: &mut Analysis) {
    #[derive(Default)]
    struct Obj {
        /// thread → (value read, read index), until that thread writes.
        pending: HashMap<Sym, (Value, u32)>,
        /// value read → (thread, read, write) of read-then-write pairs.
        rmw: Vec<(Value, Sym, u32, u32)>,
        threads: std::collections::HashSet<Sym>,
        summary: ObjectSummary,
        increments: f64,
        initial: Option<Value>,
        last: Option<Value>,
    }
    let mut objs: BTreeMap<Sym, Obj> = BTreeMap::new();
    for &i in events {
        if !super::is_schedule_op(store, i) {
            continue;
        }
        let e = &store.events()[i as usize];
        let (Some(op), Some(obj), Some(th)) = (e.op(), e.obj, e.thread) else {
            continue;
        };
        let o = objs.entry(obj).or_default();
        o.threads.insert(th);
        match op {
            Op::Read => {
                o.summary.reads += 1;
                if o.initial.is_none() {
                    o.initial = Some(e.value());
                }
                o.pending.insert(th, (e.value(), i));
            }
            Op::Write => {
                o.summary.writes += 1;
                if o.initial.is_none() && o.pending.is_empty() && o.rmw.is_empty() {
                    o.initial = Some(e.value());
                } else if let Some((v, r)) = o.pending.remove(&th) {
                    let inc = match (v.as_f64(store.strings()), e.value().as_f64(store.strings())) {
                        (Some(a), Some(b)) => b == a + 1.0,
                        _ => false,
                    };
                    if inc {
                        o.summary.increments_attempted += 1;
                        o.increments += 1.0;
                    }
                    o.rmw.push((v, th, r, i));
                }
                o.last = Some(e.value());
            }
            _ => {}
        }
    }
    for (obj, mut o) in objs {
        let name = store.s(obj).to_string();
        // Group read-modify-writes by the value read: two threads on the same value lose one.
        // value read → the (thread, read, write) that read it and wrote after
        type Rmw = (Sym, u32, u32);
        let mut by_value: Vec<(Value, Vec<Rmw>)> = Vec::new();
        for (v, th, r, w) in &o.rmw {
            match by_value.iter_mut().find(|(x, _)| x == v) {
                Some((_, list)) => list.push((*th, *r, *w)),
                None => by_value.push((*v, vec![(*th, *r, *w)])),
            }
        }
        for (v, list) in by_value {
            let Some(&(t0, r0, w0)) = list.first() else {
                continue;
            };
            for &(_, r1, w1) in list.iter().skip(1).filter(|(t, ..)| *t != t0) {
                let mut ev = vec![r0, r1, w0, w1];
                ev.sort_unstable();
                out.lost_updates.push(LostUpdate {
                    obj: name.clone(),
                    value: v.to_json(store.strings()),
                    events: ev,
                });
                o.summary.lost_updates += 1;
            }
        }
        o.summary.threads = o.threads.len();
        o.summary.initial_value = o.initial.map(|v| v.to_json(store.strings()));
        o.summary.final_value = o.last.map(|v| v.to_json(store.strings()));
        o.summary.expected_final = (o.summary.increments_attempted > 0).then(|| {
            o.initial
                .and_then(|v| v.as_f64(store.strings()))
                .unwrap_or(0.0)
                + o.increments
        });
        out.objects.insert(name, o.summary);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{load_named_bytes, LoadOptions};

    fn load(text: &str) -> Store {
        load_named_bytes(&[("s.jsonl", text.as_bytes())], &LoadOptions::default()).unwrap()
    }

    #[test]
    fn locks_order_accesses() {
        let locked = r#"{"ts":1,"thread":"A","op":"lock","obj":"m"}
{"ts":2,"thread":"A","op":"write","obj":"x","value":1}
{"ts":3,"thread":"A","op":"unlock","obj":"m"}
{"ts":4,"thread":"B","op":"lock","obj":"m"}
{"ts":5,"thread":"B","op":"write","obj":"x","value":2}
{"ts":6,"thread":"B","op":"unlock","obj":"m"}
{"ts":7,"thread":"B","op":"write","obj":"y","value":1}
{"ts":8,"thread":"A","op":"read","obj":"y","value":1}
"#;
        let st = load(locked);
        let a = analyse(&st, &super::super::all(&st));
        assert_eq!(a.races.len(), 1, "{:?}", a.races);
        assert_eq!(a.races[0].obj, "y");
        assert_eq!(a.races[0].kind, "read-write");
    }

    #[test]
    fn spawn_join_and_channels_order_accesses() {
        let s = r#"{"ts":1,"thread":"main","op":"write","obj":"x","value":0}
{"ts":2,"thread":"main","op":"spawn","obj":"T"}
{"ts":3,"thread":"T","op":"write","obj":"x","value":1}
{"ts":4,"thread":"T","op":"send","obj":"c","value":1}
{"ts":5,"thread":"main","op":"recv","obj":"c","value":1}
{"ts":6,"thread":"main","op":"read","obj":"x","value":1}
{"ts":7,"thread":"main","op":"join","obj":"T"}
"#;
        let st = load(s);
        assert!(analyse(&st, &super::super::all(&st)).races.is_empty());
        let racy = s.replace(
            r#"{"ts":5,"thread":"main","op":"recv","obj":"c","value":1}"#,
            "",
        );
        let st = load(&racy);
        let a = analyse(&st, &super::super::all(&st));
        assert_eq!(a.races.len(), 1);
        assert_eq!(a.races[0].kind, "read-write");
    }
}
