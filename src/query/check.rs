//! The checker: resolve field names against the store, type the literals, and compile a filter
//! into a predicate. Errors carry positions and "did you mean" suggestions.

use super::ast::{CmpOp, FieldRef, Filter, Lit};
use super::error::QueryError;
use crate::model::field::{attr_keys, parse_num, Field, NAMES};
use crate::model::{time, Level, Store, Sym};
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use regex::Regex;

/// A compiled single-event predicate.
#[derive(Clone, Debug)]
pub enum Pred {
    Const(bool),
    Level(CmpOp, Level),
    /// Time, duration and numeric comparisons.
    Num(Field, CmpOp, f64),
    /// Text equality; `sym` is the literal's interned id when it was ever seen; `num` is its
    /// numeric reading, so `"500"` equals `500`.
    Eq {
        field: Field,
        text: String,
        sym: Option<Sym>,
        num: Option<f64>,
        negate: bool,
    },
    /// Lexicographic text ordering.
    TextOrd(Field, CmpOp, String),
    Regex(Field, Regex, bool),
    Contains(Field, String),
    Exists(Field),
    And(Box<Pred>, Box<Pred>),
    Or(Box<Pred>, Box<Pred>),
    Not(Box<Pred>),
}

/// Resolve a field reference (see [`Field::resolve`]), or say which names are near.
pub fn resolve(store: &Store, f: &FieldRef) -> Result<Field, QueryError> {
    resolve_at(store, &f.name, f.attr_only, f.span.clone())
}

/// Resolve a field named on its own (`--per request`): an error points at the whole name.
pub fn resolve_name(store: &Store, name: &str) -> Result<Field, QueryError> {
    resolve_at(store, name, false, 0..name.len())
}

fn resolve_at(
    store: &Store,
    name: &str,
    attr_only: bool,
    span: std::ops::Range<usize>,
) -> Result<Field, QueryError> {
    if let Some(field) = Field::resolve(store, name, attr_only) {
        return Ok(field);
    }
    let mut err = QueryError::new(span.start, span.end, format!("unknown field '{name}'"));
    let near = nearest_fields(store, name, 3);
    if let Some(best) = near.first() {
        err.message = format!("unknown field '{name}' — did you mean '{best}'?");
        err = err.suggest(best.clone());
    }
    Err(err)
}

/// Known field names closest to `name` (fuzzy match, then edit distance), best first.
pub fn nearest_fields(store: &Store, name: &str, n: usize) -> Vec<String> {
    let matcher = SkimMatcherV2::default();
    let mut all: Vec<String> = NAMES.iter().map(|s| s.to_string()).collect();
    all.extend(attr_keys(store).into_iter().map(|(k, _)| k));
    let mut scored: Vec<(i64, usize, String)> = all
        .into_iter()
        .filter_map(|cand| {
            let d = edit_distance(name, &cand);
            let fuzzy = matcher.fuzzy_match(&cand, name).unwrap_or(0);
            let close = d <= 2.max(name.len() / 3);
            (close || fuzzy > 0).then_some((d as i64, d, cand))
        })
        .collect();
    scored.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(a.2.len().cmp(&b.2.len()))
            .then(a.2.cmp(&b.2))
    });
    scored
        .into_iter()
        .filter(|(_, d, c)| *d <= 3.max(name.len() / 2) || c.contains(name))
        .take(n)
        .map(|(_, _, c)| c)
        .collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn lit_text(l: &Lit) -> String {
    match l {
        Lit::Str(s) | Lit::Word(s) => s.clone(),
        Lit::Num(n) => {
            if n.fract() == 0.0 && n.abs() < 1e15 {
                format!("{}", *n as i64)
            } else {
                n.to_string()
            }
        }
        Lit::Dur(d) => d.to_string(),
    }
}

/// True when an attribute key has at least one numeric value (or numeric text).
fn attr_is_numeric(store: &Store, key: Sym) -> bool {
    store
        .attr_pool()
        .iter()
        .filter(|a| a.key() == key)
        .take(100_000)
        .any(|a| a.value().as_f64(store.strings()).is_some())
}

