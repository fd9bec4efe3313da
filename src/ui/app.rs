//! The workbench's state and its pure update: `update(&mut App, Action)` answers a key,
//! `handle(&mut App, Msg)` takes any message (input, finished work, live batches, timers).
//! Both change the state and return effects (run a query, align lanes, write a file, quit) for
//! the loop to carry out off the render path. Rendering reads `&App` only. Per-screen state
//! and its logic live in `ui/state/*`, beside the drawing in `ui/view/*`.

use super::action::Action;
use super::keymap::{Key, KeyMode, Keymap};
use super::lanes::{self, Lane};
use super::msg::Msg;
use super::state::command::Analysis;
use super::state::compare::AlignRequest;
use super::state::detail::{self, Highlighted};
use super::state::live::Growing;
use super::state::{live, normal, query, replay};
use super::theme::Theme;
use crate::ingest::LiveBatch;
use crate::model::{LaneKey, Store};
use crate::query::{Completion, QueryError, Verdict};
use std::collections::BTreeSet;
use std::sync::Arc;

pub use super::state::compare::Compare;
pub use super::state::list::{full_window, Window};
pub use super::state::live::LiveStatus;
pub use super::state::query::{insert_char, InputKind};
pub use super::state::replay::Replay;
pub use super::state::results::{Found, QueryOutcome};

/// Which screen is up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// Typing in the query bar.
    Query,
    Help,
    Errors,
    Replay,
    Compare,
}

/// Which pane has the focus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    List,
    Timeline,
    Detail,
}

/// Work for the loop to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    Quit,
    /// Stop with an error (exit code 1) after restoring the terminal.
    Fail(String),
    /// Compile and run a query (empty: no filter) off the render loop.
    RunQuery(String),
    /// Recompute lanes for the current visible events (re-running the active query).
    Relane,
    /// Write a file atomically.
    Write {
        path: String,
        contents: String,
    },
    /// Ask for completions of the input.
    Complete,
    /// Compute the replay state at an index.
    ReplayAt(usize),
    /// Switch theme.
    Theme(String),
    /// Run an analysis and show its findings.
    Analyse(Analysis),
    /// Rank hypotheses for an outcome filter per key.
    Suggest {
        outcome: String,
        per: String,
    },
    /// Align two lanes for side by side.
    Align(AlignRequest),
    /// Highlight the large payloads of an event for the detail pane.
    Highlight(u32),
    /// Merge live batches into a copy of the store (a worker still reads it).
    Grow(Handoff<Vec<LiveBatch>>),
}

/// A value handed to a worker through an effect (effects are cloned and compared; the value
/// need not be): the first `take` gets it.
pub struct Handoff<T>(Arc<std::sync::Mutex<Option<T>>>);

impl<T> Handoff<T> {
    /// Wrap a value to hand over.
    pub fn new(value: T) -> Self {
        Handoff(Arc::new(std::sync::Mutex::new(Some(value))))
    }

    /// The value, unless it was taken already.
    pub fn take(&self) -> Option<T> {
        self.0.lock().ok()?.take()
    }
}

impl<T> Clone for Handoff<T> {
    fn clone(&self) -> Self {
        Handoff(self.0.clone())
    }
}

impl<T> PartialEq for Handoff<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::fmt::Debug for Handoff<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Handoff")
    }
}

/// The result of one update: effects for the loop.
pub type Effects = Vec<Effect>;

/// The newest request of each kind of background work. A result carries the generation of
/// its request and is dropped unless it is still the newest, so the last query asked for wins
/// (not the last to finish).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Generations {
    /// Queries, relanes and analyses (they all replace the listed events).
    pub query: u64,
    pub suggest: u64,
    pub align: u64,
}

impl Generations {
    /// Count the requests among `fx`.
    fn stamp(&mut self, fx: &[Effect]) {
        for e in fx {
            match e {
                Effect::RunQuery(_) | Effect::Relane | Effect::Analyse(_) => self.query += 1,
                Effect::Suggest { .. } => self.suggest += 1,
                Effect::Align(_) => self.align += 1,
                _ => {}
            }
        }
    }
}

/// Loading progress.
#[derive(Clone, Debug, PartialEq)]
pub struct Loading {
    pub done: u64,
    pub total: u64,
}

