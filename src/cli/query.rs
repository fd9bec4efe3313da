//! `heisen query`: the events matching a filter, or the matches of a pattern.

use super::common::{error_summary, print_json, LoadArgs};
use crate::ops::{self, query::Streamed};
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
    super::common::say(format_args!("{}", e.render(src)));
    if let Some(s) = &e.suggestion {
        super::common::say(format_args!("  suggestion: {s}"));
    }
    super::exit::USAGE
}

/// Check a query's syntax before loading anything: on an error, print it (with a caret) and
/// give the usage exit code.
pub fn syntax_error(src: &str) -> Option<i32> {
    let e = query::parse(src).err()?;
    super::common::say(format_args!("{}", e.render(src)));
    Some(super::exit::USAGE)
}

/// One pattern match: a JSON object of the bound events by name, or a text line.
fn write_match(
    w: &mut impl Write,
    store: &crate::model::Store,
    names: &[String],
    bound: &[u32],
    json: bool,
) -> Result<()> {
    let events = names
        .iter()
        .zip(bound)
        .map(|(n, &i)| (n, &store.events()[i as usize]));
    if json {
        let obj: serde_json::Map<String, serde_json::Value> = events
            .map(|(n, e)| Ok((n.clone(), serde_json::to_value(store.view(e))?)))
            .collect::<serde_json::Result<_>>()?;
        crate::text::json::write(&mut *w, &obj)?;
        writeln!(w)?;
    } else {
        let parts: Vec<String> = events
            .map(|(n, e)| {
                let t = format!("{n}: {}", store.line_text(e));
                crate::text::sanitize(&t, true).into_owned()
            })
            .collect();
        writeln!(w, "{}", parts.join("  |  "))?;
    }
    Ok(())
}

/// Run `heisen query`.
pub fn run(a: QueryArgs) -> Result<i32> {
    // A syntax error needs no data: report it before loading gigabytes.
    if let Some(code) = syntax_error(&a.query) {
        return Ok(code);
    }
    let store = a.load.load()?;
    let limit = a.limit.unwrap_or(usize::MAX);
    let out = std::io::stdout();
    let mut w = std::io::BufWriter::new(out.lock());
    // Pattern matches are written as they are found, never collected: a chain of `then`s
    // can match combinatorially often.
    let mut failed = None;
    let streamed = ops::query::stream(&store, &a.query, limit, |names, bound| {
        match write_match(&mut w, &store, names, bound, a.json) {
            Ok(()) => true,
            Err(e) => {
                failed = Some(e);
                false
            }
        }
    });
    if let Some(e) = failed {
        return Err(e);
    }
    let result = match streamed {
        Ok(r) => r,
        Err(e) => return Ok(report(&a.query, &e)),
    };
    match result {
        Streamed::Matches(n) => {
            w.flush()?;
            super::common::say(format_args!("heisen: {n} matches"));
        }
        Streamed::Answer(QueryResult::Events(idx)) => {
            for &i in idx.iter().take(limit) {
                super::events::write_event(&mut w, &store, &store.events()[i as usize], a.json)?;
            }
            w.flush()?;
            super::common::say(format_args!("heisen: {} matching events", idx.len()));
        }
        Streamed::Answer(QueryResult::Matches(ms)) => {
            for m in &ms {
                let (names, bound): (Vec<String>, Vec<u32>) = m.bound.iter().cloned().unzip();
                write_match(&mut w, &store, &names, &bound, a.json)?;
            }
            w.flush()?;
            super::common::say(format_args!("heisen: {} matches", ms.len()));
        }
        Streamed::Answer(QueryResult::Hypothesis(v)) => {
            drop(w);
            if a.json {
                print_json(&v)?;
            } else {
                print!("{}", super::check::verdict_text(&v));
            }
        }
    }
    if let Some(s) = error_summary(&store) {
        super::common::say(s);
    }
    Ok(0)
}
