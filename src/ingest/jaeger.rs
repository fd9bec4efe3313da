//! Jaeger JSON: the UI's download (`{"data":[{traceID, spans, processes}]}`), a single trace
//! object, an array of spans with embedded `process` (anonymizer dumps), and — leniently — the
//! UI's internal transformed trace (`{"data":{spans,…}}`).

use super::batch::{Batch, Ctx, INHERIT_TS};
use super::ids;
use super::json::{array_elements, Lines, J};
use super::jsonl::json_error;
use crate::model::{time::NS_PER_US, Event, Kind, Level, Status, Sym, Value};
use std::collections::HashMap;

/// Parse a whole document.
pub fn parse_doc(text: &str, ctx: &Ctx, out: &mut Batch) {
    let lines = Lines::new(text);
    let j = match J::parse(text) {
        Ok(j) => j,
        Err(e) => {
            if text.trim_start().starts_with('[') {
                let (spans, _) = array_elements(text);
                out.error(
                    e.line() as u32,
                    format!(
                        "{}; kept {} complete spans before it",
                        json_error(&e),
                        spans.len()
                    ),
                );
                trace(&spans, None, &lines, ctx, out);
            } else {
                out.error(e.line() as u32, json_error(&e));
            }
            return;
        }
    };
    match &j {
        J::Arr(spans) => trace(spans, None, &lines, ctx, out),
        J::Obj(_) => match j.get("data") {
            Some(J::Arr(traces)) => {
                for t in traces {
                    trace_object(t, &lines, ctx, out);
                }
            }
            Some(d @ J::Obj(_)) => {
                out.note("Jaeger UI internal trace format (not the download format): spans read, UI fields ignored");
                trace_object(d, &lines, ctx, out);
            }
            _ if j.get("spans").is_some() => trace_object(&j, &lines, ctx, out),
            _ => out.error(
                1,
                "not a Jaeger trace: expected data[], spans[] or an array of spans",
            ),
        },
        _ => out.error(1, "not a Jaeger trace: expected an object or an array"),
    }
}

fn trace_object(t: &J, lines: &Lines, ctx: &Ctx, out: &mut Batch) {
    let line = lines.line_of_value(t);
    match t.get("spans") {
        _ if t.as_object().is_none() => out.error(line, "a Jaeger trace must be an object"),
        Some(J::Arr(spans)) => trace(spans, t.get("processes"), lines, ctx, out),
        Some(J::Null) | None => out.error(line, "Jaeger trace without spans"),
        Some(_) => out.error(line, "a Jaeger trace's spans must be an array"),
    }
}

struct Process {
    service: Option<Sym>,
    tags: Vec<(Sym, Value)>,
}

fn process(p: &J, ctx: &Ctx) -> Process {
    Process {
        service: p.get("serviceName").and_then(J::as_str).map(|s| ctx.sym(s)),
        tags: tags(p.get("tags"), ctx),
    }
}

/// Jaeger tags `[{key, type, value}]` → typed values (`type` decides: a bool given as "true"
/// stays a bool).
fn tags(list: Option<&J>, ctx: &Ctx) -> Vec<(Sym, Value)> {
    list.and_then(J::as_array)
        .unwrap_or(&[])
        .iter()
        .filter_map(|t| {
            let k = t.get("key")?.as_str()?;
            let v = t.get("value").unwrap_or(&J::Null);
            let ty = t.get("type").and_then(J::as_str).unwrap_or("");
            let val = match (ty.to_ascii_lowercase().as_str(), v) {
                ("bool", J::Bool(b)) => Value::Bool(*b),
                ("bool", J::Str(s)) => Value::Bool(s.eq_ignore_ascii_case("true")),
                ("int64", x) => x.as_i64().map_or(Value::Null, Value::Int),
                ("float64", x) => x.as_f64().map_or(Value::Null, Value::Float),
                (_, x) => super::record::value_of(x, ctx),
            };
            Some((ctx.sym(k), val))
        })
        .collect()
}

fn trace(spans: &[J], processes: Option<&J>, lines: &Lines, ctx: &Ctx, out: &mut Batch) {
    let procs: HashMap<&str, Process> = processes
        .and_then(J::as_object)
        .unwrap_or(&[])
        .iter()
        .map(|(k, p)| (k.as_ref(), process(p, ctx)))
        .collect();
    for sp in spans {
        let line = lines.line_of_value(sp);
        if sp.as_object().is_none() {
            out.error(line, "a Jaeger span must be an object");
            continue;
        }
        let embedded = sp.get("process").map(|p| process(p, ctx));
        let proc_ = embedded.as_ref().or_else(|| {
            sp.get("processID")
                .and_then(J::as_str)
                .and_then(|id| procs.get(id))
        });
        if proc_.is_none() {
            out.note("spans whose process is missing have no service");
        }
        span(sp, proc_, line, ctx, out);
    }
}