/// The whole state.
pub struct App {
    pub store: Arc<Store>,
    pub loading: Option<Loading>,
    pub theme: Theme,
    pub keymap: Keymap,
    pub mode: Mode,
    pub focus: Pane,
    pub lane_key: LaneKey,
    pub lanes: Vec<Lane>,
    /// Event indices shown (filtered), in store order.
    pub visible: Vec<u32>,
    /// Sorted event indices painted as matches.
    pub highlight: Vec<u32>,
    /// Position of the selection in `visible`.
    pub selected: usize,
    /// First row of the event list.
    pub list_offset: usize,
    /// Rows the event list has (set from the terminal size).
    pub list_rows: usize,
    pub window: Window,
    pub input: String,
    pub input_cursor: usize,
    pub input_kind: InputKind,
    pub query: Option<String>,
    pub query_error: Option<(String, QueryError)>,
    pub running: Option<String>,
    pub verdict: Option<Verdict>,
    pub results: Vec<u32>,
    pub result_pos: Option<usize>,
    pub completions: Vec<Completion>,
    pub history: Vec<String>,
    pub history_pos: Option<usize>,
    pub message: Option<String>,
    pub collapsed: BTreeSet<String>,
    pub marked: Option<String>,
    pub compare: Option<Compare>,
    pub replay: Option<Replay>,
    pub overlay_scroll: usize,
    pub summary: String,
    /// Live ingest: events per second over the last second, and the lag behind the wall clock.
    pub live: Option<LiveStatus>,
    /// Live batches received and not merged yet.
    pub live_pending: Vec<LiveBatch>,
    /// Live batches being merged into a copy of the store on a worker.
    pub growing: Option<Growing>,
    /// Suggested hypotheses (after `:suggest`), and the one selected.
    pub suggestions: Vec<crate::analysis::suggest::Suggestion>,
    pub suggestion_pos: usize,
    /// The newest request of each kind of background work.
    pub gens: Generations,
    /// The side-by-side alignment asked for last, until it arrives.
    pub align_asked: Option<AlignRequest>,
    /// The selected event's large payloads, highlighted off the loop, and the event (by its
    /// first attribute) whose payloads were asked for last.
    pub highlighted: Option<Highlighted>,
    pub highlight_asked: Option<u32>,
}

impl App {
    /// A workbench over a (possibly still empty) store.
    pub fn new(store: Arc<Store>, theme: Theme, keymap: Keymap) -> App {
        let visible: Vec<u32> = (0..store.len() as u32).collect();
        let lanes = lanes::compute(&store, &visible, LaneKey::Service);
        let window = full_window(&store);
        App {
            store,
            loading: None,
            theme,
            keymap,
            mode: Mode::Normal,
            focus: Pane::List,
            lane_key: LaneKey::Service,
            lanes,
            visible,
            highlight: Vec::new(),
            selected: 0,
            list_offset: 0,
            list_rows: 10,
            window,
            input: String::new(),
            input_cursor: 0,
            input_kind: InputKind::Query,
            query: None,
            query_error: None,
            running: None,
            verdict: None,
            results: Vec::new(),
            result_pos: None,
            completions: Vec::new(),
            history: Vec::new(),
            history_pos: None,
            message: None,
            collapsed: BTreeSet::new(),
            marked: None,
            compare: None,
            replay: None,
            overlay_scroll: 0,
            summary: String::new(),
            live: None,
            live_pending: Vec::new(),
            growing: None,
            suggestions: Vec::new(),
            suggestion_pos: 0,
            gens: Generations::default(),
            align_asked: None,
            highlighted: None,
            highlight_asked: None,
        }
    }

    /// Replace the store (a load finished): everything is visible again.
    pub fn set_store(&mut self, store: Arc<Store>) {
        self.visible = (0..store.len() as u32).collect();
        self.lanes = lanes::compute(&store, &self.visible, self.lane_key);
        self.window = full_window(&store);
        self.store = store;
        self.selected = 0;
        self.list_offset = 0;
        self.loading = None;
    }

    /// The key mode for the current screen.
    pub fn key_mode(&self) -> KeyMode {
        match self.mode {
            Mode::Query => KeyMode::Query,
            Mode::Help | Mode::Errors => KeyMode::Overlay,
            Mode::Replay => KeyMode::Replay,
            _ => KeyMode::Normal,
        }
    }

    /// The keys bound to `action` in `mode`, as hints show them.
    pub fn hint(&self, mode: KeyMode, action: Action) -> String {
        self.keymap.hint(mode, action)
    }

    /// Regroup the lanes: the active query runs again under the new lane key.
    pub(crate) fn relane(&mut self) -> Effect {
        self.running = Some(self.query.clone().unwrap_or_default());
        Effect::Relane
    }
}

