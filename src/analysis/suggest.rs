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

fn literal(v: &FV, store: &Store) -> String {
    match v {
        FV::Int(i) => i.to_string(),
        FV::Float(f) => f.to_string(),
        FV::Bool(b) => b.to_string(),
        other => quote(&other.text(store)),
    }
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
    let mut cause_like: std::collections::HashSet<String> = std::collections::HashSet::new();
    // Candidate fields: normalised lanes and every attribute key with few values.
    let mut values: HashMap<(String, String), Bits> = HashMap::new();
    let mut distinct: HashMap<String, usize> = HashMap::new();
    let mut fields: Vec<(Field, String)> = ["service", "thread", "name", "level", "status", "kind"]
        .iter()
        .filter_map(|n| Field::normalised(n).map(|f| (f, n.to_string())))
        .collect();
    let mut keys: Vec<Sym> = store.attrs.iter().map(|a| a.key).collect();
    keys.sort_unstable();
    keys.dedup();
    fields.extend(
        keys.into_iter()
            .map(|k| (Field::Attr(k), store.s(k).to_string())),
    );
    fields.retain(|(_, name)| name != key_name);
    // (attribute, source) → (values seen, up to 2; events carrying it)
    type Seen = (std::collections::HashSet<String>, usize);
    let mut per_source: HashMap<(String, u32), Seen> = HashMap::new();
    for (i, e) in store.events.iter().enumerate() {
        for (f, name) in &fields {
            if matches!(f, Field::Attr(_)) {
                if let Some(v) = get(store, e, *f) {
                    let seen = per_source.entry((name.clone(), e.source)).or_default();
                    if seen.0.len() < 2 {
                        seen.0.insert(literal(&v, store));
                    }
                    seen.1 += 1;
                }
            }
        }
        let Some(g) = group_of[i] else { continue };
        for (f, name) in &fields {
            if distinct.get(name).is_some_and(|d| *d > MAX_VALUES) {
                continue;
            }
            if let Some(v) = get(store, e, *f) {
                let lit = literal(&v, store);
                if !out_events.get(i) {
                    cause_like.insert(format!("{name}\u{0}{lit}"));
                }
                let k = (name.clone(), lit);
                if !values.contains_key(&k) {
                    *distinct.entry(name.clone()).or_default() += 1;
                }
                values.entry(k).or_insert_with(|| Bits::new(n)).set(g);
            }
        }
    }
    // Configuration: one value per source, carried by every event of the source.
    let config_keys: std::collections::HashSet<String> = {
        let mut multi: std::collections::HashSet<&String> = std::collections::HashSet::new();
        for ((name, src), (vals, count)) in &per_source {
            let events = store
                .sources
                .get(*src as usize)
                .map_or(0, |s| s.events as usize);
            if vals.len() > 1 || *count < events {
                multi.insert(name);
            }
        }
        per_source
            .keys()
            .map(|(n, _)| n)
            .filter(|n| !multi.contains(n))
            .cloned()
            .collect()
    };
    let mut preds: Vec<(String, Bits, bool)> = values
        .into_iter()
        .filter(|((name, _), _)| {
            distinct
                .get(name)
                .is_some_and(|d| (2..=MAX_VALUES).contains(d))
        })
        .filter(|((name, lit), _)| cause_like.contains(&format!("{name}\u{0}{lit}")))
        .map(|((name, lit), bits)| {
            let config = config_keys.contains(&name);
            let field =
                if name.contains(|c: char| !(c.is_ascii_alphanumeric() || "._-@".contains(c))) {
                    format!("attrs.{}", quote(&name))
                } else {
                    name
                };
            (format!("{field} = {lit}"), bits, config)
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
