//! Hypotheses from data: for groups with and without the outcome, rank candidate predicates —
//! `attr = value` for low-cardinality attributes and fields, a lane (service, thread, or the
//! input file when there are several), a message template being present,
//! a span slower than its name's p90, and a `near … within` co-occurrence of two event kinds
//! (span names or message templates) from different groups — by the Ochiai coefficient
//! `both / sqrt((both + outcome_only) · (both + condition_only))`, with the counts behind it.
//! Each suggestion is a complete `expect … when … per KEY` that `heisen check` accepts.

use super::bits::Bits;
use super::cooccur::{near_pairs, Labelled};
use crate::model::field::{get, key_of, Field, GroupKey, FV};
use crate::model::{Store, Sym};
use crate::query::ast::{
    CmpOp, Condition, FieldRef, Filter, Lit, Operand, Pattern, Rel, Step, Where,
};
use crate::query::check::Pred;
use crate::query::eval::filter;
use crate::query::hypothesis::{self, CCondition, CompiledHypothesis};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// How many distinct values make an attribute "low cardinality".
pub const MAX_VALUES: usize = 20;
/// How many message templates are considered.
pub const MAX_TEMPLATES: usize = 200;
/// How many event kinds (span names, templates) are paired for `near` co-occurrences.
pub const MAX_NEAR_LABELS: usize = 12;
/// The windows tried for `near` co-occurrences.
pub const NEAR_WINDOWS_NS: [i64; 3] = [1_000_000, 10_000_000, 100_000_000];

/// The 2×2 counts behind a score.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Counts {
    pub both: usize,
    pub condition_only: usize,
    pub outcome_only: usize,
    pub neither: usize,
}

/// One suggestion.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Suggestion {
    /// The condition, in the query language.
    pub predicate: String,
    /// Ochiai coefficient (0–1).
    pub score: f64,
    pub counts: Counts,
    /// A hypothesis `heisen check` accepts.
    pub hypothesis: String,
    /// The predicate is configuration: an attribute with one value per source (resource
    /// attributes, versions, flags). At equal scores configuration ranks first.
    pub configuration: bool,
}

fn regex_of_template(t: &str) -> String {
    let parts: Vec<String> = t.split("<*>").map(regex::escape).collect();
    format!("^{}$", parts.join(".*"))
}

/// A value, keyed by its typed form; text is made only for the predicates that survive.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum V {
    Sym(Sym),
    Int(i64),
    Bool(bool),
    Float(u64),
    Static(&'static str),
    /// An input file (the lane of events with no service or thread).
    Source(usize),
}

impl V {
    fn of_field(v: &FV) -> Option<V> {
        Some(match v {
            FV::Sym(s) => V::Sym(*s),
            FV::Int(i) => V::Int(*i),
            FV::Bool(b) => V::Bool(*b),
            FV::Float(f) => V::Float(f.to_bits()),
            FV::Level(l) => V::Static(l.as_str()),
            FV::Text(t) => V::Static(
                crate::model::Kind::parse(t)
                    .map(|k| k.as_str())
                    .or_else(|| crate::model::Status::parse(t).map(|s| s.as_str()))?,
            ),
            _ => return None,
        })
    }

    fn of_attr(v: crate::model::Value) -> Option<V> {
        use crate::model::Value as M;
        Some(match v {
            M::Str(s) => V::Sym(s),
            M::Int(x) => V::Int(x),
            M::Bool(b) => V::Bool(b),
            M::Float(f) => V::Float(f.to_bits()),
            M::Null => return None,
        })
    }

    /// The value as a literal (an integer too large for a float exactly: written as a word).
    fn lit(self, store: &Store) -> Lit {
        const EXACT: i64 = 1 << 53;
        match self {
            V::Sym(s) => Lit::Str(store.s(s).to_string()),
            V::Int(i) if (-EXACT..=EXACT).contains(&i) => Lit::Num(i as f64),
            V::Int(i) => Lit::Word(i.to_string()),
            V::Bool(b) => Lit::Word(b.to_string()),
            V::Float(f) => Lit::Num(f64::from_bits(f)),
            V::Static(t) => Lit::Str(t.to_string()),
            V::Source(i) => Lit::Str(store.sources().get(i).map_or("", |s| &s.path).to_string()),
        }
    }
}

