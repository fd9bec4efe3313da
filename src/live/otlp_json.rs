//! OTLP protobuf messages → the canonical OTLP/JSON shape (hex ids, nanosecond times as
//! strings, AnyValue objects), so that everything received is kept and read back by the same
//! file parser.

use crate::ingest::ids::to_hex;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource;
use serde_json::{json, Value};

/// An AnyValue as OTLP/JSON.
pub fn any(v: &AnyValue) -> Value {
    use any_value::Value as V;
    match &v.value {
        Some(V::StringValue(s)) => json!({"stringValue": s}),
        Some(V::BoolValue(b)) => json!({"boolValue": b}),
        Some(V::IntValue(i)) => json!({"intValue": i.to_string()}),
        Some(V::DoubleValue(d)) => json!({"doubleValue": d}),
        Some(V::ArrayValue(a)) => {
            json!({"arrayValue": {"values": a.values.iter().map(any).collect::<Vec<_>>()}})
        }
        Some(V::KvlistValue(kv)) => json!({"kvlistValue": {"values": attrs(&kv.values)}}),
        Some(V::BytesValue(b)) => {
            use base64::Engine;
            json!({"bytesValue": base64::engine::general_purpose::STANDARD.encode(b)})
        }
        _ => json!({}),
    }
}

fn attrs(kvs: &[KeyValue]) -> Vec<Value> {
    kvs.iter()
        .map(|kv| json!({"key": kv.key, "value": kv.value.as_ref().map_or(json!({}), any)}))
        .collect()
}

fn resource(r: &Option<Resource>) -> Value {
    json!({"attributes": r.as_ref().map_or(Vec::new(), |r| attrs(&r.attributes))})
}

fn scope(s: &Option<InstrumentationScope>) -> Value {
    match s {
        Some(s) => {
            json!({"name": s.name, "version": s.version, "attributes": attrs(&s.attributes)})
        }
        None => json!({}),
    }
}

/// A trace export request as a TracesData JSON object.
pub fn traces(req: &ExportTraceServiceRequest) -> Value {
    let rs: Vec<Value> = req
        .resource_spans
        .iter()
        .map(|r| {
            let ss: Vec<Value> = r
                .scope_spans
                .iter()
                .map(|s| {
                    let spans: Vec<Value> = s
                        .spans
                        .iter()
                        .map(|sp| {
                            json!({
                                "traceId": to_hex(&sp.trace_id),
                                "spanId": to_hex(&sp.span_id),
                                "parentSpanId": to_hex(&sp.parent_span_id),
                                "traceState": sp.trace_state,
                                "name": sp.name,
                                "kind": sp.kind,
                                "startTimeUnixNano": sp.start_time_unix_nano.to_string(),
                                "endTimeUnixNano": sp.end_time_unix_nano.to_string(),
                                "attributes": attrs(&sp.attributes),
                                "events": sp.events.iter().map(|e| json!({
                                    "timeUnixNano": e.time_unix_nano.to_string(),
                                    "name": e.name,
                                    "attributes": attrs(&e.attributes),
                                })).collect::<Vec<_>>(),
                                "status": sp.status.as_ref().map_or(json!({}), |st| json!({"code": st.code, "message": st.message})),
                            })
                        })
                        .collect();
                    json!({"scope": scope(&s.scope), "spans": spans})
                })
                .collect();
            json!({"resource": resource(&r.resource), "scopeSpans": ss})
        })
        .collect();
    json!({"resourceSpans": rs})
}

/// A logs export request as a LogsData JSON object.
pub fn logs(req: &ExportLogsServiceRequest) -> Value {
    let rl: Vec<Value> = req
        .resource_logs
        .iter()
        .map(|r| {
            let sl: Vec<Value> = r
                .scope_logs
                .iter()
                .map(|s| {
                    let recs: Vec<Value> = s
                        .log_records
                        .iter()
                        .map(|l| {
                            json!({
                                "timeUnixNano": l.time_unix_nano.to_string(),
                                "observedTimeUnixNano": l.observed_time_unix_nano.to_string(),
                                "severityNumber": l.severity_number,
                                "severityText": l.severity_text,
                                "body": l.body.as_ref().map_or(json!({}), any),
                                "attributes": attrs(&l.attributes),
                                "traceId": to_hex(&l.trace_id),
                                "spanId": to_hex(&l.span_id),
                                "eventName": l.event_name,
                            })
                        })
                        .collect();
                    json!({"scope": scope(&s.scope), "logRecords": recs})
                })
                .collect();
            json!({"resource": resource(&r.resource), "scopeLogs": sl})
        })
        .collect();
    json!({"resourceLogs": rl})
}
