//! Replay state: a cursor over the listed events, stepped by keys or played at a speed; the
//! state at the cursor is computed on the replay thread and comes back as a message.

use crate::replay::ReplayState;
use crate::ui::action::Action;
use crate::ui::app::{App, Effect, Effects, Mode};

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

impl Replay {
    /// A paused replay at list position `pos`.
    pub fn at(pos: usize) -> Replay {
        Replay {
            pos,
            playing: false,
            speed: 4,
            state: None,
        }
    }

    /// How long one step lasts while playing.
    pub fn step_every(&self) -> std::time::Duration {
        std::time::Duration::from_millis(1000 / self.speed.max(1) as u64)
    }
}

/// Keys in replay mode.
pub(crate) fn update(app: &mut App, action: Action) -> Effects {
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

/// The replay thread finished the state at store index `idx`: keep it if the cursor is there.
pub(crate) fn arrived(app: &mut App, idx: usize, state: ReplayState) {
    if let Some(r) = &mut app.replay {
        if app.visible.get(r.pos).is_some_and(|&v| v as usize == idx) {
            r.state = Some(state);
        }
    }
}
