//! Temporal patterns: a sort-and-sweep over time per step (binary search into each step's
//! time-ordered candidates, never all pairs), with a hash join on `where a.x = b.y` equalities
//! and `where` conjuncts checked as soon as the events they name are bound.

use super::ast::{CmpOp, Lit, Operand, Pattern, Rel, Where};
use super::check::{compile, resolve, Pred};
use super::error::QueryError;
use super::eval::{filter, holds};
use crate::model::field::{get, key_of, parse_num, Field, GroupKey};
use crate::model::Store;
use std::collections::HashMap;

/// A compiled operand of a `where` comparison.
#[derive(Clone, Debug)]
enum COperand {
    Ref { step: usize, field: Field },
    Lit { text: String, num: Option<f64> },
}

/// A compiled `where` condition.
#[derive(Clone, Debug)]
enum CWhere {
    Cmp(COperand, CmpOp, COperand),
    And(Box<CWhere>, Box<CWhere>),
    Or(Box<CWhere>, Box<CWhere>),
    Not(Box<CWhere>),
}

/// A pattern ready to run.
#[derive(Clone, Debug)]
pub struct CompiledPattern {
    pub names: Vec<String>,
    preds: Vec<Pred>,
    rels: Vec<Rel>,
    within: i64,
    /// Conjuncts of `where`, each with the last step it refers to.
    conjuncts: Vec<(usize, CWhere)>,
    /// For step k (≥ 1): join its candidates on `field_k = field_of(step i)`.
    joins: Vec<Option<(usize, Field, Field)>>,
    /// Step k and k-1 have the same filter and a symmetric relation: report each pair once.
    symmetric: Vec<bool>,
}

fn operand(store: &Store, o: &Operand, names: &[String]) -> Result<COperand, QueryError> {
    Ok(match o {
        Operand::Ref { name, field } => COperand::Ref {
            step: names.iter().position(|n| n == name).unwrap_or(0),
            field: resolve(store, field)?,
        },
        Operand::Lit(l) => {
            let text = match l {
                Lit::Str(s) | Lit::Word(s) => s.clone(),
                Lit::Num(n) => n.to_string(),
                Lit::Dur(d) => d.to_string(),
            };
            let num = match l {
                Lit::Num(n) => Some(*n),
                Lit::Dur(d) => Some(*d as f64),
                _ => parse_num(&text),
            };
            COperand::Lit { text, num }
        }
    })
}

fn cwhere(store: &Store, w: &Where, names: &[String]) -> Result<CWhere, QueryError> {
    Ok(match w {
        Where::Cmp {
            left, op, right, ..
        } => CWhere::Cmp(
            operand(store, left, names)?,
            *op,
            operand(store, right, names)?,
        ),
        Where::And(a, b) => CWhere::And(
            Box::new(cwhere(store, a, names)?),
            Box::new(cwhere(store, b, names)?),
        ),
        Where::Or(a, b) => CWhere::Or(
            Box::new(cwhere(store, a, names)?),
            Box::new(cwhere(store, b, names)?),
        ),
        Where::Not(a) => CWhere::Not(Box::new(cwhere(store, a, names)?)),
    })
}

fn max_step(w: &CWhere) -> usize {
    let op = |o: &COperand| match o {
        COperand::Ref { step, .. } => *step,
        COperand::Lit { .. } => 0,
    };
    match w {
        CWhere::Cmp(a, _, b) => op(a).max(op(b)),
        CWhere::And(a, b) | CWhere::Or(a, b) => max_step(a).max(max_step(b)),
        CWhere::Not(a) => max_step(a),
    }
}

fn split_and(w: CWhere, out: &mut Vec<CWhere>) {
    match w {
        CWhere::And(a, b) => {
            split_and(*a, out);
            split_and(*b, out);
        }
        other => out.push(other),
    }
}

