//! `heisen query`: the events matching a filter, or the matches of a pattern.

use super::common::{error_summary, print_json, LoadArgs};
use crate::ops;
use crate::query::{self, QueryResult};
use anyhow::Result;
use clap::Args;
use std::io::Write;

/// Arguments of `heisen query`.
#[derive(Args, Debug)]
pub struct QueryArgs {
    #[command(flatten)]
    pub load: LoadArgs,
    /// The query: a filter, a pattern or a hypothesis (see docs/QUERY.md).
    #[arg(short = 'q', long = "query", value_name = "QUERY")]
    pub query: String,
    /// Print JSON: one event (filter) or one object of bound events (pattern) per line.
    #[arg(long)]
    pub json: bool,
    /// Print at most N results.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

/// Print a query error (with a caret under `src`, and a suggestion if there is one) and give
/// the usage exit code.
pub fn report(src: &str, e: &query::QueryError) -> i32 {
    eprintln!("{}", e.render(src));
    if let Some(s) = &e.suggestion {
        eprintln!("  suggestion: {s}");
    }
    2
}

/// Check a query's syntax before loading anything: on an error, print it (with a caret) and
/// give the usage exit code.
pub fn syntax_error(src: &str) -> Option<i32> {
    let e = query::parse(src).err()?;
    eprintln!("{}", e.render(src));
    Some(2)
}

/// Run `heisen query`.
pub fn run(a: QueryArgs) -> Result<i32> {
    // A syntax error needs no data: report it before loading gigabytes.
    if let Some(code) = syntax_error(&a.query) {
        return Ok(code);
    }
    let store = a.load.load()?;
    let limit = a.limit.unwrap_or(usize::MAX);
    let result = match ops::query::run(&store, &a.query, limit) {
        Ok(r) => r,
        Err(e) => return Ok(report(&a.query, &e)),
    };
    let out = std::io::stdout();
    let mut w = std::io::BufWriter::new(out.lock());
    match result {
        QueryResult::Events(idx) => {
            for &i in idx.iter().take(limit) {
                super::events::write_event(&mut w, &store, &store.events()[i as usize], a.json)?;
            }
            w.flush()?;
            eprintln!("heisen: {} matching events", idx.len());
        }
        QueryResult::Matches(ms) => {
            for m in &ms {
                if a.json {
                    let obj: serde_json::Map<String, serde_json::Value> = m
                        .bound
                        .iter()
                        .map(|(n, i)| {
                            let v = serde_json::to_value(store.view(&store.events()[*i as usize]))
                                .unwrap_or_default();
                            (n.clone(), v)
                        })
                        .collect();
                    serde_json::to_writer(&mut w, &obj)?;
                    writeln!(w)?;
                } else {
                    let parts: Vec<String> = m
                        .bound
                        .iter()
                        .map(|(n, i)| {
                            let t = store.line_text(&store.events()[*i as usize]);
                            format!("{n}: {}", crate::text::sanitize(&t, true))
                        })
                        .collect();
                    writeln!(w, "{}", parts.join("  |  "))?;
                }
            }
            w.flush()?;
            eprintln!("heisen: {} matches", ms.len());
        }
        QueryResult::Hypothesis(v) => {
            drop(w);
            if a.json {
                print_json(&v)?;
            } else {
                print!("{}", super::check::verdict_text(&v));
            }
        }
    }
    if let Some(s) = error_summary(&store) {
        eprintln!("{s}");
    }
    Ok(0)
}
