//! OpenTelemetry OTLP JSON: traces (`resourceSpans`) and logs (`resourceLogs`), as one document,
//! as the file exporter's JSON lines, or wrapped in `{"result": …}` (Jaeger API v3).
//!
//! Beside it: [`map`] (records → events, shared with [`proto`], the protobuf reader) and
//! [`encode`] (protobuf → OTLP/JSON text, so that what the receiver keeps reads back the same).

pub mod encode;
pub mod map;
pub mod proto;

use self::map::{
    log_level, push_log, push_span, push_span_event, span_kind_name, status_code, Any, AnyView,
    KeyValueView, LogFields, Resource, SpanFields, SPAN_KINDS,
};
use crate::ingest::batch::{Batch, Ctx};
use crate::ingest::formats::jsonl::json_error;
use crate::ingest::ids;
use crate::ingest::json::{array_elements, Lines, J};
use crate::model::{Level, Status, Sym, Value};
use std::borrow::Cow;

/// Parse one line of the file exporter's output (one TracesData/LogsData object per line).
pub fn line(text: &str, lineno: u32, ctx: &Ctx, out: &mut Batch) {
    match J::parse(text.trim()) {
        Ok(j) => {
            if !data(&j, lineno, ctx, out) {
                out.error(
                    lineno,
                    "not an OTLP object (no resourceSpans or resourceLogs)",
                );
            }
        }
        Err(e) => out.error(lineno, json_error(&e)),
    }
}

/// Parse a whole document. A truncated document keeps every complete `resourceSpans` /
/// `resourceLogs` element before the cut.
pub fn parse_doc(text: &str, ctx: &Ctx, out: &mut Batch) {
    let lines = Lines::new(text);
    match J::parse(text) {
        Ok(j) => {
            if !data_at(&j, Pos::Doc(&lines), ctx, out) {
                out.error(1, "not an OTLP document (no resourceSpans or resourceLogs)");
            }
        }
        Err(e) => {
            let line = e.line() as u32;
            let salvaged = salvage(text, &lines, ctx, out);
            out.error(
                line,
                format!(
                    "{}; kept {salvaged} complete resource blocks before it",
                    json_error(&e)
                ),
            );
        }
    }
}

/// Read the complete elements of the first resourceSpans/resourceLogs array of a broken document.
fn salvage(text: &str, lines: &Lines, ctx: &Ctx, out: &mut Batch) -> usize {
    for key in ["\"resourceSpans\"", "\"resourceLogs\""] {
        let Some(k) = text.find(key) else { continue };
        let Some(open) = text[k..].find('[') else {
            continue;
        };
        let start = k + open;
        let (elems, _) = array_elements(&text[start..]);
        let pos = Pos::Doc(lines);
        for el in &elems {
            if key.contains("Spans") {
                resource_spans(el, pos, ctx, out);
            } else {
                resource_logs(el, pos, ctx, out);
            }
        }
        return elems.len();
    }
    0
}

/// Where the records of a request are: one line of a JSON-lines file, or positions inside a
/// document.
#[derive(Clone, Copy)]
enum Pos<'l, 't> {
    Line(u32),
    Doc(&'l Lines<'t>),
}

impl Pos<'_, '_> {
    fn of(&self, v: &J) -> u32 {
        match self {
            Pos::Line(l) => *l,
            Pos::Doc(lines) => lines.line_of_value(v),
        }
    }
}

/// Handle a TracesData / LogsData object (optionally wrapped in `result`) from one line (`line`
/// is its number, 0 when it has none). False when it is neither.
pub fn data(j: &J, line: u32, ctx: &Ctx, out: &mut Batch) -> bool {
    data_at(j, Pos::Line(line), ctx, out)
}

