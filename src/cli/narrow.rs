//! `heisen minimize`, `heisen replay` and `heisen export`.

use super::analyse::{ev, read_spec};
use super::common::{print_json, LoadArgs};
use crate::analysis::{self, minimize};
use crate::files::{sha256_file, write_atomic};
use crate::model::{Kind, Store};
use crate::replay::Replayer;
use anyhow::{bail, Result};
use clap::{Args, ValueEnum};
use serde_json::{json, Map, Value};
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
    /// Where to write the repro.
    #[arg(short = 'o', long = "output", value_name = "REPRO")]
    pub output: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// One event as a schedule line (operations) or a normalised event line (everything else).
fn repro_line(store: &Store, i: u32) -> Value {
    let e = &store.events[i as usize];
    if e.kind() != Kind::Op {
        return ev(store, i);
    }
    let mut m = Map::new();
    m.insert("ts".into(), json!(e.ts));
    m.insert("thread".into(), json!(store.opt(e.thread)));
    m.insert("op".into(), json!(e.op().map(|o| o.as_str())));
    if let Some(o) = e.obj {
        m.insert("obj".into(), json!(store.s(o)));
    }
    if !e.value().is_null() {
        m.insert("value".into(), e.value().to_json(&store.strings));
    }
    for a in store.attrs(e) {
        m.insert(
            store.s(a.key()).to_string(),
            a.value().to_json(&store.strings),
        );
    }
    Value::Object(m)
}

/// Run `heisen minimize`.
pub fn minimize(a: MinimizeArgs) -> Result<i32> {
    let spec = a.spec.as_deref().map(read_spec).transpose()?;
    let oracle = match minimize::Oracle::parse(&a.oracle, spec) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("heisen: --oracle: {e}");
            return Ok(2);
        }
    };
    let store = a.load.load()?;
    let all = analysis::all(&store);
    let Some(m) = minimize::minimize(&store, &all, &oracle) else {
        bail!(
            "the oracle '{}' does not hold on the input: nothing to minimise",
            a.oracle
        );
    };
    let sources: Vec<Value> = a
        .load
        .files
        .iter()
        .map(|f| json!({"path": f, "sha256": sha256_file(f).ok()}))
        .collect();
    let header = json!({"heisen_repro": {
        "oracle": a.oracle, "sources": sources, "input_events": m.input_events,
        "events": m.events.len(), "oracle_calls": m.oracle_calls}});
    let mut text = serde_json::to_string(&header)? + "\n";
    for &i in &m.events {
        text.push_str(&serde_json::to_string(&repro_line(&store, i))?);
        text.push('\n');
    }
    write_atomic(std::path::Path::new(&a.output), text.as_bytes())?;
    if a.json {
        print_json(&json!({
            "oracle": a.oracle, "input_events": m.input_events, "after_slice": m.after_slice,
            "output_events": m.events.len(), "oracle_calls": m.oracle_calls, "output": a.output,
            "events": m.events.iter().map(|&i| ev(&store, i)).collect::<Vec<_>>()}))?;
    } else {
        println!(
            "{} → {} events ({} after the causal slice), {} oracle calls; wrote {}",
            m.input_events,
            m.events.len(),
            m.after_slice,
            m.oracle_calls,
            a.output
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
        serde_json::to_writer(&mut w, &line)?;
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
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: String,
}

/// Chrome trace events for a set of events: spans as X, others as instants.
pub fn chrome_trace(store: &Store, idx: &[u32]) -> Value {
    let mut pids: Vec<String> = Vec::new();
    let mut tids: Vec<(usize, String)> = Vec::new();
    let mut events = Vec::new();
    for &i in idx {
        let e = &store.events[i as usize];
        let svc = store
            .opt(e.service)
            .map(str::to_string)
            .unwrap_or_else(|| store.source_path(e).to_string());
        let pid = pids.iter().position(|p| *p == svc).unwrap_or_else(|| {
            pids.push(svc.clone());
            pids.len() - 1
        });
        let th = store
            .opt(e.thread)
            .or(store.opt(e.trace))
            .unwrap_or("main")
            .to_string();
        let tid = tids
            .iter()
            .position(|t| t.0 == pid && t.1 == th)
            .unwrap_or_else(|| {
                tids.push((pid, th.clone()));
                tids.len() - 1
            });
        let name = store
            .opt(e.name)
            .map(str::to_string)
            .or_else(|| {
                e.op()
                    .map(|o| format!("{} {}", o.as_str(), store.opt(e.obj).unwrap_or("")))
            })
            .or_else(|| {
                store
                    .opt(e.msg)
                    .map(|m| m.lines().next().unwrap_or("").to_string())
            })
            .unwrap_or_else(|| e.kind().as_str().to_string());
        let mut args = serde_json::to_value(store.view(e)).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut args {
            m.remove("source");
        }
        let ts = e.ts as f64 / 1000.0;
        match e.dur() {
            Some(d) => events.push(
                json!({"name": name, "cat": e.kind().as_str(), "ph": "X", "ts": ts,
                "dur": d as f64 / 1000.0, "pid": pid, "tid": tid, "args": args}),
            ),
            None => events.push(
                json!({"name": name, "cat": e.kind().as_str(), "ph": "i", "s": "t",
                "ts": ts, "pid": pid, "tid": tid, "args": args}),
            ),
        }
    }
    for (pid, name) in pids.iter().enumerate() {
        events.push(json!({"name": "process_name", "ph": "M", "pid": pid, "args": {"name": name}}));
    }
    for (tid, (pid, name)) in tids.iter().enumerate() {
        events.push(json!({"name": "thread_name", "ph": "M", "pid": pid, "tid": tid, "args": {"name": name}}));
    }
    json!({"traceEvents": events, "displayTimeUnit": "ns"})
}

/// Run `heisen export`.
pub fn export(a: ExportArgs) -> Result<i32> {
    if let Some(q) = &a.query {
        if let Err(e) = crate::query::parse(q) {
            eprintln!("{}", e.render(q));
            return Ok(2);
        }
    }
    let store = a.load.load()?;
    let idx: Vec<u32> = match &a.query {
        None => analysis::all(&store),
        Some(q) => match super::query::compile_or_report(&store, q) {
            Ok(c) => match crate::query::run(&store, &c) {
                crate::query::QueryResult::Events(v) => v,
                crate::query::QueryResult::Matches(ms) => {
                    let mut v: Vec<u32> = ms
                        .iter()
                        .flat_map(|m| m.bound.iter().map(|b| b.1))
                        .collect();
                    v.sort_unstable();
                    v.dedup();
                    v
                }
                crate::query::QueryResult::Hypothesis(_) => {
                    eprintln!("heisen: export -q takes a filter or a pattern, not a hypothesis");
                    return Ok(2);
                }
            },
            Err(code) => return Ok(code),
        },
    };
    let text = match a.to {
        ExportFormat::Jsonl => {
            let mut s = String::new();
            for &i in &idx {
                s.push_str(&serde_json::to_string(
                    &store.view(&store.events[i as usize]),
                )?);
                s.push('\n');
            }
            s
        }
        ExportFormat::Chrome => serde_json::to_string(&chrome_trace(&store, &idx))?,
    };
    write_atomic(std::path::Path::new(&a.output), text.as_bytes())?;
    eprintln!("heisen: wrote {} events to {}", idx.len(), a.output);
    Ok(0)
}
