//! The interactive workbench (ratatui + crossterm). State and pure update live in `app`,
//! drawing in `view`, keys and themes are data (`keymap`, `theme`); this module owns the
//! terminal and the one event loop: keys and mouse in, work sent to blocking tasks on a tokio
//! runtime, results back over a channel, a redraw only when something changed.

pub mod action;
pub mod app;
pub mod highlight;
pub mod keymap;
pub mod lanes;
pub mod theme;
pub mod view;
pub mod worker;

use crate::ingest::{self, LoadOptions};
use crate::model::Store;
use crate::query::Completion;
use crate::replay::{ReplayState, Replayer};
use anyhow::{Context, Result};
use app::{App, Effect, Loading, Mode, QueryOutcome};
use crossterm::event::{self, Event as TermEvent, KeyEventKind, MouseEventKind};
use crossterm::{execute, terminal};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// The scenario opened by `heisen` with no files (embedded, so it works from any directory).
pub const BUNDLED: [(&str, &[u8]); 3] = [
    (
        "bundled/replica-lag/app.jsonl",
        include_bytes!("../../sample-traces/replica-lag/app.jsonl"),
    ),
    (
        "bundled/handler-race/traces.jsonl",
        include_bytes!("../../sample-traces/handler-race/traces.jsonl"),
    ),
    (
        "bundled/counter/schedule.jsonl",
        include_bytes!("../../sample-traces/counter/schedule.jsonl"),
    ),
];

/// What to open.
pub struct UiOptions {
    pub files: Vec<String>,
    pub load: LoadOptions,
    pub theme: String,
    /// Keep following the files.
    pub follow: bool,
    /// Run an OTLP/HTTP receiver.
    pub listen: Option<std::net::SocketAddr>,
    /// Append what the receiver gets to this OTLP JSON lines file.
    pub save: Option<String>,
}

enum Msg {
    Loaded(Result<Store, String>),
    /// A live batch: source name, its format, the events.
    Live(String, crate::model::Format, Box<ingest::Batch>),
    Query(Box<QueryOutcome>),
    Completions(String, Vec<Completion>),
    Replay(usize, ReplayState),
    Suggestions(Result<Vec<crate::analysis::suggest::Suggestion>, crate::query::QueryError>),
}

/// Restores the terminal when dropped (normal exit, error, or unwinding panic).
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

