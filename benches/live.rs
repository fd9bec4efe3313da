//! Sustained OTLP/HTTP ingest on loopback: protobuf requests of 500 spans over keep-alive
//! connections from two client threads, received, saved to a file and parsed into events.
//! Bounded: a fixed number of requests. `cargo bench --bench live` prints spans/s.

use heisen::ingest::Ctx;
use heisen::live::receiver::{router, Receiver, DEFAULT_MAX_BODY};
use heisen::model::Strings;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use prost::Message;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

const SPANS_PER_REQUEST: usize = 500;
const REQUESTS_PER_CLIENT: usize = 200;
const CLIENTS: usize = 2;

fn request(seed: u64) -> Vec<u8> {
    let kv = |k: &str, v: &str| KeyValue {
        key: k.into(),
        value: Some(AnyValue {
            value: Some(any_value::Value::StringValue(v.into())),
        }),
        ..Default::default()
    };
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![kv("service.name", "load")],
                ..Default::default()
            }),
            scope_spans: vec![ScopeSpans {
                spans: (0..SPANS_PER_REQUEST as u64)
                    .map(|i| Span {
                        trace_id: (seed * 1000 + i / 10).to_be_bytes().repeat(2),
                        span_id: (seed * 1000 + i + 1).to_be_bytes().to_vec(),
                        name: format!("op {}", i % 7),
                        start_time_unix_nano: 1_700_000_000_000_000_000
                            + seed * 1_000_000
                            + i * 1000,
                        end_time_unix_nano: 1_700_000_000_000_000_000
                            + seed * 1_000_000
                            + i * 1000
                            + 500,
                        attributes: vec![kv("http.route", "/v1/orders")],
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
    .encode_to_vec()
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("tmp");
    let save = std::fs::File::create(dir.path().join("saved.jsonl")).expect("save file");
    let (tx, mut rx) = tokio::sync::mpsc::channel(1024);
    let ctx = Ctx::new(Strings::new());
    let state = Receiver {
        ctx,
        save: Some(Arc::new(Mutex::new(save))),
        max_body: DEFAULT_MAX_BODY,
        tx,
    };
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    rt.spawn(async move {
        let _ = axum::serve(listener, router(state)).await;
    });
    let stored = Arc::new(AtomicUsize::new(0));
    let s2 = stored.clone();
    rt.spawn(async move {
        let mut events = Vec::new();
        while let Some(r) = rx.recv().await {
            s2.fetch_add(r.batch.events.len(), Ordering::Relaxed);
            events.extend(r.batch.events);
        }
    });
    let bodies: Vec<Vec<u8>> = (0..8).map(request).collect();
    let start = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let bodies = bodies.clone();
            std::thread::spawn(move || {
                let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
                let mut w = s.try_clone().expect("clone");
                let mut r = BufReader::new(s);
                for k in 0..REQUESTS_PER_CLIENT {
                    let body = &bodies[(c + k) % bodies.len()];
                    let head = format!(
                        "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: {}\r\n\r\n",
                        body.len()
                    );
                    w.write_all(head.as_bytes()).expect("write");
                    w.write_all(body).expect("write");
                    let mut len = 0usize;
                    loop {
                        let mut line = String::new();
                        r.read_line(&mut line).expect("read");
                        if line == "\r\n" || line.is_empty() {
                            break;
                        }
                        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                            len = v.trim().parse().unwrap_or(0);
                        }
                    }
                    let mut b = vec![0; len];
                    r.read_exact(&mut b).expect("body");
                }
            })
        })
        .collect();
    for c in clients {
        let _ = c.join();
    }
    let total = CLIENTS * REQUESTS_PER_CLIENT * SPANS_PER_REQUEST;
    while stored.load(Ordering::Relaxed) < total && start.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "OTLP/HTTP protobuf, {CLIENTS} clients × {REQUESTS_PER_CLIENT} requests × {SPANS_PER_REQUEST} spans: {} spans received, saved and stored in {secs:.2} s = {:.0} spans/s (target ≥ 100000)",
        stored.load(Ordering::Relaxed),
        stored.load(Ordering::Relaxed) as f64 / secs
    );
}
