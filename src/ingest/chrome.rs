//! Chrome trace event JSON (array or `{"traceEvents":[…]}`, the closing `]` may be missing):
//! `X` complete events and matched `B`/`E` pairs become spans, `i`/`I`/`n`/`R` instants become
//! point events, `C` counters become events with their values, `M` metadata names processes
//! (→ `service`) and threads (→ `thread`). Other phases are counted in a note.

use super::batch::{Batch, Ctx};
use super::json::{array_elements, J};
use crate::model::{Event, Kind, Sym, Value};
use std::collections::{BTreeMap, HashMap};

/// Parse a whole document.
pub fn parse_doc(text: &str, ctx: &Ctx, out: &mut Batch) {
    let trimmed = text.trim_start();
    let (events, cut) = if trimmed.starts_with('[') {
        array_elements(text)
    } else {
        match J::parse(text) {
            Ok(j) => match j.get("traceEvents") {
                Some(J::Arr(a)) => (a.clone(), None),
                _ => {
                    out.error(1, "not a Chrome trace: no traceEvents array");
                    return;
                }
            },
            Err(_) => match text
                .find("\"traceEvents\"")
                .and_then(|k| text[k..].find('[').map(|o| k + o))
            {
                Some(start) => {
                    let (ev, cut) = array_elements(&text[start..]);
                    (ev, cut.or(Some((0, "document truncated".into()))))
                }
                None => {
                    out.error(1, "not a Chrome trace: no traceEvents array");
                    return;
                }
            },
        }
    };
    if let Some((_, reason)) = cut {
        out.error(
            0,
            format!(
                "{reason}; kept {} complete trace events before it",
                events.len()
            ),
        );
    }
    convert(&events, ctx, out);
}

fn num_or_str(j: Option<&J>) -> Option<f64> {
    j.and_then(J::as_f64)
}

fn key_of(j: Option<&J>) -> String {
    match j {
        Some(J::Str(s)) => s.to_string(),
        Some(other) => other.to_text(),
        None => "0".into(),
    }
}

/// µs (possibly fractional) → ns.
fn us_to_ns(us: f64) -> i64 {
    (us * 1000.0).round() as i64
}

fn convert(events: &[J], ctx: &Ctx, out: &mut Batch) {
    // Pass 1: metadata names.
    let mut procs: HashMap<String, Sym> = HashMap::new();
    let mut threads: HashMap<(String, String), Sym> = HashMap::new();
    for e in events {
        if e.get("ph").and_then(J::as_str) != Some("M") {
            continue;
        }
        let name = e
            .get("args")
            .and_then(|a| a.get("name"))
            .and_then(J::as_str);
        match (e.get("name").and_then(J::as_str), name) {
            (Some("process_name"), Some(n)) => {
                procs.insert(key_of(e.get("pid")), ctx.sym(n));
            }
            (Some("thread_name"), Some(n)) => {
                threads.insert((key_of(e.get("pid")), key_of(e.get("tid"))), ctx.sym(n));
            }
            _ => {}
        }
    }
    let mut open: HashMap<(String, String), Vec<Open>> = HashMap::new();
    let mut other: BTreeMap<String, u64> = BTreeMap::new();
    for (i, e) in events.iter().enumerate() {
        let Some(ph) = e.get("ph").and_then(J::as_str) else {
            out.error(0, format!("trace event #{} has no phase (ph)", i + 1));
            continue;
        };
        if ph == "M" {
            continue;
        }
        let Some(ts) = num_or_str(e.get("ts")) else {
            if !matches!(ph, "M") {
                out.error(0, format!("trace event #{} ({ph}) has no ts", i + 1));
            }
            continue;
        };
        let (pid, tid) = (key_of(e.get("pid")), key_of(e.get("tid")));
        let mut ev = Event::new(Kind::Span, us_to_ns(ts));
        ev.service = Some(
            procs
                .get(&pid)
                .copied()
                .unwrap_or_else(|| ctx.sym(&format!("pid {pid}"))),
        );
        ev.thread = Some(
            threads
                .get(&(pid.clone(), tid.clone()))
                .copied()
                .unwrap_or_else(|| ctx.sym(&format!("tid {tid}"))),
        );
        ev.name = e
            .get("name")
            .and_then(J::as_str)
            .filter(|n| !n.is_empty())
            .map(|n| ctx.sym(n));
        match ph {
            "X" => {
                ev.dur = num_or_str(e.get("dur")).map(|d| us_to_ns(d).max(0));
                push_attrs(attrs(e, ctx), out);
                out.push(ev, ctx);
            }
            "B" => open
                .entry((pid, tid))
                .or_default()
                .push((ev, attrs(e, ctx))),
            "E" => match open.get_mut(&(pid.clone(), tid.clone())).and_then(Vec::pop) {
                Some((mut begin, begin_attrs)) => {
                    begin.dur = Some((ev.ts - begin.ts).max(0));
                    for (k, v) in begin_attrs.into_iter().chain(attrs(e, ctx)) {
                        out.attr(k, v);
                    }
                    out.push(begin, ctx);
                }
                None => out.error(
                    0,
                    format!(
                        "trace event #{}: E (end) without a matching B on pid {pid} tid {tid}",
                        i + 1
                    ),
                ),
            },
            "i" | "I" | "n" | "R" => {
                ev.kind = Kind::Event;
                if let Some(s) = e.get("s").and_then(J::as_str) {
                    out.attr(ctx.sym("scope"), ctx.str_value(s));
                }
                push_attrs(attrs(e, ctx), out);
                out.push(ev, ctx);
            }
            "C" => {
                ev.kind = Kind::Event;
                push_attrs(attrs(e, ctx), out);
                out.push(ev, ctx);
            }
            _ => *other.entry(ph.to_string()).or_default() += 1,
        }
    }
    let unclosed: usize = open.values().map(Vec::len).sum();
    let mut left: Vec<_> = open.into_values().flatten().collect();
    left.sort_by_key(|(e, _)| e.ts);
    for (ev, a) in left {
        push_attrs(a, out);
        out.push(ev, ctx);
    }
    if unclosed > 0 {
        out.note(format!(
            "{unclosed} B (begin) events never ended: spans without a duration"
        ));
    }
    if !other.is_empty() {
        let list: Vec<String> = other.iter().map(|(p, n)| format!("{p}: {n}")).collect();
        out.note(format!(
            "trace events of other phases not shown ({})",
            list.join(", ")
        ));
    }
}

/// A `B` event waiting for its `E`, with its attributes.
type Open = (Event, Vec<(Sym, Value)>);

fn push_attrs(a: Vec<(Sym, Value)>, out: &mut Batch) {
    for (k, v) in a {
        out.attr(k, v);
    }
}

/// `cat` and the flattened `args.*` of a trace event.
fn attrs(e: &J, ctx: &Ctx) -> Vec<(Sym, Value)> {
    let mut out = Vec::new();
    if let Some(c) = e.get("cat").and_then(J::as_str).filter(|c| !c.is_empty()) {
        out.push((ctx.sym("cat"), ctx.str_value(c)));
    }
    if let Some(args) = e.get("args").and_then(J::as_object) {
        let mut flat = Vec::new();
        super::record::flatten(args, &mut flat);
        for (k, v) in flat {
            out.push((
                ctx.sym(&format!("args.{k}")),
                super::record::value_of(v, ctx),
            ));
        }
    }
    out
}