/// The values one field takes on grouped events, while they are few.
#[derive(Clone, Default)]
struct Seen {
    /// Value, the groups with it, and whether it was seen off the outcome's own events.
    values: Vec<(V, Bits, bool)>,
    /// More than [`MAX_VALUES`] values: not a candidate.
    overflow: bool,
}

impl Seen {
    /// The entry for `v` (added with no groups when new), or `None` once there are too many.
    fn entry(&mut self, v: V, groups: usize) -> Option<&mut (V, Bits, bool)> {
        if self.overflow {
            return None;
        }
        match self.values.iter().position(|x| x.0 == v) {
            Some(k) => Some(&mut self.values[k]),
            None if self.values.len() >= MAX_VALUES => {
                self.overflow = true;
                self.values = Vec::new();
                None
            }
            None => {
                self.values.push((v, Bits::new(groups), false));
                self.values.last_mut()
            }
        }
    }

    fn add(&mut self, v: V, group: usize, cause: bool, groups: usize) {
        if let Some(x) = self.entry(v, groups) {
            x.1.set(group);
            x.2 |= cause;
        }
    }

    fn merge(&mut self, other: Seen, groups: usize) {
        if other.overflow {
            self.overflow = true;
            self.values = Vec::new();
        }
        for (v, bits, cause) in other.values {
            if let Some(x) = self.entry(v, groups) {
                x.1.or(&bits);
                x.2 |= cause;
            }
        }
    }
}

/// Per (attribute, source): the first value, whether there were others, how many events.
type PerSource = (Option<V>, bool, usize);

/// What one chunk of events says about the candidate fields.
struct Scan {
    fields: Vec<Seen>,
    per_source: Vec<PerSource>,
    groups: usize,
}

impl Scan {
    fn merge(mut self, other: Scan) -> Scan {
        for (a, b) in self.fields.iter_mut().zip(other.fields) {
            a.merge(b, self.groups);
        }
        for (a, b) in self.per_source.iter_mut().zip(other.per_source) {
            match (a.0, b.0) {
                (None, _) => a.0 = b.0,
                (Some(x), Some(y)) if x != y => a.1 = true,
                _ => {}
            }
            a.1 |= b.1;
            a.2 += b.2;
        }
        self
    }
}

/// A field in a predicate, written so that `check` resolves it as the scan read it: an
/// attribute is `attrs."…"` when its name is not a plain identifier (a keyword, a digit or
/// odd character, an empty segment) or names a normalised field (`line`, `kind`, `source`…).
fn field_ref(name: &str, attr: bool) -> FieldRef {
    FieldRef {
        attr_only: attr && (Field::normalised(name).is_some() || name.starts_with("attrs.")),
        ..FieldRef::named(name)
    }
}

/// The predicate for one message template.
fn template_pred(t: &str) -> Filter {
    let msg = FieldRef::named("msg");
    if t.contains("<*>") {
        Filter::cmp(msg, CmpOp::Match, Lit::Str(regex_of_template(t)))
    } else {
        Filter::cmp(msg, CmpOp::Eq, Lit::Str(t.to_string()))
    }
}

/// `name = "…"`.
fn name_pred(store: &Store, name: Sym) -> Filter {
    Filter::cmp(
        FieldRef::named("name"),
        CmpOp::Eq,
        Lit::Str(store.s(name).to_string()),
    )
}

/// An event kind for `near` co-occurrences.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Label {
    Name(Sym),
    Template(u32),
}

/// What a candidate is, for ranking ties and exact re-counting.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Plain,
    Configuration,
    Near,
}

