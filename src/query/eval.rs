//! Evaluating compiled predicates over events, in parallel over the store.

use super::ast::CmpOp;
use super::check::Pred;
use crate::model::field::{get, FV};
use crate::model::{Event, Store};
use rayon::prelude::*;
use std::cmp::Ordering;

/// Apply a comparison operator to an ordering.
pub fn holds(op: CmpOp, o: Ordering) -> bool {
    match op {
        CmpOp::Eq => o == Ordering::Equal,
        CmpOp::Ne => o != Ordering::Equal,
        CmpOp::Lt => o == Ordering::Less,
        CmpOp::Le => o != Ordering::Greater,
        CmpOp::Gt => o == Ordering::Greater,
        CmpOp::Ge => o != Ordering::Less,
        _ => false,
    }
}

/// Does one event satisfy the predicate?
pub fn test(store: &Store, e: &Event, p: &Pred) -> bool {
    match p {
        Pred::Const(b) => *b,
        Pred::And(a, b) => test(store, e, a) && test(store, e, b),
        Pred::Or(a, b) => test(store, e, a) || test(store, e, b),
        Pred::Not(a) => !test(store, e, a),
        Pred::Exists(f) => get(store, e, *f).is_some(),
        Pred::Level(op, l) => e
            .level()
            .is_some_and(|x| holds(*op, (x as u8).cmp(&(*l as u8)))),
        Pred::Num(f, op, n) => match get(store, e, *f).and_then(|v| v.num(store)) {
            Some(x) => x.partial_cmp(n).is_some_and(|o| holds(*op, o)),
            None => false,
        },
        Pred::Eq {
            field,
            text,
            sym,
            num,
            negate,
        } => match get(store, e, *field) {
            None => false,
            Some(v) => eq(store, v, text, *sym, *num) != *negate,
        },
        Pred::TextOrd(f, op, t) => match get(store, e, *f) {
            Some(v) => holds(*op, v.text(store).as_ref().cmp(t.as_str())),
            None => false,
        },
        Pred::Regex(f, re, negate) => match get(store, e, *f) {
            Some(v) => re.is_match(&v.text(store)) != *negate,
            None => false,
        },
        Pred::Contains(f, needle) => match get(store, e, *f) {
            Some(v) => memchr::memmem::find(v.text(store).as_bytes(), needle.as_bytes()).is_some(),
            None => false,
        },
    }
}

fn eq(store: &Store, v: FV, text: &str, sym: Option<crate::model::Sym>, num: Option<f64>) -> bool {
    match v {
        FV::Sym(s) => {
            if Some(s) == sym {
                return true;
            }
            // "500" written as text in the source still equals 500.
            num.is_some_and(|n| v.num(store) == Some(n))
        }
        FV::Int(_) | FV::Float(_) => num.is_some_and(|n| v.num(store) == Some(n)),
        other => other.text(store) == text,
    }
}

/// Indices of the events matching a predicate, in store order.
pub fn filter(store: &Store, p: &Pred) -> Vec<u32> {
    if let Pred::Const(false) = p {
        return Vec::new();
    }
    const CHUNK: usize = 64 * 1024;
    store
        .events()
        .par_chunks(CHUNK)
        .enumerate()
        .flat_map_iter(|(c, chunk)| {
            let base = (c * CHUNK) as u32;
            chunk
                .iter()
                .enumerate()
                .filter(move |(_, e)| test(store, e, p))
                .map(move |(i, _)| base + i as u32)
                .collect::<Vec<u32>>()
        })
        .collect()
}