fn id(j: &J, key: &str, ctx: &Ctx) -> Option<Sym> {
    j.get(key)
        .and_then(J::as_str)
        .and_then(ids::normalise)
        .map(|s| ctx.sym(&s))
}

fn span(sp: &J, proc_: Option<&Process>, line: u32, ctx: &Ctx, out: &mut Batch) {
    let start = sp.get("startTime").and_then(J::as_i64);
    let mut ev = Event::new(
        Kind::Span,
        start.map_or(INHERIT_TS, |s| s.saturating_mul(NS_PER_US)),
    );
    if start.is_none() {
        out.error(
            line,
            "span without startTime; placed after the record before it",
        );
    }
    ev.line = line;
    ev.tz_offset = Some(0);
    ev.trace = id(sp, "traceID", ctx);
    ev.span = id(sp, "spanID", ctx);
    ev.dur = sp
        .get("duration")
        .and_then(J::as_i64)
        .map(|d| d.saturating_mul(NS_PER_US));
    ev.name = sp
        .get("operationName")
        .and_then(J::as_str)
        .map(|s| ctx.sym(s));
    let mut follows = Vec::new();
    for r in sp.get("references").and_then(J::as_array).unwrap_or(&[]) {
        let sid = r.get("spanID").and_then(J::as_str).and_then(ids::normalise);
        match (r.get("refType").and_then(J::as_str), sid) {
            (Some("CHILD_OF"), Some(s)) if ev.parent.is_none() => ev.parent = Some(ctx.sym(&s)),
            (_, Some(s)) => follows.push(s),
            _ => {}
        }
    }
    if ev.parent.is_none() {
        ev.parent = id(sp, "parentSpanID", ctx);
    }
    if let Some(p) = proc_ {
        ev.service = p.service;
        for (k, v) in &p.tags {
            out.attr(*k, *v);
        }
    }
    let mut status = Status::Unset;
    for (k, v) in tags(sp.get("tags"), ctx) {
        let key = ctx.strings.resolve(k);
        let truthy = match v {
            Value::Bool(b) => b,
            Value::Str(t) => ctx.strings.resolve(t).eq_ignore_ascii_case("true"),
            _ => false,
        };
        if key == "error" && truthy {
            status = Status::Error;
        }
        if key == "otel.status_code" {
            if let Some(s) = crate::model::Status::parse(&v.to_text(&ctx.strings)) {
                status = s;
            }
        }
        if key == "thread.name" && ev.thread.is_none() {
            ev.thread = Some(ctx.sym(&v.to_text(&ctx.strings)));
        }
        out.attr(k, v);
    }
    if !follows.is_empty() {
        out.attr(ctx.sym("follows_from"), ctx.str_value(&follows.join(",")));
    }
    ev.status = Some(status);
    if status == Status::Error {
        ev.level = Some(Level::Error);
    }
    let (trace, span_id, service) = (ev.trace, ev.span, ev.service);
    out.push(ev, ctx);
    for log in sp.get("logs").and_then(J::as_array).unwrap_or(&[]) {
        let ts = log.get("timestamp").and_then(J::as_i64);
        let mut le = Event::new(
            Kind::Event,
            ts.map_or(INHERIT_TS, |t| t.saturating_mul(NS_PER_US)),
        );
        if ts.is_none() {
            out.error(
                line,
                "span log without timestamp; placed after the record before it",
            );
        }
        le.line = line;
        le.tz_offset = Some(0);
        le.trace = trace;
        le.span = span_id;
        le.service = service;
        for (k, v) in tags(log.get("fields"), ctx) {
            match ctx.strings.resolve(k) {
                "event" if le.name.is_none() => le.name = Some(ctx.sym(&v.to_text(&ctx.strings))),
                "message" | "msg" if le.msg.is_none() => {
                    le.msg = Some(ctx.sym(&v.to_text(&ctx.strings)))
                }
                "level" => le.level = Level::parse(&v.to_text(&ctx.strings)),
                _ => out.attr(k, v),
            }
        }
        out.push(le, ctx);
    }
}
