//! Messages: everything that reaches the loop — terminal input, finished work, live batches,
//! the loop's own timers — enters the state through [`crate::ui::app::handle`] as one of these.

use super::action::Action;
use super::app::QueryOutcome;
use super::state::compare::Compare;
use super::state::detail::Highlighted;
use super::theme::Theme;
use crate::analysis::suggest::Suggestion;
use crate::ingest::{Grown, LiveBatch};
use crate::model::Store;
use crate::query::{Completion, QueryError};
use crate::replay::ReplayState;
use std::sync::Arc;

/// One message for the update loop.
pub enum Msg {
    /// A key press, mouse event or resize from the input thread.
    Term(crossterm::event::Event),
    /// The terminal cannot be read any more.
    InputFailed(String),
    /// An action from the loop itself (replay playback).
    Action(Action),
    /// The initial load finished.
    Loaded(Result<Store, String>),
    /// Bytes of the initial load read so far.
    Progress(u64),
    /// A batch from a followed file or the OTLP receiver.
    Live(Box<LiveBatch>),
    /// Time to merge the pending live batches: seconds since the last merge, wall clock now.
    MergeDue { secs: f64, now_ns: i64 },
    /// A copy of the store grown on a worker, and how it grew (or why nothing was added).
    Grown(Result<(Arc<Store>, Grown), String>),
    /// A query, relane or analysis finished; `gen` is the request's generation.
    Query {
        gen: u64,
        outcome: Box<QueryOutcome>,
    },
    /// Completions for the input text they were computed for.
    Completions(String, Vec<Completion>),
    /// The replay state at a store index.
    Replay(usize, ReplayState),
    /// Ranked hypotheses for `:suggest`.
    Suggestions {
        gen: u64,
        result: Result<Vec<Suggestion>, QueryError>,
    },
    /// Two lanes aligned for side by side; `open` switches to that screen.
    Aligned {
        gen: u64,
        compare: Compare,
        open: bool,
    },
    /// The large payloads of an event, highlighted.
    Highlighted(Box<Highlighted>),
    /// A file was written (or not).
    Wrote {
        path: String,
        result: Result<(), String>,
    },
    /// A theme was loaded (or not).
    Theme(Result<Box<Theme>, String>),
}
