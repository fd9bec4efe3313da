//! Sustained OTLP/HTTP ingest on loopback: protobuf requests of 500 spans over keep-alive
//! connections from two client threads, received, saved to a file (as `--save` does) and parsed
//! into events. The receiving end is the workbench loop itself (merge, keys, frames), so the
//! bench also reports frame times under load. Every request is distinct (its own ids and times,
//! in send order, as a live service produces them) and built before the clock starts, so the
//! clients spend their CPU on sending only. Bounded: a fixed number of requests, 120 s at most.
//!
//! `cargo bench --bench live` prints spans/s, requests/s and p50/p99 frame times.
//! `HEISEN_BENCH_REQUESTS=N` sets the requests per client (default 2000);
//! `HEISEN_BENCH_SAVE=0` receives without saving; `HEISEN_BENCH_QUERY=TEXT` has that query
//! active (re-run after every merge, as in the TUI).

use heisen::ingest::{absorb_live, load_named_bytes, Batch, Ctx, LiveBatch, LoadOptions};
use heisen::live::journal::{Fsync, Journal};
use heisen::live::receiver::{router, Receiver, DEFAULT_MAX_BODY};
use heisen::live::serve::{serve, Limits};
use heisen::model::{Format, Kind, Store, Strings};
use heisen::ui::action::Action;
use heisen::ui::app::{self, App, Effect};
use heisen::ui::keymap::Keymap;
use heisen::ui::theme::Theme;
use heisen::ui::{view, worker};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{
    span, status, ResourceSpans, ScopeSpans, Span, Status,
};
use prost::Message;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

const SPANS_PER_REQUEST: usize = 500;
const PRELOADED: usize = 1_000_000;
const CLIENTS: usize = 2;
const BASE_NS: u64 = 1_700_000_000_000_000_000;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn kv(k: &str, v: any_value::Value) -> KeyValue {
    KeyValue {
        key: k.into(),
        value: Some(AnyValue { value: Some(v) }),
        ..Default::default()
    }
}

fn text(s: &str) -> any_value::Value {
    any_value::Value::StringValue(s.into())
}

