//! Work done off the render loop: running a query and regrouping lanes. Pure functions of the
//! store; the loop runs them on a blocking task and sends the outcome back.

use super::app::{Found, QueryOutcome};
use super::lanes;
use crate::model::{LaneKey, Store};
use crate::query::{self, QueryResult};

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
        store_len: store.len(),
    }
}

/// Run an analysis and show its findings as highlighted results to step through.
pub fn run_analysis(store: &Store, what: &str, key: LaneKey) -> QueryOutcome {
    use crate::analysis;
    let all: Vec<u32> = (0..store.len() as u32).collect();
    let err = |m: String| crate::query::QueryError::new(0, what.len(), m);
    let result = (|| {
        let (results, summary): (Vec<u32>, String) = if what == "races" {
            let a = analysis::races::analyse(store, &all);
            let mut r: Vec<u32> = a.races.iter().flat_map(|x| [x.a, x.b]).collect();
            r.extend(a.lost_updates.iter().flat_map(|l| l.events.clone()));
            (
                r,
                format!(
                    "{} races, {} lost updates",
                    a.races.len(),
                    a.lost_updates.len()
                ),
            )
        } else if what == "stale" {
            let s = analysis::stale::stale_reads(store, &all);
            let r = s.iter().flat_map(|x| [x.write, x.read]).collect();
            (r, format!("{} stale reads", s.len()))
        } else if let Some(path) = what.strip_prefix("verify ") {
            let text = std::fs::read_to_string(path).map_err(|e| err(format!("{path}: {e}")))?;
            let spec =
                analysis::verify::Spec::parse(&text).map_err(|e| err(format!("{path}: {e}")))?;
            let v = analysis::verify::verify(store, &spec, &all);
            let r = v
                .violations
                .iter()
                .flat_map(|x| x.previous.into_iter().chain([x.event]))
                .collect();
            (
                r,
                format!(
                    "{} instances, {} violations",
                    v.instances,
                    v.violations.len()
                ),
            )
        } else {
            return Err(err(format!("unknown analysis '{what}'")));
        };
        let mut highlight = results.clone();
        highlight.sort_unstable();
        highlight.dedup();
        Ok(Found {
            lanes: lanes::compute(store, &all, key),
            visible: all.clone(),
            highlight,
            results,
            verdict: None,
            summary,
        })
    })();
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
    let pred = match query::compile(store, outcome)? {
        query::Compiled::Filter(p) => p,
        _ => {
            return Err(crate::query::QueryError::new(
                0,
                outcome.len(),
                "the outcome of :suggest is a filter",
            ))
        }
    };
    let key = query::check::resolve(
        store,
        &query::ast::FieldRef {
            name: per.to_string(),
            attr_only: false,
            span: 0..per.len(),
        },
    )?;
    Ok(crate::analysis::suggest::suggest(
        store, &pred, outcome, key, per, 20,
    ))
}
