//! The OTLP/HTTP receiver: `POST /v1/traces` and `POST /v1/logs`, protobuf or JSON, gzip or
//! not. Every accepted request becomes one OTLP/JSON line, appended to the save file (if any,
//! see [`Journal`]) before it is acknowledged, and events sent to the store's owner: protobuf is
//! read straight into events, JSON by the OTLP/JSON file parser.
//!
//! Before anything is stored, a request is checked as the OTLP/HTTP specification asks: an
//! unknown `Content-Encoding` is answered 415, a body over the limit (decompressed, or decoded:
//! see [`otlp_check::decoded_size`]) 413, and spans or log records with malformed ids are
//! rejected through partial success and never stored.

use super::journal::Journal;
use super::otlp_check;
use crate::ingest::json::J;
use crate::ingest::otlp::encode as otlp_json;
use crate::ingest::{otlp, otlp_proto, Batch, Ctx};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsPartialSuccess, ExportLogsServiceRequest, ExportLogsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTracePartialSuccess, ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use prost::Message;
use std::io::Read;
use std::sync::Arc;

/// Default request body limit (16 MiB).
pub const DEFAULT_MAX_BODY: usize = 16 << 20;

/// What a receiver produces per request.
pub struct Received {
    pub batch: Batch,
    pub spans: usize,
    pub logs: usize,
}

/// Shared receiver state.
#[derive(Clone)]
pub struct Receiver {
    pub ctx: Ctx,
    /// Where accepted requests are appended.
    pub save: Option<Arc<Journal>>,
    /// The largest body, after decompression too.
    pub max_body: usize,
    /// Whether requests become events sent on `tx` (`record` only keeps the lines and counts).
    pub events: bool,
    pub tx: tokio::sync::mpsc::Sender<Received>,
}

#[derive(Clone, Copy, PartialEq)]
enum Signal {
    Traces,
    Logs,
}

fn plain(status: StatusCode, msg: impl Into<String>) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain")], msg.into()).into_response()
}

/// The array under `key`, or nothing.
fn items<'j, 'a>(j: &'j J<'a>, key: &str) -> &'j [J<'a>] {
    j.get(key).and_then(J::as_array).unwrap_or_default()
}

/// Items in a request (spans or log records) and how many the specification rejects (see
/// [`otlp_check::json_span_ok`]).
fn count_items(v: &J, signal: Signal) -> (usize, usize) {
    let (outer, mid, inner) = match signal {
        Signal::Traces => ("resourceSpans", "scopeSpans", "spans"),
        Signal::Logs => ("resourceLogs", "scopeLogs", "logRecords"),
    };
    let mut total = 0;
    let mut rejected = 0;
    for r in items(v, outer) {
        for s in items(r, mid) {
            for item in items(s, inner) {
                total += 1;
                let id = |k: &str, n: usize| match item.get(k).and_then(J::as_str) {
                    None | Some("") => None,
                    Some(v) => Some(v.len() == n && v.bytes().all(|b| b.is_ascii_hexdigit())),
                };
                let zero = |k: &str| {
                    item.get(k)
                        .and_then(J::as_str)
                        .is_some_and(|v| v.bytes().all(|b| b == b'0'))
                };
                let bad = match signal {
                    Signal::Traces => {
                        id("traceId", 32) != Some(true)
                            || id("spanId", 16) != Some(true)
                            || zero("traceId")
                            || zero("spanId")
                            || id("parentSpanId", 16) == Some(false)
                    }
                    Signal::Logs => {
                        id("traceId", 32) == Some(false) || id("spanId", 16) == Some(false)
                    }
                };
                rejected += usize::from(bad);
            }
        }
    }
    (total, rejected)
}

/// A request refused: its status and the reason, answered as plain text.
struct Refused(StatusCode, String);

impl Refused {
    fn response(self) -> Response {
        plain(self.0, self.1)
    }
}

/// A decoded protobuf export request.
enum ProtoRequest {
    Traces(ExportTraceServiceRequest),
    Logs(ExportLogsServiceRequest),
}

impl ProtoRequest {
    fn decode(signal: Signal, body: &[u8]) -> Result<Self, prost::DecodeError> {
        Ok(match signal {
            Signal::Traces => ProtoRequest::Traces(ExportTraceServiceRequest::decode(body)?),
            Signal::Logs => ProtoRequest::Logs(ExportLogsServiceRequest::decode(body)?),
        })
    }

    /// Drop the spans or log records whose ids the specification rejects; returns the items
    /// there were and how many were dropped.
    fn retain_valid(&mut self) -> (usize, usize) {
        let (mut total, mut kept) = (0, 0);
        match self {
            ProtoRequest::Traces(r) => {
                for sp in r.resource_spans.iter_mut().flat_map(|r| &mut r.scope_spans) {
                    total += sp.spans.len();
                    sp.spans.retain(otlp_check::span_ok);
                    kept += sp.spans.len();
                }
            }
            ProtoRequest::Logs(r) => {
                for sl in r.resource_logs.iter_mut().flat_map(|r| &mut r.scope_logs) {
                    total += sl.log_records.len();
                    sl.log_records.retain(otlp_check::log_ok);
                    kept += sl.log_records.len();
                }
            }
        }
        (total, total - kept)
    }

