//! Per-screen state and its update logic, beside the drawing in `ui/view`: the event list and
//! its selection, the query bar and `:` commands, the detail pane's large payloads, side by side, replay and live growth. `App`
//! (in `ui/app`) holds them all; `app::update` and `app::handle` dispatch to these modules.

pub mod command;
pub mod compare;
pub mod detail;
pub mod list;
pub mod live;
pub mod normal;
pub mod query;
pub mod replay;
pub mod results;
