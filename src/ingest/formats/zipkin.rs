//! Zipkin v2 JSON: an array of spans, or a single span object.

use super::jsonl::json_error;
use crate::ingest::batch::{Batch, Ctx, INHERIT_TS};
use crate::ingest::ids;
use crate::ingest::json::{array_elements, Lines, J};
use crate::model::{time::NS_PER_US, Event, Kind, Level, Status, Sym};

/// Parse a whole document: an array of spans, a single span, or the API's list of traces
/// (an array of arrays of spans).
pub fn parse_doc(text: &str, ctx: &Ctx, out: &mut Batch) {
    let lines = Lines::new(text);
    match J::parse(text) {
        Ok(J::Arr(items)) => spans(&items, &lines, ctx, out),
        Ok(obj @ J::Obj(_)) => span(&obj, &lines, ctx, out),
        Ok(_) => out.error(
            1,
            "not Zipkin v2: expected an array of spans or a span object",
        ),
        Err(e) => {
            let (items, _) = if text.trim_start().starts_with('[') {
                array_elements(text)
            } else {
                (Vec::new(), None)
            };
            out.error(
                e.line() as u32,
                format!(
                    "{}; kept {} complete spans before it",
                    json_error(&e),
                    items.len()
                ),
            );
            spans(&items, &lines, ctx, out);
        }
    }
}

fn spans(items: &[J], lines: &Lines, ctx: &Ctx, out: &mut Batch) {
    for it in items {
        match it {
            J::Arr(trace) => spans(trace, lines, ctx, out),
            _ => span(it, lines, ctx, out),
        }
    }
}

fn id(j: &J, key: &str, ctx: &Ctx) -> Option<Sym> {
    j.get(key)
        .and_then(J::as_str)
        .and_then(ids::normalise)
        .map(|s| ctx.sym(&s))
}