fn restore_terminal() {
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        std::io::stdout(),
        event::DisableMouseCapture,
        terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

fn history_path() -> Option<std::path::PathBuf> {
    dirs::data_dir().map(|d| d.join("heisen").join("history"))
}

pub use crate::files::write_atomic;

/// Open the workbench. Returns the exit code.
pub fn run(opts: UiOptions) -> Result<i32> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        eprintln!("heisen: the workbench needs a terminal; for scripts use `heisen stats|events|query|check … --json`");
        return Ok(2);
    }
    let theme = theme::Theme::load(&opts.theme).map_err(anyhow::Error::msg)?;
    let (keymap, keymap_err) = match keymap::load_user() {
        Ok(k) => (k, None),
        Err(e) => (keymap::Keymap::default_map(), Some(e)),
    };
    // Validate the inputs before taking over the screen: a bad path is a plain error.
    for f in &opts.files {
        if f != "-" {
            std::fs::metadata(f).with_context(|| f.clone())?;
        }
    }
    let rt = worker::runtime()?;
    let (tx, rx) = mpsc::channel::<Msg>();
    let progress = Arc::new(AtomicU64::new(0));
    let total: u64 = opts
        .files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let mut app = App::new(Arc::new(Store::default()), theme, keymap);
    app.message = keymap_err;
    if let Some(p) = history_path() {
        if let Ok(h) = std::fs::read_to_string(p) {
            app.history = h.lines().map(str::to_string).collect();
        }
    }
    // One string table for the initial load and everything that arrives live.
    let strings = crate::model::Strings::new();
    {
        let tx = tx.clone();
        let files = opts.files.clone();
        let mut load = opts.load.clone();
        load.progress = Some(progress.clone());
        load.strings = Some(strings.clone());
        if files.is_empty() && opts.listen.is_some() {
            let _ = tx.send(Msg::Loaded(Ok(Store::new(strings.clone()))));
        } else if files.is_empty() {
            let store = ingest::load_named_bytes(&BUNDLED, &load).map_err(|e| e.to_string());
            let _ = tx.send(Msg::Loaded(store));
        } else {
            app.loading = Some(Loading { done: 0, total });
            rt.spawn_blocking(move || {
                let store = ingest::load_files(&files, &load).map_err(|e| e.to_string());
                let _ = tx.send(Msg::Loaded(store));
            });
        }
    }
    let live_ctx = ingest::Ctx {
        strings,
        default_offset_min: opts.load.default_offset_min,
    };
    let mut live_pending: Vec<(String, crate::model::Format, ingest::Batch)> = Vec::new();
    let live_on = opts.follow || opts.listen.is_some();
    if live_on {
        app.live = Some(app::LiveStatus::default());
    }
    if let Some(addr) = opts.listen {
        let save = match &opts.save {
            Some(p) => {
                let (j, _) =
                    crate::live::journal::Journal::open(p, crate::live::journal::Fsync::Batch)
                        .with_context(|| p.clone())?;
                Some(Arc::new(j))
            }
            None => None,
        };
        let listener = rt
            .block_on(tokio::net::TcpListener::bind(addr))
            .with_context(|| format!("cannot listen on {addr}"))?;
        app.message = Some(format!(
            "receiving OTLP/HTTP on http://{}{}",
            listener.local_addr()?,
            crate::live::exposure_warning(&addr)
                .map(|w| format!(" — {w}"))
                .unwrap_or_default()
        ));
        let (ltx, mut lrx) = tokio::sync::mpsc::channel::<crate::live::receiver::Received>(1024);
        let state = crate::live::receiver::Receiver {
            ctx: live_ctx.clone(),
            save,
            max_body: crate::live::receiver::DEFAULT_MAX_BODY,
            events: true,
            tx: ltx,
        };
        rt.spawn(async move {
            let _ = crate::live::serve::serve(
                listener,
                crate::live::receiver::router(state),
                crate::live::serve::Limits::default(),
                std::future::pending(),
            )
            .await;
        });
        let tx = tx.clone();
        let name = format!("otlp://{addr}");
        rt.spawn(async move {
            while let Some(r) = lrx.recv().await {
                if tx
                    .send(Msg::Live(
                        name.clone(),
                        crate::model::Format::Otlp,
                        Box::new(r.batch),
                    ))
                    .is_err()
                {
                    break;
                }
            }
        });
    }
    if opts.follow {
        let tx = tx.clone();
        let files = opts.files.clone();
        let ctx = live_ctx.clone();
        std::thread::spawn(move || {
            let mut followers: Vec<crate::live::follow::Follower> = files
                .iter()
                .map(|f| crate::live::follow::Follower::new(f))
                .collect();
            // The initial contents come from the normal load: start at each file's end.
            for f in &mut followers {
                let _ = f.poll(&ctx);
            }
            loop {
                std::thread::sleep(Duration::from_millis(200));
                for f in &mut followers {
                    if let Ok(b) = f.poll(&ctx) {
                        if !b.events.is_empty() || b.error_count > 0 {
                            let fmt = f.format.unwrap_or(crate::model::Format::Jsonl);
                            if tx
                                .send(Msg::Live(f.path.clone(), fmt, Box::new(b)))
                                .is_err()
                            {
                                return;
                            }
                        }
                    }
                }
            }
        });
    }
    let mut live_clock = Instant::now();
    let mut live_count = 0u64;
    // Replays run on their own thread, which keeps its checkpoints between requests.
    let (replay_tx, replay_rx) = mpsc::channel::<(Arc<Store>, usize)>();
    {
        let tx = tx.clone();
        std::thread::spawn(move || {
            let mut current: Option<Arc<Store>> = None;
            while let Ok((store, idx)) = replay_rx.recv() {
                let mut idx = idx;
                while let Ok((_, newer)) = replay_rx.try_recv() {
                    idx = newer;
                }
                if current.as_ref().is_none_or(|c| !Arc::ptr_eq(c, &store)) {
                    current = Some(store);
                }
                if let Some(s) = &current {
                    let state = Replayer::new(s).state_at(idx);
                    let _ = tx.send(Msg::Replay(idx, state));
                }
            }
        });
    }

    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        default_hook(info);
    }));
    terminal::enable_raw_mode()?;
    let _guard = TerminalGuard;
    execute!(
        std::io::stdout(),
        terminal::EnterAlternateScreen,
        event::EnableMouseCapture
    )?;
    let backend = ratatui::backend::CrosstermBackend::new(std::io::stdout());
    let mut term = ratatui::Terminal::new(backend)?;
    let mut dirty = true;
    let mut last_draw = Instant::now() - Duration::from_secs(1);
    let mut last_tick = Instant::now();
    let code = 'main: loop {
        // Results from the workers.
        while let Ok(m) = rx.try_recv() {
            dirty = true;
            match m {
                Msg::Loaded(Ok(store)) => {
                    app.set_store(Arc::new(store));
                    // A query typed while loading ran on the empty store: run it again.
                    if let Some(q) = app.running.clone() {
                        let fx = vec![app::Effect::RunQuery(q)];
                        if run_effects(&rt, &tx, &replay_tx, &mut app, fx) {
                            break 'main 0;
                        }
                    }
                }
                Msg::Loaded(Err(e)) => {
                    drop(_guard);
                    eprintln!("heisen: {e}");
                    break 'main 1;
                }
                Msg::Query(o) => app.apply_outcome(*o),
                Msg::Live(name, fmt, batch) => {
                    live_count += batch.events.len() as u64;
                    live_pending.push((name, fmt, *batch));
                }
                Msg::Completions(text, c) => {
                    if text == app.input {
                        app.completions = c;
                    }
                }
                Msg::Suggestions(r) => {
                    app.running = None;
                    match r {
                        Ok(list) => {
                            app.verdict = None;
                            app.message = Some(format!(
                                "{} suggestions · n/N to choose · Enter runs the hypothesis",
                                list.len()
                            ));
                            app.suggestions = list;
                            app.suggestion_pos = 0;
                        }
                        Err(e) => app.message = Some(e.message),
                    }
                }
                Msg::Replay(idx, state) => {
                    if let Some(r) = &mut app.replay {
                        if app.visible.get(r.pos).is_some_and(|&v| v as usize == idx) {
                            r.state = Some(state);
                        }
                    }
                }
            }
        }
        // Merge live batches once the initial load is in.
        if app.loading.is_none()
            && !live_pending.is_empty()
            && app.live_merge_due(live_clock.elapsed())
        {
            let mut newest = i64::MIN;
            let mut refused = None;
            let fx = app.store_grew(|store| {
                let batches = live_pending.drain(..).map(|(path, format, batch)| {
                    let last = batch.events.iter().map(|e| e.ts).max();
                    newest = newest.max(last.unwrap_or(newest));
                    ingest::LiveBatch {
                        path,
                        format,
                        batch,
                    }
                });
                ingest::absorb_live(store, batches).unwrap_or_else(|e| {
                    // Nothing was added: say why instead.
                    refused = Some(e.to_string());
                    ingest::Grown {
                        added: 0,
                        from: store.len(),
                    }
                })
            });
            if let Some(reason) = refused {
                app.message = Some(format!("live lines not merged: {reason}"));
            }
            let secs = live_clock.elapsed().as_secs_f64();
            let now_ns = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as i64);
            if let Some(l) = &mut app.live {
                l.received += live_count;
                l.rate = live_count as f64 / secs.max(0.001);
                if newest > i64::MIN {
                    l.lag_ns = now_ns - newest;
                }
            }
            live_count = 0;
            live_clock = Instant::now();
            dirty = true;
            if run_effects(&rt, &tx, &replay_tx, &mut app, fx) {
                break 'main 0;
            }
        }
        if let Some(l) = &mut app.loading {
            let done = progress.load(Ordering::Relaxed);
            if done != l.done {
                l.done = done;
                dirty = true;
            }
        }
        // Replay playback.
        let mut actions = Vec::new();
        if let Some(r) = &app.replay {
            if app.mode == Mode::Replay && r.playing {
                let every = Duration::from_millis(1000 / r.speed.max(1) as u64);
                if last_tick.elapsed() >= every {
                    last_tick = Instant::now();
                    actions.push(action::Action::StepForward);
                }
            }
        }
        if dirty && last_draw.elapsed() >= Duration::from_millis(16) {
            let size = term.size()?;
            app.list_rows = view::list_rows(size.width, size.height);
            term.draw(|f| view::draw(&app, f))?;
            dirty = false;
            last_draw = Instant::now();
        }
        if event::poll(Duration::from_millis(30))? {
            dirty = true;
            let mut typed = None;
            let ev = event::read()?;
            if let Ok(path) = std::env::var("HEISEN_TRACE_INPUT") {
                use std::io::Write;
                if let Ok(mut f) = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                {
                    let _ = writeln!(f, "{ev:?}");
                }
            }
            match ev {
                TermEvent::Key(k) if k.kind != KeyEventKind::Release => {
                    let key = keymap::Key::from_event(k);
                    match app.keymap.lookup(app.key_mode(), key) {
                        Some(a) => actions.push(a),
                        None if app.mode == Mode::Query && !key.ctrl && !key.alt => {
                            if let crossterm::event::KeyCode::Char(c) = k.code {
                                typed = Some(c);
                            }
                        }
                        None => {}
                    }
                }
                TermEvent::Mouse(m) => match m.kind {
                    MouseEventKind::ScrollDown => actions.push(action::Action::Down),
                    MouseEventKind::ScrollUp => actions.push(action::Action::Up),
                    _ => {}
                },
                _ => {}
            }
            if let Some(c) = typed {
                let fx = app::insert_char(&mut app, c);
                if run_effects(&rt, &tx, &replay_tx, &mut app, fx) {
                    break 'main 0;
                }
            }
        }
        for a in actions {
            let fx = app::update(&mut app, a);
            if run_effects(&rt, &tx, &replay_tx, &mut app, fx) {
                break 'main 0;
            }
        }
    };
    if let Some(p) = history_path() {
        let keep: Vec<&String> = app.history.iter().rev().take(500).rev().collect();
        let text: String = keep.iter().map(|s| format!("{s}\n")).collect();
        let _ = write_atomic(&p, text.as_bytes());
    }
    Ok(code)
}

