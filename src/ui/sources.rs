//! The producers that feed the loop's one channel: the terminal input thread, the initial
//! load, followed files, the OTLP/HTTP receiver and the replay thread. Each sends [`Msg`]s.

use super::msg::Msg;
use super::UiOptions;
use crate::ingest::{self, LiveBatch, LoadOptions};
use crate::live::journal::{Fsync, Journal};
use crate::live::serve::{serve, Limits};
use crate::model::{Format, Store, Strings};
use crate::replay::Replayer;
use anyhow::{Context, Result};
use std::sync::atomic::AtomicU64;
use std::sync::mpsc::{self, Sender};
use std::sync::Arc;
use std::time::Duration;

/// Read terminal events on their own thread (the only place that waits on the terminal).
/// With `HEISEN_TRACE_INPUT` set, each event is appended to that file first. When the terminal
/// cannot be read any more, says so and stops.
pub fn input(tx: Sender<Msg>) {
    let trace = std::env::var("HEISEN_TRACE_INPUT").ok();
    std::thread::spawn(move || loop {
        let ev = match crossterm::event::read() {
            Ok(ev) => ev,
            Err(e) => {
                let _ = tx.send(Msg::InputFailed(e.to_string()));
                return;
            }
        };
        if let Some(path) = &trace {
            use std::io::Write;
            if let Ok(mut f) = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
            {
                let _ = writeln!(f, "{ev:?}");
            }
        }
        if tx.send(Msg::Term(ev)).is_err() {
            return;
        }
    });
}

/// Start the initial load: the files on a blocking task (progress counted in `progress`), the
/// bundled scenario when there are none, or an empty store when only receiving. With `follow`,
/// the files are followed from where the load stopped reading each (so that nothing written
/// in between is lost or read twice). Returns whether a load is under way.
pub fn load(
    rt: &tokio::runtime::Runtime,
    tx: &Sender<Msg>,
    opts: &UiOptions,
    load: LoadOptions,
    follow: Option<ingest::Ctx>,
) -> bool {
    let files = opts.files.clone();
    if files.is_empty() && opts.listen.is_some() {
        let strings = load.strings.clone().unwrap_or_default();
        let _ = tx.send(Msg::Loaded(Ok(Store::new(strings))));
        false
    } else if files.is_empty() {
        let store = ingest::load_named_bytes(&super::BUNDLED, &load).map_err(|e| e.to_string());
        let _ = tx.send(Msg::Loaded(store));
        false
    } else {
        let tx = tx.clone();
        rt.spawn_blocking(move || {
            let store = ingest::load_files(&files, &load).map_err(|e| e.to_string());
            if let (Ok(store), Some(ctx)) = (&store, follow) {
                let from = store
                    .sources()
                    .iter()
                    .filter(|s| files.contains(&s.path))
                    .map(|s| (s.path.clone(), s.bytes, s.format))
                    .collect();
                self::follow(&tx, from, ctx);
            }
            let _ = tx.send(Msg::Loaded(store));
        });
        true
    }
}

/// The load options for the initial load: progress counted in `progress`, strings shared with
/// everything that arrives live.
pub fn load_options(opts: &UiOptions, progress: &Arc<AtomicU64>, strings: &Strings) -> LoadOptions {
    let mut load = opts.load.clone();
    load.progress = Some(progress.clone());
    load.strings = Some(strings.clone());
    load
}

fn live(tx: &Sender<Msg>, path: String, format: Format, batch: ingest::Batch) -> bool {
    tx.send(Msg::Live(Box::new(LiveBatch {
        path,
        format,
        batch,
    })))
    .is_ok()
}

/// Run the OTLP/HTTP receiver on `addr`; what it gets arrives as live batches (and is appended
/// to `save` when given). Returns the line the status bar shows.
pub fn receiver(
    rt: &tokio::runtime::Runtime,
    tx: &Sender<Msg>,
    addr: std::net::SocketAddr,
    save: Option<&String>,
    ctx: ingest::Ctx,
) -> Result<String> {
    let mut repaired = None;
    let save = match save {
        Some(p) => {
            let (j, r) = Journal::open(p, Fsync::Batch)
                .with_context(|| crate::text::sanitize(p, true).into_owned())?;
            repaired = r.describe(p);
            Some(Arc::new(j))
        }
        None => None,
    };
    let listener = rt
        .block_on(tokio::net::TcpListener::bind(addr))
        .with_context(|| format!("cannot listen on {addr}"))?;
    let status = format!(
        "receiving OTLP/HTTP on http://{}{}{}",
        listener.local_addr()?,
        crate::live::exposure_warning(&addr)
            .map(|w| format!(" — {w}"))
            .unwrap_or_default(),
        repaired.map(|r| format!(" — {r}")).unwrap_or_default()
    );
    let (ltx, mut lrx) = tokio::sync::mpsc::channel::<crate::live::receiver::Received>(1024);
    let state = crate::live::receiver::Receiver {
        ctx,
        save,
        max_body: crate::live::receiver::DEFAULT_MAX_BODY,
        events: true,
        tx: ltx,
    };
    rt.spawn(async move {
        let router = crate::live::receiver::router(state);
        let _ = serve(listener, router, Limits::default(), std::future::pending()).await;
    });
    let tx = tx.clone();
    let name = format!("otlp://{addr}");
    rt.spawn(async move {
        while let Some(r) = lrx.recv().await {
            if !live(&tx, name.clone(), Format::Otlp, r.batch) {
                break;
            }
        }
    });
    Ok(status)
}

/// Follow files on a thread, each `(path, bytes the initial load read, format)` from where the
/// load stopped: what is appended arrives as live batches.
pub fn follow(tx: &Sender<Msg>, files: Vec<(String, u64, Format)>, ctx: ingest::Ctx) {
    let tx = tx.clone();
    std::thread::spawn(move || {
        let mut followers: Vec<crate::live::follow::Follower> = files
            .iter()
            .map(|(path, from, format)| crate::live::follow::Follower::resume(path, *from, *format))
            .collect();
        loop {
            std::thread::sleep(Duration::from_millis(200));
            for f in &mut followers {
                if let Ok(b) = f.poll(&ctx) {
                    if !b.events.is_empty() || b.error_count > 0 {
                        let fmt = f.format.unwrap_or(Format::Jsonl);
                        if !live(&tx, f.path.clone(), fmt, b) {
                            return;
                        }
                    }
                }
            }
        }
    });
}

/// Start the replay thread, which answers only the newest of the requests waiting. Returns where to send requests (store, event index).
pub fn replayer(tx: &Sender<Msg>) -> Sender<(Arc<Store>, usize)> {
    let (replay_tx, replay_rx) = mpsc::channel::<(Arc<Store>, usize)>();
    let tx = tx.clone();
    std::thread::spawn(move || {
        while let Ok((mut store, mut idx)) = replay_rx.recv() {
            while let Ok(newer) = replay_rx.try_recv() {
                (store, idx) = newer;
            }
            let state = Replayer::new(&store).state_at(idx);
            // Let go of the store before answering, so that live growth need not copy it.
            drop(store);
            if tx.send(Msg::Replay(idx, state)).is_err() {
                return;
            }
        }
    });
    replay_tx
}