/// Request number `seed`: 500 spans of 50 traces, 1 ms of the service's time after the request
/// before it; a server span per trace, an exception event and an error status now and then.
fn request(seed: u64) -> Vec<u8> {
    let spans = (0..SPANS_PER_REQUEST as u64)
        .map(|i| {
            let n = seed * SPANS_PER_REQUEST as u64 + i;
            let start = BASE_NS + seed * 1_000_000 + i * 1000;
            let root = i % 10 == 0;
            let failed = n.is_multiple_of(97);
            Span {
                trace_id: (seed * 100 + i / 10).to_be_bytes().repeat(2),
                span_id: (n + 1).to_be_bytes().to_vec(),
                parent_span_id: if root {
                    Vec::new()
                } else {
                    (seed * SPANS_PER_REQUEST as u64 + i / 10 * 10 + 1)
                        .to_be_bytes()
                        .to_vec()
                },
                name: format!("op {}", i % 7),
                kind: if root {
                    span::SpanKind::Server as i32
                } else {
                    span::SpanKind::Internal as i32
                },
                start_time_unix_nano: start,
                end_time_unix_nano: start + 500 + i % 13,
                attributes: vec![
                    kv("http.route", text("/v1/orders")),
                    kv("http.method", text("POST")),
                    kv(
                        "http.status_code",
                        any_value::Value::IntValue(if failed { 500 } else { 200 }),
                    ),
                    kv("order.id", any_value::Value::IntValue(n as i64)),
                ],
                events: if failed {
                    vec![span::Event {
                        time_unix_nano: start + 100,
                        name: "exception".into(),
                        attributes: vec![kv("exception.message", text("timeout"))],
                        ..Default::default()
                    }]
                } else {
                    Vec::new()
                },
                status: failed.then(|| Status {
                    code: status::StatusCode::Error as i32,
                    message: "timeout".into(),
                }),
                ..Default::default()
            }
        })
        .collect();
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![
                    kv("service.name", text("load")),
                    kv("host.name", text("pod-1")),
                ],
                ..Default::default()
            }),
            scope_spans: vec![ScopeSpans {
                scope: Some(InstrumentationScope {
                    name: "bench".into(),
                    ..Default::default()
                }),
                spans,
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
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn summary(mut frames: Vec<f64>) -> String {
    frames.sort_by(f64::total_cmp);
    format!(
        "{} frames: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        frames.len(),
        percentile(&frames, 0.5),
        percentile(&frames, 0.99),
        frames.last().copied().unwrap_or(0.0)
    )
}

/// One client: send its requests one after the other on one keep-alive connection, reading
/// each response before the next request.
fn client(port: u16, bodies: Vec<Vec<u8>>) {
    let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    // As HTTP clients do: no Nagle delay between the head and the body.
    s.set_nodelay(true).expect("nodelay");
    let mut w = s.try_clone().expect("clone");
    let mut r = BufReader::new(s);
    for body in &bodies {
        let head = format!(
            "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        w.write_all(head.as_bytes()).expect("write");
        w.write_all(body).expect("write");
        let mut len = 0usize;
        let mut status = String::new();
        r.read_line(&mut status).expect("read");
        assert!(status.contains(" 200 "), "request refused: {status}");
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
}

fn main() {
    let per_client = env_usize("HEISEN_BENCH_REQUESTS", 2000);
    let saving = std::env::var("HEISEN_BENCH_SAVE").map_or(true, |v| v != "0");
    let query = std::env::var("HEISEN_BENCH_QUERY")
        .ok()
        .filter(|q| !q.is_empty());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    // The workbench's own runtime, as `heisen --listen` builds it.
    let rt = worker::runtime().expect("runtime");
    let dir = tempfile::tempdir().expect("tmp");
    let save_path = dir.path().join("saved.jsonl");
    let save = saving.then(|| {
        let path = save_path.to_str().expect("utf-8 temp path");
        Arc::new(Journal::open(path, Fsync::Batch).expect("save file").0)
    });
    let (tx, mut rx) = tokio::sync::mpsc::channel(1024);
    let strings = Strings::new();
    let ctx = Ctx::new(strings.clone());
    let state = Receiver {
        ctx,
        save,
        max_body: DEFAULT_MAX_BODY,
        events: true,
        tx,
    };
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    rt.spawn(async move {
        let _ = serve(
            listener,
            router(state),
            Limits::default(),
            std::future::pending(),
        )
        .await;
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
    if let Some(q) = query.as_deref() {
        let o = worker::run_query(&app.store, q, app.lane_key);
        app.apply_outcome(o);
        assert_eq!(
            app.query.as_deref(),
            Some(q),
            "the query runs: {:?}",
            app.query_error
        );
    }
    let mut term = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
    // Client c sends requests c, c + CLIENTS, c + 2 CLIENTS, …: together they are in time order.
    let bodies: Vec<Vec<Vec<u8>>> = (0..CLIENTS)
        .map(|c| {
            (0..per_client)
                .map(|k| request((k * CLIENTS + c) as u64))
                .collect()
        })
        .collect();
    let requests = CLIENTS * per_client;
    let total = requests * SPANS_PER_REQUEST;
    // Every 97th span has an exception event, which is an event of its own in the store.
    let expected = total + total.div_ceil(97);
    let wire: usize = bodies.iter().flatten().map(Vec::len).sum();
    let start = Instant::now();
    let clients: Vec<_> = bodies
        .into_iter()
        .map(|b| std::thread::spawn(move || client(port, b)))
        .collect();
    // The workbench loop: a key and a frame every 16 ms, live batches merged when
    // `live_merge_due` says so, the query (if any) re-run on the runtime after each merge, as
    // `heisen --listen` does. Each iteration's work is timed.
    let (qtx, qrx) = std::sync::mpsc::channel();
    let mut pending: Vec<Batch> = Vec::new();
    let mut last_merge = Instant::now();
    let mut frames: Vec<f64> = Vec::new();
    let mut merge_frames: Vec<f64> = Vec::new();
    let preloaded_len = app.store.len();
    let mut down = true;
    while app.store.len() < preloaded_len + expected && start.elapsed().as_secs() < 120 {
        let t0 = Instant::now();
        pending.extend(brx.try_iter());
        while let Ok(o) = qrx.try_recv() {
            app.apply_outcome(o);
        }
        let mut merged = false;
        if !pending.is_empty() && app.live_merge_due(last_merge.elapsed()) {
            last_merge = Instant::now();
            merged = true;
            let fx = app.store_grew(|store| {
                let batches = pending.drain(..).map(|batch| LiveBatch {
                    path: "otlp://bench".into(),
                    format: Format::Otlp,
                    batch,
                });
                absorb_live(store, batches).expect("one source")
            });
            for e in fx {
                if let Effect::RunQuery(q) = e {
                    let (store, key, qtx) = (app.store.clone(), app.lane_key, qtx.clone());
                    rt.spawn_blocking(move || {
                        let _ = qtx.send(worker::run_query(&store, &q, key));
                    });
                }
            }
        }
        // The engineer scrolls up and down the list.
        let _ = app::update(&mut app, if down { Action::Down } else { Action::Up });
        down = !down;
        term.draw(|f| view::draw(&app, f)).expect("draw");
        let ms = t0.elapsed().as_secs_f64() * 1000.0;
        frames.push(ms);
        if merged {
            merge_frames.push(ms);
        }
        std::thread::sleep(Duration::from_millis(16).saturating_sub(t0.elapsed()));
    }
    let secs = start.elapsed().as_secs_f64();
    for c in clients {
        let _ = c.join();
    }
    let stored = app.store.len() - preloaded_len;
    let spans = if stored >= expected {
        total
    } else {
        // Cut off by the time limit: count the spans that did arrive.
        let live = app
            .store
            .sources()
            .iter()
            .position(|s| s.path == "otlp://bench");
        app.store
            .events()
            .iter()
            .filter(|e| Some(e.source() as usize) == live && e.kind() == Kind::Span)
            .count()
    };
    let saved = if saving {
        let bytes = std::fs::metadata(&save_path).map_or(0, |m| m.len());
        format!("saved ({} MB of OTLP/JSON lines)", bytes >> 20)
    } else {
        "not saved".to_string()
    };
    println!("machine: {cores} cores; the workbench's runtime (2 worker threads below the loop's priority); {CLIENTS} client threads on the same machine");
    println!(
        "OTLP/HTTP protobuf, {CLIENTS} clients × {per_client} requests × {SPANS_PER_REQUEST} spans ({} MB on the wire) into a workbench with {preloaded_len} events: \
         {spans} of {total} spans ({stored} events with their span events) received, {saved} and in the store in {secs:.2} s",
        wire >> 20
    );
    println!(
        "sustained: {:.0} spans/s (target ≥ 100000), {:.0} requests/s",
        spans as f64 / secs,
        (spans / SPANS_PER_REQUEST) as f64 / secs
    );
    let with = query.map_or(String::new(), |q| {
        format!(", query `{q}` re-run after merges")
    });
    println!(
        "workbench loop under that load (key + merge + 200×60 frame{with}), {}",
        summary(frames)
    );
    println!(
        "  of which iterations that merged live batches, {}",
        summary(merge_frames)
    );
}