/// Rank predicates that separate groups with the outcome from groups without it.
pub fn suggest(
    store: &Store,
    outcome: &Pred,
    outcome_text: &str,
    key: Field,
    key_name: &str,
    top: usize,
) -> Vec<Suggestion> {
    // Groups.
    let mut gid: HashMap<GroupKey, usize, ahash::RandomState> = HashMap::default();
    let group_of: Vec<Option<usize>> = store
        .events()
        .iter()
        .map(|e| {
            key_of(store, e, key).map(|k| {
                let n = gid.len();
                *gid.entry(k).or_insert(n)
            })
        })
        .collect();
    let n = gid.len();
    drop(gid);
    let mut out_groups = Bits::new(n);
    // Events of the outcome itself: a predicate seen only on them is a symptom, not a cause.
    let mut out_events = Bits::new(store.len());
    for i in filter(store, outcome) {
        out_events.set(i as usize);
        if let Some(g) = group_of[i as usize] {
            out_groups.set(g);
        }
    }

    let mut preds = field_candidates(store, key_name, &group_of, &out_events, n);
    preds.extend(event_candidates(
        store,
        key_name,
        &group_of,
        &out_events,
        &out_groups,
        n,
    ));

    // The key as `check` reads it (it was resolved like a field of a filter).
    let per = field_ref(key_name, false);
    // Score: Ochiai over the 2×2 counts.
    let total_out = out_groups.count();
    let score = |both: usize, cond: usize, outcome_only: usize| {
        both as f64 / (((both + outcome_only) * (both + cond)) as f64).sqrt()
    };
    let mut scored: Vec<(Suggestion, Kind, Condition)> = preds
        .into_iter()
        .filter_map(|(cond_ast, bits, kind)| {
            let both = bits.count_and(&out_groups);
            if both == 0 {
                return None;
            }
            let cond = bits.count() - both;
            let outcome_only = total_out - both;
            let p = cond_ast.to_string();
            Some((
                Suggestion {
                    hypothesis: format!("expect {outcome_text} when {p} per {per}"),
                    predicate: p,
                    configuration: kind == Kind::Configuration,
                    score: score(both, cond, outcome_only),
                    counts: Counts {
                        both,
                        condition_only: cond,
                        outcome_only,
                        neither: n - both - cond - outcome_only,
                    },
                },
                kind,
                cond_ast,
            ))
        })
        .collect();
    let rank = |list: &mut Vec<(Suggestion, Kind, Condition)>| {
        list.sort_by(|(a, ..), (b, ..)| {
            b.score
                .partial_cmp(&a.score)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(b.configuration.cmp(&a.configuration))
                .then(a.counts.condition_only.cmp(&b.counts.condition_only))
                .then(a.predicate.len().cmp(&b.predicate.len()))
                .then(a.predicate.cmp(&b.predicate))
        })
    };
    rank(&mut scored);
    scored.truncate(top);
    // A co-occurrence was counted over event kinds; its hypothesis matches by filters, which
    // may cover more events. Re-count the ones shown with the evaluator `check` uses.
    let mut recounted = false;
    for (s, kind, cond_ast) in &mut scored {
        let (Kind::Near, Condition::Pattern(p)) = (*kind, &*cond_ast) else {
            continue;
        };
        if let Ok(cp) = crate::query::pattern::compile_pattern(store, p) {
            let h = CompiledHypothesis {
                text: s.hypothesis.clone(),
                outcome: outcome.clone(),
                condition: CCondition::Pattern(cp),
                key,
                key_name: key_name.to_string(),
            };
            let v = hypothesis::evaluate(store, &h);
            s.counts = Counts {
                both: v.both,
                condition_only: v.condition_only,
                outcome_only: v.outcome_only,
                neither: v.neither,
            };
            s.score = if v.both == 0 {
                0.0
            } else {
                score(v.both, v.condition_only, v.outcome_only)
            };
            recounted = true;
        }
    }
    if recounted {
        rank(&mut scored);
    }
    scored.into_iter().map(|(s, ..)| s).collect()
}

