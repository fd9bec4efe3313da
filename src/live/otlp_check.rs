//! Checks of an OTLP request before anything is decoded or stored: how much memory decoding
//! it would take, and which spans and log records carry ids the specification forbids.
//!
//! Protobuf packs an empty message into two bytes, while decoded it takes a few hundred: a
//! 15 KB gzip body can hold millions of empty spans. [`decoded_size`] walks the wire format
//! (no allocation per item) and adds up what decoding would allocate, so that such a request
//! is refused before it costs memory or disk.

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{span, ResourceSpans, ScopeSpans, Span};
use std::mem::size_of;

/// The message types of an export request that can repeat (and so multiply memory).
#[derive(Clone, Copy)]
enum Msg {
    TraceRequest,
    LogRequest,
    ResourceSpans,
    ScopeSpans,
    Span,
    SpanEvent,
    SpanLink,
    ResourceLogs,
    ScopeLogs,
    LogRecord,
    Resource,
    Scope,
    KeyValue,
    AnyValue,
    /// An `ArrayValue` or a `KeyValueList` (both: field 1 repeated).
    List(bool),
}

impl Msg {
    /// The bytes one decoded value of this type takes besides its strings.
    fn size(self) -> usize {
        match self {
            Msg::TraceRequest | Msg::LogRequest => 0,
            Msg::ResourceSpans => size_of::<ResourceSpans>(),
            Msg::ScopeSpans => size_of::<ScopeSpans>(),
            Msg::Span => size_of::<Span>(),
            Msg::SpanEvent => size_of::<span::Event>(),
            Msg::SpanLink => size_of::<span::Link>(),
            Msg::ResourceLogs => size_of::<ResourceLogs>(),
            Msg::ScopeLogs => size_of::<ScopeLogs>(),
            Msg::LogRecord => size_of::<LogRecord>(),
            Msg::Resource => size_of::<Resource>(),
            Msg::Scope => 96,
            Msg::KeyValue => size_of::<KeyValue>(),
            Msg::AnyValue => size_of::<AnyValue>(),
            Msg::List(_) => 24,
        }
    }

    /// The message type of field `field`, when it is a message.
    fn child(self, field: u64) -> Option<Msg> {
        Some(match (self, field) {
            (Msg::TraceRequest, 1) => Msg::ResourceSpans,
            (Msg::LogRequest, 1) => Msg::ResourceLogs,
            (Msg::ResourceSpans, 1) | (Msg::ResourceLogs, 1) => Msg::Resource,
            (Msg::ResourceSpans, 2) => Msg::ScopeSpans,
            (Msg::ResourceLogs, 2) => Msg::ScopeLogs,
            (Msg::ScopeSpans, 1) | (Msg::ScopeLogs, 1) => Msg::Scope,
            (Msg::ScopeSpans, 2) => Msg::Span,
            (Msg::ScopeLogs, 2) => Msg::LogRecord,
            (Msg::Span, 9) | (Msg::SpanEvent, 3) | (Msg::SpanLink, 4) => Msg::KeyValue,
            (Msg::Span, 11) => Msg::SpanEvent,
            (Msg::Span, 13) => Msg::SpanLink,
            (Msg::LogRecord, 5) | (Msg::KeyValue, 2) => Msg::AnyValue,
            (Msg::LogRecord, 6) | (Msg::Resource, 1) | (Msg::Scope, 3) => Msg::KeyValue,
            (Msg::AnyValue, 5) => Msg::List(false),
            (Msg::AnyValue, 6) => Msg::List(true),
            (Msg::List(false), 1) => Msg::AnyValue,
            (Msg::List(true), 1) => Msg::KeyValue,
            _ => return None,
        })
    }
}

/// Nesting deeper than this is not walked further (decoding refuses it anyway).
const MAX_DEPTH: usize = 64;

