//! Diff of two runs: events reduced to templates, lanes matched by name and aligned with a
//! Myers diff; the first divergence, reorderings, templates only on one side, timing per name,
//! and the environment (attributes constant within each run but different between them).

use crate::model::{Event, LaneId, LaneKey, LaneNames, Store};
use serde::Serialize;
use similar::{capture_diff_slices_deadline, Algorithm, DiffOp};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One side of a diff: a store and the events taken from it.
pub struct Side<'a> {
    pub store: &'a Store,
    pub events: Vec<u32>,
}

pub use crate::model::template::event_template;

/// Where the runs first differ.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Divergence {
    pub lane: String,
    /// Events of the lane both runs share before the divergence.
    pub common_prefix: usize,
    pub position_a: usize,
    pub position_b: usize,
    /// The diverging events (store indices of each side), if any.
    #[serde(skip)]
    pub event_a: Option<u32>,
    #[serde(skip)]
    pub event_b: Option<u32>,
    pub template_a: Option<String>,
    pub template_b: Option<String>,
}

/// The same templates in a different order within a lane.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Reordering {
    pub lane: String,
    pub a_order: Vec<String>,
    pub b_order: Vec<String>,
}

/// A template's count on each side.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Count {
    pub template: String,
    pub a: usize,
    pub b: usize,
}

/// Duration statistics of one name on one side.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Timing {
    pub count: usize,
    pub p50_ns: i64,
    pub p99_ns: i64,
}

/// Timing of a span name / template on both sides.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TimingDiff {
    pub name: String,
    pub a: Option<Timing>,
    pub b: Option<Timing>,
    /// b.p50 / a.p50
    pub ratio: Option<f64>,
}

impl TimingDiff {
    /// True when the median changed by more than half (or fell by a third).
    pub fn notable(&self) -> bool {
        self.ratio.is_some_and(|r| !(0.67..=1.5).contains(&r))
    }
}

impl RunDiff {
    /// True when the runs differ in anything the text output reports: a divergence, a
    /// reordering, templates only on one side or with other counts, notable timing, changed
    /// attributes or environment.
    pub fn differs(&self) -> bool {
        self.first_divergence.is_some()
            || !self.reorderings.is_empty()
            || !self.only_in_a.is_empty()
            || !self.only_in_b.is_empty()
            || !self.count_changes.is_empty()
            || self.timing.iter().any(TimingDiff::notable)
            || !self.environment.is_empty()
            || !self.attribute_changes.is_empty()
    }
}

/// An attribute constant within each run but different between them.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct EnvDiff {
    pub key: String,
    pub a: String,
    pub b: String,
}

/// An attribute constant within one template in each run, with different values.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AttrChange {
    pub template: String,
    pub key: String,
    pub a: String,
    pub b: String,
}

/// The whole diff.
#[derive(Clone, Debug, Serialize, PartialEq, Default)]
pub struct RunDiff {
    pub events_a: usize,
    pub events_b: usize,
    pub first_divergence: Option<Divergence>,
    pub reorderings: Vec<Reordering>,
    pub only_in_a: Vec<Count>,
    pub only_in_b: Vec<Count>,
    /// Templates on both sides with different counts.
    pub count_changes: Vec<Count>,
    pub timing: Vec<TimingDiff>,
    pub environment: Vec<EnvDiff>,
    /// Per template: attributes constant in each run that differ between them (a status code,
    /// a retry count, a feature flag on one kind of span).
    pub attribute_changes: Vec<AttrChange>,
}

/// One side's events per lane (under the service key with its fallbacks), each with its
/// template; `true` marks a lane that is a source file (its events have no service or thread).
type SideLanes = BTreeMap<String, (bool, Vec<(u32, String)>)>;

fn lanes(side: &Side) -> SideLanes {
    let names = LaneNames::new(side.store);
    let mut m = SideLanes::new();
    for &i in &side.events {
        let e = &side.store.events()[i as usize];
        let lane = LaneKey::Service.lane(side.store, e);
        m.entry(names.plain(side.store, lane))
            .or_insert_with(|| (matches!(lane, LaneId::Source(_)), Vec::new()))
            .1
            .push((i, event_template(side.store, e)));
    }
    m
}