/// `field = value` candidates: normalised lanes and every attribute with few values, scanned
/// in parallel chunks. An attribute with one value per source on all its events is
/// configuration (resource attributes, versions, flags).
fn field_candidates(
    store: &Store,
    key_name: &str,
    group_of: &[Option<usize>],
    out_events: &Bits,
    n: usize,
) -> Vec<(Condition, Bits, Kind)> {
    // Resolved as `check` resolves them: `name` and `status` fall back to an attribute of the
    // same name, which is then read here and not offered again as `attrs."name"`.
    // With several inputs the file is a lane too.
    let source = (store.sources().len() > 1).then_some("source");
    let normal: Vec<(Field, String)> = ["service", "thread", "name", "level", "status", "kind"]
        .iter()
        .copied()
        .chain(source)
        .filter(|f| *f != key_name)
        .filter_map(|f| Field::resolve(store, f, false).map(|x| (x, f.to_string())))
        .collect();
    let mut names: Vec<String> = normal.iter().map(|(_, f)| f.clone()).collect();
    // Attribute key → field number, by the key's interned index (u32::MAX: not a candidate).
    let mut field_of: Vec<u32> = Vec::new();
    for (f, _) in &normal {
        if let Field::OrAttr(_, k) = f {
            let k = k.into_usize();
            if k >= field_of.len() {
                field_of.resize(k + 1, u32::MAX - 1);
            }
            field_of[k] = u32::MAX;
        }
    }
    for a in store.attr_pool() {
        let k = a.key().into_usize();
        if k >= field_of.len() {
            field_of.resize(k + 1, u32::MAX - 1);
        }
        if field_of[k] == u32::MAX - 1 {
            let name = store.s(a.key());
            field_of[k] = if name == key_name {
                u32::MAX
            } else {
                names.push(name.to_string());
                (names.len() - 1) as u32
            };
        }
    }
    let nf = names.len();
    let ns = store.sources().len().max(1);
    let chunk = (store.len() / (rayon::current_num_threads() * 4)).max(4096);
    let empty = || Scan {
        fields: vec![Seen::default(); nf],
        per_source: vec![(None, false, 0); nf * ns],
        groups: n,
    };
    let scan = store
        .events()
        .par_chunks(chunk)
        .enumerate()
        .map(|(c, events)| {
            let mut scan = empty();
            for (j, e) in events.iter().enumerate() {
                let i = c * chunk + j;
                let g = group_of[i];
                let cause = !out_events.get(i);
                if let Some(g) = g {
                    for (fi, (f, _)) in normal.iter().enumerate() {
                        let v = match f {
                            Field::Source => Some(V::Source(e.source() as usize)),
                            _ => get(store, e, *f).as_ref().and_then(V::of_field),
                        };
                        if let Some(v) = v {
                            scan.fields[fi].add(v, g, cause, n);
                        }
                    }
                }
                let src = (e.source() as usize).min(ns - 1);
                for a in store.attrs(e) {
                    let fi = field_of[a.key().into_usize()];
                    if fi >= u32::MAX - 1 {
                        continue;
                    }
                    let Some(v) = V::of_attr(a.value()) else {
                        continue;
                    };
                    let fi = fi as usize;
                    let ps = &mut scan.per_source[fi * ns + src];
                    match ps.0 {
                        None => ps.0 = Some(v),
                        Some(x) if x != v => ps.1 = true,
                        _ => {}
                    }
                    ps.2 += 1;
                    if let Some(g) = g {
                        scan.fields[fi].add(v, g, cause, n);
                    }
                }
            }
            scan
        })
        .reduce(empty, Scan::merge);
    // Configuration: one value per source, carried by every event of the source.
    let mut config = vec![true; nf];
    let mut seen_attr = vec![false; nf];
    for (k, (first, multi, count)) in scan.per_source.iter().enumerate() {
        let (fi, src) = (k / ns, k % ns);
        if first.is_none() {
            continue;
        }
        seen_attr[fi] = true;
        let events = store.sources().get(src).map_or(0, |s| s.events as usize);
        if *multi || *count < events {
            config[fi] = false;
        }
    }
    let mut out = Vec::new();
    for (fi, seen) in scan.fields.into_iter().enumerate() {
        if seen.overflow || seen.values.len() < 2 {
            continue;
        }
        let kind = if config[fi] && seen_attr[fi] {
            Kind::Configuration
        } else {
            Kind::Plain
        };
        for (v, bits, cause) in seen.values {
            if cause {
                out.push((
                    Condition::Filter(Filter::cmp(
                        field_ref(&names[fi], fi >= normal.len()),
                        CmpOp::Eq,
                        v.lit(store),
                    )),
                    bits,
                    kind,
                ));
            }
        }
    }
    out
}

