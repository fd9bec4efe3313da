//! Carrying out effects: work goes to blocking tasks on the runtime (or the replay thread),
//! small IO (writing a file, reading a theme) is done at once; every result comes back to the
//! loop as a [`Msg`] tagged with its request's generation.

use super::app::{App, Effect};
use super::msg::Msg;
use super::state::compare::AlignInput;
use super::state::detail::highlight_large;
use super::state::live::grow_copy;
use super::{theme, worker};
use crate::model::Store;
use std::sync::mpsc::Sender;
use std::sync::Arc;

/// Why the loop stops.
pub enum Exit {
    Quit,
    /// A fatal error, printed once the terminal is restored (exit code 1).
    Fail(String),
}

/// Where effects are carried out.
pub struct Workers {
    pub rt: tokio::runtime::Runtime,
    /// The loop's channel: results come back here.
    pub tx: Sender<Msg>,
    /// Requests to the replay thread.
    pub replay: Sender<(Arc<Store>, usize)>,
}

impl Workers {
    /// Carry out effects in order; `Some` when one of them ends the loop.
    pub fn run(&self, app: &App, fx: Vec<Effect>) -> Option<Exit> {
        for e in fx {
            match e {
                Effect::Quit => return Some(Exit::Quit),
                Effect::Fail(m) => return Some(Exit::Fail(m)),
                Effect::RunQuery(text) => {
                    self.query(app, move |s, key| worker::run_query(s, &text, key))
                }
                Effect::Relane => {
                    let text = app.query.clone().unwrap_or_default();
                    self.query(app, move |s, key| worker::run_query(s, &text, key));
                }
                Effect::Analyse(a) => {
                    self.query(app, move |s, key| worker::run_analysis(s, &a, key));
                }
                Effect::Complete => {
                    let (store, text, cursor) =
                        (app.store.clone(), app.input.clone(), app.input_cursor);
                    self.spawn(move || {
                        let c = crate::query::completions(&store, &text, cursor);
                        Msg::Completions(text, c)
                    });
                }
                Effect::Suggest { outcome, per } => {
                    let (store, gen) = (app.store.clone(), app.gens.suggest);
                    self.spawn(move || Msg::Suggestions {
                        gen,
                        result: worker::run_suggest(&store, &outcome, &per),
                    });
                }
                Effect::Align(req) => {
                    let (input, gen) = (AlignInput::new(app, &req), app.gens.align);
                    self.spawn(move || Msg::Aligned {
                        gen,
                        compare: input.align(),
                        open: req.open,
                    });
                }
                Effect::Highlight(i) => {
                    let store = app.store.clone();
                    self.spawn(move || Msg::Highlighted(Box::new(highlight_large(&store, i))));
                }
                Effect::Grow(batches) => {
                    let store = app.store.clone();
                    let batches = batches.take().unwrap_or_default();
                    self.spawn(move || grow_copy(&store, batches));
                }
                Effect::ReplayAt(i) => {
                    let _ = self.replay.send((app.store.clone(), i));
                }
                Effect::Write { path, contents } => {
                    let result =
                        super::write_atomic(std::path::Path::new(&path), contents.as_bytes())
                            .map_err(|e| e.to_string());
                    let _ = self.tx.send(Msg::Wrote { path, result });
                }
                Effect::Theme(name) => {
                    let t = theme::Theme::load(&name).map(Box::new);
                    let _ = self.tx.send(Msg::Theme(t));
                }
            }
        }
        None
    }

    /// Run `job` on a blocking task and send its message back.
    fn spawn(&self, job: impl FnOnce() -> Msg + Send + 'static) {
        let tx = self.tx.clone();
        self.rt.spawn_blocking(move || {
            let _ = tx.send(job());
        });
    }

    /// Run a query-like job on the current store and lane key, tagged with the newest query
    /// generation.
    fn query(
        &self,
        app: &App,
        job: impl FnOnce(&Store, crate::model::LaneKey) -> super::app::QueryOutcome + Send + 'static,
    ) {
        let (store, key, gen) = (app.store.clone(), app.lane_key, app.gens.query);
        self.spawn(move || Msg::Query {
            gen,
            outcome: Box::new(job(&store, key)),
        });
    }
}