/// Pair the lanes of two runs: by name, and a file lane left alone on each side with the
/// other's (two runs written to differently named files), under the name `a ↔ b`.
fn pair_lanes(mut la: SideLanes, mut lb: SideLanes) -> (SideLanes, SideLanes) {
    let alone = |x: &SideLanes, y: &SideLanes| -> Vec<String> {
        x.iter()
            .filter(|(n, l)| l.0 && !y.contains_key(*n))
            .map(|(n, _)| n.clone())
            .collect()
    };
    if let ([na], [nb]) = (&alone(&la, &lb)[..], &alone(&lb, &la)[..]) {
        let name = format!("{na} ↔ {nb}");
        if let (Some(x), Some(y)) = (la.remove(na), lb.remove(nb)) {
            la.insert(name.clone(), x);
            lb.insert(name, y);
        }
    }
    (la, lb)
}

fn pct(sorted: &[i64], p: f64) -> i64 {
    let k = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[k.min(sorted.len() - 1)]
}

fn timings(side: &Side) -> HashMap<String, Timing> {
    let mut d: HashMap<String, Vec<i64>> = HashMap::new();
    for &i in &side.events {
        let e = &side.store.events()[i as usize];
        if let Some(dur) = e.dur() {
            d.entry(event_template(side.store, e))
                .or_default()
                .push(dur);
        }
    }
    d.into_iter()
        .map(|(k, mut v)| {
            v.sort_unstable();
            (
                k,
                Timing {
                    count: v.len(),
                    p50_ns: pct(&v, 0.5),
                    p99_ns: pct(&v, 0.99),
                },
            )
        })
        .collect()
}

/// Attributes with exactly one value across a side (and present on at least half its events).
fn constants(side: &Side) -> BTreeMap<String, String> {
    let mut vals: HashMap<String, (BTreeSet<String>, usize)> = HashMap::new();
    for &i in &side.events {
        let e = &side.store.events()[i as usize];
        for a in side.store.attrs(e) {
            let v = vals.entry(side.store.s(a.key()).to_string()).or_default();
            if v.0.len() < 2 {
                v.0.insert(a.value().to_text(side.store.strings()));
            }
            v.1 += 1;
        }
    }
    let half = side.events.len().div_ceil(2);
    vals.into_iter()
        .filter(|(_, (v, n))| v.len() == 1 && *n >= half)
        .filter_map(|(k, (v, _))| v.into_iter().next().map(|x| (k, x)))
        .collect()
}

/// Per (template, attribute): the single value it has across the side, if it has one.
fn template_constants(side: &Side) -> BTreeMap<(String, String), String> {
    let mut vals: HashMap<(String, String), BTreeSet<String>> = HashMap::new();
    for &i in &side.events {
        let e = &side.store.events()[i as usize];
        let t = event_template(side.store, e);
        for a in side.store.attrs(e) {
            let v = vals
                .entry((t.clone(), side.store.s(a.key()).to_string()))
                .or_default();
            if v.len() < 2 {
                v.insert(a.value().to_text(side.store.strings()));
            }
        }
    }
    vals.into_iter()
        .filter(|(_, v)| v.len() == 1)
        .filter_map(|(k, v)| v.into_iter().next().map(|x| (k, x)))
        .collect()
}

/// Myers over templates, bounded: it is O(N·D), so a lane with nothing in common settles for
/// a coarser, still valid, alignment after 500 ms instead of stalling.
fn myers(ta: &[&str], tb: &[&str]) -> Vec<DiffOp> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(500);
    capture_diff_slices_deadline(Algorithm::Myers, ta, tb, Some(deadline))
}

/// How the two events of an aligned row relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    /// The same template on both sides, with the same values.
    Same,
    /// The same template with different values (`read counter = 0` vs `= 1`): aligned, so not
    /// a divergence, but not the same either.
    Values,
    /// Different templates at the same place.
    Changed,
    OnlyA,
    OnlyB,
}

/// One row of an alignment: the event of each side (store indices), if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    pub a: Option<u32>,
    pub b: Option<u32>,
    pub kind: RowKind,
}