/// Candidates about events: a message template being present, a span slower than its
/// name's p90, and `near` co-occurrences of two event kinds from different groups.
fn event_candidates(
    store: &Store,
    key_name: &str,
    group_of: &[Option<usize>],
    out_events: &Bits,
    out_groups: &Bits,
    n: usize,
) -> Vec<(Condition, Bits, Kind)> {
    let mut out = Vec::new();
    // Templates, computed once per distinct message.
    let mut tnames: Vec<String> = Vec::new();
    let mut tid: HashMap<String, u32, ahash::RandomState> = HashMap::default();
    let mut msg_t: HashMap<Sym, u32, ahash::RandomState> = HashMap::default();
    let mut tcount: Vec<usize> = Vec::new();
    let ev_t: Vec<Option<u32>> = store
        .events()
        .iter()
        .map(|e| {
            let m = e.msg?;
            let t = *msg_t.entry(m).or_insert_with(|| {
                let t = crate::text::template(store.s(m).lines().next().unwrap_or(""));
                let next = tnames.len() as u32;
                *tid.entry(t.clone()).or_insert_with(|| {
                    tnames.push(t);
                    tcount.push(0);
                    next
                })
            });
            tcount[t as usize] += 1;
            (!tnames[t as usize].is_empty()).then_some(t)
        })
        .collect();
    let mut order: Vec<usize> = (0..tnames.len())
        .filter(|&t| !tnames[t].is_empty())
        .collect();
    order.sort_by(|&a, &b| tcount[b].cmp(&tcount[a]).then(tnames[a].cmp(&tnames[b])));
    order.truncate(MAX_TEMPLATES);
    let mut tslot: Vec<Option<usize>> = vec![None; tnames.len()];
    for (slot, &t) in order.iter().enumerate() {
        tslot[t] = Some(slot);
    }
    let mut tbits: Vec<Bits> = order.iter().map(|_| Bits::new(n)).collect();
    let mut tcause: Vec<bool> = vec![false; order.len()];
    // Spans slower than their name's p90.
    let mut durs: HashMap<Sym, Vec<i64>, ahash::RandomState> = HashMap::default();
    for e in store.events() {
        if let (Some(nm), Some(d)) = (e.name, e.dur()) {
            durs.entry(nm).or_default().push(d);
        }
    }
    let p90: HashMap<Sym, i64> = durs
        .into_iter()
        .filter(|(_, v)| v.len() >= 5)
        .map(|(k, mut v)| {
            v.sort_unstable();
            let i = ((v.len() as f64 - 1.0) * 0.9).round() as usize;
            (k, v[i])
        })
        .collect();
    let mut slow: HashMap<Sym, (Bits, bool)> = HashMap::new();
    // Event kinds for co-occurrences, with the outcome groups each is seen in.
    // (groups, seen on a child span, seen off the outcome's own events)
    let mut labels: HashMap<Label, (Bits, bool, bool), ahash::RandomState> = HashMap::default();
    for (i, e) in store.events().iter().enumerate() {
        let Some(g) = group_of[i] else { continue };
        let cause = !out_events.get(i);
        if let Some(slot) = ev_t[i].and_then(|t| tslot[t as usize]) {
            tbits[slot].set(g);
            tcause[slot] |= cause;
        }
        if let (Some(nm), Some(d)) = (e.name, e.dur()) {
            if p90.get(&nm).is_some_and(|p| d > *p) {
                let s = slow.entry(nm).or_insert_with(|| (Bits::new(n), false));
                s.0.set(g);
                s.1 |= cause;
            }
        }
        let label = match (e.name, ev_t[i]) {
            (Some(nm), _) => Label::Name(nm),
            (None, Some(t)) => Label::Template(t),
            _ => continue,
        };
        let l = labels
            .entry(label)
            .or_insert_with(|| (Bits::new(n), false, false));
        l.0.set(g);
        l.1 |= e.parent.is_some();
        l.2 |= cause;
    }
    for (slot, bits) in tbits.into_iter().enumerate() {
        if tcause[slot] {
            out.push((
                Condition::Filter(template_pred(&tnames[order[slot]])),
                bits,
                Kind::Plain,
            ));
        }
    }
    for (nm, (bits, cause)) in slow {
        if cause {
            let slow = Filter::cmp(FieldRef::named("dur"), CmpOp::Gt, Lit::Dur(p90[&nm]));
            out.push((
                Condition::Filter(Filter::and(name_pred(store, nm), slow)),
                bits,
                Kind::Plain,
            ));
        }
    }
    out.extend(near_candidates(
        store,
        key_name,
        group_of,
        out_groups,
        labels,
        (&ev_t, &tnames),
        n,
    ));
    out
}