/// Compile a filter against a store.
pub fn compile(store: &Store, f: &Filter) -> Result<Pred, QueryError> {
    Ok(match f {
        Filter::And(a, b) => Pred::And(Box::new(compile(store, a)?), Box::new(compile(store, b)?)),
        Filter::Or(a, b) => Pred::Or(Box::new(compile(store, a)?), Box::new(compile(store, b)?)),
        Filter::Not(a) => Pred::Not(Box::new(compile(store, a)?)),
        Filter::Exists(fr) => match resolve(store, fr) {
            Ok(field) => Pred::Exists(field),
            // An attribute that no event has: exists() is simply false.
            Err(_) if fr.attr_only || Field::normalised(&fr.name).is_none() => Pred::Const(false),
            Err(e) => return Err(e),
        },
        Filter::Text(s, _) => Pred::Contains(Field::Msg, s.clone()),
        Filter::In { field, lits, span } => {
            let mut acc: Option<Pred> = None;
            for l in lits {
                let one = cmp(store, field, CmpOp::Eq, l, span.clone())?;
                acc = Some(match acc {
                    None => one,
                    Some(p) => Pred::Or(Box::new(p), Box::new(one)),
                });
            }
            acc.unwrap_or(Pred::Const(false))
        }
        Filter::Cmp {
            field,
            op,
            lit,
            span,
        } => cmp(store, field, *op, lit, span.clone())?,
    })
}

fn cmp(
    store: &Store,
    fr: &FieldRef,
    op: CmpOp,
    lit: &Lit,
    span: std::ops::Range<usize>,
) -> Result<Pred, QueryError> {
    let field = resolve(store, fr)?;
    let err = |m: String| QueryError::new(span.start, span.end, m);
    let ordering = matches!(op, CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge);
    match op {
        CmpOp::Match | CmpOp::NotMatch => {
            let re = Regex::new(&lit_text(lit))
                .map_err(|e| err(format!("invalid regular expression: {e}")))?;
            return Ok(Pred::Regex(field, re, op == CmpOp::NotMatch));
        }
        CmpOp::Contains => return Ok(Pred::Contains(field, lit_text(lit))),
        _ => {}
    }
    match field {
        Field::Level => {
            let l = Level::parse(&lit_text(lit)).ok_or_else(|| {
                err(format!(
                    "'{}' is not a level (trace, debug, info, warn, error, fatal)",
                    lit_text(lit)
                ))
            })?;
            Ok(Pred::Level(op, l))
        }
        Field::Ts => {
            let ns = match lit {
                Lit::Str(s) | Lit::Word(s) => {
                    time::parse_rfc3339(s, 0).map(|p| p.ns).ok_or_else(|| {
                        err(format!(
                            "'{s}' is not an RFC 3339 time (e.g. \"2026-11-23T09:30:00Z\")"
                        ))
                    })?
                }
                Lit::Num(n) => time::epoch_guess_f64(*n).unwrap_or(0),
                Lit::Dur(_) => return Err(err("compare ts with a time, not a duration".into())),
            };
            Ok(Pred::Num(Field::Ts, op, ns as f64))
        }
        Field::Dur => {
            let ns = match lit {
                Lit::Dur(d) => *d as f64,
                Lit::Num(n) => *n,
                Lit::Str(s) | Lit::Word(s) => time::parse_duration(s)
                    .ok_or_else(|| err(format!("'{s}' is not a duration (e.g. 250ms, 1.5s)")))?
                    as f64,
            };
            Ok(Pred::Num(Field::Dur, op, ns))
        }
        _ => {
            let numeric_lit = match lit {
                Lit::Num(n) => Some(*n),
                Lit::Dur(d) => Some(*d as f64),
                Lit::Str(s) | Lit::Word(s) => parse_num(s),
            };
            if ordering {
                if let Some(n) = numeric_lit {
                    let numeric_field = match field {
                        Field::Attr(k) | Field::OrAttr(_, k) => attr_is_numeric(store, k),
                        Field::Line | Field::Value => true,
                        f => !f.is_text(),
                    };
                    if !numeric_field && matches!(lit, Lit::Num(_) | Lit::Dur(_)) {
                        return Err(err(format!(
                            "'{}' holds text, not numbers: it cannot be compared with {} {}",
                            fr.name,
                            op.as_str(),
                            lit_text(lit)
                        )));
                    }
                    if numeric_field {
                        return Ok(Pred::Num(field, op, n));
                    }
                }
                return Ok(Pred::TextOrd(field, op, lit_text(lit)));
            }
            let text = lit_text(lit);
            let sym = store.strings().lookup(&text);
            Ok(Pred::Eq {
                field,
                sym,
                num: numeric_lit,
                text,
                negate: op == CmpOp::Ne,
            })
        }
    }
}
