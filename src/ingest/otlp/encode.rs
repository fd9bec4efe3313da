//! OTLP protobuf messages → the canonical OTLP/JSON text (hex ids, nanosecond times as
//! strings, AnyValue objects), written straight into one line, so that everything received is
//! kept and read back by the same file parser.

use crate::ingest::ids::to_hex;
use crate::ingest::json::push_str;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource;
use std::fmt::Write;

/// Writes comma-separated items of a JSON array or object.
fn list<T>(
    out: &mut String,
    open: char,
    close: char,
    items: &[T],
    mut f: impl FnMut(&mut String, &T),
) {
    out.push(open);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        f(out, item);
    }
    out.push(close);
}

/// `"key":` with a leading comma unless it is the object's first member.
fn key(out: &mut String, first: bool, k: &str) {
    if !first {
        out.push(',');
    }
    out.push('"');
    out.push_str(k);
    out.push_str("\":");
}

fn str_member(out: &mut String, first: bool, k: &str, v: &str) {
    key(out, first, k);
    push_str(out, v);
}

/// Nanosecond times and 64-bit integers are strings in OTLP/JSON.
fn quoted_num(out: &mut String, first: bool, k: &str, v: impl std::fmt::Display) {
    key(out, first, k);
    let _ = write!(out, "\"{v}\"");
}

fn num(out: &mut String, first: bool, k: &str, v: impl std::fmt::Display) {
    key(out, first, k);
    let _ = write!(out, "{v}");
}

/// An AnyValue as OTLP/JSON.
pub fn any(out: &mut String, v: &AnyValue) {
    use any_value::Value as V;
    match &v.value {
        Some(V::StringValue(s)) => {
            out.push('{');
            str_member(out, true, "stringValue", s);
        }
        Some(V::BoolValue(b)) => {
            out.push('{');
            num(out, true, "boolValue", b);
        }
        Some(V::IntValue(i)) => {
            out.push('{');
            quoted_num(out, true, "intValue", i);
        }
        Some(V::DoubleValue(d)) => {
            out.push('{');
            key(out, true, "doubleValue");
            match serde_json::Number::from_f64(*d) {
                Some(n) => {
                    let _ = write!(out, "{n}");
                }
                // NaN and infinities are strings in the protobuf JSON mapping.
                None => push_str(out, &d.to_string()),
            }
        }
        Some(V::ArrayValue(a)) => {
            out.push_str("{\"arrayValue\":{\"values\":");
            list(out, '[', ']', &a.values, any);
            out.push('}');
        }
        Some(V::KvlistValue(kv)) => {
            out.push_str("{\"kvlistValue\":{");
            attrs_member(out, true, "values", &kv.values);
            out.push('}');
        }
        Some(V::BytesValue(b)) => {
            use base64::Engine;
            out.push('{');
            str_member(
                out,
                true,
                "bytesValue",
                &base64::engine::general_purpose::STANDARD.encode(b),
            );
        }
        // Unset, or a string-table index (profiles only): an empty AnyValue.
        _ => out.push('{'),
    }
    out.push('}');
}

fn attrs_member(out: &mut String, first: bool, k: &str, kvs: &[KeyValue]) {
    key(out, first, k);
    list(out, '[', ']', kvs, |out, kv| {
        out.push('{');
        str_member(out, true, "key", &kv.key);
        key(out, false, "value");
        match &kv.value {
            Some(v) => any(out, v),
            None => out.push_str("{}"),
        }
        out.push('}');
    });
}

fn resource_member(out: &mut String, r: &Option<Resource>) {
    key(out, true, "resource");
    out.push('{');
    attrs_member(
        out,
        true,
        "attributes",
        r.as_ref().map_or(&[][..], |r| &r.attributes),
    );
    out.push('}');
}

fn scope_member(out: &mut String, s: &Option<InstrumentationScope>) {
    key(out, true, "scope");
    out.push('{');
    if let Some(s) = s {
        str_member(out, true, "name", &s.name);
        str_member(out, false, "version", &s.version);
        attrs_member(out, false, "attributes", &s.attributes);
    }
    out.push('}');
}

/// A trace export request as one TracesData JSON line.
pub fn traces(req: &ExportTraceServiceRequest) -> String {
    let mut out = String::with_capacity(4096);
    out.push('{');
    key(&mut out, true, "resourceSpans");
    list(&mut out, '[', ']', &req.resource_spans, |out, r| {
        out.push('{');
        resource_member(out, &r.resource);
        key(out, false, "scopeSpans");
        list(out, '[', ']', &r.scope_spans, |out, s| {
            out.push('{');
            scope_member(out, &s.scope);
            key(out, false, "spans");
            list(out, '[', ']', &s.spans, |out, sp| {
                out.push('{');
                str_member(out, true, "traceId", &to_hex(&sp.trace_id));
                str_member(out, false, "spanId", &to_hex(&sp.span_id));
                str_member(out, false, "parentSpanId", &to_hex(&sp.parent_span_id));
                str_member(out, false, "traceState", &sp.trace_state);
                str_member(out, false, "name", &sp.name);
                num(out, false, "kind", sp.kind);
                quoted_num(out, false, "startTimeUnixNano", sp.start_time_unix_nano);
                quoted_num(out, false, "endTimeUnixNano", sp.end_time_unix_nano);
                attrs_member(out, false, "attributes", &sp.attributes);
                key(out, false, "events");
                list(out, '[', ']', &sp.events, |out, e| {
                    out.push('{');
                    quoted_num(out, true, "timeUnixNano", e.time_unix_nano);
                    str_member(out, false, "name", &e.name);
                    attrs_member(out, false, "attributes", &e.attributes);
                    out.push('}');
                });
                key(out, false, "links");
                list(out, '[', ']', &sp.links, |out, l| {
                    out.push('{');
                    str_member(out, true, "traceId", &to_hex(&l.trace_id));
                    str_member(out, false, "spanId", &to_hex(&l.span_id));
                    str_member(out, false, "traceState", &l.trace_state);
                    attrs_member(out, false, "attributes", &l.attributes);
                    out.push('}');
                });
                key(out, false, "status");
                out.push('{');
                if let Some(st) = &sp.status {
                    num(out, true, "code", st.code);
                    str_member(out, false, "message", &st.message);
                }
                out.push_str("}}");
            });
            out.push('}');
        });
        out.push('}');
    });
    out.push('}');
    out
}