/// `near` co-occurrences of the event kinds seen in most outcome groups, one window per pair
/// (the best-scoring), kept only when stricter than the first kind's mere presence.
fn near_candidates(
    store: &Store,
    key_name: &str,
    group_of: &[Option<usize>],
    out_groups: &Bits,
    labels: HashMap<Label, (Bits, bool, bool), ahash::RandomState>,
    (ev_t, tnames): (&[Option<u32>], &[String]),
    n: usize,
) -> Vec<(Condition, Bits, Kind)> {
    // `a.KEY` takes a plain name only.
    if key_name.is_empty() || field_ref(key_name, false).to_string() != key_name {
        return Vec::new();
    }
    let total_out = out_groups.count();
    let ochiai = |bits: &Bits| {
        let both = bits.count_and(out_groups);
        if both == 0 {
            return 0.0;
        }
        both as f64 / ((total_out * bits.count()) as f64).sqrt()
    };
    // Kinds seen in most outcome groups first; then the more specific (child spans, rarer).
    let mut chosen: Vec<(Label, Bits, bool)> = labels
        .into_iter()
        .filter(|(_, (bits, _, cause))| *cause && bits.count_and(out_groups) > 0)
        .map(|(l, (bits, child, _))| (l, bits, child))
        .collect();
    chosen.sort_by(|(la, a, ca), (lb, b, cb)| {
        b.count_and(out_groups)
            .cmp(&a.count_and(out_groups))
            .then(cb.cmp(ca))
            .then(a.count().cmp(&b.count()))
            .then(
                label_pred(store, *la, tnames)
                    .to_string()
                    .cmp(&label_pred(store, *lb, tnames).to_string()),
            )
    });
    chosen.truncate(MAX_NEAR_LABELS);
    let index: HashMap<Label, u32> = chosen
        .iter()
        .enumerate()
        .map(|(i, (l, _, _))| (*l, i as u32))
        .collect();
    let events: Vec<Labelled> = store
        .events()
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let g = group_of[i]?;
            let label = match e.name {
                Some(nm) => Label::Name(nm),
                None => Label::Template(ev_t[i]?),
            };
            Some(Labelled {
                ts: e.ts,
                label: *index.get(&label)?,
                group: g as u32,
            })
        })
        .collect();
    let mut best: HashMap<(u32, u32), (f64, i64, Bits)> = HashMap::new();
    for p in near_pairs(&events, chosen.len(), n, &NEAR_WINDOWS_NS) {
        let s = ochiai(&p.groups);
        let slot = best.entry((p.a, p.b)).or_insert((-1.0, 0, Bits::new(0)));
        if s > slot.0 || (s == slot.0 && p.window_ns < slot.1) {
            *slot = (s, p.window_ns, p.groups);
        }
    }
    let mut out: Vec<(Condition, Bits, Kind)> = Vec::new();
    let mut pairs: Vec<_> = best.into_iter().collect();
    // A kind near itself ("two requests in handler X") first; of pairs that select the same
    // groups only the first is kept.
    pairs.sort_by_key(|((a, b), _)| (a != b, *a, *b));
    let mut seen: Vec<&Bits> = Vec::new();
    for ((a, b), (s, w, bits)) in &pairs {
        if *s <= ochiai(&chosen[*a as usize].1) + 1e-12 || seen.contains(&bits) {
            continue;
        }
        seen.push(bits);
        let (a, b, w) = (*a, *b, *w);
        let step = |l: Label, name: &str| Step {
            filter: label_pred(store, l, tnames),
            name: name.to_string(),
            name_span: 0..0,
        };
        let key = |name: &str| Operand::Ref {
            name: name.to_string(),
            field: FieldRef::named(key_name),
        };
        let pattern = Pattern {
            first: step(chosen[a as usize].0, "a"),
            rest: vec![(Rel::Near, step(chosen[b as usize].0, "b"))],
            within: Some(w),
            where_: Some(Where::Cmp {
                left: key("a"),
                op: CmpOp::Ne,
                right: key("b"),
                span: 0..0,
            }),
        };
        out.push((
            Condition::Pattern(Box::new(pattern)),
            bits.clone(),
            Kind::Near,
        ));
    }
    out
}

/// The filter matching one event kind.
fn label_pred(store: &Store, l: Label, tnames: &[String]) -> Filter {
    match l {
        Label::Name(nm) => name_pred(store, nm),
        Label::Template(t) => template_pred(&tnames[t as usize]),
    }
}
