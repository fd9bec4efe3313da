//! The one loop: wait for the next message or the earliest timer (no fixed polling), let
//! `app::handle` turn each into state and effects, carry the effects out, and draw when
//! something changed — at most once per frame.

use super::app::{self, App, Mode};
use super::effects::{Exit, Workers};
use super::msg::Msg;
use super::view;
use anyhow::Result;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// The shortest time between two frames.
const FRAME: Duration = Duration::from_millis(16);
/// How often loading progress and pending live batches are looked at while there are any.
const POLL: Duration = Duration::from_millis(50);

/// When the loop's own timers fire next.
struct Timers {
    last_draw: Instant,
    last_step: Instant,
    last_merge: Instant,
}

impl Timers {
    /// The earliest moment something is due, or `None` to wait for messages only.
    fn next(&self, app: &App, dirty: bool, now: Instant) -> Option<Instant> {
        let draw = dirty.then_some(self.last_draw + FRAME);
        let step = app
            .replay
            .as_ref()
            .filter(|r| r.playing && app.mode == Mode::Replay)
            .map(|r| self.last_step + r.step_every());
        let poll = (app.loading.is_some() || !app.live_pending.is_empty()).then_some(now + POLL);
        [draw, step, poll].into_iter().flatten().min()
    }

    /// Messages from timers that are due.
    fn due(&mut self, app: &App, progress: &AtomicU64, now: Instant) -> Vec<Msg> {
        let mut out = Vec::new();
        if let Some(r) = app.replay.as_ref() {
            if app.mode == Mode::Replay && r.playing && now >= self.last_step + r.step_every() {
                self.last_step = now;
                out.push(Msg::Action(super::action::Action::StepForward));
            }
        }
        if let Some(l) = &app.loading {
            let done = progress.load(Ordering::Relaxed);
            if done != l.done {
                out.push(Msg::Progress(done));
            }
        }
        let waited = now.duration_since(self.last_merge);
        let mergeable = app.loading.is_none() && app.growing.is_none();
        if mergeable && !app.live_pending.is_empty() && app.live_merge_due(waited) {
            self.last_merge = now;
            let now_ns = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as i64);
            out.push(Msg::MergeDue {
                secs: waited.as_secs_f64(),
                now_ns,
            });
        }
        out
    }
}

/// Run until an effect or a closed channel ends it, drawing on `term` (the real terminal, or
/// a test backend).
pub fn run<B: ratatui::backend::Backend>(
    term: &mut ratatui::Terminal<B>,
    app: &mut App,
    rx: &Receiver<Msg>,
    workers: &Workers,
    progress: &AtomicU64,
) -> Result<Exit> {
    let start = Instant::now();
    let mut timers = Timers {
        last_draw: start - Duration::from_secs(1),
        last_step: start,
        last_merge: start,
    };
    let mut dirty = true;
    // The first size; later ones arrive from the input thread.
    let size = term.size()?;
    let resize = crossterm::event::Event::Resize(size.width, size.height);
    if let Some(exit) = take(app, workers, vec![Msg::Term(resize)], &mut dirty) {
        return Ok(exit);
    }
    loop {
        let now = Instant::now();
        if dirty && now >= timers.last_draw + FRAME {
            term.draw(|f| view::draw(app, f))?;
            dirty = false;
            timers.last_draw = now;
        }
        let first = match timers.next(app, dirty, now) {
            Some(at) => match rx.recv_timeout(at.saturating_duration_since(now)) {
                Ok(m) => Some(m),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return Ok(Exit::Quit),
            },
            None => match rx.recv() {
                Ok(m) => Some(m),
                Err(_) => return Ok(Exit::Quit),
            },
        };
        // Everything already waiting is taken in one go, then the timers that are due.
        let waiting: Vec<Msg> = first.into_iter().chain(rx.try_iter().take(1024)).collect();
        if let Some(exit) = take(app, workers, waiting, &mut dirty) {
            return Ok(exit);
        }
        let due = timers.due(app, progress, Instant::now());
        if let Some(exit) = take(app, workers, due, &mut dirty) {
            return Ok(exit);
        }
    }
}

/// Hand messages to `update` and carry out their effects; `Some` when the loop ends.
fn take(app: &mut App, workers: &Workers, msgs: Vec<Msg>, dirty: &mut bool) -> Option<Exit> {
    for m in msgs {
        // A live batch changes nothing on screen until it is merged.
        *dirty |= !matches!(m, Msg::Live(_));
        let fx = app::handle(app, m);
        if let Some(exit) = workers.run(app, fx) {
            return Some(exit);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{load_named_bytes, LoadOptions};
    use crate::ui::keymap::Keymap;
    use crate::ui::theme::Theme;
    use crate::ui::{sources, worker, BUNDLED};
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    use ratatui::backend::TestBackend;
    use std::sync::{mpsc, Arc};

    fn key(c: KeyCode) -> Msg {
        Msg::Term(Event::Key(KeyEvent::new(c, KeyModifiers::NONE)))
    }

    #[test]
    fn keys_in_a_query_on_a_worker_the_result_on_screen_then_quit() {
        let store = load_named_bytes(&BUNDLED, &LoadOptions::default()).expect("loads");
        let mut app = App::new(
            Arc::new(store),
            Theme::default_theme(),
            Keymap::default_map(),
        );
        let (tx, rx) = mpsc::channel();
        let workers = Workers {
            rt: worker::runtime().expect("runtime"),
            tx: tx.clone(),
            replay: sources::replayer(&tx),
        };
        let typist = std::thread::spawn(move || {
            for c in "/level = error".chars() {
                let _ = tx.send(key(KeyCode::Char(c)));
            }
            let _ = tx.send(key(KeyCode::Enter));
            // The query runs on a worker; its result comes back before `q` does.
            std::thread::sleep(Duration::from_secs(2));
            let _ = tx.send(key(KeyCode::Char('q')));
        });
        let mut term = ratatui::Terminal::new(TestBackend::new(120, 36)).expect("terminal");
        let exit = run(&mut term, &mut app, &rx, &workers, &AtomicU64::new(0));
        assert!(matches!(exit, Ok(Exit::Quit)));
        typist.join().expect("typist");
        assert_eq!(app.query.as_deref(), Some("level = error"));
        assert_eq!(app.visible.len(), 30);
        assert_eq!(
            app.list_rows,
            view::list_rows(120, 36),
            "sized from the terminal"
        );
        let screen = format!("{}", term.backend());
        assert!(screen.contains("events 1/30 (filtered)"), "{screen}");
    }
}