fn span(sp: &J, lines: &Lines, ctx: &Ctx, out: &mut Batch) {
    let line = lines.line_of_value(sp);
    if sp.as_object().is_none() {
        out.error(line, "a Zipkin span must be an object");
        return;
    }
    if sp.get("binaryAnnotations").is_some() {
        out.error(
            line,
            "Zipkin v1 span (binaryAnnotations) is not supported: export Zipkin v2 JSON (/api/v2)",
        );
        return;
    }
    let ts = sp.get("timestamp").and_then(J::as_i64);
    let mut ev = Event::new(
        Kind::Span,
        ts.map_or(INHERIT_TS, |t| t.saturating_mul(NS_PER_US)),
    );
    match (ts, sp.get("timestamp")) {
        (None, Some(bad)) => out.error(
            line,
            format!(
                "unreadable timestamp {}; placed after the span before it",
                bad.to_text()
            ),
        ),
        (None, None) => {
            out.note("spans without a timestamp are placed right after the span before them")
        }
        _ => {}
    }
    ev.line = line;
    ev.set_tz_offset(Some(0));
    ev.trace = id(sp, "traceId", ctx);
    ev.span = id(sp, "id", ctx);
    ev.parent = id(sp, "parentId", ctx);
    ev.name = sp.get("name").and_then(J::as_str).map(|s| ctx.sym(s));
    ev.set_dur(
        sp.get("duration")
            .and_then(J::as_i64)
            .map(|d| d.saturating_mul(NS_PER_US)),
    );
    let local = sp.get("localEndpoint");
    ev.service = local
        .and_then(|l| l.get("serviceName"))
        .and_then(J::as_str)
        .map(|s| ctx.sym(s));
    if let Some(k) = sp.get("kind").and_then(J::as_str) {
        out.attr(ctx.sym("span.kind"), ctx.str_value(&k.to_ascii_lowercase()));
    }
    for (prefix, ep) in [("local", local), ("remote", sp.get("remoteEndpoint"))] {
        for (k, v) in ep.and_then(J::as_object).unwrap_or(&[]) {
            if prefix == "local" && k == "serviceName" {
                continue;
            }
            out.attr(
                ctx.sym(&format!("{prefix}Endpoint.{k}")),
                crate::ingest::json::record::value_of(v, ctx),
            );
        }
    }
    for flag in ["shared", "debug"] {
        if let Some(J::Bool(b)) = sp.get(flag) {
            out.attr(ctx.sym(flag), crate::model::Value::Bool(*b));
        }
    }
    let mut status = Status::Unset;
    for (k, v) in sp.get("tags").and_then(J::as_object).unwrap_or(&[]) {
        if k == "error" {
            status = Status::Error;
        }
        out.attr(ctx.sym(k), crate::ingest::json::record::value_of(v, ctx));
    }
    ev.set_status(Some(status));
    if status == Status::Error {
        ev.set_level(Some(Level::Error));
    }
    let (trace, span_id, service) = (ev.trace, ev.span, ev.service);
    out.push(ev, ctx);
    for a in sp.get("annotations").and_then(J::as_array).unwrap_or(&[]) {
        let t = a.get("timestamp").and_then(J::as_i64);
        let mut ae = Event::new(
            Kind::Event,
            t.map_or(INHERIT_TS, |t| t.saturating_mul(NS_PER_US)),
        );
        if t.is_none() {
            out.error(
                line,
                "annotation without timestamp; placed after the record before it",
            );
        }
        ae.line = line;
        ae.set_tz_offset(Some(0));
        ae.trace = trace;
        ae.span = span_id;
        ae.service = service;
        ae.name = a.get("value").and_then(J::as_str).map(|s| ctx.sym(s));
        out.push(ae, ctx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Strings, Value};

    fn parse(text: &str) -> (Batch, Ctx) {
        let ctx = Ctx::new(Strings::new());
        let mut b = Batch::new();
        parse_doc(text, &ctx, &mut b);
        b.finish(&ctx);
        (b, ctx)
    }

    #[test]
    fn span_fields_annotations_and_trace_lists() {
        let (b, ctx) = parse(
            r#"[[{"traceId":"A1","id":"B2","parentId":"0000000000000000","kind":"SERVER","name":"get","timestamp":1700000000000001,"duration":7,
                "localEndpoint":{"serviceName":"api","ipv4":"10.0.0.1"},"remoteEndpoint":{"serviceName":"db","port":5432},
                "tags":{"error":"timeout","http.status_code":"500"},"shared":true,
                "annotations":[{"timestamp":1700000000000003,"value":"ws"}]}],
               [{"traceId":"c3","id":"d4","timestamp":1700000000000002}]]"#,
        );
        assert_eq!(b.error_count, 0, "{:?}", b.errors);
        assert_eq!(b.events.len(), 3);
        let r = |x: Option<Sym>| x.map(|x| ctx.strings.resolve(x).to_string());
        let s = &b.events[0];
        assert_eq!(s.ts, 1_700_000_000_000_001_000);
        assert_eq!(s.dur(), Some(7_000));
        assert_eq!(r(s.trace).as_deref(), Some("a1"));
        assert_eq!(s.parent, None);
        assert_eq!(r(s.service).as_deref(), Some("api"));
        assert_eq!(
            (s.status(), s.level()),
            (Some(Status::Error), Some(Level::Error))
        );
        let a: Vec<(&str, Value)> = b.attrs[..s.attr_len() as usize]
            .iter()
            .map(|a| (ctx.strings.resolve(a.key()), a.value()))
            .collect();
        assert_eq!(
            a,
            [
                ("span.kind", ctx.str_value("server")),
                ("localEndpoint.ipv4", ctx.str_value("10.0.0.1")),
                ("remoteEndpoint.serviceName", ctx.str_value("db")),
                ("remoteEndpoint.port", Value::Int(5432)),
                ("shared", Value::Bool(true)),
                ("error", ctx.str_value("timeout")),
                ("http.status_code", ctx.str_value("500")),
            ]
        );
        let ann = &b.events[1];
        assert_eq!(ann.kind(), Kind::Event);
        assert_eq!(ann.ts, 1_700_000_000_000_003_000);
        assert_eq!(r(ann.name).as_deref(), Some("ws"));
        assert_eq!((ann.span, ann.service), (s.span, s.service));
        let plain = &b.events[2];
        assert_eq!(plain.service, None);
        assert_eq!((plain.status(), plain.level()), (Some(Status::Unset), None));
    }

    #[test]
    fn bad_documents_give_reasons() {
        for (doc, events, why) in [
            ("nope", 0, "invalid JSON"),
            ("true", 0, "expected an array of spans"),
            ("[1]", 0, "a Zipkin span must be an object"),
            (
                r#"[{"traceId":"1","id":"2","binaryAnnotations":[]}]"#,
                0,
                "Zipkin v1",
            ),
            (
                r#"[{"traceId":"1","id":"2","timestamp":"later"}]"#,
                1,
                "unreadable timestamp",
            ),
            (
                "[{\"traceId\":\"1\",\"id\":\"2\",\"timestamp\":1},\n{\"traceId\":",
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
