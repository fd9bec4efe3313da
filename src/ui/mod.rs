//! The interactive workbench (ratatui + crossterm). State and pure update live in `app` (with
//! per-screen state in `state`), drawing in `view`, keys and themes are data (`keymap`,
//! `theme`). `run` sets up the terminal (`terminal`), starts the producers (`sources`: input,
//! load, follow, receiver, replay) and runs the one message loop (`event_loop`), whose
//! effects go to worker tasks (`effects`) and come back as messages (`msg`).

pub mod action;
pub mod app;
pub mod effects;
pub mod event_loop;
pub mod highlight;
pub mod keymap;
pub mod lanes;
pub mod msg;
pub mod sources;
pub mod state;
pub mod terminal;
pub mod theme;
pub mod view;
pub mod worker;

#[cfg(test)]
mod update_tests;

use crate::ingest::LoadOptions;
use anyhow::{Context, Result};
use app::{App, Loading};
use effects::{Exit, Workers};
use std::io::IsTerminal;
use std::sync::atomic::AtomicU64;
use std::sync::{mpsc, Arc};

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
    // Validate the inputs before taking over the screen: a bad path is a plain error.
    for f in &opts.files {
        if f != "-" {
            std::fs::metadata(f).with_context(|| f.clone())?;
        }
    }
    let mut app = new_app(&opts)?;
    let (tx, rx) = mpsc::channel();
    let rt = worker::runtime()?;
    let progress = Arc::new(AtomicU64::new(0));
    start_sources(&opts, &mut app, &rt, &tx, &progress)?;
    let replay = sources::replayer(&tx);
    let (mut term, guard) = terminal::enter()?;
    sources::input(tx.clone());
    let workers = Workers { rt, tx, replay };
    let exit = event_loop::run(&mut term, &mut app, &rx, &workers, &progress)?;
    drop(guard);
    save_history(&app.history);
    Ok(match exit {
        Exit::Quit => 0,
        Exit::Fail(e) => {
            eprintln!("heisen: {e}");
            1
        }
    })
}

/// The state before anything is loaded: theme, keymap (a broken user keymap is reported, the
/// defaults used), query history.
fn new_app(opts: &UiOptions) -> Result<App> {
    let theme = theme::Theme::load(&opts.theme).map_err(anyhow::Error::msg)?;
    let (keymap, keymap_err) = match keymap::load_user() {
        Ok(k) => (k, None),
        Err(e) => (keymap::Keymap::default_map(), Some(e)),
    };
    let mut app = App::new(Arc::new(crate::model::Store::default()), theme, keymap);
    app.message = keymap_err;
    if let Some(h) = history_path().and_then(|p| std::fs::read_to_string(p).ok()) {
        app.history = h.lines().map(str::to_string).collect();
    }
    Ok(app)
}

/// Start the initial load (which starts the file followers where it stopped) and the OTLP
/// receiver.
fn start_sources(
    opts: &UiOptions,
    app: &mut App,
    rt: &tokio::runtime::Runtime,
    tx: &mpsc::Sender<msg::Msg>,
    progress: &Arc<AtomicU64>,
) -> Result<()> {
    // One string table for the initial load and everything that arrives live.
    let strings = crate::model::Strings::new();
    let load = sources::load_options(opts, progress, &strings);
    let live_ctx = crate::ingest::Ctx {
        strings,
        default_offset_min: opts.load.default_offset_min,
    };
    let follow = opts.follow.then(|| live_ctx.clone());
    if sources::load(rt, tx, opts, load, follow) {
        let total = opts
            .files
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum();
        app.loading = Some(Loading { done: 0, total });
    }
    if opts.follow || opts.listen.is_some() {
        app.live = Some(app::LiveStatus::default());
    }
    if let Some(addr) = opts.listen {
        let status = sources::receiver(rt, tx, addr, opts.save.as_ref(), live_ctx.clone())?;
        app.message = Some(status);
    }
    Ok(())
}

/// Keep the last 500 queries for the next session.
fn save_history(history: &[String]) {
    if let Some(p) = history_path() {
        let keep = &history[history.len().saturating_sub(500)..];
        let text: String = keep.iter().map(|s| format!("{s}\n")).collect();
        let _ = write_atomic(&p, text.as_bytes());
    }
}