/// What an event shows beyond its template: an operation's value, its message's first line.
fn shown_values<'a>(store: &'a Store, e: &Event) -> (String, &'a str) {
    let value = match e.op() {
        Some(_) => e.value().to_text(store.strings()),
        None => String::new(),
    };
    let msg = store
        .opt(e.msg)
        .map_or("", |m| m.lines().next().unwrap_or(""));
    (value, msg)
}

/// Align two event sequences (one lane each) by template, as `diff` aligns lanes: matched
/// events share a row (`Same`, or `Values` when what they show differs); the first row whose
/// templates do not match is the divergence.
pub fn align(a: &Side, b: &Side) -> (Vec<Row>, Option<usize>) {
    let ta: Vec<String> = a
        .events
        .iter()
        .map(|&i| event_template(a.store, &a.store.events()[i as usize]))
        .collect();
    let tb: Vec<String> = b
        .events
        .iter()
        .map(|&i| event_template(b.store, &b.store.events()[i as usize]))
        .collect();
    let ra: Vec<&str> = ta.iter().map(String::as_str).collect();
    let rb: Vec<&str> = tb.iter().map(String::as_str).collect();
    let mut rows = Vec::with_capacity(a.events.len().max(b.events.len()));
    let row = |i: Option<usize>, j: Option<usize>, kind| Row {
        a: i.map(|i| a.events[i]),
        b: j.map(|j| b.events[j]),
        kind,
    };
    for op in myers(&ra, &rb) {
        match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => rows.extend((0..len).map(|k| {
                let (i, j) = (old_index + k, new_index + k);
                let (ea, eb) = (
                    &a.store.events()[a.events[i] as usize],
                    &b.store.events()[b.events[j] as usize],
                );
                let kind = if shown_values(a.store, ea) == shown_values(b.store, eb) {
                    RowKind::Same
                } else {
                    RowKind::Values
                };
                row(Some(i), Some(j), kind)
            })),
            DiffOp::Delete {
                old_index, old_len, ..
            } => rows.extend((0..old_len).map(|k| row(Some(old_index + k), None, RowKind::OnlyA))),
            DiffOp::Insert {
                new_index, new_len, ..
            } => rows.extend((0..new_len).map(|k| row(None, Some(new_index + k), RowKind::OnlyB))),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => rows.extend((0..old_len.max(new_len)).map(|k| {
                let (i, j) = (
                    (k < old_len).then_some(old_index + k),
                    (k < new_len).then_some(new_index + k),
                );
                let kind = match (i, j) {
                    (Some(_), Some(_)) => RowKind::Changed,
                    (Some(_), None) => RowKind::OnlyA,
                    _ => RowKind::OnlyB,
                };
                row(i, j, kind)
            })),
        }
    }
    let first = rows
        .iter()
        .position(|r| !matches!(r.kind, RowKind::Same | RowKind::Values));
    (rows, first)
}

