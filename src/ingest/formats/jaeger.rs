//! Jaeger JSON: the UI's download (`{"data":[{traceID, spans, processes}]}`), a single trace
//! object, an array of spans with embedded `process` (anonymizer dumps), and — leniently — the
//! UI's internal transformed trace (`{"data":{spans,…}}`).

use super::jsonl::json_error;
use crate::ingest::batch::{Batch, Ctx, INHERIT_TS};
use crate::ingest::ids;
use crate::ingest::json::{array_elements, Lines, J};
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
                (_, x) => crate::ingest::json::record::value_of(x, ctx),
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
        .and_then(ids::normalise_padded)
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
    ev.set_tz_offset(Some(0));
    ev.trace = id(sp, "traceID", ctx);
    ev.span = id(sp, "spanID", ctx);
    ev.set_dur(
        sp.get("duration")
            .and_then(J::as_i64)
            .map(|d| d.saturating_mul(NS_PER_US)),
    );
    ev.name = sp
        .get("operationName")
        .and_then(J::as_str)
        .map(|s| ctx.sym(s));
    let mut follows = Vec::new();
    for r in sp.get("references").and_then(J::as_array).unwrap_or(&[]) {
        let sid = r
            .get("spanID")
            .and_then(J::as_str)
            .and_then(ids::normalise_padded);
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
    ev.set_status(Some(status));
    if status == Status::Error {
        ev.set_level(Some(Level::Error));
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
        le.set_tz_offset(Some(0));
        le.trace = trace;
        le.span = span_id;
        le.service = service;
        for (k, v) in tags(log.get("fields"), ctx) {
            match ctx.strings.resolve(k) {
                "event" if le.name.is_none() => le.name = Some(ctx.sym(&v.to_text(&ctx.strings))),
                "message" | "msg" if le.msg.is_none() => {
                    le.msg = Some(ctx.sym(&v.to_text(&ctx.strings)))
                }
                "level" => le.set_level(Level::parse(&v.to_text(&ctx.strings))),
                _ => out.attr(k, v),
            }
        }
        out.push(le, ctx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Strings;

    fn parse(text: &str) -> (Batch, Ctx) {
        let ctx = Ctx::new(Strings::new());
        let mut b = Batch::new();
        parse_doc(text, &ctx, &mut b);
        b.finish(&ctx);
        (b, ctx)
    }

    fn attrs(b: &Batch, ctx: &Ctx, i: usize) -> Vec<(String, Value)> {
        let e = &b.events[i];
        b.attrs[e.attr_start as usize..(e.attr_start + e.attr_len()) as usize]
            .iter()
            .map(|a| (ctx.strings.resolve(a.key()).to_string(), a.value()))
            .collect()
    }

    #[test]
    fn download_format_tags_references_and_logs() {
        let (b, ctx) = parse(
            r#"{"data":[{"traceID":"AB12","spans":[
              {"traceID":"AB12","spanID":"2","operationName":"get","startTime":1700000000000001,"duration":25,
               "references":[{"refType":"FOLLOWS_FROM","traceID":"AB12","spanID":"9"},{"refType":"CHILD_OF","traceID":"AB12","spanID":"1"}],
               "tags":[{"key":"error","type":"bool","value":"true"},{"key":"n","type":"int64","value":"42"},{"key":"f","type":"float64","value":0.5},{"key":"ok","type":"bool","value":false}],
               "logs":[{"timestamp":1700000000000010,"fields":[{"key":"event","type":"string","value":"retry"},{"key":"message","type":"string","value":"again"},{"key":"level","type":"string","value":"warn"},{"key":"attempt","type":"int64","value":2}]}],
               "processID":"p1"}],
             "processes":{"p1":{"serviceName":"api","tags":[{"key":"hostname","type":"string","value":"pod-1"}]}}}]}"#,
        );
        assert_eq!(b.error_count, 0, "{:?}", b.errors);
        assert_eq!(b.events.len(), 2);
        let s = &b.events[0];
        let r = |x: Option<Sym>| x.map(|x| ctx.strings.resolve(x).to_string());
        assert_eq!(s.kind(), Kind::Span);
        assert_eq!(s.ts, 1_700_000_000_000_001_000);
        assert_eq!(s.dur(), Some(25_000));
        assert_eq!(r(s.trace).as_deref(), Some("000000000000ab12"));
        assert_eq!(r(s.parent).as_deref(), Some("0000000000000001"));
        assert_eq!(r(s.service).as_deref(), Some("api"));
        assert_eq!(r(s.name).as_deref(), Some("get"));
        assert_eq!(
            (s.status(), s.level()),
            (Some(Status::Error), Some(Level::Error))
        );
        let a = attrs(&b, &ctx, 0);
        assert_eq!(a[0], ("hostname".into(), ctx.str_value("pod-1")));
        assert_eq!(a[1], ("error".into(), Value::Bool(true)));
        assert_eq!(a[2], ("n".into(), Value::Int(42)));
        assert_eq!(a[3], ("f".into(), Value::Float(0.5)));
        assert_eq!(a[4], ("ok".into(), Value::Bool(false)));
        assert_eq!(
            a[5],
            ("follows_from".into(), ctx.str_value("0000000000000009"))
        );
        let l = &b.events[1];
        assert_eq!(l.kind(), Kind::Event);
        assert_eq!(l.ts, 1_700_000_000_000_010_000);
        assert_eq!((l.trace, l.span, l.service), (s.trace, s.span, s.service));
        assert_eq!(r(l.name).as_deref(), Some("retry"));
        assert_eq!(r(l.msg).as_deref(), Some("again"));
        assert_eq!(l.level(), Some(Level::Warn));
        assert_eq!(attrs(&b, &ctx, 1), [("attempt".into(), Value::Int(2))]);
    }

    #[test]
    fn variants_and_lines() {
        // A single trace object; an array of spans with embedded process; the UI's internal form.
        let (b, _) = parse(
            r#"{"traceID":"1","spans":[{"spanID":"2","startTime":1,"processID":"x"}],"processes":{}}"#,
        );
        assert_eq!((b.events.len(), b.error_count), (1, 0));
        assert_eq!(b.events[0].service, None);
        assert_eq!(b.notes, ["spans whose process is missing have no service"]);
        let (b, ctx) = parse("[\n{\"spanID\":\"2\",\"startTime\":1,\"process\":{\"serviceName\":\"s\"}},\n{\"spanID\":\"3\",\"startTime\":2,\"process\":{\"serviceName\":\"t\"}}\n]");
        assert_eq!(b.events.len(), 2);
        assert_eq!(b.events[1].line, 3);
        assert_eq!(ctx.strings.resolve(b.events[1].service.unwrap()), "t");
        let (b, _) = parse(
            r#"{"data":{"spans":[{"spanID":"2","startTime":1,"process":{"serviceName":"s"},"depth":0}]}}"#,
        );
        assert_eq!(b.events.len(), 1);
        assert!(b.notes[0].starts_with("Jaeger UI internal trace format"));
    }

    #[test]
    fn bad_documents_give_reasons() {
        for (doc, events, why) in [
            ("{oops", 0, "invalid JSON"),
            ("5", 0, "expected an object or an array"),
            (r#"{"data":5}"#, 0, "expected data[], spans[]"),
            (r#"{"data":[{"spans":{}}]}"#, 0, "spans must be an array"),
            (r#"{"data":[7]}"#, 0, "a Jaeger trace must be an object"),
            (r#"{"spans":[1]}"#, 0, "a Jaeger span must be an object"),
            (r#"{"spans":[{"spanID":"1"}]}"#, 1, "span without startTime"),
            (
                "[{\"spanID\":\"1\",\"startTime\":1},{\"spanID\"",
                1,
                "kept 1 complete spans",
            ),
        ] {
            let (b, _) = parse(doc);
            assert_eq!(b.events.len(), events, "{doc}");
            assert_eq!(b.error_count, 1, "{doc}: {:?}", b.errors);
            assert!(b.errors[0].reason.contains(why), "{doc}: {:?}", b.errors);
        }
    }
}