/// Apply one action. Pure: no IO, no clocks.
pub fn update(app: &mut App, action: Action) -> Effects {
    let fx = update_keys(app, action);
    finish(app, fx)
}

/// Add the background work the new state calls for, and count the requests.
fn finish(app: &mut App, mut fx: Effects) -> Effects {
    fx.extend(detail::wanted(app));
    app.gens.stamp(&fx);
    fx
}

/// Take one message. Pure: no IO, no clocks (the loop puts the time into the message).
pub fn handle(app: &mut App, msg: Msg) -> Effects {
    let fx = match msg {
        Msg::Term(ev) => return term_event(app, ev),
        Msg::Action(a) => return update(app, a),
        Msg::Loaded(Ok(store)) => {
            app.set_store(Arc::new(store));
            // A query typed while loading ran on the empty store: run it again.
            app.running
                .clone()
                .map(Effect::RunQuery)
                .into_iter()
                .collect()
        }
        Msg::Loaded(Err(e)) => vec![Effect::Fail(e)],
        Msg::InputFailed(e) => vec![Effect::Fail(format!("reading the terminal: {e}"))],
        Msg::Progress(done) => {
            if let Some(l) = &mut app.loading {
                l.done = done;
            }
            Vec::new()
        }
        Msg::Live(batch) => {
            app.live_pending.push(*batch);
            Vec::new()
        }
        Msg::MergeDue { secs, now_ns } => live::merge(app, secs, now_ns),
        Msg::Grown(result) => live::grown(app, result),
        Msg::Query { gen, outcome } => {
            if gen == app.gens.query {
                app.apply_outcome(*outcome);
            }
            Vec::new()
        }
        Msg::Completions(text, c) => {
            if text == app.input {
                app.completions = c;
            }
            Vec::new()
        }
        Msg::Replay(idx, state) => {
            replay::arrived(app, idx, state);
            Vec::new()
        }
        Msg::Suggestions { gen, result } => {
            if gen == app.gens.suggest {
                app.apply_suggestions(result);
            }
            Vec::new()
        }
        Msg::Aligned { gen, compare, open } => {
            if gen == app.gens.align {
                app.align_asked = None;
                app.compare = Some(compare);
                if open && app.mode == Mode::Normal {
                    app.mode = Mode::Compare;
                }
            }
            Vec::new()
        }
        Msg::Highlighted(h) => {
            detail::arrived(app, *h);
            Vec::new()
        }
        Msg::Wrote { path, result } => {
            app.message = Some(match result {
                Ok(()) => format!("wrote {path}"),
                Err(e) => format!("could not write {path}: {e}"),
            });
            Vec::new()
        }
        Msg::Theme(Ok(t)) => {
            app.theme = *t;
            Vec::new()
        }
        Msg::Theme(Err(e)) => {
            app.message = Some(e);
            Vec::new()
        }
    };
    finish(app, fx)
}

/// A key, mouse or resize event: the keymap names the action; unbound characters type in the
/// query bar; a new size sets how many rows a page has.
fn term_event(app: &mut App, ev: crossterm::event::Event) -> Effects {
    use crossterm::event::{Event, KeyCode, KeyEventKind, MouseEventKind};
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => {
            let key = Key::from_event(k);
            match app.keymap.lookup(app.key_mode(), key) {
                Some(a) => update(app, a),
                None if app.mode == Mode::Query && !key.ctrl && !key.alt => match k.code {
                    KeyCode::Char(c) => insert_char(app, c),
                    _ => Vec::new(),
                },
                None => Vec::new(),
            }
        }
        Event::Resize(width, height) => {
            app.list_rows = super::view::list_rows(width, height);
            Vec::new()
        }
        Event::Mouse(m) => match m.kind {
            MouseEventKind::ScrollDown => update(app, Action::Down),
            MouseEventKind::ScrollUp => update(app, Action::Up),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn update_keys(app: &mut App, action: Action) -> Effects {
    app.message = None;
    match app.mode {
        Mode::Query => query::update(app, action),
        Mode::Help | Mode::Errors => {
            match action {
                Action::Back | Action::Help | Action::Quit => app.mode = Mode::Normal,
                Action::Down => app.overlay_scroll += 1,
                Action::Up => app.overlay_scroll = app.overlay_scroll.saturating_sub(1),
                _ => {}
            }
            Vec::new()
        }
        Mode::Replay => replay::update(app, action),
        Mode::Normal | Mode::Compare => normal::update(app, action),
    }
}