/// Compare two runs.
pub fn diff(a: &Side, b: &Side) -> RunDiff {
    let (la, lb) = pair_lanes(lanes(a), lanes(b));
    let mut out = RunDiff {
        events_a: a.events.len(),
        events_b: b.events.len(),
        ..Default::default()
    };
    let names: BTreeSet<&String> = la.keys().chain(lb.keys()).collect();
    let empty = Vec::new();
    let mut first: Option<(i64, Divergence)> = None;
    for name in names {
        let ea = la.get(name).map_or(&empty, |l| &l.1);
        let eb = lb.get(name).map_or(&empty, |l| &l.1);
        let ta: Vec<&str> = ea.iter().map(|x| x.1.as_str()).collect();
        let tb: Vec<&str> = eb.iter().map(|x| x.1.as_str()).collect();
        let ops = myers(&ta, &tb);
        // The first non-equal op of the lane.
        let mut prefix = 0;
        for op in &ops {
            match *op {
                DiffOp::Equal { len, .. } => prefix += len,
                DiffOp::Delete { old_index, .. }
                | DiffOp::Insert { old_index, .. }
                | DiffOp::Replace { old_index, .. } => {
                    let new_index = match *op {
                        DiffOp::Delete { new_index, .. }
                        | DiffOp::Insert { new_index, .. }
                        | DiffOp::Replace { new_index, .. } => new_index,
                        _ => 0,
                    };
                    let event_a = ea.get(old_index).map(|x| x.0);
                    let event_b = eb.get(new_index).map(|x| x.0);
                    // Order lanes' divergences by time since each run's start.
                    let rel = |side: &Side, ev: Option<u32>| -> Option<i64> {
                        let t0 = side
                            .events
                            .first()
                            .map(|&i| side.store.events()[i as usize].ts)?;
                        ev.map(|i| side.store.events()[i as usize].ts - t0)
                    };
                    let when = rel(a, event_a)
                        .into_iter()
                        .chain(rel(b, event_b))
                        .min()
                        .unwrap_or(i64::MAX);
                    let d = Divergence {
                        lane: name.clone(),
                        common_prefix: prefix,
                        position_a: old_index,
                        position_b: new_index,
                        event_a,
                        event_b,
                        template_a: ta.get(old_index).map(|s| s.to_string()),
                        template_b: tb.get(new_index).map(|s| s.to_string()),
                    };
                    if first.as_ref().is_none_or(|(w, _)| when < *w) {
                        first = Some((when, d));
                    }
                    break;
                }
            }
        }
        // Reordering: the same multiset of templates in a different order.
        if ta != tb {
            let mut sa = ta.clone();
            let mut sb = tb.clone();
            sa.sort_unstable();
            sb.sort_unstable();
            if sa == sb {
                let start = ta.iter().zip(&tb).position(|(x, y)| x != y).unwrap_or(0);
                let end = ta.len()
                    - ta.iter()
                        .rev()
                        .zip(tb.iter().rev())
                        .position(|(x, y)| x != y)
                        .unwrap_or(0);
                out.reorderings.push(Reordering {
                    lane: name.clone(),
                    a_order: ta[start..end].iter().map(|s| s.to_string()).collect(),
                    b_order: tb[start..end].iter().map(|s| s.to_string()).collect(),
                });
            }
        }
    }
    out.first_divergence = first.map(|f| f.1);
    // Template counts.
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (side, lanes) in [(0, &la), (1, &lb)] {
        for (_, evs) in lanes.values() {
            for (_, t) in evs {
                let c = counts.entry(t.clone()).or_default();
                if side == 0 {
                    c.0 += 1;
                } else {
                    c.1 += 1;
                }
            }
        }
    }
    for (t, (ca, cb)) in counts {
        let c = Count {
            template: t,
            a: ca,
            b: cb,
        };
        match (ca, cb) {
            (_, 0) => out.only_in_a.push(c),
            (0, _) => out.only_in_b.push(c),
            (x, y) if x != y => out.count_changes.push(c),
            _ => {}
        }
    }
    // Timing.
    let (tma, tmb) = (timings(a), timings(b));
    let names: BTreeSet<&String> = tma.keys().chain(tmb.keys()).collect();
    for n in names {
        let (x, y) = (tma.get(n).cloned(), tmb.get(n).cloned());
        let ratio = match (&x, &y) {
            (Some(x), Some(y)) if x.p50_ns > 0 => Some(y.p50_ns as f64 / x.p50_ns as f64),
            _ => None,
        };
        out.timing.push(TimingDiff {
            name: n.clone(),
            a: x,
            b: y,
            ratio,
        });
    }
    // Environment.
    let (ca, cb) = (constants(a), constants(b));
    for (k, va) in &ca {
        if let Some(vb) = cb.get(k) {
            if va != vb {
                out.environment.push(EnvDiff {
                    key: k.clone(),
                    a: va.clone(),
                    b: vb.clone(),
                });
            }
        }
    }
    let env_keys: BTreeSet<&String> = out.environment.iter().map(|e| &e.key).collect();
    let (ta, tb) = (template_constants(a), template_constants(b));
    let mut changes = Vec::new();
    for ((t, k), va) in &ta {
        if env_keys.contains(k) {
            continue;
        }
        if let Some(vb) = tb.get(&(t.clone(), k.clone())) {
            if va != vb {
                changes.push(AttrChange {
                    template: t.clone(),
                    key: k.clone(),
                    a: va.clone(),
                    b: vb.clone(),
                });
            }
        }
    }
    out.attribute_changes = changes;
    out
}