fn data_at(j: &J, pos: Pos, ctx: &Ctx, out: &mut Batch) -> bool {
    let j = j.get("result").unwrap_or(j);
    let mut any = false;
    for (key, logs) in [("resourceSpans", false), ("resourceLogs", true)] {
        match j.get(key) {
            None | Some(J::Null) => {}
            Some(J::Arr(rs)) => {
                any = true;
                for r in rs {
                    if r.as_object().is_none() {
                        out.error(pos.of(j), format!("an element of {key} is not an object"));
                    } else if logs {
                        resource_logs(r, pos, ctx, out);
                    } else {
                        resource_spans(r, pos, ctx, out);
                    }
                }
            }
            Some(_) => {
                any = true;
                out.error(pos.of(j), format!("{key} is not an array"));
            }
        }
    }
    if !any {
        for other in ["resourceMetrics", "resourceProfiles"] {
            if j.get(other).is_some() {
                out.note(format!(
                    "OTLP {other} skipped: only traces and logs become events"
                ));
                return true;
            }
        }
    }
    any
}

/// The array under `key` (or its legacy name) of a resource or scope block; an error when it
/// has another type.
fn list<'j, 'a>(parent: &'j J<'a>, keys: &[&str], pos: Pos, out: &mut Batch) -> &'j [J<'a>] {
    for k in keys {
        match parent.get(k) {
            None | Some(J::Null) => continue,
            Some(J::Arr(a)) => return a,
            Some(_) => {
                out.error(pos.of(parent), format!("{k} is not an array"));
                return &[];
            }
        }
    }
    &[]
}

/// The attribute list under `key`, or none.
fn kvs<'j, 'a>(parent: Option<&'j J<'a>>, key: &str) -> &'j [J<'a>] {
    parent
        .and_then(|p| p.get(key))
        .and_then(J::as_array)
        .unwrap_or(&[])
}

fn resource(r: &J, ctx: &Ctx) -> Resource {
    Resource::new(kvs(r.get("resource"), "attributes"), ctx)
}

fn scope_attrs(s: &J, ctx: &Ctx) -> Vec<(Sym, Value)> {
    match s.get("scope").or_else(|| s.get("instrumentationLibrary")) {
        Some(sc) => map::scope_attrs(
            sc.get("name").and_then(J::as_str),
            sc.get("version").and_then(J::as_str),
            kvs(Some(sc), "attributes"),
            ctx,
        ),
        None => Vec::new(),
    }
}

fn resource_spans(r: &J, pos: Pos, ctx: &Ctx, out: &mut Batch) {
    let res = resource(r, ctx);
    for s in list(r, &["scopeSpans", "instrumentationLibrarySpans"], pos, out) {
        let scope = scope_attrs(s, ctx);
        for sp in list(s, &["spans"], pos, out) {
            if sp.as_object().is_none() {
                out.error(pos.of(s), "a span is not an object");
                continue;
            }
            span(sp, &res, &scope, pos.of(sp), ctx, out);
        }
    }
}

fn resource_logs(r: &J, pos: Pos, ctx: &Ctx, out: &mut Batch) {
    let res = resource(r, ctx);
    for s in list(r, &["scopeLogs", "instrumentationLibraryLogs"], pos, out) {
        let scope = scope_attrs(s, ctx);
        for rec in list(s, &["logRecords"], pos, out) {
            if rec.as_object().is_none() {
                out.error(pos.of(s), "a log record is not an object");
                continue;
            }
            log_record(rec, &res, &scope, pos.of(rec), ctx, out);
        }
    }
}

/// A nanosecond time given as a string or a number; 0 means unset.
fn nanos(j: Option<&J>) -> Option<i64> {
    j.and_then(J::as_i64).filter(|&n| n > 0)
}

fn id(j: &J, key: &str, ctx: &Ctx) -> Option<Sym> {
    j.get(key)
        .and_then(J::as_str)
        .and_then(ids::normalise)
        .map(|s| ctx.sym(&s))
}

