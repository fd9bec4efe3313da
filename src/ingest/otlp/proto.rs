//! OTLP protobuf messages (an OTLP/HTTP or gRPC export request, decoded) → events, through the
//! field mapping the OTLP/JSON reader uses ([`super::map`]): a request gives the same
//! events as its OTLP/JSON text would.

use super::map::{
    log_level, nanos, push_log, push_span, push_span_event, scope_attrs, span_kind_name,
    status_code, Any, AnyView, KeyValueView, LogFields, Resource, SpanFields,
};
use crate::ingest::batch::{Batch, Ctx};
use crate::ingest::ids;
use crate::model::{Level, Sym, Value};
use base64::Engine;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::logs::v1::LogRecord;
use opentelemetry_proto::tonic::trace::v1::Span;
use std::borrow::Cow;

impl AnyView for AnyValue {
    type Kv = KeyValue;
    fn view(&self) -> Any<'_, Self> {
        use any_value::Value as V;
        match &self.value {
            Some(V::StringValue(s)) => Any::Str(s),
            Some(V::IntValue(i)) => Any::Int(*i),
            Some(V::DoubleValue(d)) => Any::Double(*d),
            Some(V::BoolValue(b)) => Any::Bool(*b),
            Some(V::BytesValue(b)) => Any::Bytes(Cow::Owned(
                base64::engine::general_purpose::STANDARD.encode(b),
            )),
            Some(V::ArrayValue(a)) => Any::Array(&a.values),
            Some(V::KvlistValue(kv)) => Any::Kvlist(&kv.values),
            // Unset, or a string-table index (profiles only).
            _ => Any::Empty,
        }
    }
}

impl KeyValueView for KeyValue {
    type Any = AnyValue;
    fn key(&self) -> Option<&str> {
        Some(&self.key)
    }
    fn value(&self) -> Option<&AnyValue> {
        self.value.as_ref()
    }
}

/// A binary trace or span id, interned as lower-case hex; empty and all-zero ids are none.
fn id(bytes: &[u8], ctx: &Ctx) -> Option<Sym> {
    ids::from_bytes(bytes).map(|h| ctx.sym(&h))
}

fn scope(s: &Option<InstrumentationScope>, ctx: &Ctx) -> Vec<(Sym, Value)> {
    match s {
        Some(s) => scope_attrs(Some(&s.name), Some(&s.version), &s.attributes, ctx),
        None => Vec::new(),
    }
}

/// Add the spans (and span events) of a trace export request. Records have no line (0).
pub fn traces(req: &ExportTraceServiceRequest, ctx: &Ctx, out: &mut Batch) {
    for r in &req.resource_spans {
        let res = Resource::new(r.resource.as_ref().map_or(&[], |r| &r.attributes), ctx);
        for s in &r.scope_spans {
            let scope = scope(&s.scope, ctx);
            for sp in &s.spans {
                span(sp, &res, &scope, ctx, out);
            }
        }
    }
}

fn span(sp: &Span, res: &Resource, scope: &[(Sym, Value)], ctx: &Ctx, out: &mut Batch) {
    let (status, status_msg) = match &sp.status {
        Some(st) => (status_code(st.code.into()), Some(st.message.as_str())),
        None => (crate::model::Status::Unset, None),
    };
    let fields = SpanFields {
        start: nanos(sp.start_time_unix_nano),
        end: nanos(sp.end_time_unix_nano),
        trace: id(&sp.trace_id, ctx),
        span: id(&sp.span_id, ctx),
        parent: id(&sp.parent_span_id, ctx),
        name: Some(&sp.name),
        kind: span_kind_name(sp.kind.into()),
        status,
        status_msg,
    };
    let links = |_: &mut Batch| {
        sp.links
            .iter()
            .filter_map(|l| {
                super::map::link(ids::from_bytes(&l.trace_id), ids::from_bytes(&l.span_id))
            })
            .collect()
    };
    let of = push_span(fields, &sp.attributes, links, res, scope, 0, ctx, out);
    for e in &sp.events {
        push_span_event(
            of,
            nanos(e.time_unix_nano),
            Some(&e.name),
            &e.attributes,
            0,
            ctx,
            out,
        );
    }
}

