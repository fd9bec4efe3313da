//! Hypotheses from data: for groups with and without the outcome, rank candidate predicates —
//! `attr = value` for low-cardinality attributes and fields, a message template being present,
//! a span slower than its name's p90 — by the Ochiai coefficient
//! `both / sqrt((both + outcome_only) · (both + condition_only))`, with the counts behind it.
//! Each suggestion is a complete `expect … when … per KEY` that `heisen check` accepts.

use crate::model::{Store, Sym};
use crate::query::ast::quote;
use crate::query::check::Pred;
use crate::query::eval::{filter, key_of, GroupKey};
use crate::query::field::{get, Field, FV};
use serde::Serialize;
use std::collections::HashMap;

/// How many distinct values make an attribute "low cardinality".
pub const MAX_VALUES: usize = 20;
/// How many message templates are considered.
pub const MAX_TEMPLATES: usize = 200;

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

struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }
    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn get(&self, i: usize) -> bool {
        self.0[i / 64] >> (i % 64) & 1 == 1
    }
}

fn regex_of_template(t: &str) -> String {
    let parts: Vec<String> = t.split("<*>").map(regex::escape).collect();
    format!("^{}$", parts.join(".*"))
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
    let mut gid: HashMap<GroupKey, usize> = HashMap::new();
    let mut group_of: Vec<Option<usize>> = Vec::with_capacity(store.len());
    for e in &store.events {
        let g = key_of(store, e, key).map(|k| {
            let n = gid.len();
            *gid.entry(k).or_insert(n)
        });
        group_of.push(g);
    }
    let n = gid.len();
    let mut out_groups = Bits::new(n);
    // Events of the outcome itself: a predicate seen only on them is a symptom, not a cause.
    let mut out_events = Bits::new(store.len());
    for i in filter(store, outcome) {
        out_events.set(i as usize);
        if let Some(g) = group_of[i as usize] {
            out_groups.set(g);
        }
    }

    // Candidate fields: normalised lanes and every attribute key with few values. Values are
    // keyed by their typed form; text is made only for the predicates that survive.
    #[derive(Clone, Copy, PartialEq, Eq, Hash)]
    enum V {
        Sym(Sym),
        Int(i64),
        Bool(bool),
        Float(u64),
        Static(&'static str),
    }
    let vkey = |v: &FV| -> Option<V> {
        Some(match v {
            FV::Sym(s) => V::Sym(*s),
            FV::Int(i) => V::Int(*i),
            FV::Bool(b) => V::Bool(*b),
            FV::Float(f) => V::Float(f.to_bits()),
            FV::Level(l) => V::Static(l.as_str()),
            FV::Text(t) => V::Static(match *t {
                "log" | "span" | "event" | "op" | "race" | "unset" | "ok" | "error" => {
                    crate::model::Kind::parse(t)
                        .map(|k| k.as_str())
                        .or_else(|| crate::model::Status::parse(t).map(|s| s.as_str()))?
                }
                _ => return None,
            }),
            _ => return None,
        })
    };
    let vtext = |v: V| -> String {
        match v {
            V::Sym(s) => quote(store.s(s)),
            V::Int(i) => i.to_string(),
            V::Bool(b) => b.to_string(),
            V::Float(f) => f64::from_bits(f).to_string(),
            V::Static(t) => quote(t),
        }
    };
    let normal: Vec<(Field, String)> = ["service", "thread", "name", "level", "status", "kind"]
        .iter()
        .filter(|n| **n != key_name)
        .filter_map(|n| Field::normalised(n).map(|f| (f, n.to_string())))
        .collect();
    let mut names: Vec<String> = normal.iter().map(|(_, n)| n.clone()).collect();
    let mut attr_index: HashMap<Sym, usize> = HashMap::new();
    for a in &store.attrs {
        if !attr_index.contains_key(&a.key) && store.s(a.key) != key_name {
            attr_index.insert(a.key, names.len());
            names.push(store.s(a.key).to_string());
        }
    }
    let nf = names.len();
    let mut values: HashMap<(usize, V), (Bits, bool), ahash::RandomState> = HashMap::default();
    let mut distinct = vec![0usize; nf];
    // per (field, source): (a value seen, several values?, events carrying it)
    let ns = store.sources.len().max(1);
    let mut per_source: Vec<(Option<V>, bool, usize)> = vec![(None, false, 0); nf * ns];
    for (i, e) in store.events.iter().enumerate() {
        let g = group_of[i];
        let mut visit = |fi: usize, v: V, is_attr: bool| {
            if is_attr {
                let ps = &mut per_source[fi * ns + (e.source as usize).min(ns - 1)];
                match ps.0 {
                    None => ps.0 = Some(v),
                    Some(x) if x != v => ps.1 = true,
                    _ => {}
                }
                ps.2 += 1;
            }
            let Some(g) = g else { return };
            if distinct[fi] > MAX_VALUES {
                return;
            }
            let entry = values.entry((fi, v)).or_insert_with(|| {
                distinct[fi] += 1;
                (Bits::new(n), false)
            });
            entry.0.set(g);
            if !out_events.get(i) {
                entry.1 = true;
            }
        };
        for (fi, (f, _)) in normal.iter().enumerate() {
            if let Some(v) = get(store, e, *f).as_ref().and_then(vkey) {
                visit(fi, v, false);
            }
        }
        for a in store.attrs(e) {
            if let Some(&fi) = attr_index.get(&a.key) {
                let v = match a.value {
                    crate::model::Value::Str(s) => V::Sym(s),
                    crate::model::Value::Int(x) => V::Int(x),
                    crate::model::Value::Bool(b) => V::Bool(b),
                    crate::model::Value::Float(f) => V::Float(f.to_bits()),
                    crate::model::Value::Null => continue,
                };
                visit(fi, v, true);
            }
        }
    }
    // Configuration: one value per source, carried by every event of the source.
    let mut config = vec![true; nf];
    let mut seen_attr = vec![false; nf];
    for (k, (first, multi, count)) in per_source.iter().enumerate() {
        let (fi, src) = (k / ns, k % ns);
        if first.is_none() {
            continue;
        }
        seen_attr[fi] = true;
        let events = store.sources.get(src).map_or(0, |s| s.events as usize);
        if *multi || *count < events {
            config[fi] = false;
        }
    }
    let mut preds: Vec<(String, Bits, bool)> = values
        .into_iter()
        .filter(|((fi, _), (_, cause))| *cause && (2..=MAX_VALUES).contains(&distinct[*fi]))
        .map(|((fi, v), (bits, _))| {
            let name = &names[fi];
            let field =
                if name.contains(|c: char| !(c.is_ascii_alphanumeric() || "._-@".contains(c))) {
                    format!("attrs.{}", quote(name))
                } else {
                    name.clone()
                };
            (
                format!("{field} = {}", vtext(v)),
                bits,
                config[fi] && seen_attr[fi],
            )
        })
        .collect();
    // Message templates.
    let mut tcount: HashMap<String, usize> = HashMap::new();
    for e in &store.events {
        if let Some(m) = e.msg {
            *tcount
                .entry(crate::text::template(
                    store.s(m).lines().next().unwrap_or(""),
                ))
                .or_default() += 1;
        }
    }
    let mut tlist: Vec<(String, usize)> =
        tcount.into_iter().filter(|(t, _)| !t.is_empty()).collect();
    tlist.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    tlist.truncate(MAX_TEMPLATES);
    let tindex: HashMap<&str, usize> = tlist
        .iter()
        .enumerate()
        .map(|(i, (t, _))| (t.as_str(), i))
        .collect();
    let mut tbits: Vec<Bits> = tlist.iter().map(|_| Bits::new(n)).collect();
    let mut tcause: Vec<bool> = vec![false; tlist.len()];
    // Spans slower than their name's p90.
    let mut durs: HashMap<Sym, Vec<i64>> = HashMap::new();
    for e in &store.events {
        if let (Some(nm), Some(d)) = (e.name, e.dur) {
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
    let mut slow: HashMap<Sym, Bits> = HashMap::new();
    let mut slow_cause: std::collections::HashSet<Sym> = std::collections::HashSet::new();
    for (i, e) in store.events.iter().enumerate() {
        let Some(g) = group_of[i] else { continue };
        if let Some(m) = e.msg {
            let t = crate::text::template(store.s(m).lines().next().unwrap_or(""));
            if let Some(&ti) = tindex.get(t.as_str()) {
                tbits[ti].set(g);
                if !out_events.get(i) {
                    tcause[ti] = true;
                }
            }
        }
        if let (Some(nm), Some(d)) = (e.name, e.dur) {
            if p90.get(&nm).is_some_and(|p| d > *p) {
                slow.entry(nm).or_insert_with(|| Bits::new(n)).set(g);
                if !out_events.get(i) {
                    slow_cause.insert(nm);
                }
            }
        }
    }
    for (((t, _), bits), cause) in tlist.iter().zip(tbits).zip(tcause) {
        if !cause {
            continue;
        }
        let pred = if t.contains("<*>") {
            format!("msg ~ {}", quote(&regex_of_template(t)))
        } else {
            format!("msg = {}", quote(t))
        };
        preds.push((pred, bits, false));
    }
    for (nm, bits) in slow {
        if !slow_cause.contains(&nm) {
            continue;
        }
        let p = p90[&nm];
        preds.push((
            format!("name = {} and dur > {p}ns", quote(store.s(nm))),
            bits,
            false,
        ));
    }
    // Score.
    let total_out = (0..n).filter(|&g| out_groups.get(g)).count();
    let mut scored: Vec<Suggestion> = preds
        .into_iter()
        .filter_map(|(p, bits, configuration)| {
            let mut both = 0;
            let mut cond = 0;
            for g in 0..n {
                if bits.get(g) {
                    if out_groups.get(g) {
                        both += 1;
                    } else {
                        cond += 1;
                    }
                }
            }
            if both == 0 {
                return None;
            }
            let outcome_only = total_out - both;
            let neither = n - both - cond - outcome_only;
            let score = both as f64 / (((both + outcome_only) * (both + cond)) as f64).sqrt();
            Some(Suggestion {
                hypothesis: format!("expect {outcome_text} when {p} per {key_name}"),
                predicate: p,
                configuration,
                score,
                counts: Counts {
                    both,
                    condition_only: cond,
                    outcome_only,
                    neither,
                },
            })
        })
        .filter(|s| crate::query::parse(&s.hypothesis).is_ok())
        .collect();
    scored.sort_by(|a, b| {
        b.score
            .partial_cmp(&a.score)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(b.configuration.cmp(&a.configuration))
            .then(a.counts.condition_only.cmp(&b.counts.condition_only))
            .then(a.predicate.len().cmp(&b.predicate.len()))
            .then(a.predicate.cmp(&b.predicate))
    });
    scored.truncate(top);
    scored
}
