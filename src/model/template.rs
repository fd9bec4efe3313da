//! The template of an event: what it is, with its varying parts masked, so that events of
//! two runs can be compared by kind (run diff, the side-by-side view).

use super::{Event, Kind, Store};
use crate::text::template;

/// The template of an event: its span name, its operation, or its masked message.
pub fn event_template(store: &Store, e: &Event) -> String {
    match (e.kind(), e.op(), e.name, e.msg) {
        (Kind::Op, Some(op), ..) => format!("{} {}", op.as_str(), store.opt(e.obj).unwrap_or("")),
        (_, _, Some(n), _) => store.s(n).to_string(),
        (_, _, None, Some(m)) => template(store.s(m).lines().next().unwrap_or("")),
        _ => e.kind().as_str().to_string(),
    }
}
