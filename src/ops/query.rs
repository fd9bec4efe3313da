//! Running a query, and the events each kind of answer points at.

use crate::model::Store;
use crate::query::pattern::{self, Want};
use crate::query::{self, Compiled, PatternMatch, QueryError, QueryResult, Verdict};

/// Compile `text` against the store and run it (patterns: at most `limit` matches).
pub fn run(store: &Store, text: &str, limit: usize) -> Result<QueryResult, QueryError> {
    let q = query::compile(store, text)?;
    Ok(query::run_limited(store, &q, limit))
}

/// What a streamed query answered.
#[derive(Debug)]
pub enum Streamed {
    /// A filter or a hypothesis, answered as [`run`] does.
    Answer(QueryResult),
    /// A pattern: this many matches were handed out.
    Matches(usize),
}

/// Like [`run`], but a pattern's matches are handed to `each` one at a time (with the
/// pattern's names; at most `limit`, or until `each` returns false) instead of being
/// collected: memory stays bounded however many matches there are.
pub fn stream(
    store: &Store,
    text: &str,
    limit: usize,
    mut each: impl FnMut(&[String], &[u32]) -> bool,
) -> Result<Streamed, QueryError> {
    Ok(match query::compile(store, text)? {
        Compiled::Pattern(cp) => Streamed::Matches(pattern::visit(
            store,
            &cp,
            Want::Limit(limit),
            &mut |bound| each(&cp.names, bound),
        )),
        q => Streamed::Answer(query::run_limited(store, &q, limit)),
    })
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

/// The events a filter or a pattern selects (a pattern: every bound event, once each, in store
/// order; its matches are streamed, so memory is bounded by the store); `None` for a
/// hypothesis, which answers with groups.
pub fn selected_events(store: &Store, text: &str) -> Result<Option<Vec<u32>>, QueryError> {
    let mut hit = vec![false; store.len()];
    let streamed = stream(store, text, usize::MAX, |_, bound| {
        for &i in bound {
            hit[i as usize] = true;
        }
        true
    })?;
    Ok(match streamed {
        Streamed::Answer(QueryResult::Events(v)) => Some(v),
        Streamed::Answer(QueryResult::Matches(ms)) => Some(bound_events(&ms)),
        Streamed::Answer(QueryResult::Hypothesis(_)) => None,
        Streamed::Matches(_) => Some(
            (0..store.len() as u32)
                .filter(|&i| hit[i as usize])
                .collect(),
        ),
    })
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
        assert_eq!(selected_events(&store, q).expect("compiles"), Some(all));
        let mut streamed = Vec::new();
        let n = stream(&store, q, 2, |names, bound| {
            assert_eq!(names, ["x", "y"]);
            streamed.push(bound.to_vec());
            true
        })
        .expect("compiles");
        assert!(matches!(n, Streamed::Matches(2)), "{n:?}");
        let first_two: Vec<Vec<u32>> = ms[..2]
            .iter()
            .map(|m| m.bound.iter().map(|b| b.1).collect())
            .collect();
        assert_eq!(streamed, first_two);
        let h = r#"expect name = "b" when name = "a" per msg"#;
        assert_eq!(selected_events(&store, h).expect("compiles"), None);
        assert!(run(&store, "nmae = 1", usize::MAX).is_err());
    }
}