/// Read a varint; `None` when the bytes end inside it or it is longer than 10 bytes.
fn varint(b: &mut &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for i in 0..10 {
        let (&byte, rest) = b.split_first()?;
        *b = rest;
        v |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// Add the decoded size of the message `m` in `b` to `total`; `None` when the wire format
/// is broken (decoding would fail too).
fn walk(m: Msg, mut b: &[u8], depth: usize, total: &mut usize) -> Option<()> {
    *total = total.saturating_add(m.size());
    while !b.is_empty() {
        let key = varint(&mut b)?;
        let (field, wire) = (key >> 3, key & 7);
        match wire {
            0 => {
                varint(&mut b)?;
            }
            1 => b = b.get(8..)?,
            5 => b = b.get(4..)?,
            2 => {
                let len = usize::try_from(varint(&mut b)?).ok()?;
                let body = b.get(..len)?;
                b = &b[len..];
                match m.child(field) {
                    Some(c) if depth < MAX_DEPTH => walk(c, body, depth + 1, total)?,
                    _ => {}
                }
            }
            _ => return None,
        }
    }
    Some(())
}

/// What decoding a protobuf export request (traces or logs) would take in memory: the body's
/// bytes (strings are copied out of it) plus every message it holds. `None` when the body is
/// not well-formed protobuf.
pub fn decoded_size(traces: bool, body: &[u8]) -> Option<usize> {
    let mut total = body.len();
    let top = if traces {
        Msg::TraceRequest
    } else {
        Msg::LogRequest
    };
    walk(top, body, 0, &mut total)?;
    Some(total)
}

/// A trace id as the specification wants it: 16 bytes, not all zero.
pub fn valid_trace_id(id: &[u8]) -> bool {
    id.len() == 16 && id.iter().any(|&b| b != 0)
}

/// A span id as the specification wants it: 8 bytes, not all zero.
pub fn valid_span_id(id: &[u8]) -> bool {
    id.len() == 8 && id.iter().any(|&b| b != 0)
}

/// The bytes of a hex id of `len` bytes (`2 × len` digits), if it is one.
fn hex_id(s: &str, len: usize) -> Option<Vec<u8>> {
    if s.len() != 2 * len || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..len)
        .map(|i| u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

/// Whether a span (protobuf) may be stored: valid trace and span ids, and a parent id that is
/// absent or valid.
pub fn span_ok(s: &Span) -> bool {
    valid_trace_id(&s.trace_id)
        && valid_span_id(&s.span_id)
        && (s.parent_span_id.is_empty() || s.parent_span_id.len() == 8)
}

/// Whether a log record (protobuf) may be stored: ids are optional, but when present they
/// have the right length.
pub fn log_ok(r: &LogRecord) -> bool {
    (r.trace_id.is_empty() || r.trace_id.len() == 16)
        && (r.span_id.is_empty() || r.span_id.len() == 8)
}

/// [`span_ok`] for a span in OTLP/JSON, whose ids are hex strings.
pub fn json_span_ok(s: &serde_json::Value) -> bool {
    let id = |k: &str, n: usize| s.get(k).and_then(|v| v.as_str()).and_then(|v| hex_id(v, n));
    let parent = s.get("parentSpanId").and_then(|v| v.as_str()).unwrap_or("");
    id("traceId", 16).is_some_and(|t| valid_trace_id(&t))
        && id("spanId", 8).is_some_and(|t| valid_span_id(&t))
        && (parent.is_empty() || hex_id(parent, 8).is_some())
}

/// [`log_ok`] for a log record in OTLP/JSON.
pub fn json_log_ok(r: &serde_json::Value) -> bool {
    let ok = |k: &str, n: usize| match r.get(k).and_then(|v| v.as_str()) {
        None | Some("") => true,
        Some(v) => hex_id(v, n).is_some(),
    };
    ok("traceId", 16) && ok("spanId", 8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
    use prost::Message;

    fn request(spans: usize) -> Vec<u8> {
        ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                scope_spans: vec![ScopeSpans {
                    spans: vec![Span::default(); spans],
                    ..Default::default()
                }],
                ..Default::default()
            }],
        }
        .encode_to_vec()
    }

    #[test]
    fn empty_spans_are_counted_at_their_decoded_size() {
        let body = request(100_000);
        let size = decoded_size(true, &body).unwrap();
        assert!(body.len() < 300_000, "{}", body.len());
        assert!(
            size >= 100_000 * size_of::<Span>(),
            "{size} for {} bytes",
            body.len()
        );
    }

    #[test]
    fn broken_wire_format_is_none() {
        let mut body = request(3);
        body.truncate(body.len() - 1);
        assert_eq!(decoded_size(true, &body), None);
        assert_eq!(decoded_size(true, &[0x0a, 0xff]), None);
    }

    #[test]
    fn ids_are_checked_by_length_and_zero() {
        assert!(valid_trace_id(&[1; 16]));
        assert!(!valid_trace_id(&[0; 16]));
        assert!(!valid_trace_id(&[1; 15]));
        assert!(valid_span_id(&[1; 8]));
        assert!(!valid_span_id(&[1; 16]));
        let j = |t: &str, s: &str| serde_json::json!({"traceId": t, "spanId": s});
        let t = "5b8efff798038103d269b633813fc60c";
        assert!(json_span_ok(&j(t, "eee19b7ec3c1b174")));
        assert!(!json_span_ok(&j(t, "eee19b7ec3c1b1")));
        assert!(!json_span_ok(&j(&t[..30], "eee19b7ec3c1b174")));
        assert!(!json_span_ok(&j(t, "zzzzzzzzzzzzzzzz")));
        assert!(!json_span_ok(&j(&"0".repeat(32), "eee19b7ec3c1b174")));
        assert!(json_log_ok(&serde_json::json!({"body": {}})));
        assert!(!json_log_ok(&serde_json::json!({"traceId": "abc"})));
    }
}
