//! The detail pane's large payloads: JSON or SQL documents of at least [`LARGE`] bytes are
//! highlighted on a worker (parsing and highlighting them on every frame would stall the loop);
//! smaller ones are highlighted as they are drawn. One event's worth is kept.

use crate::model::{Attr, Store, Value};
use crate::text::sanitize;
use crate::ui::app::{App, Effect};
use crate::ui::highlight;
use ratatui::text::Line;

/// Payloads at least this long (in bytes) are highlighted off the render thread.
pub const LARGE: usize = 4 * 1024;

/// The large payloads of one event, highlighted.
#[derive(Clone, Debug, PartialEq)]
pub struct Highlighted {
    /// The event's first attribute in the store's pool: it names the event while the store
    /// grows (event indices move, the pool only grows).
    pub attr_start: u32,
    /// Per attribute: its highlighted lines when it is a large JSON or SQL payload.
    pub payloads: Vec<Option<Vec<Line<'static>>>>,
}

/// An attribute's value as the detail pane reads it (control characters made visible).
pub fn payload(store: &Store, a: &Attr) -> String {
    sanitize(&a.value().to_text(store.strings()), false).into_owned()
}

/// Whether an attribute is a large payload; its length is read without copying the text.
pub fn is_large(store: &Store, a: &Attr) -> bool {
    match a.value() {
        Value::Str(s) => store.strings().resolve(s).len() >= LARGE,
        _ => false,
    }
}

/// Highlight the large payloads of event `idx` (the work done on a worker).
pub fn highlight_large(store: &Store, idx: u32) -> Highlighted {
    let e = &store.events()[idx as usize];
    let payloads = store
        .attrs(e)
        .iter()
        .map(|a| {
            let text = is_large(store, a).then(|| payload(store, a))?;
            highlight::detect(&text).map(|lang| highlight::highlight(&text, lang))
        })
        .collect();
    Highlighted {
        attr_start: e.attr_start,
        payloads,
    }
}

/// Ask for the selected event's large payloads unless they are highlighted or asked for.
pub(crate) fn wanted(app: &mut App) -> Option<Effect> {
    let idx = app.selected_event()?;
    let store = &app.store;
    let e = &store.events()[idx as usize];
    let start = e.attr_start;
    let done = app.highlighted.as_ref().map(|h| h.attr_start);
    if done == Some(start) || app.highlight_asked == Some(start) {
        return None;
    }
    let large = store.attrs(e).iter().any(|a| is_large(store, a));
    if !large {
        return None;
    }
    app.highlight_asked = Some(start);
    Some(Effect::Highlight(idx))
}

/// Highlighted payloads arrived: keep them if their event is still selected.
pub(crate) fn arrived(app: &mut App, h: Highlighted) {
    let selected = app
        .selected_event()
        .map(|i| app.store.events()[i as usize].attr_start);
    if selected == Some(h.attr_start) {
        app.highlighted = Some(h);
    }
}

/// The highlighted lines of the `n`th attribute of the event starting at `attr_start`, when
/// they are ready.
pub fn ready(app: &App, attr_start: u32, n: usize) -> Option<&[Line<'static>]> {
    let h = app
        .highlighted
        .as_ref()
        .filter(|h| h.attr_start == attr_start)?;
    h.payloads.get(n)?.as_deref()
}
