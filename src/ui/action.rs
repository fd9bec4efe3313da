//! Actions: the messages of the update loop and the vocabulary of the keymap.

use serde::{Deserialize, Serialize};

/// Everything the user can do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    Down,
    Up,
    PageDown,
    PageUp,
    Top,
    Bottom,
    NextPane,
    Back,
    Help,
    ZoomIn,
    ZoomOut,
    PanLeft,
    PanRight,
    CycleLanes,
    ToggleLane,
    OpenFilter,
    OpenCommand,
    NextResult,
    PrevResult,
    ShowErrors,
    CopyEvent,
    MarkGroup,
    Compare,
    ToggleAlign,
    Replay,
    StepForward,
    StepBack,
    PlayPause,
    Faster,
    Slower,
    ClearQuery,
    /// Run the selected suggestion's hypothesis.
    Accept,
    // Query-bar editing
    Submit,
    Complete,
    HistoryUp,
    HistoryDown,
    DeleteBack,
    CursorLeft,
    CursorRight,
}

impl Action {
    /// What the action does, for the help overlay.
    pub fn describe(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Down => "next event",
            Action::Up => "previous event",
            Action::PageDown => "page down",
            Action::PageUp => "page up",
            Action::Top => "first event",
            Action::Bottom => "last event (follow)",
            Action::NextPane => "next pane",
            Action::Back => "back out (close overlay, leave mode)",
            Action::Help => "this help",
            Action::ZoomIn => "zoom the timeline in",
            Action::ZoomOut => "zoom the timeline out",
            Action::PanLeft => "pan the timeline left",
            Action::PanRight => "pan the timeline right",
            Action::CycleLanes => "lanes by service / thread / request / trace / source",
            Action::ToggleLane => "collapse or expand the lane of the selected event",
            Action::OpenFilter => "query: filter, pattern or hypothesis",
            Action::OpenCommand => "command (:races, :stale, :verify SPEC.toml, :suggest FILTER per KEY, :lanes KEY, :theme NAME, :save FILE, :q)",
            Action::NextResult => "next counterexample or match",
            Action::PrevResult => "previous counterexample or match",
            Action::ShowErrors => "parse errors (file:line: reason)",
            Action::CopyEvent => "write the selected event as JSON to heisen-event.json",
            Action::MarkGroup => "mark the selected event's lane for side by side",
            Action::Compare => "side by side: marked lane vs the selected one",
            Action::ToggleAlign => "side by side: align at starts or at the selected event",
            Action::Replay => "replay from the selected event",
            Action::StepForward => "replay: step forward",
            Action::StepBack => "replay: step back",
            Action::PlayPause => "replay: play / pause",
            Action::Faster => "replay: faster",
            Action::Slower => "replay: slower",
            Action::ClearQuery => "clear the active query",
            Action::Accept => "run the selected suggestion as a hypothesis (after :suggest)",
            Action::Submit => "run the query",
            Action::Complete => "complete field or value",
            Action::HistoryUp => "previous query in history",
            Action::HistoryDown => "next query in history",
            Action::DeleteBack => "delete a character",
            Action::CursorLeft => "cursor left",
            Action::CursorRight => "cursor right",
        }
    }
}
