//! Running a query, and the events each kind of answer points at.

use crate::model::Store;
use crate::query::{self, PatternMatch, QueryError, QueryResult, Verdict};

/// Compile `text` against the store and run it (patterns: at most `limit` matches).
pub fn run(store: &Store, text: &str, limit: usize) -> Result<QueryResult, QueryError> {
    let q = query::compile(store, text)?;
    Ok(query::run_limited(store, &q, limit))
}

/// Every event some match binds, once each, in store order.
pub fn bound_events(ms: &[PatternMatch]) -> Vec<u32> {
    let mut v: Vec<u32> = ms
        .iter()
        .flat_map(|m| m.bound.iter().map(|b| b.1))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The first bound event of each match, in match order.
pub fn first_events(ms: &[PatternMatch]) -> Vec<u32> {
    ms.iter()
        .filter_map(|m| m.bound.first().map(|b| b.1))
        .collect()
}

/// The first event of each counterexample group: condition without outcome, then outcome
/// without condition.
pub fn counterexample_events(v: &Verdict) -> Vec<u32> {
    v.counterexamples
        .condition_only
        .iter()
        .chain(&v.counterexamples.outcome_only)
        .filter_map(|k| v.first_event.get(k).copied())
        .collect()
}

/// The events a filter or a pattern selects (a pattern: every bound event); `None` for a
/// hypothesis, which answers with groups.
pub fn selected_events(result: QueryResult) -> Option<Vec<u32>> {
    match result {
        QueryResult::Events(v) => Some(v),
        QueryResult::Matches(ms) => Some(bound_events(&ms)),
        QueryResult::Hypothesis(_) => None,
    }
}
