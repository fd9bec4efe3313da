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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{load_named_bytes, LoadOptions};

    #[test]
    fn a_patterns_events_are_its_bound_events_once_each() {
        let text = r#"{"ts":1,"name":"a","msg":"m"}
{"ts":2,"name":"b","msg":"m"}
{"ts":3,"name":"a","msg":"m"}
{"ts":4,"name":"b","msg":"m"}
"#;
        let store = load_named_bytes(&[("x.jsonl", text.as_bytes())], &LoadOptions::default())
            .expect("loads");
        let q = r#"(name = "a") as x then (name = "b") as y within 10s"#;
        let QueryResult::Matches(ms) = run(&store, q, usize::MAX).expect("compiles") else {
            panic!("a pattern answers with matches");
        };
        let all = bound_events(&ms);
        assert!(all.windows(2).all(|w| w[0] < w[1]), "{all:?}");
        assert_eq!(all, [0, 1, 2, 3]);
        assert_eq!(
            first_events(&ms),
            ms.iter().map(|m| m.bound[0].1).collect::<Vec<_>>()
        );
        let r = run(&store, q, usize::MAX).expect("compiles");
        assert_eq!(selected_events(r), Some(all));
        let h = run(
            &store,
            r#"expect name = "b" when name = "a" per msg"#,
            usize::MAX,
        );
        assert_eq!(selected_events(h.expect("compiles")), None);
        assert!(run(&store, "nmae = 1", usize::MAX).is_err());
    }
}