impl<'a> AnyView for J<'a> {
    type Kv = J<'a>;
    fn view(&self) -> Any<'_, Self> {
        let values = |k: &str| {
            self.get(k)
                .and_then(|a| a.get("values"))
                .and_then(J::as_array)
                .unwrap_or(&[])
        };
        if let Some(s) = self.get("stringValue") {
            Any::Str(s.as_str().unwrap_or_default())
        } else if let Some(i) = self.get("intValue").and_then(J::as_i64) {
            Any::Int(i)
        } else if let Some(f) = self.get("doubleValue").and_then(J::as_f64) {
            Any::Double(f)
        } else if let Some(J::Bool(b)) = self.get("boolValue") {
            Any::Bool(*b)
        } else if let Some(b) = self.get("bytesValue").and_then(J::as_str) {
            Any::Bytes(Cow::Borrowed(b))
        } else if self.get("arrayValue").is_some() {
            Any::Array(values("arrayValue"))
        } else if self.get("kvlistValue").is_some() {
            Any::Kvlist(values("kvlistValue"))
        } else {
            Any::Empty
        }
    }
}

impl<'a> KeyValueView for J<'a> {
    type Any = J<'a>;
    fn key(&self) -> Option<&str> {
        self.get("key")?.as_str()
    }
    fn value(&self) -> Option<&J<'a>> {
        self.get("value")
    }
}

/// OTLP AnyValue → typed value (arrays and maps become compact JSON text).
pub fn any_value(v: &J, ctx: &Ctx) -> Value {
    map::any_value(v, ctx)
}

fn span_kind(j: Option<&J>) -> Option<&'static str> {
    match j? {
        J::Int(n) => span_kind_name(*n),
        J::Str(s) => {
            let s = s.trim_start_matches("SPAN_KIND_").to_ascii_lowercase();
            SPAN_KINDS.iter().find(|n| **n == s).copied()
        }
        _ => None,
    }
}

fn status<'j>(j: Option<&'j J>) -> (Status, Option<&'j str>) {
    let Some(st) = j else {
        return (Status::Unset, None);
    };
    let code = match st.get("code") {
        Some(J::Str(s)) if s.ends_with("OK") => Status::Ok,
        Some(J::Str(s)) if s.ends_with("ERROR") => Status::Error,
        Some(c) => c.as_i64().map_or(Status::Unset, status_code),
        None => Status::Unset,
    };
    (code, st.get("message").and_then(J::as_str))
}

fn span(sp: &J, res: &Resource, scope: &[(Sym, Value)], line: u32, ctx: &Ctx, out: &mut Batch) {
    let (status, status_msg) = status(sp.get("status"));
    let fields = SpanFields {
        start: nanos(sp.get("startTimeUnixNano")),
        end: nanos(sp.get("endTimeUnixNano")),
        trace: id(sp, "traceId", ctx),
        span: id(sp, "spanId", ctx),
        parent: id(sp, "parentSpanId", ctx),
        name: sp.get("name").and_then(J::as_str),
        kind: span_kind(sp.get("kind")),
        status,
        status_msg,
    };
    let links = |out: &mut Batch| {
        list(sp, &["links"], Pos::Line(line), out)
            .iter()
            .filter_map(|l| {
                let id = |k: &str| l.get(k).and_then(J::as_str).and_then(ids::normalise);
                map::link(id("traceId"), id("spanId"))
            })
            .collect()
    };
    let attrs = kvs(Some(sp), "attributes");
    let of = push_span(fields, attrs, links, res, scope, line, ctx, out);
    for e in list(sp, &["events"], Pos::Line(line), out) {
        push_span_event(
            of,
            nanos(e.get("timeUnixNano")),
            e.get("name").and_then(J::as_str),
            kvs(Some(e), "attributes"),
            line,
            ctx,
            out,
        );
    }
}