#[cfg(test)]
mod align_tests {
    use super::*;
    use crate::ingest::{load_named_bytes, LoadOptions};

    #[test]
    fn rows_join_matches_and_mark_changes() {
        let log = |msgs: &[&str]| {
            msgs.iter()
                .enumerate()
                .map(|(i, m)| {
                    format!(
                        "{{\"ts\":{},\"msg\":\"{m}\"}}\n",
                        1_700_000_000_000i64 + i as i64
                    )
                })
                .collect::<String>()
        };
        let (ta, tb) = (
            log(&[
                "start",
                "load profile 7",
                "apply settings",
                "render",
                "done",
            ]),
            log(&[
                "start",
                "apply settings",
                "load profile 9",
                "render",
                "extra",
                "done",
            ]),
        );
        let opts = LoadOptions::default();
        let sa = load_named_bytes(&[("a.log", ta.as_bytes())], &opts).unwrap();
        let sb = load_named_bytes(&[("b.log", tb.as_bytes())], &opts).unwrap();
        let side = |s| Side {
            store: s,
            events: crate::analysis::all(s),
        };
        let (rows, first) = align(&side(&sa), &side(&sb));
        let kinds: Vec<RowKind> = rows.iter().map(|r| r.kind).collect();
        use RowKind::*;
        assert_eq!(first, Some(1));
        // Every event of each side appears once, in order.
        let a: Vec<u32> = rows.iter().filter_map(|r| r.a).collect();
        let b: Vec<u32> = rows.iter().filter_map(|r| r.b).collect();
        assert_eq!(a, [0, 1, 2, 3, 4]);
        assert_eq!(b, [0, 1, 2, 3, 4, 5]);
        assert_eq!(kinds[0], Same);
        assert_eq!(kinds.iter().filter(|k| **k == Same).count(), 3);
        // "load profile 7" and "load profile 9" share a template: aligned, values differ.
        let values: Vec<_> = rows.iter().filter(|r| r.kind == Values).collect();
        assert_eq!(values.len(), 1);
        assert_eq!((values[0].a, values[0].b), (Some(1), Some(2)));
        assert_eq!(kinds.last(), Some(&Same));
        assert!(kinds.contains(&OnlyB));
    }
}

#[cfg(test)]
mod lane_tests {
    use super::*;
    use crate::ingest::{load_named_bytes, LoadOptions};

    fn run(files: &[(&str, &[&str])]) -> Store {
        let texts: Vec<(String, String)> = files
            .iter()
            .map(|(name, msgs)| {
                let text = msgs
                    .iter()
                    .enumerate()
                    .map(|(i, m)| format!("{{\"ts\":{},\"msg\":\"{m}\"}}\n", 1_000 + i))
                    .collect();
                (name.to_string(), text)
            })
            .collect();
        let named: Vec<(&str, &[u8])> = texts
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_bytes()))
            .collect();
        load_named_bytes(&named, &LoadOptions::default()).expect("loads")
    }

    fn side(store: &Store) -> Side<'_> {
        Side {
            store,
            events: (0..store.len() as u32).collect(),
        }
    }

    #[test]
    fn file_lanes_pair_by_their_shortest_distinct_names() {
        let a = run(&[("dev/api.log", &["start", "ok"]), ("dev/db.log", &["open"])]);
        let b = run(&[
            ("prod/api.log", &["start", "fail"]),
            ("prod/db.log", &["open"]),
        ]);
        let d = diff(&side(&a), &side(&b));
        let f = d.first_divergence.expect("a divergence");
        assert_eq!((f.lane.as_str(), f.common_prefix), ("api.log", 1));
        assert_eq!(f.template_b.as_deref(), Some("fail"));
        // db.log is the same on both sides; a lane alone on each side is paired.
        let a = run(&[("a/x.log", &["one"]), ("a/y.log", &["two"])]);
        let b = run(&[("b/x.log", &["one"]), ("b/z.log", &["three"])]);
        let d = diff(&side(&a), &side(&b));
        assert_eq!(
            d.first_divergence.map(|f| f.lane),
            Some("y.log ↔ z.log".to_string())
        );
    }
}
