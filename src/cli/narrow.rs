//! `heisen minimize`, `heisen replay` and `heisen export`.

use super::common::{print_json, LoadArgs};
use crate::analysis;
use crate::export::jsonl::event as ev;
use crate::files::Output;
use crate::ops::{self, minimise::OracleError};
use crate::replay::Replayer;
use anyhow::Result;
use clap::{Args, ValueEnum};
use serde_json::{json, Value};
use std::io::Write;

/// Arguments of `heisen minimize`.
#[derive(Args, Debug)]
pub struct MinimizeArgs {
    #[command(flatten)]
    pub load: LoadArgs,
    /// What must keep holding: race[:OBJ], lost-update[:OBJ], violation[:KEY], hypothesis:QUERY.
    #[arg(long)]
    pub oracle: String,
    /// State machine for the violation oracle.
    #[arg(long, value_name = "MACHINE.toml")]
    pub spec: Option<String>,
    /// Where to write the repro (- for standard output; never one of the inputs).
    #[arg(short = 'o', long = "output", value_name = "REPRO")]
    pub output: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Run `heisen minimize`.
pub fn minimize(a: MinimizeArgs) -> Result<i32> {
    let oracle = match ops::minimise::oracle(&a.oracle, a.spec.as_deref()) {
        Ok(o) => o,
        Err(OracleError::Spec(e)) => anyhow::bail!(e),
        Err(OracleError::Oracle(e)) => {
            super::common::say(format_args!("heisen: --oracle: {e}"));
            return Ok(super::exit::USAGE);
        }
    };
    let out = Output::check(&a.output, &a.load.files)?;
    let store = a.load.load()?;
    // A hypothesis naming a field the data lacks is a usage error, not an oracle that fails.
    if let crate::analysis::minimize::Oracle::Hypothesis(q) = &oracle {
        if let Err(e) = crate::query::compile(&store, q) {
            return Ok(super::query::report(q, &e));
        }
    }
    let r = ops::minimise::minimise(&store, &a.load.files, &oracle, &a.oracle)?;
    out.write(r.text.as_bytes())?;
    let m = &r.minimized;
    if a.json {
        let summary = json!({
            "oracle": a.oracle, "input_events": m.input_events, "after_slice": m.after_slice,
            "output_events": m.events.len(), "oracle_calls": m.oracle_calls, "output": a.output,
            "events": m.events.iter().map(|&i| ev(&store, i)).collect::<Vec<_>>()});
        if out == Output::Stdout {
            // The repro is on stdout: the summary goes to stderr, as one JSON line.
            super::common::say(format_args!("{}", crate::text::json::to_string(&summary)?));
        } else {
            print_json(&summary)?;
        }
    } else if out == Output::Stdout {
        // The repro is on stdout: the summary goes to stderr.
        super::common::say(format_args!(
            "heisen: {} → {} events, {} oracle calls",
            m.input_events,
            m.events.len(),
            m.oracle_calls
        ));
    } else {
        println!(
            "{} → {} events ({} after the causal slice), {} oracle calls; wrote {}",
            m.input_events,
            m.events.len(),
            m.after_slice,
            m.oracle_calls,
            out.describe()
        );
        for &i in &m.events {
            println!("  {}", super::analyse::ev_text(&store, i));
        }
    }
    Ok(0)
}

/// Arguments of `heisen replay`.
#[derive(Args, Debug)]
pub struct ReplayArgs {
    /// A repro file (or any input heisen reads).
    #[command(flatten)]
    pub load: LoadArgs,
    /// Print the state after each step, one JSON object per line.
    #[arg(long)]
    pub json: bool,
}

/// Run `heisen replay`.
pub fn replay(a: ReplayArgs) -> Result<i32> {
    if !a.json {
        let load = a.load.options()?;
        return crate::ui::run(crate::ui::UiOptions {
            files: a.load.files.clone(),
            load,
            theme: "dark".into(),
            follow: false,
            listen: None,
            save: None,
        });
    }
    let store = a.load.load()?;
    let mut r = Replayer::new(&store);
    let out = std::io::stdout();
    let mut w = std::io::BufWriter::new(out.lock());
    for i in 0..store.len() {
        let mut line = serde_json::to_value(r.state_at(i))?;
        if let Value::Object(m) = &mut line {
            m.insert("event".into(), ev(&store, i as u32));
        }
        crate::text::json::write(&mut w, &line)?;
        writeln!(w)?;
    }
    w.flush()?;
    Ok(0)
}

/// Export formats.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ExportFormat {
    /// Normalised events, one JSON object per line (heisen reads it back).
    Jsonl,
    /// Chrome trace event JSON (opens in Perfetto and chrome://tracing).
    Chrome,
}

/// Arguments of `heisen export`.
#[derive(Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    pub load: LoadArgs,
    /// Only the events matching this filter.
    #[arg(short = 'q', long = "query")]
    pub query: Option<String>,
    #[arg(long = "to", value_enum)]
    pub to: ExportFormat,
    /// Where to write (- for standard output; never one of the inputs).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: String,
}

/// Run `heisen export`.
pub fn export(a: ExportArgs) -> Result<i32> {
    if let Some(q) = &a.query {
        if let Some(code) = super::query::syntax_error(q) {
            return Ok(code);
        }
    }
    let out = Output::check(&a.output, &a.load.files)?;
    let store = a.load.load()?;
    let idx: Vec<u32> = match &a.query {
        None => analysis::all(&store),
        Some(q) => match ops::query::selected_events(&store, q) {
            Ok(Some(v)) => v,
            Ok(None) => {
                super::common::say(
                    "heisen: export -q takes a filter or a pattern, not a hypothesis",
                );
                return Ok(super::exit::USAGE);
            }
            Err(e) => return Ok(super::query::report(q, &e)),
        },
    };
    let format = match a.to {
        ExportFormat::Jsonl => ops::export::Format::Jsonl,
        ExportFormat::Chrome => ops::export::Format::Chrome,
    };
    ops::export::write(&store, &idx, format, &out)?;
    super::common::say(format_args!(
        "heisen: wrote {} events to {}",
        idx.len(),
        out.describe()
    ));
    Ok(0)
}