    /// The request as one OTLP/JSON line (for the save file).
    fn json_line(&self) -> String {
        match self {
            ProtoRequest::Traces(r) => otlp_json::traces(r),
            ProtoRequest::Logs(r) => otlp_json::logs(r),
        }
    }

    fn events(&self, ctx: &Ctx, out: &mut Batch) {
        match self {
            ProtoRequest::Traces(r) => otlp_proto::traces(r, ctx, out),
            ProtoRequest::Logs(r) => otlp_proto::logs(r, ctx, out),
        }
    }
}

/// What a request held: its events to send (empty when the receiver makes none; `None` when
/// it held no traces or logs after all), its items and how many of those lack a trace or span
/// id.
struct Accepted {
    batch: Option<Batch>,
    total: usize,
    rejected: usize,
}

/// Append one line to the save file (complete in the file when this returns).
fn save(rx: &Receiver, line: &str) -> Result<(), Refused> {
    let Some(j) = &rx.save else { return Ok(()) };
    j.append(line).map_err(|e| {
        Refused(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("could not save the request: {e}"),
        )
    })
}

/// How much memory decoding a request may take, as a multiple of the body limit.
const DECODED_PER_BODY: usize = 8;

/// A protobuf body: decoded once, then read straight into events and, when saving, written
/// as an OTLP/JSON line (saved before the request is acknowledged).
fn accept_proto(rx: &Receiver, signal: Signal, body: &[u8]) -> Result<Accepted, Refused> {
    let limit = rx.max_body.saturating_mul(DECODED_PER_BODY);
    match otlp_check::decoded_size(signal == Signal::Traces, body) {
        Some(n) if n > limit => {
            return Err(Refused(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "decoded, the request would take {} MiB (limit {} MiB: {}× the body limit)",
                    n >> 20,
                    limit >> 20,
                    DECODED_PER_BODY
                ),
            ))
        }
        _ => {}
    }
    let mut req = ProtoRequest::decode(signal, body).map_err(|e| {
        Refused(
            StatusCode::BAD_REQUEST,
            format!("protobuf body does not decode: {e}"),
        )
    })?;
    let (total, rejected) = req.retain_valid();
    if rx.save.is_some() && total > rejected {
        save(rx, &req.json_line())?;
    }
    let mut batch = Batch::new();
    if rx.events {
        req.events(&rx.ctx, &mut batch);
        batch.finish(&rx.ctx);
    }
    Ok(Accepted {
        batch: Some(batch),
        total,
        rejected,
    })
}

/// A JSON body: it only loses its line breaks (which JSON allows only between tokens) to
/// become the saved line, and is read by the OTLP/JSON file parser.
fn accept_json(rx: &Receiver, signal: Signal, mut body: Vec<u8>) -> Result<Accepted, Refused> {
    let bad = |e: &dyn std::fmt::Display| {
        Refused(
            StatusCode::BAD_REQUEST,
            format!("JSON body does not decode: {e}"),
        )
    };
    for b in &mut body {
        if matches!(*b, b'\n' | b'\r') {
            *b = b' ';
        }
    }
    let line = String::from_utf8(body).map_err(|e| bad(&e))?;
    let json = J::parse(&line).map_err(|e| bad(&e))?;
    let key = match signal {
        Signal::Traces => "resourceSpans",
        Signal::Logs => "resourceLogs",
    };
    if json.get(key).and_then(J::as_array).is_none() {
        return Err(Refused(
            StatusCode::BAD_REQUEST,
            format!("JSON body has no {key} array"),
        ));
    }
    let (total, rejected) = count_items(&json, signal);
    drop(json);
    // What partial success rejects is never stored: the line is rewritten without it.
    let line = if rejected > 0 {
        without_rejected(&line, signal).map_err(|e| bad(&e))?
    } else {
        line
    };
    let json = J::parse(&line).map_err(|e| bad(&e))?;
    if total > rejected {
        save(rx, &line)?;
    }
    let mut batch = Batch::new();
    let parsed = !rx.events || otlp::data(&json, 0, &rx.ctx, &mut batch);
    batch.finish(&rx.ctx);
    Ok(Accepted {
        batch: parsed.then_some(batch),
        total,
        rejected,
    })
}

/// A JSON line without the spans or log records the specification rejects.
fn without_rejected(line: &str, signal: Signal) -> Result<String, serde_json::Error> {
    let mut v: serde_json::Value = serde_json::from_str(line)?;
    let (outer, mid, inner) = match signal {
        Signal::Traces => ("resourceSpans", "scopeSpans", "spans"),
        Signal::Logs => ("resourceLogs", "scopeLogs", "logRecords"),
    };
    let ok: fn(&serde_json::Value) -> bool = match signal {
        Signal::Traces => otlp_check::json_span_ok,
        Signal::Logs => otlp_check::json_log_ok,
    };
    let list = |v: &mut serde_json::Value, k: &str| match v.get_mut(k) {
        Some(serde_json::Value::Array(a)) => std::mem::take(a),
        _ => Vec::new(),
    };
    let mut resources = list(&mut v, outer);
    for r in &mut resources {
        let mut scopes = list(r, mid);
        for s in &mut scopes {
            let mut items = list(s, inner);
            items.retain(ok);
            s[inner] = serde_json::Value::Array(items);
        }
        r[mid] = serde_json::Value::Array(scopes);
    }
    v[outer] = serde_json::Value::Array(resources);
    serde_json::to_string(&v)
}

