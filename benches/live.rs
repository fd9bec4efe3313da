//! Sustained OTLP/HTTP ingest on loopback: protobuf requests of 500 spans over keep-alive
//! connections from two client threads, received, saved to a file and parsed into events.
//! The receiving end is the workbench loop itself (merge, keys, frames), so the bench also
//! reports frame times under load. Bounded: a fixed number of requests.
//! `cargo bench --bench live` prints spans/s and p50/p99 frame times.

use heisen::ingest::{absorb_live, load_named_bytes, Batch, Ctx, LiveBatch, LoadOptions};
use heisen::live::receiver::{router, Receiver, DEFAULT_MAX_BODY};
use heisen::model::{Format, Store, Strings};
use heisen::ui::action::Action;
use heisen::ui::app::{self, App, Effect};
use heisen::ui::keymap::Keymap;
use heisen::ui::theme::Theme;
use heisen::ui::{view, worker};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use prost::Message;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SPANS_PER_REQUEST: usize = 500;
const REQUESTS_PER_CLIENT: usize = 500;
const PRELOADED: usize = 1_000_000;
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

/// A store of `n` JSON-lines log events, interned into `strings`: what the engineer had
/// open before the live data started.
fn preloaded(n: usize, strings: &Strings) -> Store {
    let text: String = (0..n)
        .map(|i| {
            format!(
                "{{\"ts\":{},\"level\":\"info\",\"service\":\"svc-{}\",\"msg\":\"request {i} done\",\"status\":200}}\n",
                1_699_999_000_000i64 + i as i64,
                i % 6
            )
        })
        .collect();
    let opts = LoadOptions {
        strings: Some(strings.clone()),
        ..Default::default()
    };
    load_named_bytes(&[("before.log", text.as_bytes())], &opts).expect("preload")
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
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
    let strings = Strings::new();
    let ctx = Ctx::new(strings.clone());
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
    // Received batches go to the workbench loop below, as in `heisen --listen`.
    let (btx, brx) = std::sync::mpsc::channel::<Batch>();
    rt.spawn(async move {
        while let Some(r) = rx.recv().await {
            if btx.send(r.batch).is_err() {
                break;
            }
        }
    });
    let mut app = App::new(
        Arc::new(preloaded(PRELOADED, &strings)),
        Theme::default_theme(),
        Keymap::default_map(),
    );
    let mut term = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
    let bodies: Vec<Vec<u8>> = (0..8).map(request).collect();
    let total = CLIENTS * REQUESTS_PER_CLIENT * SPANS_PER_REQUEST;
    let start = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let bodies = bodies.clone();
            std::thread::spawn(move || {
                let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
                // As HTTP clients do: no Nagle delay between the head and the body.
                s.set_nodelay(true).expect("nodelay");
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
    // The workbench loop: a key and a frame every 16 ms, live batches merged every 250 ms,
    // the query re-run on a worker thread after each merge. Each iteration's work is timed.
    let (qtx, qrx) = std::sync::mpsc::channel();
    let mut pending: Vec<Batch> = Vec::new();
    let mut last_merge = Instant::now();
    let mut frames: Vec<f64> = Vec::new();
    let preloaded_len = app.store.len();
    let mut down = true;
    while app.store.len() < preloaded_len + total && start.elapsed().as_secs() < 120 {
        let t0 = Instant::now();
        pending.extend(brx.try_iter());
        while let Ok(o) = qrx.try_recv() {
            app.apply_outcome(o);
        }
        if !pending.is_empty() && app.live_merge_due(last_merge.elapsed()) {
            last_merge = Instant::now();
            let fx = app.store_grew(|store| {
                let batches = pending.drain(..).map(|batch| LiveBatch {
                    path: "otlp://bench".into(),
                    format: Format::Otlp,
                    batch,
                });
                absorb_live(store, batches);
            });
            for e in fx {
                if let Effect::RunQuery(q) = e {
                    let (store, key, qtx) = (app.store.clone(), app.lane_key, qtx.clone());
                    std::thread::spawn(move || {
                        let _ = qtx.send(worker::run_query(&store, &q, key));
                    });
                }
            }
        }
        // The engineer scrolls up and down the list.
        let _ = app::update(&mut app, if down { Action::Down } else { Action::Up });
        down = !down;
        term.draw(|f| view::draw(&app, f)).expect("draw");
        frames.push(t0.elapsed().as_secs_f64() * 1000.0);
        std::thread::sleep(Duration::from_millis(16).saturating_sub(t0.elapsed()));
    }
    let secs = start.elapsed().as_secs_f64();
    for c in clients {
        let _ = c.join();
    }
    let stored = app.store.len() - preloaded_len;
    frames.sort_by(f64::total_cmp);
    println!(
        "OTLP/HTTP protobuf, {CLIENTS} clients × {REQUESTS_PER_CLIENT} requests × {SPANS_PER_REQUEST} spans into a workbench with {preloaded_len} events: \
         {stored} spans received, saved and in the store in {secs:.2} s = {:.0} spans/s (target ≥ 100000)",
        stored as f64 / secs
    );
    println!(
        "workbench loop under that load (key + merge + 200×60 frame), {} frames: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        frames.len(),
        percentile(&frames, 0.5),
        percentile(&frames, 0.99),
        frames.last().copied().unwrap_or(0.0)
    );
}
