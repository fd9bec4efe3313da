//! The query bar: typing, completion, history, and what Enter does — run a query (`/`) or carry
//! out a `:` command.

use super::command::Command;
use crate::ui::action::Action;
use crate::ui::app::{App, Effect, Effects, Mode};

/// What the query bar is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// `/`: a filter, pattern or hypothesis.
    Query,
    /// `:`: a command.
    Command,
}

/// Open the query bar for a query (pre-filled with the active one) or a command.
pub(crate) fn open(app: &mut App, kind: InputKind) {
    app.mode = Mode::Query;
    app.input_kind = kind;
    app.input = match kind {
        InputKind::Query => app.query.clone().unwrap_or_default(),
        InputKind::Command => String::new(),
    };
    app.input_cursor = app.input.len();
    app.history_pos = None;
    app.completions.clear();
}

/// Keys while typing in the query bar.
pub(crate) fn update(app: &mut App, action: Action) -> Effects {
    let mut fx = Vec::new();
    match action {
        Action::Back => {
            app.mode = Mode::Normal;
            app.completions.clear();
        }
        Action::Submit => {
            let text = app.input.trim().to_string();
            app.mode = Mode::Normal;
            app.completions.clear();
            match app.input_kind {
                InputKind::Query => {
                    if !text.is_empty() && app.history.last() != Some(&text) {
                        app.history.push(text.clone());
                    }
                    app.running = Some(text.clone());
                    fx.push(Effect::RunQuery(text));
                }
                InputKind::Command => match Command::parse(&text) {
                    Ok(Some(cmd)) => fx.extend(command(app, cmd)),
                    Ok(None) => {}
                    Err(message) => app.message = Some(message),
                },
            }
        }
        Action::Complete => {
            if let Some(c) = app.completions.first().cloned() {
                let r = c.replace.start.min(app.input.len())..c.replace.end.min(app.input.len());
                app.input.replace_range(r.clone(), &c.text);
                app.input_cursor = r.start + c.text.len();
                app.completions.clear();
            } else {
                fx.push(Effect::Complete);
            }
        }
        Action::HistoryUp | Action::HistoryDown if !app.history.is_empty() => {
            let n = app.history.len();
            let pos = match (app.history_pos, action) {
                (None, Action::HistoryUp) => Some(n - 1),
                (Some(p), Action::HistoryUp) => Some(p.saturating_sub(1)),
                (Some(p), _) if p + 1 < n => Some(p + 1),
                _ => None,
            };
            app.history_pos = pos;
            app.input = pos.map(|p| app.history[p].clone()).unwrap_or_default();
            app.input_cursor = app.input.len();
        }
        Action::DeleteBack if app.input_cursor > 0 => {
            let prev = app.input[..app.input_cursor]
                .char_indices()
                .last()
                .map_or(0, |(i, _)| i);
            app.input.replace_range(prev..app.input_cursor, "");
            app.input_cursor = prev;
            fx.push(Effect::Complete);
        }
        Action::CursorLeft => {
            app.input_cursor = app.input[..app.input_cursor]
                .char_indices()
                .last()
                .map_or(0, |(i, _)| i);
        }
        Action::CursorRight => {
            if let Some(c) = app.input[app.input_cursor..].chars().next() {
                app.input_cursor += c.len_utf8();
            }
        }
        _ => {}
    }
    fx
}

/// Type a character into the query bar.
pub fn insert_char(app: &mut App, c: char) -> Effects {
    if app.mode != Mode::Query {
        return Vec::new();
    }
    app.input.insert(app.input_cursor, c);
    app.input_cursor += c.len_utf8();
    vec![Effect::Complete]
}

/// Carry out a `:` command.
fn command(app: &mut App, cmd: Command) -> Effects {
    match cmd {
        Command::Quit => vec![Effect::Quit],
        Command::Lanes(key) => {
            app.lane_key = key;
            vec![app.relane()]
        }
        Command::Theme(t) => vec![Effect::Theme(t)],
        Command::Analyse(a) => {
            app.running = Some(a.text());
            vec![Effect::Analyse(a)]
        }
        Command::Suggest { outcome, per } => {
            app.running = Some(format!("suggest {outcome} per {per}"));
            vec![Effect::Suggest { outcome, per }]
        }
        Command::Save(path) => save(app, path),
    }
}

/// Write the listed events as JSON lines (the same writer as `heisen export --to jsonl`).
fn save(app: &mut App, path: String) -> Effects {
    match crate::ops::export::render(&app.store, &app.visible, crate::ops::export::Format::Jsonl) {
        Ok(contents) => vec![Effect::Write { path, contents }],
        Err(e) => {
            app.message = Some(format!("save: {e}"));
            Vec::new()
        }
    }
}
