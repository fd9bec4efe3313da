//! Side-by-side state: two lanes aligned as `heisen diff` aligns them. The alignment is computed
//! off the render thread: `update` asks for it with an [`AlignRequest`], the loop gathers an
//! [`AlignInput`] and runs it on a worker, the finished [`Compare`] comes back as a message.

use crate::analysis::diff;
use crate::model::Store;
use crate::ui::app::App;
use std::sync::Arc;

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

/// Which lanes to align, and whether the side-by-side screen opens when they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlignRequest {
    pub a: String,
    pub b: String,
    pub at_selected: bool,
    /// Open the side-by-side screen with the result (`c`), or only refresh it (`a`).
    pub open: bool,
}

/// Everything an alignment needs, taken from the state so that it can run on another thread.
pub struct AlignInput {
    store: Arc<Store>,
    a: (String, Vec<u32>),
    b: (String, Vec<u32>),
    at_selected: bool,
    anchor: Option<u32>,
}

impl AlignInput {
    /// Gather the lanes' events (and the selected event, the anchor) for a request.
    pub fn new(app: &App, req: &AlignRequest) -> AlignInput {
        let events = |name: &str| {
            app.lanes
                .iter()
                .find(|l| l.name == name)
                .map(|l| l.events.clone())
                .unwrap_or_default()
        };
        AlignInput {
            store: app.store.clone(),
            a: (req.a.clone(), events(&req.a)),
            b: (req.b.clone(), events(&req.b)),
            at_selected: req.at_selected,
            anchor: req.at_selected.then(|| app.selected_event()).flatten(),
        }
    }

    /// Align the lanes from their starts, or from the first event with the anchor's template.
    pub fn align(self) -> Compare {
        let store = &self.store;
        let template = |i: u32| diff::event_template(store, &store.events()[i as usize]);
        let anchor = self.anchor.map(template);
        let side = |mut events: Vec<u32>| {
            if let Some(t) = &anchor {
                let at = events.iter().position(|&i| template(i) == *t);
                events.drain(..at.unwrap_or(0));
            }
            diff::Side { store, events }
        };
        let (rows, first) = diff::align(&side(self.a.1), &side(self.b.1));
        Compare {
            a: self.a.0,
            b: self.b.0,
            at_selected: self.at_selected,
            rows,
            first,
        }
    }
}

impl Compare {
    /// Align lanes `a` and `b` of the current view at once (on the calling thread).
    pub fn new(app: &App, a: String, b: String, at_selected: bool) -> Compare {
        let req = AlignRequest {
            a,
            b,
            at_selected,
            open: false,
        };
        AlignInput::new(app, &req).align()
    }
}
