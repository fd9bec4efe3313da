//! Completion candidates for the query bar: field names, keywords, and the frequent values of
//! the field before an operator, ranked with fuzzy matching.

use crate::model::field::{attr_keys, key_of, Field, NAMES};
use crate::model::Store;
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use serde::Serialize;
use std::collections::HashMap;
use std::ops::Range;

/// What a candidate is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CompletionKind {
    Field,
    Value,
    Keyword,
}

/// One candidate: the text to insert over `replace`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Completion {
    pub text: String,
    pub kind: CompletionKind,
    pub score: i64,
    pub replace: Range<usize>,
}

const KEYWORDS: [&str; 14] = [
    "and", "or", "not", "in", "contains", "exists", "as", "then", "near", "overlaps", "within",
    "where", "expect", "per",
];
const OPS: [&str; 9] = ["<=", ">=", "!=", "!~", "=", "<", ">", "~", "contains"];
/// How many events are sampled for frequent values.
const SAMPLE: usize = 200_000;

fn word_start(src: &str, cursor: usize) -> usize {
    let b = src.as_bytes();
    let mut i = cursor;
    while i > 0
        && (b[i - 1].is_ascii_alphanumeric()
            || matches!(b[i - 1], b'_' | b'.' | b'@' | b'-' | b'"'))
    {
        i -= 1;
    }
    i
}

/// Completion candidates at `cursor` (a byte offset into `src`), best first.
pub fn completions(store: &Store, src: &str, cursor: usize) -> Vec<Completion> {
    let cursor = cursor.min(src.len());
    if !src.is_char_boundary(cursor) {
        return Vec::new();
    }
    let start = word_start(src, cursor);
    let word = &src[start..cursor];
    let before = src[..start].trim_end();
    let matcher = SkimMatcherV2::default();
    let rank = |cands: Vec<(String, CompletionKind, i64)>, needle: &str| {
        let mut out: Vec<Completion> = cands
            .into_iter()
            .filter_map(|(text, kind, weight)| {
                let score = if needle.is_empty() {
                    Some(0)
                } else {
                    matcher.fuzzy_match(&text, needle)
                }?;
                Some(Completion {
                    text,
                    kind,
                    score: score * 1000 + weight,
                    replace: start..cursor,
                })
            })
            .collect();
        out.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.text.cmp(&b.text)));
        out.truncate(50);
        out
    };
    // After `field op`: values of that field.
    if let Some(op) = OPS.iter().find(|op| before.ends_with(*op)) {
        let lhs = before[..before.len() - op.len()].trim_end();
        let fstart = word_start(lhs, lhs.len());
        let name = &lhs[fstart..];
        if let Some(field) = Field::resolve(store, name, false) {
            let mut counts: HashMap<String, i64> = HashMap::new();
            for e in store.events().iter().take(SAMPLE) {
                if let Some(k) = key_of(store, e, field) {
                    let t = k.text(store);
                    if t.len() <= 80 {
                        *counts.entry(t).or_default() += 1;
                    }
                }
            }
            let needle = word.trim_matches('"');
            let cands = counts
                .into_iter()
                .map(|(v, n)| (super::ast::quote(&v), CompletionKind::Value, n.min(999)))
                .collect();
            return rank(cands, needle);
        }
        return Vec::new();
    }
    let mut cands: Vec<(String, CompletionKind, i64)> = NAMES
        .iter()
        .map(|n| (n.to_string(), CompletionKind::Field, 500))
        .collect();
    for (k, n) in attr_keys(store).into_iter().take(500) {
        cands.push((k, CompletionKind::Field, (n as i64).min(499)));
    }
    if !before.is_empty() {
        cands.extend(
            KEYWORDS
                .iter()
                .map(|k| (k.to_string(), CompletionKind::Keyword, 100)),
        );
    } else {
        cands.push(("expect".into(), CompletionKind::Keyword, 100));
    }
    rank(cands, word)
}