/// Compile a pattern against a store.
pub fn compile_pattern(store: &Store, p: &Pattern) -> Result<CompiledPattern, QueryError> {
    let mut names = vec![p.first.name.clone()];
    let mut preds = vec![compile(store, &p.first.filter)?];
    let mut rels = Vec::new();
    let mut symmetric = vec![false];
    let mut prev_filter = &p.first.filter;
    for (rel, step) in &p.rest {
        names.push(step.name.clone());
        preds.push(compile(store, &step.filter)?);
        rels.push(*rel);
        // Same filter text (positions differ): each unordered pair once.
        symmetric.push(*rel != Rel::Then && step.filter.to_string() == prev_filter.to_string());
        prev_filter = &step.filter;
    }
    let mut conj = Vec::new();
    if let Some(w) = &p.where_ {
        split_and(cwhere(store, w, &names)?, &mut conj);
    }
    let mut joins = vec![None; names.len()];
    for c in &conj {
        if let CWhere::Cmp(
            COperand::Ref { step: i, field: fi },
            CmpOp::Eq,
            COperand::Ref { step: j, field: fj },
        ) = c
        {
            let (lo, flo, hi, fhi) = if i < j {
                (*i, *fi, *j, *fj)
            } else {
                (*j, *fj, *i, *fi)
            };
            if lo != hi && joins[hi].is_none() {
                joins[hi] = Some((lo, flo, fhi));
            }
        }
    }
    Ok(CompiledPattern {
        names,
        preds,
        rels,
        within: p.within.unwrap_or(i64::MAX),
        conjuncts: conj.into_iter().map(|c| (max_step(&c), c)).collect(),
        joins,
        symmetric,
    })
}

fn eval_where(store: &Store, w: &CWhere, bound: &[u32]) -> bool {
    match w {
        CWhere::And(a, b) => eval_where(store, a, bound) && eval_where(store, b, bound),
        CWhere::Or(a, b) => eval_where(store, a, bound) || eval_where(store, b, bound),
        CWhere::Not(a) => !eval_where(store, a, bound),
        CWhere::Cmp(l, op, r) => {
            let val = |o: &COperand| -> Option<(String, Option<f64>, Option<crate::model::Sym>)> {
                match o {
                    COperand::Ref { step, field } => {
                        let e = &store.events()[*bound.get(*step)? as usize];
                        let v = get(store, e, *field)?;
                        let sym = match v {
                            crate::model::field::FV::Sym(s) => Some(s),
                            _ => None,
                        };
                        Some((v.text(store).into_owned(), v.num(store), sym))
                    }
                    COperand::Lit { text, num } => Some((text.clone(), *num, None)),
                }
            };
            let (Some((lt, ln, ls)), Some((rt, rn, rs))) = (val(l), val(r)) else {
                return false;
            };
            match op {
                CmpOp::Match | CmpOp::NotMatch => {
                    let ok = regex::Regex::new(&rt).is_ok_and(|re| re.is_match(&lt));
                    ok != (*op == CmpOp::NotMatch)
                }
                CmpOp::Contains => lt.contains(&rt),
                _ => {
                    if let (Some(a), Some(b)) = (ls, rs) {
                        if matches!(op, CmpOp::Eq | CmpOp::Ne) {
                            return holds(
                                *op,
                                if a == b {
                                    std::cmp::Ordering::Equal
                                } else {
                                    std::cmp::Ordering::Less
                                },
                            );
                        }
                    }
                    let ord = match (ln, rn) {
                        (Some(a), Some(b)) => a.partial_cmp(&b),
                        _ => Some(lt.cmp(&rt)),
                    };
                    ord.is_some_and(|o| holds(*op, o))
                }
            }
        }
    }
}

/// How many matches to collect.
#[derive(Clone, Copy, Debug)]
pub enum Want {
    /// Up to this many matches.
    Limit(usize),
    /// At most one match per first event (for hypotheses).
    FirstPerStart,
}

/// Run a pattern: every match as the bound event indices, in order of the first event.
pub fn run(store: &Store, cp: &CompiledPattern, want: Want) -> Vec<Vec<u32>> {
    let mut out = Vec::new();
    visit(store, cp, want, &mut |m| {
        out.push(m.to_vec());
        true
    });
    out
}

/// Where matches go while a pattern runs: `each` sees them one at a time; the search stops
/// when `limit` have been seen or `each` says stop.
struct Sink<'a> {
    each: &'a mut dyn FnMut(&[u32]) -> bool,
    seen: usize,
    limit: usize,
    stopped: bool,
}

impl Sink<'_> {
    fn emit(&mut self, bound: &[u32]) {
        self.seen += 1;
        self.stopped |= !(self.each)(bound);
    }

    fn full(&self) -> bool {
        self.stopped || self.seen >= self.limit
    }
}