/// The content codings a request names, outermost last (as `Content-Encoding` lists them):
/// `Ok(true)` per gzip, `Ok(false)` per identity; any other coding is refused with 415.
fn codings(headers: &HeaderMap) -> Result<Vec<bool>, Refused> {
    let mut out = Vec::new();
    for v in headers.get_all(header::CONTENT_ENCODING) {
        let v = v.to_str().map_err(|_| {
            Refused(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unreadable Content-Encoding".into(),
            )
        })?;
        for c in v.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            match c.to_ascii_lowercase().as_str() {
                "gzip" | "x-gzip" => out.push(true),
                "identity" => out.push(false),
                other => {
                    return Err(Refused(
                        StatusCode::UNSUPPORTED_MEDIA_TYPE,
                        format!(
                            "unsupported Content-Encoding '{}': use gzip or none",
                            crate::text::sanitize(other, true)
                        ),
                    ))
                }
            }
        }
    }
    Ok(out)
}

/// The body with its content codings undone, each bounded by the body limit.
fn unzip(rx: &Receiver, headers: &HeaderMap, mut body: Bytes) -> Result<Bytes, Refused> {
    for gz in codings(headers)?.into_iter().rev() {
        if !gz {
            continue;
        }
        let mut out = Vec::new();
        let mut dec = flate2::read::MultiGzDecoder::new(&body[..]).take(rx.max_body as u64 + 1);
        if let Err(e) = dec.read_to_end(&mut out) {
            return Err(Refused(
                StatusCode::BAD_REQUEST,
                format!("bad gzip body: {e}"),
            ));
        }
        if out.len() > rx.max_body {
            return Err(Refused(
                StatusCode::PAYLOAD_TOO_LARGE,
                "decompressed body is over the limit".into(),
            ));
        }
        body = out.into();
    }
    Ok(body)
}

async fn handle(rx: Receiver, signal: Signal, headers: HeaderMap, body: Bytes) -> Response {
    let ctype = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let proto = match ctype.as_str() {
        "application/x-protobuf" | "application/protobuf" => true,
        "application/json" => false,
        other => {
            return plain(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("unsupported content type '{other}': use application/x-protobuf or application/json"),
            )
        }
    };
    let body = match unzip(&rx, &headers, body) {
        Ok(b) => b,
        Err(r) => return r.response(),
    };
    let accepted = if proto {
        accept_proto(&rx, signal, &body)
    } else {
        accept_json(&rx, signal, body.into())
    };
    let Accepted {
        batch,
        total,
        rejected,
    } = match accepted {
        Ok(a) => a,
        Err(r) => return r.response(),
    };
    if let Some(batch) = batch {
        let (spans, logs) = if signal == Signal::Traces {
            (total, 0)
        } else {
            (0, total)
        };
        let _ = rx.tx.send(Received { batch, spans, logs }).await;
    }
    let msg = if rejected > 0 {
        let what = if signal == Signal::Traces {
            "spans"
        } else {
            "log records"
        };
        format!("{rejected} {what} with a missing or malformed trace or span id")
    } else {
        String::new()
    };
    if proto {
        let bytes = match signal {
            Signal::Traces => ExportTraceServiceResponse {
                partial_success: (rejected > 0).then(|| ExportTracePartialSuccess {
                    rejected_spans: rejected as i64,
                    error_message: msg.clone(),
                }),
            }
            .encode_to_vec(),
            Signal::Logs => ExportLogsServiceResponse {
                partial_success: (rejected > 0).then(|| ExportLogsPartialSuccess {
                    rejected_log_records: rejected as i64,
                    error_message: msg.clone(),
                }),
            }
            .encode_to_vec(),
        };
        (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/x-protobuf")],
            bytes,
        )
            .into_response()
    } else {
        let body = if rejected > 0 {
            let field = if signal == Signal::Traces {
                "rejectedSpans"
            } else {
                "rejectedLogRecords"
            };
            serde_json::json!({"partialSuccess": {field: rejected.to_string(), "errorMessage": msg}})
        } else {
            serde_json::json!({})
        };
        (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response()
    }
}

/// The axum router.
pub fn router(rx: Receiver) -> Router {
    let limit = rx.max_body;
    Router::new()
        .route(
            "/v1/traces",
            post(|State(r): State<Receiver>, h: HeaderMap, b: Bytes| {
                handle(r, Signal::Traces, h, b)
            }),
        )
        .route(
            "/v1/logs",
            post(|State(r): State<Receiver>, h: HeaderMap, b: Bytes| handle(r, Signal::Logs, h, b)),
        )
        .layer(DefaultBodyLimit::max(limit))
        .with_state(rx)
}
