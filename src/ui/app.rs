//! The workbench's state and its pure update function: `update(&mut App, Action)` changes the
//! state and returns effects (run a query, write a file, quit) for the loop to carry out off the
//! render path. Rendering reads `&App` only.

use super::action::Action;
use super::keymap::{KeyMode, Keymap};
use super::lanes::{self, Lane};
use super::theme::Theme;
use crate::analysis::diff;
use crate::ingest::Grown;
use crate::model::{Event, LaneKey, Store};
use crate::query::{Completion, QueryError, Verdict};
use crate::replay::ReplayState;
use std::collections::BTreeSet;
use std::sync::Arc;

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

/// What the query bar is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// `/`: a filter, pattern or hypothesis.
    Query,
    /// `:`: a command.
    Command,
}

/// Work for the loop to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    Quit,
    /// Compile and run a query (empty: no filter) off the render loop.
    RunQuery(String),
    /// Recompute lanes for the current visible events.
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
    /// Run an analysis (`races`, `stale`, `verify SPEC`) and show its findings.
    Analyse(String),
    /// Rank hypotheses for an outcome filter per key.
    Suggest {
        outcome: String,
        per: String,
    },
}

/// The time window of the timeline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    pub start: i64,
    pub span: i64,
}

/// Side-by-side comparison of two lanes.
#[derive(Clone, Debug, PartialEq)]
pub struct Compare {
    pub a: String,
    pub b: String,
    /// Align at the first event with the selected event's template instead of at the starts.
    pub at_selected: bool,
    /// The two lanes aligned as `heisen diff` aligns them (matched events share a row).
    pub rows: Vec<diff::Row>,
    /// The first row that is not a match.
    pub first: Option<usize>,
}

impl Compare {
    /// Align lanes `a` and `b` of the current view, from their starts or from the first event
    /// with the selected event's template.
    pub fn new(app: &App, a: String, b: String, at_selected: bool) -> Compare {
        let anchor = at_selected
            .then(|| app.selected_event())
            .flatten()
            .map(|i| diff::event_template(&app.store, &app.store.events[i as usize]));
        let side = |name: &str| {
            let mut events = app
                .lanes
                .iter()
                .find(|l| l.name == name)
                .map(|l| l.events.clone())
                .unwrap_or_default();
            if let Some(t) = &anchor {
                let at = events.iter().position(|&i| {
                    diff::event_template(&app.store, &app.store.events[i as usize]) == *t
                });
                events.drain(..at.unwrap_or(0));
            }
            diff::Side {
                store: &app.store,
                events,
            }
        };
        let (rows, first) = diff::align(&side(&a), &side(&b));
        Compare {
            a,
            b,
            at_selected,
            rows,
            first,
        }
    }
}

/// Replay cursor.
#[derive(Clone, Debug, PartialEq)]
pub struct Replay {
    /// Position in `visible`.
    pub pos: usize,
    pub playing: bool,
    /// Steps per second.
    pub speed: u32,
    pub state: Option<ReplayState>,
}

/// The outcome of a query run off the loop.
#[derive(Clone, Debug)]
pub struct QueryOutcome {
    pub text: String,
    pub result: Result<Found, QueryError>,
    /// Events in the store the query ran on. The store only grows, so an outcome for a
    /// shorter store is stale (its indices are off) and a newer run is on its way.
    pub store_len: usize,
}

/// What a successful query found.
#[derive(Clone, Debug, Default)]
pub struct Found {
    pub visible: Vec<u32>,
    pub lanes: Vec<Lane>,
    /// Events to paint as matches.
    pub highlight: Vec<u32>,
    /// Jump targets for n/N.
    pub results: Vec<u32>,
    pub verdict: Option<Verdict>,
    pub summary: String,
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
    /// Suggested hypotheses (after `:suggest`), and the one selected.
    pub suggestions: Vec<crate::analysis::suggest::Suggestion>,
    pub suggestion_pos: usize,
}

