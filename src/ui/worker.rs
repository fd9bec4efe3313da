//! Work done off the render loop: running a query and regrouping lanes. Pure functions of the
//! store; the loop runs them on a blocking task and sends the outcome back.

use super::app::{Found, QueryOutcome};
use super::lanes;
use crate::model::{LaneKey, Store};
use crate::ops::{
    self,
    analyse::{Findings, Request},
    suggest::SuggestError,
};
use crate::query::{QueryError, QueryResult};

/// The runtime for work off the render loop (loading, queries, receiving OTLP): two worker
/// threads which, like its blocking threads, run at a lower priority than the loop (on
/// Linux), so that keys are answered and frames drawn while receiving saturates the cores.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .on_thread_start(lower_priority)
        .enable_all()
        .build()
}

/// Give the calling thread a lower scheduling priority (nice 10); where threads have no
/// priority of their own, nothing.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority only reads its arguments; on Linux `who` 0 is the calling thread.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

/// The most pattern matches the workbench keeps: a pattern that matches more is shown with its
/// first ones and says so (memory stays bounded however many matches there are).
pub const MAX_MATCHES: usize = 100_000;

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
        ops::query::run(store, text, MAX_MATCHES).map(|r| match r {
            QueryResult::Events(visible) => Found {
                lanes: lanes::compute(store, &visible, key),
                summary: format!("{} matching events", visible.len()),
                visible,
                ..Default::default()
            },
            QueryResult::Matches(ms) => {
                let visible = all();
                Found {
                    lanes: lanes::compute(store, &visible, key),
                    results: ops::query::first_events(&ms),
                    summary: if ms.len() >= MAX_MATCHES {
                        format!("the first {MAX_MATCHES} pattern matches (there are more: narrow the pattern or use `heisen query`)")
                    } else {
                        format!("{} pattern matches", ms.len())
                    },
                    highlight: ops::query::bound_events(&ms),
                    visible,
                    verdict: None,
                }
            }
            QueryResult::Hypothesis(v) => {
                let results = ops::query::counterexample_events(&v);
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
        store_len: store.len(),
    }
}

/// Run an analysis and show its findings as highlighted results to step through.
pub fn run_analysis(store: &Store, what: &Request, key: LaneKey) -> QueryOutcome {
    let result = what
        .load()
        .map_err(|m| QueryError::new(0, what.text().len(), m))
        .map(|analysis| {
            let findings = analysis.run(store);
            let summary = match &findings {
                Findings::Races(a) => format!(
                    "{} races, {} lost updates",
                    a.races.len(),
                    a.lost_updates.len()
                ),
                Findings::Stale(s) => format!("{} stale reads", s.len()),
                Findings::Verify(v) => format!(
                    "{} instances, {} violations",
                    v.instances,
                    v.violations.len()
                ),
            };
            let results = findings.events();
            let mut highlight = results.clone();
            highlight.sort_unstable();
            highlight.dedup();
            let all: Vec<u32> = (0..store.len() as u32).collect();
            Found {
                lanes: lanes::compute(store, &all, key),
                visible: all,
                highlight,
                results,
                verdict: None,
                summary,
            }
        });
    QueryOutcome {
        text: String::new(),
        result,
        store_len: store.len(),
    }
}

/// Rank hypotheses for an outcome filter per key.
pub fn run_suggest(
    store: &Store,
    outcome: &str,
    per: &str,
) -> Result<Vec<crate::analysis::suggest::Suggestion>, crate::query::QueryError> {
    ops::suggest::suggest(store, outcome, per, 20).map_err(|e| match e {
        SuggestError::Outcome(e) | SuggestError::Per(e) => e,
        SuggestError::OutcomeNotAFilter => {
            QueryError::new(0, outcome.len(), "the outcome of :suggest is a filter")
        }
    })
}