/// A logs export request as one LogsData JSON line.
pub fn logs(req: &ExportLogsServiceRequest) -> String {
    let mut out = String::with_capacity(4096);
    out.push('{');
    key(&mut out, true, "resourceLogs");
    list(&mut out, '[', ']', &req.resource_logs, |out, r| {
        out.push('{');
        resource_member(out, &r.resource);
        key(out, false, "scopeLogs");
        list(out, '[', ']', &r.scope_logs, |out, s| {
            out.push('{');
            scope_member(out, &s.scope);
            key(out, false, "logRecords");
            list(out, '[', ']', &s.log_records, |out, l| {
                out.push('{');
                quoted_num(out, true, "timeUnixNano", l.time_unix_nano);
                quoted_num(
                    out,
                    false,
                    "observedTimeUnixNano",
                    l.observed_time_unix_nano,
                );
                num(out, false, "severityNumber", l.severity_number);
                str_member(out, false, "severityText", &l.severity_text);
                key(out, false, "body");
                match &l.body {
                    Some(b) => any(out, b),
                    None => out.push_str("{}"),
                }
                attrs_member(out, false, "attributes", &l.attributes);
                str_member(out, false, "traceId", &to_hex(&l.trace_id));
                str_member(out, false, "spanId", &to_hex(&l.span_id));
                str_member(out, false, "eventName", &l.event_name);
                out.push('}');
            });
            out.push('}');
        });
        out.push('}');
    });
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry_proto::tonic::common::v1::{ArrayValue, KeyValueList};
    use opentelemetry_proto::tonic::trace::v1::{status, ResourceSpans, ScopeSpans, Span, Status};

    fn kv(k: &str, v: any_value::Value) -> KeyValue {
        KeyValue {
            key: k.into(),
            value: Some(AnyValue { value: Some(v) }),
            ..Default::default()
        }
    }

    #[test]
    fn every_value_kind_is_valid_json_with_the_otlp_shape() {
        use any_value::Value as V;
        let req = ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                resource: Some(Resource {
                    attributes: vec![kv("service.name", V::StringValue("a\"b\n".into()))],
                    ..Default::default()
                }),
                scope_spans: vec![ScopeSpans {
                    spans: vec![
                        Span {
                            trace_id: vec![1; 16],
                            span_id: vec![2; 8],
                            name: "GET /x".into(),
                            start_time_unix_nano: 1_700_000_000_000_000_001,
                            end_time_unix_nano: 1_700_000_000_000_000_501,
                            attributes: vec![
                                kv("i", V::IntValue(-7)),
                                kv("b", V::BoolValue(true)),
                                kv("d", V::DoubleValue(0.5)),
                                kv("nan", V::DoubleValue(f64::NAN)),
                                kv("bytes", V::BytesValue(vec![0xff, 0])),
                                kv(
                                    "arr",
                                    V::ArrayValue(ArrayValue {
                                        values: vec![AnyValue {
                                            value: Some(V::StringValue("x".into())),
                                        }],
                                    }),
                                ),
                                kv(
                                    "kv",
                                    V::KvlistValue(KeyValueList {
                                        values: vec![kv("k", V::IntValue(1))],
                                    }),
                                ),
                            ],
                            status: Some(Status {
                                code: status::StatusCode::Error as i32,
                                message: "boom".into(),
                            }),
                            ..Default::default()
                        },
                        Span::default(),
                    ],
                    ..Default::default()
                }],
                ..Default::default()
            }],
        };
        let line = traces(&req);
        let v: serde_json::Value = serde_json::from_str(&line).expect("valid JSON");
        let span = &v["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
        assert_eq!(span["traceId"], "01".repeat(16));
        assert_eq!(span["startTimeUnixNano"], "1700000000000000001");
        assert_eq!(span["status"]["code"], 2);
        let a = &span["attributes"];
        assert_eq!(a[0]["value"]["intValue"], "-7");
        assert_eq!(a[1]["value"]["boolValue"], true);
        assert_eq!(a[2]["value"]["doubleValue"], 0.5);
        assert_eq!(a[3]["value"]["doubleValue"], "NaN");
        assert_eq!(a[4]["value"]["bytesValue"], "/wA=");
        assert_eq!(a[5]["value"]["arrayValue"]["values"][0]["stringValue"], "x");
        assert_eq!(a[6]["value"]["kvlistValue"]["values"][0]["key"], "k");
        assert_eq!(
            v["resourceSpans"][0]["resource"]["attributes"][0]["value"]["stringValue"],
            "a\"b\n"
        );
        assert!(!line.contains('\n'));
    }
}