/// What the status line says about live ingest.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct LiveStatus {
    pub rate: f64,
    pub lag_ns: i64,
    pub received: u64,
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
            suggestions: Vec::new(),
            suggestion_pos: 0,
        }
    }

    /// New events arrived: take the grown store, keep the user's place (or follow the end when
    /// they were at it), and re-run the active query so filters and hypotheses stay current.
    /// Without a query (every event shown, nothing running) the list and lanes are brought up
    /// to date here, at the cost of the changed events: nothing is re-run. With one, until its
    /// re-run comes back the list keeps what it showed before the change (all events, when it
    /// showed all); the changed ones wait for the re-run.
    pub fn store_grew(&mut self, grow: impl FnOnce(&mut Store) -> Grown) -> Effects {
        let at_end = self.visible.is_empty() || self.selected + 1 >= self.visible.len();
        let keep = self
            .selected_event()
            .map(|i| self.store.events[i as usize].order_key());
        let shows_all = self.shows_all();
        let old_len = self.store.len();
        let listed_all = self.visible.len() == old_len;
        // Copy-on-write: the store is copied only while a worker still reads the old one.
        let from = grow(Arc::make_mut(&mut self.store)).from.min(old_len);
        let len = self.store.len() as u32;
        // Indices from `from` on may name other events now.
        let cut = self.visible.partition_point(|&i| (i as usize) < from);
        self.visible.truncate(cut);
        if listed_all {
            self.visible.extend(from as u32..len);
            lanes::update_all(&mut self.lanes, &self.store, from, self.lane_key);
        } else {
            lanes::truncate(&mut self.lanes, from);
        }
        self.highlight.retain(|&i| (i as usize) < from);
        self.results.retain(|&i| (i as usize) < from);
        if self.result_pos.is_some_and(|p| p >= self.results.len()) {
            self.result_pos = None;
        }
        if at_end {
            self.select(self.visible.len().saturating_sub(1));
        } else if let Some(k) = keep {
            let events = &self.store.events;
            let pos = self
                .visible
                .partition_point(|&i| events[i as usize].order_key() < k);
            self.select(pos);
        }
        // The newest end among the changed events (the others were there before).
        let end = self.store.events[from..].iter().map(Event::end).max();
        if let Some(end) = end.filter(|&e| at_end && e > self.window.start + self.window.span) {
            self.window.start = end - self.window.span * 9 / 10;
        }
        if shows_all && listed_all {
            Vec::new()
        } else {
            vec![Effect::RunQuery(self.query.clone().unwrap_or_default())]
        }
    }

    /// Whether live batches pending for `waited` should be merged now: every 50 ms when a
    /// merge costs only the new events (no query to re-run), else every 250 ms; and not while
    /// a worker still holds the store (growing it would copy it) unless that has lasted 2 s.
    pub fn live_merge_due(&self, waited: std::time::Duration) -> bool {
        use std::time::Duration;
        let every = Duration::from_millis(if self.shows_all() { 50 } else { 250 });
        waited >= every && (Arc::strong_count(&self.store) == 1 || waited >= Duration::from_secs(2))
    }

    /// Whether every event is listed with no query active or running, so that growth can be
    /// followed without re-running anything.
    fn shows_all(&self) -> bool {
        self.query.is_none() && self.running.is_none()
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

    /// The selected event's index in the store.
    pub fn selected_event(&self) -> Option<u32> {
        self.visible.get(self.selected).copied()
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

    /// The lane of the selected event.
    pub fn selected_lane(&self) -> Option<String> {
        self.selected_event()
            .map(|i| lanes::lane_name(&self.store, i, self.lane_key))
    }

    fn select(&mut self, pos: usize) {
        if self.visible.is_empty() {
            self.selected = 0;
            return;
        }
        self.selected = pos.min(self.visible.len() - 1);
        let rows = self.list_rows.max(1);
        if self.selected < self.list_offset {
            self.list_offset = self.selected;
        } else if self.selected >= self.list_offset + rows {
            self.list_offset = self.selected + 1 - rows;
        }
        self.follow_cursor();
    }

    /// Keep the selected event inside the timeline window.
    fn follow_cursor(&mut self) {
        if let Some(i) = self.selected_event() {
            let ts = self.store.events[i as usize].ts;
            let w = &mut self.window;
            if ts < w.start || ts >= w.start + w.span {
                w.start = ts - w.span / 2;
            }
        }
    }

    /// Jump the selection to a store index (nearest visible event at or after it).
    pub fn jump_to(&mut self, idx: u32) {
        let pos = self.visible.partition_point(|&v| v < idx);
        self.select(pos);
    }

    /// Apply a query outcome from the worker.
    pub fn apply_outcome(&mut self, o: QueryOutcome) {
        if o.store_len != self.store.len() {
            return;
        }
        self.running = None;
        match o.result {
            Err(e) => {
                self.query_error = Some((o.text, e));
            }
            Ok(found) => {
                let keep = self.selected_event();
                self.query_error = None;
                self.query = (!o.text.trim().is_empty()).then(|| o.text.clone());
                self.visible = found.visible;
                self.lanes = found.lanes;
                self.highlight = found.highlight;
                self.results = found.results;
                self.verdict = found.verdict;
                self.summary = found.summary;
                self.result_pos = None;
                match keep {
                    Some(k) => self.jump_to(k),
                    None => self.select(0),
                }
                if !self.results.is_empty() {
                    self.next_result(true);
                }
            }
        }
    }

    fn next_result(&mut self, forward: bool) {
        if self.results.is_empty() {
            self.message = Some("no counterexamples or matches to step through".into());
            return;
        }
        let n = self.results.len();
        let pos = match (self.result_pos, forward) {
            (None, _) => 0,
            (Some(p), true) => (p + 1) % n,
            (Some(p), false) => (p + n - 1) % n,
        };
        self.result_pos = Some(pos);
        self.jump_to(self.results[pos]);
        self.message = Some(format!("result {} of {n}", pos + 1));
    }
}

/// The window that shows everything.
pub fn full_window(store: &Store) -> Window {
    match store.time_range() {
        Some((a, b)) => {
            let span = (b - a).max(1_000);
            Window {
                start: a - span / 50,
                span: span + span / 25,
            }
        }
        None => Window {
            start: 0,
            span: 1_000_000_000,
        },
    }
}

/// The result of one update: effects for the loop.
pub type Effects = Vec<Effect>;

/// Apply one action. Pure: no IO, no clocks.
pub fn update(app: &mut App, action: Action) -> Effects {
    let mut fx = Vec::new();
    app.message = None;
    match app.mode {
        Mode::Query => return update_query(app, action),
        Mode::Help | Mode::Errors => {
            match action {
                Action::Back | Action::Help | Action::Quit => app.mode = Mode::Normal,
                Action::Down => app.overlay_scroll += 1,
                Action::Up => app.overlay_scroll = app.overlay_scroll.saturating_sub(1),
                _ => {}
            }
            return fx;
        }
        Mode::Replay => return update_replay(app, action),
        _ => {}
    }
    let page = app.list_rows.max(1);
    match action {
        Action::Quit => fx.push(Effect::Quit),
        Action::Down => app.select(app.selected + 1),
        Action::Up => app.select(app.selected.saturating_sub(1)),
        Action::PageDown => app.select(app.selected + page),
        Action::PageUp => app.select(app.selected.saturating_sub(page)),
        Action::Top => app.select(0),
        Action::Bottom => app.select(app.visible.len().saturating_sub(1)),
        Action::NextPane => {
            app.focus = match app.focus {
                Pane::List => Pane::Timeline,
                Pane::Timeline => Pane::Detail,
                Pane::Detail => Pane::List,
            }
        }
        Action::Back => {
            if app.mode == Mode::Compare {
                app.mode = Mode::Normal;
            } else if app.verdict.is_some() || app.query.is_some() {
                app.verdict = None;
            } else {
                app.suggestions.clear();
            }
        }
        Action::Help => {
            app.mode = Mode::Help;
            app.overlay_scroll = 0;
        }
        Action::ShowErrors => {
            app.mode = Mode::Errors;
            app.overlay_scroll = 0;
        }
        Action::ZoomIn => zoom(app, 0.5),
        Action::ZoomOut => zoom(app, 2.0),
        Action::PanLeft => app.window.start -= app.window.span / 4,
        Action::PanRight => app.window.start += app.window.span / 4,
        Action::CycleLanes => {
            let all = LaneKey::ALL;
            let i = all.iter().position(|k| *k == app.lane_key).unwrap_or(0);
            app.lane_key = all[(i + 1) % all.len()];
            app.message = Some(format!("lanes by {}", app.lane_key.as_str()));
            fx.push(Effect::Relane);
        }
        Action::ToggleLane => {
            if let Some(l) = app.selected_lane() {
                if !app.collapsed.remove(&l) {
                    app.collapsed.insert(l);
                }
            }
        }
        Action::OpenFilter | Action::OpenCommand => {
            app.mode = Mode::Query;
            app.input_kind = if action == Action::OpenFilter {
                InputKind::Query
            } else {
                InputKind::Command
            };
            app.input = if action == Action::OpenFilter {
                app.query.clone().unwrap_or_default()
            } else {
                String::new()
            };
            app.input_cursor = app.input.len();
            app.history_pos = None;
            app.completions.clear();
        }
        Action::NextResult | Action::PrevResult
            if !app.suggestions.is_empty() && app.verdict.is_none() =>
        {
            let n = app.suggestions.len();
            app.suggestion_pos = if action == Action::NextResult {
                (app.suggestion_pos + 1) % n
            } else {
                (app.suggestion_pos + n - 1) % n
            };
        }
        Action::NextResult => app.next_result(true),
        Action::PrevResult => app.next_result(false),
        Action::Accept => {
            if let Some(s) = app.suggestions.get(app.suggestion_pos) {
                let h = s.hypothesis.clone();
                app.history.push(h.clone());
                app.running = Some(h.clone());
                fx.push(Effect::RunQuery(h));
            }
        }
        Action::ClearQuery => {
            app.query = None;
            app.verdict = None;
            app.query_error = None;
            app.running = Some(String::new());
            fx.push(Effect::RunQuery(String::new()));
        }
        Action::CopyEvent => {
            if let Some(i) = app.selected_event() {
                let e = &app.store.events[i as usize];
                let json = serde_json::to_string_pretty(&app.store.view(e)).unwrap_or_default();
                fx.push(Effect::Write {
                    path: "heisen-event.json".into(),
                    contents: json + "\n",
                });
            }
        }
        Action::MarkGroup => {
            app.marked = app.selected_lane();
            if let Some(m) = &app.marked {
                app.message = Some(format!(
                    "marked lane '{m}': select another lane and press c"
                ));
            }
        }
        Action::Compare => match (app.marked.clone(), app.selected_lane()) {
            (Some(a), Some(b)) => {
                app.compare = Some(Compare::new(app, a, b, false));
                app.mode = Mode::Compare;
            }
            _ => {
                app.message = Some("mark a lane with m first, then select another lane".into());
            }
        },
        Action::ToggleAlign => {
            if let Some(c) = app.compare.take() {
                app.compare = Some(Compare::new(app, c.a, c.b, !c.at_selected));
            }
        }
        Action::Replay => {
            app.mode = Mode::Replay;
            app.replay = Some(Replay {
                pos: app.selected,
                playing: false,
                speed: 4,
                state: None,
            });
            if let Some(i) = app.selected_event() {
                fx.push(Effect::ReplayAt(i as usize));
            }
        }
        _ => {}
    }
    fx
}

fn zoom(app: &mut App, factor: f64) {
    let center = app
        .selected_event()
        .map(|i| app.store.events[i as usize].ts)
        .unwrap_or(app.window.start + app.window.span / 2);
    let span = ((app.window.span as f64) * factor).clamp(1_000.0, 1e18) as i64;
    let rel = (center - app.window.start) as f64 / app.window.span.max(1) as f64;
    app.window = Window {
        start: center - (span as f64 * rel) as i64,
        span,
    };
}

fn update_replay(app: &mut App, action: Action) -> Effects {
    let mut fx = Vec::new();
    let n = app.visible.len();
    let Some(r) = app.replay.as_mut() else {
        app.mode = Mode::Normal;
        return fx;
    };
    let before = r.pos;
    match action {
        Action::Quit => fx.push(Effect::Quit),
        Action::Back => {
            app.mode = Mode::Normal;
            return fx;
        }
        Action::Help => {
            app.mode = Mode::Help;
            return fx;
        }
        Action::StepForward => r.pos = (r.pos + 1).min(n.saturating_sub(1)),
        Action::StepBack => r.pos = r.pos.saturating_sub(1),
        Action::PlayPause => r.playing = !r.playing,
        Action::Faster => r.speed = (r.speed * 2).min(1024),
        Action::Slower => r.speed = (r.speed / 2).max(1),
        Action::Top => r.pos = 0,
        Action::Bottom => r.pos = n.saturating_sub(1),
        _ => {}
    }
    if r.playing && r.pos + 1 >= n {
        r.playing = false;
    }
    let pos = r.pos;
    if pos != before || r.state.is_none() {
        app.select(pos);
        if let Some(i) = app.visible.get(pos) {
            fx.push(Effect::ReplayAt(*i as usize));
        }
    }
    fx
}

fn update_query(app: &mut App, action: Action) -> Effects {
    let mut fx = Vec::new();
    match action {
        Action::Back => {
            app.mode = Mode::Normal;
            app.completions.clear();
        }
        Action::Submit => {
            let text = app.input.trim().to_string();
            app.mode = Mode::Normal;
            app.completions.clear();
            match app.input_kind {
                InputKind::Query => {
                    if !text.is_empty() && app.history.last() != Some(&text) {
                        app.history.push(text.clone());
                    }
                    app.running = Some(text.clone());
                    fx.push(Effect::RunQuery(text));
                }
                InputKind::Command => fx.extend(command(app, &text)),
            }
        }
        Action::Complete => {
            if let Some(c) = app.completions.first().cloned() {
                let r = c.replace.start.min(app.input.len())..c.replace.end.min(app.input.len());
                app.input.replace_range(r.clone(), &c.text);
                app.input_cursor = r.start + c.text.len();
                app.completions.clear();
            } else {
                fx.push(Effect::Complete);
            }
        }
        Action::HistoryUp | Action::HistoryDown if !app.history.is_empty() => {
            let n = app.history.len();
            let pos = match (app.history_pos, action) {
                (None, Action::HistoryUp) => Some(n - 1),
                (Some(p), Action::HistoryUp) => Some(p.saturating_sub(1)),
                (Some(p), _) if p + 1 < n => Some(p + 1),
                _ => None,
            };
            app.history_pos = pos;
            app.input = pos.map(|p| app.history[p].clone()).unwrap_or_default();
            app.input_cursor = app.input.len();
        }
        Action::DeleteBack if app.input_cursor > 0 => {
            let prev = app.input[..app.input_cursor]
                .char_indices()
                .last()
                .map_or(0, |(i, _)| i);
            app.input.replace_range(prev..app.input_cursor, "");
            app.input_cursor = prev;
            fx.push(Effect::Complete);
        }
        Action::CursorLeft => {
            app.input_cursor = app.input[..app.input_cursor]
                .char_indices()
                .last()
                .map_or(0, |(i, _)| i);
        }
        Action::CursorRight => {
            if let Some(c) = app.input[app.input_cursor..].chars().next() {
                app.input_cursor += c.len_utf8();
            }
        }
        _ => {}
    }
    fx
}

/// Type a character into the query bar.
pub fn insert_char(app: &mut App, c: char) -> Effects {
    if app.mode != Mode::Query {
        return Vec::new();
    }
    app.input.insert(app.input_cursor, c);
    app.input_cursor += c.len_utf8();
    vec![Effect::Complete]
}

fn command(app: &mut App, text: &str) -> Effects {
    let mut parts = text.split_whitespace();
    match (parts.next(), parts.next()) {
        (Some("q") | Some("quit"), _) => vec![Effect::Quit],
        (Some("lanes"), Some(k)) => match LaneKey::parse(k) {
            Some(key) => {
                app.lane_key = key;
                vec![Effect::Relane]
            }
            None => {
                app.message = Some(format!(
                    "unknown lane key '{k}' (service, thread, request, trace, source)"
                ));
                Vec::new()
            }
        },
        (Some("theme"), Some(t)) => vec![Effect::Theme(t.to_string())],
        (Some(a @ ("races" | "stale")), _) => {
            app.running = Some(a.to_string());
            vec![Effect::Analyse(a.to_string())]
        }
        (Some("suggest"), Some(_)) => {
            let rest = text.trim_start_matches("suggest").trim();
            match rest.rsplit_once(" per ") {
                Some((outcome, per)) => {
                    app.running = Some(format!("suggest {rest}"));
                    vec![Effect::Suggest {
                        outcome: outcome.trim().to_string(),
                        per: per.trim().to_string(),
                    }]
                }
                None => {
                    app.message = Some(
                        "usage: :suggest FILTER per KEY (e.g. :suggest level = error per request)"
                            .into(),
                    );
                    Vec::new()
                }
            }
        }
        (Some("verify"), Some(spec)) => {
            app.running = Some(format!("verify {spec}"));
            vec![Effect::Analyse(format!("verify {spec}"))]
        }
        (Some("save"), Some(path)) => match crate::ops::export::render(
            &app.store,
            &app.visible,
            crate::ops::export::Format::Jsonl,
        ) {
            Ok(contents) => vec![Effect::Write {
                path: path.to_string(),
                contents,
            }],
            Err(e) => {
                app.message = Some(format!("save: {e}"));
                Vec::new()
            }
        },
        (Some(other), _) => {
            app.message = Some(format!(
                "unknown command '{other}' (lanes KEY, theme NAME, save FILE, races, stale, verify SPEC, q)"
            ));
            Vec::new()
        }
        (None, _) => Vec::new(),
    }
}