/// Carry out effects; true means quit.
fn run_effects(
    rt: &tokio::runtime::Runtime,
    tx: &mpsc::Sender<Msg>,
    replay_tx: &mpsc::Sender<(Arc<Store>, usize)>,
    app: &mut App,
    fx: Vec<Effect>,
) -> bool {
    for e in fx {
        match e {
            Effect::Quit => return true,
            Effect::RunQuery(text) => {
                let (store, key, tx) = (app.store.clone(), app.lane_key, tx.clone());
                rt.spawn_blocking(move || {
                    let _ = tx.send(Msg::Query(Box::new(worker::run_query(&store, &text, key))));
                });
            }
            Effect::Relane => {
                let text = app.query.clone().unwrap_or_default();
                app.running = Some(text.clone());
                let (store, key, tx) = (app.store.clone(), app.lane_key, tx.clone());
                rt.spawn_blocking(move || {
                    let _ = tx.send(Msg::Query(Box::new(worker::run_query(&store, &text, key))));
                });
            }
            Effect::Complete => {
                let (store, text, cursor, tx) = (
                    app.store.clone(),
                    app.input.clone(),
                    app.input_cursor,
                    tx.clone(),
                );
                rt.spawn_blocking(move || {
                    let c = crate::query::completions(&store, &text, cursor);
                    let _ = tx.send(Msg::Completions(text, c));
                });
            }
            Effect::Write { path, contents } => {
                app.message = Some(
                    match write_atomic(std::path::Path::new(&path), contents.as_bytes()) {
                        Ok(()) => format!("wrote {path}"),
                        Err(e) => format!("could not write {path}: {e}"),
                    },
                );
            }
            Effect::ReplayAt(i) => {
                let _ = replay_tx.send((app.store.clone(), i));
            }
            Effect::Analyse(what) => {
                let (store, key, tx) = (app.store.clone(), app.lane_key, tx.clone());
                rt.spawn_blocking(move || {
                    let o = worker::run_analysis(&store, &what, key);
                    let _ = tx.send(Msg::Query(Box::new(o)));
                });
            }
            Effect::Suggest { outcome, per } => {
                let (store, tx) = (app.store.clone(), tx.clone());
                rt.spawn_blocking(move || {
                    let _ = tx.send(Msg::Suggestions(worker::run_suggest(
                        &store, &outcome, &per,
                    )));
                });
            }
            Effect::Theme(name) => match theme::Theme::load(&name) {
                Ok(t) => app.theme = t,
                Err(e) => app.message = Some(e),
            },
        }
    }
    false
}
