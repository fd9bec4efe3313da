//! Keys on the main screen (event list, timeline, detail) and in side by side: moving,
//! zooming, lanes, results and suggestions, marking and comparing lanes, starting a replay.

use super::compare::AlignRequest;
use super::query;
use super::replay::Replay;
use crate::model::LaneKey;
use crate::ui::action::Action;
use crate::ui::app::{App, Effect, Effects, InputKind, Mode, Pane};
use crate::ui::keymap::KeyMode;

/// Ask for an alignment, remembering it until its result arrives.
fn align(app: &mut App, req: AlignRequest) -> Effect {
    app.align_asked = Some(req.clone());
    Effect::Align(req)
}

/// Apply a key's action on the main screen.
pub(crate) fn update(app: &mut App, action: Action) -> Effects {
    let mut fx = Vec::new();
    let page = app.list_rows.max(1);
    match action {
        Action::Quit => fx.push(Effect::Quit),
        Action::Down => app.select(app.selected + 1),
        Action::Up => app.select(app.selected.saturating_sub(1)),
        Action::PageDown => app.select(app.selected + page),
        Action::PageUp => app.select(app.selected.saturating_sub(page)),
        Action::Top => app.select(0),
        Action::Bottom => app.select(app.visible.len().saturating_sub(1)),
        Action::NextPane => {
            app.focus = match app.focus {
                Pane::List => Pane::Timeline,
                Pane::Timeline => Pane::Detail,
                Pane::Detail => Pane::List,
            }
        }
        Action::Back => {
            if app.mode == Mode::Compare {
                app.mode = Mode::Normal;
            } else if app.verdict.is_some() || app.query.is_some() {
                app.verdict = None;
            } else {
                app.suggestions.clear();
            }
        }
        Action::Help => {
            app.mode = Mode::Help;
            app.overlay_scroll = 0;
        }
        Action::ShowErrors => {
            app.mode = Mode::Errors;
            app.overlay_scroll = 0;
        }
        Action::ZoomIn => app.zoom(0.5),
        Action::ZoomOut => app.zoom(2.0),
        Action::PanLeft => app.window.start -= app.window.span / 4,
        Action::PanRight => app.window.start += app.window.span / 4,
        Action::CycleLanes => {
            let all = LaneKey::ALL;
            let i = all.iter().position(|k| *k == app.lane_key).unwrap_or(0);
            app.lane_key = all[(i + 1) % all.len()];
            app.message = Some(format!("lanes by {}", app.lane_key.as_str()));
            fx.push(app.relane());
        }
        Action::ToggleLane => {
            if let Some(l) = app.selected_lane() {
                if !app.collapsed.remove(&l) {
                    app.collapsed.insert(l);
                }
            }
        }
        Action::OpenFilter => query::open(app, InputKind::Query),
        Action::OpenCommand => query::open(app, InputKind::Command),
        Action::NextResult | Action::PrevResult
            if !app.suggestions.is_empty() && app.verdict.is_none() =>
        {
            let n = app.suggestions.len();
            app.suggestion_pos = if action == Action::NextResult {
                (app.suggestion_pos + 1) % n
            } else {
                (app.suggestion_pos + n - 1) % n
            };
        }
        Action::NextResult => app.next_result(true),
        Action::PrevResult => app.next_result(false),
        Action::Accept => {
            if let Some(s) = app.suggestions.get(app.suggestion_pos) {
                let h = s.hypothesis.clone();
                app.history.push(h.clone());
                app.running = Some(h.clone());
                fx.push(Effect::RunQuery(h));
            }
        }
        Action::ClearQuery => {
            app.query = None;
            app.verdict = None;
            app.query_error = None;
            app.running = Some(String::new());
            fx.push(Effect::RunQuery(String::new()));
        }
        Action::CopyEvent => {
            if let Some(i) = app.selected_event() {
                let e = &app.store.events()[i as usize];
                let json = serde_json::to_string_pretty(&app.store.view(e)).unwrap_or_default();
                fx.push(Effect::Write {
                    path: "heisen-event.json".into(),
                    contents: json + "\n",
                });
            }
        }
        Action::MarkGroup => {
            app.marked = app.selected_lane();
            if let Some(m) = &app.marked {
                let compare = app.hint(KeyMode::Normal, Action::Compare);
                app.message = Some(format!(
                    "marked lane '{m}': select another lane and press {compare}"
                ));
            }
        }
        Action::Compare => match (app.marked.clone(), app.selected_lane()) {
            (Some(a), Some(b)) => fx.push(align(
                app,
                AlignRequest {
                    a,
                    b,
                    at_selected: false,
                    open: true,
                },
            )),
            _ => {
                let mark = app.hint(KeyMode::Normal, Action::MarkGroup);
                app.message = Some(format!(
                    "mark a lane with {mark} first, then select another lane"
                ));
            }
        },
        Action::ToggleAlign => {
            // Relative to the alignment asked for last, which may not have arrived yet.
            let shown = app.compare.as_ref().map(|c| AlignRequest {
                a: c.a.clone(),
                b: c.b.clone(),
                at_selected: c.at_selected,
                open: false,
            });
            if let Some(last) = app.align_asked.clone().or(shown) {
                let req = AlignRequest {
                    at_selected: !last.at_selected,
                    ..last
                };
                fx.push(align(app, req));
            }
        }
        Action::Replay => {
            app.mode = Mode::Replay;
            app.replay = Some(Replay::at(app.selected));
            if let Some(i) = app.selected_event() {
                fx.push(Effect::ReplayAt(i as usize));
            }
        }
        _ => {}
    }
    fx
}