/// Add the records of a logs export request. Records have no line (0).
pub fn logs(req: &ExportLogsServiceRequest, ctx: &Ctx, out: &mut Batch) {
    for r in &req.resource_logs {
        let res = Resource::new(r.resource.as_ref().map_or(&[], |r| &r.attributes), ctx);
        for s in &r.scope_logs {
            let scope = scope(&s.scope, ctx);
            for rec in &s.log_records {
                log_record(rec, &res, &scope, ctx, out);
            }
        }
    }
}

fn log_record(rec: &LogRecord, res: &Resource, scope: &[(Sym, Value)], ctx: &Ctx, out: &mut Batch) {
    let fields = LogFields {
        time: nanos(rec.time_unix_nano).or_else(|| nanos(rec.observed_time_unix_nano)),
        trace: id(&rec.trace_id, ctx),
        span: id(&rec.span_id, ctx),
        level: log_level(
            Level::from_otel(rec.severity_number.into()),
            Some(&rec.severity_text),
        ),
        body: rec.body.as_ref(),
        event_name: Some(&rec.event_name),
    };
    push_log(fields, &rec.attributes, res, scope, 0, ctx, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::otlp;
    use crate::ingest::otlp::encode as otlp_json;
    use crate::model::{Attr, Event, Kind, Status, Strings};
    use any_value::Value as V;
    use opentelemetry_proto::tonic::common::v1::{ArrayValue, KeyValueList};
    use opentelemetry_proto::tonic::logs::v1::{ResourceLogs, ScopeLogs};
    use opentelemetry_proto::tonic::resource::v1::Resource as ProtoResource;
    use opentelemetry_proto::tonic::trace::v1::{
        span, status, ResourceSpans, ScopeSpans, Status as ProtoStatus,
    };

    fn kv(k: &str, v: Option<V>) -> KeyValue {
        KeyValue {
            key: k.into(),
            value: v.map(|v| AnyValue { value: Some(v) }),
            ..Default::default()
        }
    }

    fn s(v: &str) -> Option<V> {
        Some(V::StringValue(v.into()))
    }

    /// Every kind of attribute value, nested ones included, and the lane keys.
    fn all_kinds() -> Vec<KeyValue> {
        vec![
            kv("str", s("a \"quoted\"\nline")),
            kv("int", Some(V::IntValue(-42))),
            kv("double", Some(V::DoubleValue(0.25))),
            kv("bool", Some(V::BoolValue(true))),
            kv("bytes", Some(V::BytesValue(vec![0xff, 0, 7]))),
            kv(
                "array",
                Some(V::ArrayValue(ArrayValue {
                    values: vec![
                        AnyValue { value: s("x") },
                        AnyValue {
                            value: Some(V::IntValue(1)),
                        },
                        AnyValue { value: None },
                        AnyValue {
                            value: Some(V::ArrayValue(ArrayValue { values: vec![] })),
                        },
                    ],
                })),
            ),
            kv(
                "map",
                Some(V::KvlistValue(KeyValueList {
                    values: vec![
                        kv("k", Some(V::DoubleValue(1.5))),
                        kv("none", None),
                        kv(
                            "inner",
                            Some(V::KvlistValue(KeyValueList {
                                values: vec![kv("b", Some(V::BoolValue(false)))],
                            })),
                        ),
                    ],
                })),
            ),
            kv("empty", None),
            kv("thread.name", s("worker-3")),
            kv("request_id", Some(V::IntValue(991))),
        ]
    }

    fn resource() -> Option<ProtoResource> {
        Some(ProtoResource {
            attributes: vec![
                kv("service.name", s("checkout")),
                kv("host.name", s("pod-7")),
                kv("process.pid", Some(V::IntValue(4242))),
            ],
            ..Default::default()
        })
    }

    fn traces_request() -> ExportTraceServiceRequest {
        let t0 = 1_700_000_000_000_000_000u64;
        let root = Span {
            trace_id: vec![0x5b; 16],
            span_id: vec![0xee, 0xe1, 0x9b, 0x7e, 0xc3, 0xc1, 0xb1, 0x74],
            name: "POST /pay".into(),
            kind: span::SpanKind::Server as i32,
            start_time_unix_nano: t0,
            end_time_unix_nano: t0 + 2_500,
            attributes: all_kinds(),
            events: vec![
                span::Event {
                    time_unix_nano: t0 + 100,
                    name: "exception".into(),
                    attributes: vec![kv("exception.message", s("card declined"))],
                    ..Default::default()
                },
                span::Event {
                    time_unix_nano: t0 + 200,
                    name: "retry".into(),
                    attributes: vec![kv("attempt", Some(V::IntValue(2)))],
                    ..Default::default()
                },
                // No time: placed after the record before it, with an error.
                span::Event {
                    name: "late".into(),
                    ..Default::default()
                },
            ],
            links: vec![
                span::Link {
                    trace_id: vec![0xab; 16],
                    span_id: vec![0xcd; 8],
                    ..Default::default()
                },
                // No span id: not a link.
                span::Link {
                    trace_id: vec![0xab; 16],
                    ..Default::default()
                },
            ],
            status: Some(ProtoStatus {
                code: status::StatusCode::Error as i32,
                message: "declined".into(),
            }),
            ..Default::default()
        };
        let child = Span {
            trace_id: vec![0x5b; 16],
            span_id: vec![0, 0, 0, 0, 0, 0, 0, 9],
            parent_span_id: root.span_id.clone(),
            name: "SELECT".into(),
            kind: span::SpanKind::Client as i32,
            start_time_unix_nano: t0 + 10,
            end_time_unix_nano: t0 + 5,
            attributes: vec![kv("db.system", s("postgresql"))],
            status: Some(ProtoStatus {
                code: status::StatusCode::Ok as i32,
                message: String::new(),
            }),
            ..Default::default()
        };
        let odd = Span {
            trace_id: vec![0; 16],
            span_id: Vec::new(),
            kind: 99,
            ..Default::default()
        };
        ExportTraceServiceRequest {
            resource_spans: vec![
                ResourceSpans {
                    resource: resource(),
                    scope_spans: vec![
                        ScopeSpans {
                            scope: Some(InstrumentationScope {
                                name: "io.pay".into(),
                                version: "1.2.0".into(),
                                attributes: vec![kv("scope.attr", Some(V::BoolValue(true)))],
                                ..Default::default()
                            }),
                            spans: vec![root, child],
                            ..Default::default()
                        },
                        ScopeSpans {
                            spans: vec![odd],
                            ..Default::default()
                        },
                    ],
                    ..Default::default()
                },
                ResourceSpans::default(),
            ],
        }
    }

    fn logs_request() -> ExportLogsServiceRequest {
        let t0 = 1_700_000_000_000_000_000u64;
        let records = vec![
            LogRecord {
                time_unix_nano: t0,
                severity_number: 17,
                severity_text: "whatever".into(),
                body: Some(AnyValue {
                    value: s("payment failed"),
                }),
                attributes: all_kinds(),
                trace_id: vec![0x5b; 16],
                span_id: vec![0xee; 8],
                event_name: "pay.failed".into(),
                ..Default::default()
            },
            LogRecord {
                observed_time_unix_nano: t0 + 1,
                severity_text: "warning".into(),
                body: Some(AnyValue {
                    value: Some(V::KvlistValue(KeyValueList {
                        values: vec![kv("a", Some(V::IntValue(1)))],
                    })),
                }),
                ..Default::default()
            },
            // No time at all, no body, no severity.
            LogRecord::default(),
        ];
        ExportLogsServiceRequest {
            resource_logs: vec![ResourceLogs {
                resource: resource(),
                scope_logs: vec![ScopeLogs {
                    scope: Some(InstrumentationScope {
                        name: "logger".into(),
                        ..Default::default()
                    }),
                    log_records: records,
                    ..Default::default()
                }],
                ..Default::default()
            }],
        }
    }

    /// Events, attributes and problems (line, reason) of one batch.
    type Parts<'b> = (&'b [Event], &'b [Attr], Vec<(u32, &'b str)>, u64);

    /// Events, attributes and problems of one batch, for comparing two of them.
    fn parts(b: &Batch) -> Parts<'_> {
        let errors = b
            .errors
            .iter()
            .map(|e| (e.line, e.reason.as_str()))
            .collect();
        (&b.events, &b.attrs, errors, b.error_count)
    }

    /// The request read straight into events, and its OTLP/JSON line read by the file parser,
    /// both into one string table (so that symbols compare).
    fn both(direct: impl FnOnce(&Ctx, &mut Batch), json_line: String) -> (Ctx, Batch, Batch) {
        let ctx = Ctx::new(Strings::new());
        let mut d = Batch::new();
        direct(&ctx, &mut d);
        d.finish(&ctx);
        let mut j = Batch::new();
        otlp::line(&json_line, 0, &ctx, &mut j);
        j.finish(&ctx);
        (ctx, d, j)
    }

    fn attrs_text(ctx: &Ctx, b: &Batch, e: &Event) -> Vec<(String, String)> {
        b.attrs[e.attr_start as usize..(e.attr_start + e.attr_len()) as usize]
            .iter()
            .map(|a| {
                (
                    ctx.strings.resolve(a.key()).to_string(),
                    a.value().to_text(&ctx.strings),
                )
            })
            .collect()
    }

    #[test]
    fn spans_decoded_directly_equal_their_otlp_json() {
        let req = traces_request();
        let (ctx, direct, json) = both(|c, b| traces(&req, c, b), otlp_json::traces(&req));
        assert_eq!(parts(&direct), parts(&json));
        // Not two empty batches: the mapping is all there.
        assert_eq!(direct.events.len(), 6, "3 spans and 3 span events");
        let root = &direct.events[0];
        let r = |s: Option<Sym>| s.map(|s| ctx.strings.resolve(s).to_string());
        assert_eq!(root.kind(), Kind::Span);
        assert_eq!(r(root.trace).as_deref(), Some("5b".repeat(16).as_str()));
        assert_eq!(r(root.span).as_deref(), Some("eee19b7ec3c1b174"));
        assert_eq!(r(root.service).as_deref(), Some("checkout"));
        assert_eq!(r(root.thread).as_deref(), Some("worker-3"));
        assert_eq!(r(root.request).as_deref(), Some("991"));
        assert_eq!(
            (root.status(), root.level()),
            (Some(Status::Error), Some(Level::Error))
        );
        assert_eq!(
            (root.ts, root.dur()),
            (1_700_000_000_000_000_000, Some(2_500))
        );
        let a = attrs_text(&ctx, &direct, root);
        for want in [
            ("host.name", "pod-7"),
            ("process.pid", "4242"),
            ("otel.scope.name", "io.pay"),
            ("otel.scope.version", "1.2.0"),
            ("scope.attr", "true"),
            ("span.kind", "server"),
            ("status.message", "declined"),
            ("str", "a \"quoted\"\nline"),
            ("double", "0.25"),
            ("bytes", "/wAH"),
            ("array", r#"["x",1,null,[]]"#),
            ("map", r#"{"k":1.5,"none":null,"inner":{"b":false}}"#),
            (
                "span.links",
                &format!("{}:{}", "ab".repeat(16), "cd".repeat(8)),
            ),
        ] {
            assert!(
                a.contains(&(want.0.to_string(), want.1.to_string())),
                "{want:?} in {a:?}"
            );
        }
        let exc = &direct.events[1];
        assert_eq!((exc.kind(), exc.level()), (Kind::Event, Some(Level::Error)));
        assert_eq!((exc.span, exc.thread), (root.span, root.thread));
        let child = &direct.events[4];
        assert_eq!(child.parent, root.span);
        assert_eq!((child.status(), child.dur()), (Some(Status::Ok), None));
        let odd = &direct.events[5];
        assert_eq!((odd.trace, odd.span), (None, None));
        assert_eq!(
            direct.error_count, 3,
            "event without a time, child ends before it starts, span without a start: {:?}",
            direct.errors
        );
    }

    #[test]
    fn logs_decoded_directly_equal_their_otlp_json() {
        let req = logs_request();
        let (ctx, direct, json) = both(|c, b| logs(&req, c, b), otlp_json::logs(&req));
        assert_eq!(parts(&direct), parts(&json));
        assert_eq!(direct.events.len(), 3);
        let levels: Vec<_> = direct.events.iter().map(|e| e.level()).collect();
        assert_eq!(levels, [Some(Level::Error), Some(Level::Warn), None]);
        let first = &direct.events[0];
        assert_eq!(ctx.strings.resolve(first.msg.unwrap()), "payment failed");
        assert_eq!(ctx.strings.resolve(first.name.unwrap()), "pay.failed");
        assert_eq!(ctx.strings.resolve(first.span.unwrap()), "ee".repeat(8));
        assert_eq!(
            ctx.strings.resolve(direct.events[1].msg.unwrap()),
            r#"{"a":1}"#
        );
        assert_eq!(direct.events[1].ts, 1_700_000_000_000_000_001);
        assert_eq!(direct.error_count, 1, "{:?}", direct.errors);
        assert!(
            attrs_text(&ctx, &direct, first).contains(&("otel.scope.name".into(), "logger".into()))
        );
    }

    /// OTLP/JSON as other exporters write it (enum names, numbers as numbers, no empty
    /// fields) gives the same events as the protobuf request with the same content.
    #[test]
    fn handwritten_otlp_json_equals_the_protobuf_request() {
        let doc = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},
          "scopeSpans":[{"scope":{"name":"lib"},"spans":[{"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"eee19b7ec3c1b174",
          "name":"GET /x","kind":"SPAN_KIND_CLIENT","startTimeUnixNano":1700000000000000000,"endTimeUnixNano":"1700000000000000900",
          "status":{"code":"STATUS_CODE_ERROR","message":"boom"},
          "attributes":[{"key":"http.status_code","value":{"intValue":500}},{"key":"ratio","value":{"doubleValue":0.5}}],
          "events":[{"timeUnixNano":"1700000000000000100","name":"exception"}]}]}]}]}"#;
        let hex = |s: &str| -> Vec<u8> {
            (0..s.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
                .collect()
        };
        let req = ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                resource: Some(ProtoResource {
                    attributes: vec![kv("service.name", s("api"))],
                    ..Default::default()
                }),
                scope_spans: vec![ScopeSpans {
                    scope: Some(InstrumentationScope {
                        name: "lib".into(),
                        ..Default::default()
                    }),
                    spans: vec![Span {
                        trace_id: hex("5b8efff798038103d269b633813fc60c"),
                        span_id: hex("eee19b7ec3c1b174"),
                        name: "GET /x".into(),
                        kind: span::SpanKind::Client as i32,
                        start_time_unix_nano: 1_700_000_000_000_000_000,
                        end_time_unix_nano: 1_700_000_000_000_000_900,
                        status: Some(ProtoStatus {
                            code: status::StatusCode::Error as i32,
                            message: "boom".into(),
                        }),
                        attributes: vec![
                            kv("http.status_code", Some(V::IntValue(500))),
                            kv("ratio", Some(V::DoubleValue(0.5))),
                        ],
                        events: vec![span::Event {
                            time_unix_nano: 1_700_000_000_000_000_100,
                            name: "exception".into(),
                            ..Default::default()
                        }],
                        ..Default::default()
                    }],
                    ..Default::default()
                }],
                ..Default::default()
            }],
        };
        let one_line = doc.replace('\n', " ");
        let (_, direct, json) = both(|c, b| traces(&req, c, b), one_line);
        assert_eq!(parts(&direct), parts(&json));
        assert_eq!(direct.events.len(), 2);
        assert_eq!(
            direct.attrs.len(),
            5,
            "scope, span.kind, status.message, 2 attributes"
        );
    }
}
