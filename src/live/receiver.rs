//! The OTLP/HTTP receiver: `POST /v1/traces` and `POST /v1/logs`, protobuf or JSON, gzip or
//! not. Every accepted request becomes one OTLP/JSON line, appended and flushed to the save file
//! (if any) before it is acknowledged, and parsed into events sent to the store's owner.

use super::otlp_json;
use crate::ingest::json::J;
use crate::ingest::{otlp, Batch, Ctx};
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
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

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
    pub save: Option<Arc<Mutex<std::fs::File>>>,
    pub max_body: usize,
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

/// Items in a request (spans or log records) and how many lack a trace or span id.
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
                let missing = |k: &str| item.get(k).and_then(J::as_str).is_none_or(str::is_empty);
                rejected += usize::from(
                    signal == Signal::Traces && (missing("traceId") || missing("spanId")),
                );
            }
        }
    }
    (total, rejected)
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
    let gz = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("gzip"));
    let body: Vec<u8> = if gz {
        let mut out = Vec::new();
        let mut dec = flate2::read::MultiGzDecoder::new(&body[..]).take(rx.max_body as u64 + 1);
        if let Err(e) = dec.read_to_end(&mut out) {
            return plain(StatusCode::BAD_REQUEST, format!("bad gzip body: {e}"));
        }
        if out.len() > rx.max_body {
            return plain(
                StatusCode::PAYLOAD_TOO_LARGE,
                "decompressed body is over the limit",
            );
        }
        out
    } else {
        body.to_vec()
    };
    // One OTLP/JSON line per request: protobuf is re-encoded; a JSON body only loses its
    // line breaks (which JSON allows only between tokens).
    let line = if proto {
        let enc = match signal {
            Signal::Traces => {
                ExportTraceServiceRequest::decode(&body[..]).map(|r| otlp_json::traces(&r))
            }
            Signal::Logs => {
                ExportLogsServiceRequest::decode(&body[..]).map(|r| otlp_json::logs(&r))
            }
        };
        match enc {
            Ok(l) => l,
            Err(e) => {
                return plain(
                    StatusCode::BAD_REQUEST,
                    format!("protobuf body does not decode: {e}"),
                )
            }
        }
    } else {
        let mut body = body;
        for b in &mut body {
            if matches!(*b, b'\n' | b'\r') {
                *b = b' ';
            }
        }
        match String::from_utf8(body) {
            Ok(s) => s,
            Err(e) => {
                return plain(
                    StatusCode::BAD_REQUEST,
                    format!("JSON body does not decode: {e}"),
                )
            }
        }
    };
    let json = match J::parse(&line) {
        Ok(j) => j,
        Err(e) => {
            return plain(
                StatusCode::BAD_REQUEST,
                format!("JSON body does not decode: {e}"),
            )
        }
    };
    let key = match signal {
        Signal::Traces => "resourceSpans",
        Signal::Logs => "resourceLogs",
    };
    if json.get(key).and_then(J::as_array).is_none() {
        return plain(
            StatusCode::BAD_REQUEST,
            format!("JSON body has no {key} array"),
        );
    }
    let (total, rejected) = count_items(&json, signal);
    if let Some(f) = &rx.save {
        let saved = f.lock().map_err(|_| ()).and_then(|mut f| {
            f.write_all(line.as_bytes())
                .and_then(|_| f.write_all(b"\n"))
                .and_then(|_| f.flush())
                .map_err(|_| ())
        });
        if saved.is_err() {
            return plain(
                StatusCode::SERVICE_UNAVAILABLE,
                "could not save the request",
            );
        }
    }
    let mut batch = Batch::new();
    let parsed = otlp::data(&json, 0, &rx.ctx, &mut batch);
    batch.finish(&rx.ctx);
    if parsed {
        let (spans, logs) = if signal == Signal::Traces {
            (total, 0)
        } else {
            (0, total)
        };
        let _ = rx.tx.send(Received { batch, spans, logs }).await;
    }
    let msg = if rejected > 0 {
        format!("{rejected} spans without a trace or span id")
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
