//! What background work found for the list: the outcome of a query, relane or analysis (the
//! events to list, lanes, matches to step through, a verdict) and ranked suggestions.

use crate::query::{QueryError, Verdict};
use crate::ui::action::Action;
use crate::ui::app::App;
use crate::ui::keymap::KeyMode;
use crate::ui::lanes::Lane;

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

impl App {
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

    /// Ranked hypotheses (or why there are none) arrived.
    pub(crate) fn apply_suggestions(
        &mut self,
        r: Result<Vec<crate::analysis::suggest::Suggestion>, QueryError>,
    ) {
        self.running = None;
        match r {
            Ok(list) => {
                self.verdict = None;
                let k = |a| self.hint(KeyMode::Normal, a);
                self.message = Some(format!(
                    "{} suggestions · {}/{} to choose · {} runs the hypothesis",
                    list.len(),
                    k(Action::NextResult),
                    k(Action::PrevResult),
                    k(Action::Accept),
                ));
                self.suggestions = list;
                self.suggestion_pos = 0;
            }
            Err(e) => self.message = Some(e.message),
        }
    }
}