/// Hand a pattern's matches to `each` one at a time (the bound event indices, in order of the
/// first event) until it returns false; memory does not grow with the number of matches.
/// Returns how many matches `each` saw.
pub fn visit(
    store: &Store,
    cp: &CompiledPattern,
    want: Want,
    each: &mut dyn FnMut(&[u32]) -> bool,
) -> usize {
    let cands: Vec<Vec<u32>> = cp.preds.iter().map(|p| filter(store, p)).collect();
    let buckets: Vec<Option<HashMap<GroupKey, Vec<u32>>>> = cp
        .joins
        .iter()
        .enumerate()
        .map(|(k, j)| {
            j.map(|(_, _, field)| {
                let mut m: HashMap<GroupKey, Vec<u32>> = HashMap::new();
                for &i in &cands[k] {
                    if let Some(key) = key_of(store, &store.events()[i as usize], field) {
                        m.entry(key).or_default().push(i);
                    }
                }
                m
            })
        })
        .collect();
    let max_dur: Vec<i64> = cands
        .iter()
        .map(|c| {
            c.iter()
                .map(|&i| store.events()[i as usize].dur().unwrap_or(0))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut sink = Sink {
        each,
        seen: 0,
        limit: 0,
        stopped: false,
    };
    let mut bound = Vec::with_capacity(cp.names.len());
    for &a in &cands[0] {
        bound.clear();
        bound.push(a);
        if !conjuncts_ok(store, cp, 0, &bound) {
            continue;
        }
        sink.limit = match want {
            Want::Limit(n) => n,
            Want::FirstPerStart => sink.seen + 1,
        };
        // Listing matches: each unordered pair of a symmetric relation once. Hypotheses need
        // every start (either event of a pair may be the group's).
        let dedup = matches!(want, Want::Limit(_));
        extend(
            store, cp, &cands, &buckets, &max_dur, &mut bound, &mut sink, dedup,
        );
        if sink.stopped || matches!(want, Want::Limit(_)) && sink.full() {
            break;
        }
    }
    sink.seen
}

fn conjuncts_ok(store: &Store, cp: &CompiledPattern, k: usize, bound: &[u32]) -> bool {
    cp.conjuncts
        .iter()
        .filter(|(m, _)| *m == k)
        .all(|(_, c)| eval_where(store, c, bound))
}

#[allow(clippy::too_many_arguments)]
fn extend(
    store: &Store,
    cp: &CompiledPattern,
    cands: &[Vec<u32>],
    buckets: &[Option<HashMap<GroupKey, Vec<u32>>>],
    max_dur: &[i64],
    bound: &mut Vec<u32>,
    sink: &mut Sink,
    dedup: bool,
) {
    let k = bound.len();
    if k == cp.names.len() {
        sink.emit(bound);
        return;
    }
    let prev = &store.events()[bound[k - 1] as usize];
    let list: &[u32] = match (&cp.joins[k], &buckets[k]) {
        (Some((i, f, _)), Some(m)) => {
            let Some(key) = key_of(store, &store.events()[bound[*i] as usize], *f) else {
                return;
            };
            match m.get(&key) {
                Some(v) => v,
                None => return,
            }
        }
        _ => &cands[k],
    };
    let rel = cp.rels[k - 1];
    let w = cp.within;
    let (lo, hi) = match rel {
        Rel::Then => (prev.ts, prev.ts.saturating_add(w)),
        Rel::Near => (prev.ts.saturating_sub(w), prev.ts.saturating_add(w)),
        Rel::Overlaps => (prev.ts.saturating_sub(max_dur[k]), prev.end()),
    };
    let start = list.partition_point(|&i| store.events()[i as usize].ts < lo);
    for &c in &list[start..] {
        let e = &store.events()[c as usize];
        if e.ts > hi {
            break;
        }
        if bound.contains(&c) || (dedup && cp.symmetric[k] && c < bound[k - 1]) {
            continue;
        }
        if rel == Rel::Overlaps && !(e.ts <= prev.end() && e.end() >= prev.ts) {
            continue;
        }
        if rel == Rel::Then && e.ts == prev.ts && c < bound[k - 1] {
            continue; // same instant: keep store order for "then"
        }
        bound.push(c);
        if conjuncts_ok(store, cp, k, bound) {
            extend(store, cp, cands, buckets, max_dur, bound, sink, dedup);
        }
        bound.pop();
        if sink.full() {
            return;
        }
    }
}
