//! Work done off the render loop: running a query and regrouping lanes. Pure functions of the
//! store; the loop runs them on a blocking task and sends the outcome back.

use super::app::{Found, QueryOutcome};
use super::lanes;
use crate::model::{LaneKey, Store};
use crate::query::{self, QueryResult};

/// Run a query (empty text: everything) and group the result into lanes.
pub fn run_query(store: &Store, text: &str, key: LaneKey) -> QueryOutcome {
    let all = || (0..store.len() as u32).collect::<Vec<u32>>();
    let result = if text.trim().is_empty() {
        let visible = all();
        Ok(Found {
            lanes: lanes::compute(store, &visible, key),
            visible,
            ..Default::default()
        })
    } else {
        query::compile(store, text).map(|q| match query::run(store, &q) {
            QueryResult::Events(visible) => Found {
                lanes: lanes::compute(store, &visible, key),
                summary: format!("{} matching events", visible.len()),
                visible,
                ..Default::default()
            },
            QueryResult::Matches(ms) => {
                let mut highlight: Vec<u32> = ms
                    .iter()
                    .flat_map(|m| m.bound.iter().map(|b| b.1))
                    .collect();
                highlight.sort_unstable();
                highlight.dedup();
                let visible = all();
                Found {
                    lanes: lanes::compute(store, &visible, key),
                    results: ms
                        .iter()
                        .filter_map(|m| m.bound.first().map(|b| b.1))
                        .collect(),
                    summary: format!("{} pattern matches", ms.len()),
                    highlight,
                    visible,
                    verdict: None,
                }
            }
            QueryResult::Hypothesis(v) => {
                let results: Vec<u32> = v
                    .counterexamples
                    .condition_only
                    .iter()
                    .chain(&v.counterexamples.outcome_only)
                    .filter_map(|k| v.first_event.get(k).copied())
                    .collect();
                let mut highlight = results.clone();
                highlight.sort_unstable();
                let visible = all();
                Found {
                    lanes: lanes::compute(store, &visible, key),
                    summary: format!("hypothesis {}", v.verdict),
                    results,
                    highlight,
                    visible,
                    verdict: Some(*v),
                }
            }
        })
    };
    QueryOutcome {
        text: text.to_string(),
        result,
    }
}