fn log_record(
    rec: &J,
    res: &Resource,
    scope: &[(Sym, Value)],
    line: u32,
    ctx: &Ctx,
    out: &mut Batch,
) {
    let number = match rec.get("severityNumber") {
        Some(J::Str(s)) => severity_name(s),
        Some(n) => n.as_i64().and_then(Level::from_otel),
        None => None,
    };
    let fields = LogFields {
        time: nanos(rec.get("timeUnixNano")).or_else(|| nanos(rec.get("observedTimeUnixNano"))),
        trace: id(rec, "traceId", ctx),
        span: id(rec, "spanId", ctx),
        level: log_level(number, rec.get("severityText").and_then(J::as_str)),
        body: rec.get("body"),
        event_name: rec.get("eventName").and_then(J::as_str),
    };
    push_log(
        fields,
        kvs(Some(rec), "attributes"),
        res,
        scope,
        line,
        ctx,
        out,
    );
}

/// `SEVERITY_NUMBER_WARN2` → Warn.
fn severity_name(s: &str) -> Option<Level> {
    let base = s.trim_start_matches("SEVERITY_NUMBER_");
    Level::parse(base.trim_end_matches(|c: char| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, Strings};

    #[test]
    fn span_fields() {
        let doc = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}},{"key":"host.name","value":{"stringValue":"pod-2"}}]},
          "scopeSpans":[{"scope":{"name":"lib"},"spans":[{"traceId":"AA","spanId":"01","parentSpanId":"","name":"GET /x","kind":"SPAN_KIND_SERVER",
          "startTimeUnixNano":"1700000000000000000","endTimeUnixNano":1700000000250000000,"status":{"code":2,"message":"boom"},
          "attributes":[{"key":"http.status_code","value":{"intValue":"500"}},{"key":"tags","value":{"arrayValue":{"values":[{"stringValue":"a"},{"intValue":1}]}}}],
          "events":[{"timeUnixNano":"1700000000100000000","name":"exception","attributes":[{"key":"exception.message","value":{"stringValue":"x"}}]}]}]}]}]}"#;
        let ctx = Ctx::new(Strings::new());
        let mut b = Batch::new();
        parse_doc(doc, &ctx, &mut b);
        b.finish(&ctx);
        assert_eq!(b.error_count, 0, "{:?}", b.errors);
        assert_eq!(b.events.len(), 2);
        let s = &b.events[0];
        assert_eq!(s.dur(), Some(250_000_000));
        assert_eq!(s.status(), Some(Status::Error));
        assert_eq!(s.level(), Some(Level::Error));
        assert_eq!(s.parent, None);
        assert_eq!(ctx.strings.resolve(s.trace.unwrap()), "aa");
        let attrs: Vec<(String, String)> = b.attrs[..s.attr_len() as usize]
            .iter()
            .map(|a| {
                (
                    ctx.strings.resolve(a.key()).to_string(),
                    a.value().to_text(&ctx.strings),
                )
            })
            .collect();
        assert!(attrs.contains(&("span.kind".into(), "server".into())));
        assert!(attrs.contains(&("http.status_code".into(), "500".into())));
        assert!(attrs.contains(&("tags".into(), r#"["a",1]"#.into())));
        assert!(attrs.contains(&("host.name".into(), "pod-2".into())));
        assert_eq!(b.events[1].kind(), Kind::Event);
        assert_eq!(b.events[1].span, s.span);
    }

    #[test]
    fn truncated_document_keeps_complete_blocks() {
        let one = r#"{"resource":{},"scopeLogs":[{"logRecords":[{"timeUnixNano":"1700000000000000000","body":{"stringValue":"hi"},"severityNumber":17}]}]}"#;
        let doc = format!("{{\"resourceLogs\":[{one},{one},{{\"resource\":{{");
        let ctx = Ctx::new(Strings::new());
        let mut b = Batch::new();
        parse_doc(&doc, &ctx, &mut b);
        assert_eq!(b.events.len(), 2);
        assert_eq!(b.events[0].level(), Some(Level::Error));
        assert_eq!(b.error_count, 1);
    }

    fn attrs_of(b: &Batch, ctx: &Ctx, i: usize) -> Vec<(String, Value)> {
        let e = &b.events[i];
        b.attrs[e.attr_start as usize..(e.attr_start + e.attr_len()) as usize]
            .iter()
            .map(|a| (ctx.strings.resolve(a.key()).to_string(), a.value()))
            .collect()
    }

    fn text(ctx: &Ctx, v: Value) -> String {
        v.to_text(&ctx.strings)
    }

    #[test]
    fn any_value_kinds() {
        let ctx = Ctx::new(Strings::new());
        let v = |s: &str| any_value(&J::parse(s).unwrap(), &ctx);
        assert_eq!(text(&ctx, v(r#"{"stringValue":"x"}"#)), "x");
        assert_eq!(v(r#"{"intValue":"-12"}"#), Value::Int(-12));
        assert_eq!(v(r#"{"intValue":7}"#), Value::Int(7));
        assert_eq!(v(r#"{"doubleValue":2.5}"#), Value::Float(2.5));
        assert_eq!(v(r#"{"boolValue":false}"#), Value::Bool(false));
        assert_eq!(text(&ctx, v(r#"{"bytesValue":"AQI="}"#)), "AQI=");
        assert_eq!(
            text(
                &ctx,
                v(
                    r#"{"arrayValue":{"values":[{"stringValue":"a"},{"intValue":"1"},{"boolValue":true}]}}"#
                )
            ),
            r#"["a",1,true]"#
        );
        assert_eq!(
            text(
                &ctx,
                v(
                    r#"{"kvlistValue":{"values":[{"key":"k","value":{"doubleValue":1.5}},{"key":"n","value":{"kvlistValue":{"values":[]}}},{"key":"a","value":{"arrayValue":{}}}]}}"#
                )
            ),
            r#"{"k":1.5,"n":{},"a":[]}"#
        );
        assert_eq!(v("{}"), Value::Null);
    }

    fn parse_line(text: &str) -> (Batch, Ctx) {
        let ctx = Ctx::new(Strings::new());
        let mut b = Batch::new();
        line(text, 7, &ctx, &mut b);
        b.finish(&ctx);
        (b, ctx)
    }

    #[test]
    fn jaeger_v3_result_base64_ids_links_and_events() {
        let (b, ctx) = parse_line(
            r#"{"result":{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},"instrumentationLibrarySpans":[{"instrumentationLibrary":{"name":"old","version":"0.1"},"spans":[{"traceId":"W47/95gDgQPSabYzgT/GDA==","spanId":"7uGbfsPBsXQ=","name":"q","kind":3,"startTimeUnixNano":1700000000000000000,"endTimeUnixNano":"1700000000000000900","status":{"code":"STATUS_CODE_OK"},"links":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b173"}],"events":[{"timeUnixNano":"1700000000000000100","name":"retry","attributes":[{"key":"attempt","value":{"intValue":"2"}}]}]}]}]}]}}"#,
        );
        assert_eq!(b.error_count, 0, "{:?}", b.errors);
        assert_eq!(b.events.len(), 2);
        let s = &b.events[0];
        assert_eq!(s.line, 7);
        assert_eq!(
            ctx.strings.resolve(s.trace.unwrap()),
            "5b8efff798038103d269b633813fc60c"
        );
        assert_eq!(ctx.strings.resolve(s.span.unwrap()), "eee19b7ec3c1b174");
        assert_eq!(s.status(), Some(Status::Ok));
        assert_eq!(s.level(), None);
        assert_eq!(s.dur(), Some(900));
        let a: Vec<(String, String)> = attrs_of(&b, &ctx, 0)
            .into_iter()
            .map(|(k, v)| (k, text(&ctx, v)))
            .collect();
        let want = [
            ("otel.scope.name", "old"),
            ("otel.scope.version", "0.1"),
            ("span.kind", "client"),
            (
                "span.links",
                "5b8efff798038103d269b633813fc60c:eee19b7ec3c1b173",
            ),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(a, want);
        let ev = &b.events[1];
        assert_eq!(ev.kind(), Kind::Event);
        assert_eq!(ev.ts, 1_700_000_000_000_000_100);
        assert_eq!(ctx.strings.resolve(ev.name.unwrap()), "retry");
        assert_eq!(
            (ev.trace, ev.span, ev.service),
            (s.trace, s.span, s.service)
        );
        assert_eq!(attrs_of(&b, &ctx, 1)[0].1, Value::Int(2));
    }

    #[test]
    fn log_records() {
        let (b, ctx) = parse_line(
            r#"{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"pay"}}]},"scopeLogs":[{"logRecords":[
            {"observedTimeUnixNano":"1700000000000000001","severityText":"warning","body":{"kvlistValue":{"values":[{"key":"a","value":{"intValue":"1"}}]}},"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174"},
            {"timeUnixNano":"1700000000000000002","severityNumber":"SEVERITY_NUMBER_FATAL2","body":{"stringValue":"down"}},
            {"timeUnixNano":"1700000000000000003","severityNumber":18,"severityText":"INFO"}]}]}]}"#,
        );
        assert_eq!(b.error_count, 0, "{:?}", b.errors);
        let lv: Vec<Option<Level>> = b.events.iter().map(|e| e.level()).collect();
        assert_eq!(
            lv,
            [Some(Level::Warn), Some(Level::Fatal), Some(Level::Error)]
        );
        let first = &b.events[0];
        assert_eq!(first.ts, 1_700_000_000_000_000_001);
        assert_eq!(ctx.strings.resolve(first.msg.unwrap()), r#"{"a":1}"#);
        assert_eq!(ctx.strings.resolve(first.span.unwrap()), "eee19b7ec3c1b174");
        assert_eq!(ctx.strings.resolve(b.events[1].msg.unwrap()), "down");
        assert_eq!(b.events[2].msg, None);
        assert!(b.events.iter().all(|e| e.kind() == Kind::Log));
    }

    #[test]
    fn wrong_types_and_garbage_give_reasons() {
        for (doc, n_events, why) in [
            ("not json", 0, "invalid JSON"),
            ("[1,2]", 0, "not an OTLP object"),
            (
                r#"{"resourceSpans":{}}"#,
                0,
                "resourceSpans is not an array",
            ),
            (
                r#"{"resourceSpans":[5]}"#,
                0,
                "an element of resourceSpans is not an object",
            ),
            (
                r#"{"resourceSpans":[{"scopeSpans":"x"}]}"#,
                0,
                "scopeSpans is not an array",
            ),
            (
                r#"{"resourceSpans":[{"scopeSpans":[{"spans":[1]}]}]}"#,
                0,
                "a span is not an object",
            ),
            (
                r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":{}}]}]}"#,
                0,
                "logRecords is not an array",
            ),
            (
                r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"x","startTimeUnixNano":"soon"}]}]}]}"#,
                1,
                "span without startTimeUnixNano",
            ),
            (
                r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"5","endTimeUnixNano":"4"}]}]}]}"#,
                1,
                "span ends before it starts",
            ),
        ] {
            let (b, _) = parse_line(doc);
            assert_eq!(b.events.len(), n_events, "{doc}");
            assert_eq!(b.error_count, 1, "{doc}: {:?}", b.errors);
            assert_eq!(b.errors[0].line, 7, "{doc}");
            assert!(b.errors[0].reason.contains(why), "{doc}: {:?}", b.errors);
        }
        let (b, _) = parse_line(r#"{"resourceMetrics":[]}"#);
        assert_eq!((b.events.len(), b.error_count), (0, 0));
        assert_eq!(b.notes.len(), 1);
    }

    #[test]
    fn document_records_carry_their_lines() {
        let doc = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[\n{\"name\":\"a\",\"startTimeUnixNano\":\"1\"},\n\n{\"name\":\"b\",\"startTimeUnixNano\":\"2\"}]}]}]}";
        let ctx = Ctx::new(Strings::new());
        let mut b = Batch::new();
        parse_doc(doc, &ctx, &mut b);
        let lines: Vec<u32> = b.events.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 4]);
    }
}
