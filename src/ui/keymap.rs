//! The keymap is data: a TOML table per mode from key to action name, embedded defaults, and a
//! user file (`$XDG_CONFIG_HOME/heisen/keymap.toml`) that overrides only what it names.

use super::action::Action;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::{BTreeMap, HashMap};

/// Input modes with their own bindings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyMode {
    Normal,
    Replay,
    Query,
    Overlay,
}

impl KeyMode {
    fn parse(s: &str) -> Option<KeyMode> {
        Some(match s {
            "normal" => KeyMode::Normal,
            "replay" => KeyMode::Replay,
            "query" => KeyMode::Query,
            "overlay" => KeyMode::Overlay,
            _ => return None,
        })
    }
    /// The table name.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyMode::Normal => "normal",
            KeyMode::Replay => "replay",
            KeyMode::Query => "query",
            KeyMode::Overlay => "overlay",
        }
    }
}

/// A key with its modifiers, as written in the keymap (`j`, `G`, `ctrl-c`, `pagedown`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    /// Parse a key name.
    pub fn parse(s: &str) -> Option<Key> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = s;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "backspace" => KeyCode::Backspace,
            "space" => KeyCode::Char(' '),
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "delete" => KeyCode::Delete,
            one if one.chars().count() == 1 => KeyCode::Char(one.chars().next()?),
            _ => return None,
        };
        Some(Key { code, ctrl, alt })
    }

    /// The key of a terminal key event (shift is part of the character).
    pub fn from_event(k: KeyEvent) -> Key {
        Key {
            code: k.code,
            ctrl: k.modifiers.contains(KeyModifiers::CONTROL),
            alt: k.modifiers.contains(KeyModifiers::ALT),
        }
    }

    /// The key as written in the keymap.
    pub fn name(&self) -> String {
        let base = match self.code {
            KeyCode::Enter => "enter".to_string(),
            KeyCode::Esc => "esc".into(),
            KeyCode::Tab => "tab".into(),
            KeyCode::BackTab => "backtab".into(),
            KeyCode::Backspace => "backspace".into(),
            KeyCode::Char(' ') => "space".into(),
            KeyCode::Up => "up".into(),
            KeyCode::Down => "down".into(),
            KeyCode::Left => "left".into(),
            KeyCode::Right => "right".into(),
            KeyCode::PageUp => "pageup".into(),
            KeyCode::PageDown => "pagedown".into(),
            KeyCode::Home => "home".into(),
            KeyCode::End => "end".into(),
            KeyCode::Delete => "delete".into(),
            KeyCode::Char(c) => c.to_string(),
            other => format!("{other:?}").to_lowercase(),
        };
        format!(
            "{}{}{base}",
            if self.ctrl { "ctrl-" } else { "" },
            if self.alt { "alt-" } else { "" }
        )
    }
}

/// Bindings per mode.
#[derive(Clone, Debug)]
pub struct Keymap {
    map: HashMap<(KeyMode, Key), Action>,
}

/// The embedded default keymap.
pub const DEFAULT: &str = include_str!("keymap-default.toml");

impl Keymap {
    /// The defaults.
    pub fn default_map() -> Keymap {
        let mut k = Keymap {
            map: HashMap::new(),
        };
        // The embedded file is tested; an error here is a build defect caught by tests.
        let _ = k.merge(DEFAULT);
        k
    }

    /// The defaults, overridden by a user file's text.
    pub fn with_user(text: &str) -> Result<Keymap, String> {
        let mut k = Keymap::default_map();
        k.merge(text)?;
        Ok(k)
    }

    /// Add or replace bindings from TOML text. Every problem is reported, none is fatal.
    pub fn merge(&mut self, text: &str) -> Result<(), String> {
        let tables: BTreeMap<String, BTreeMap<String, String>> =
            toml::from_str(text).map_err(|e| format!("keymap: {e}"))?;
        let mut errors = Vec::new();
        for (mode, binds) in tables {
            let Some(m) = KeyMode::parse(&mode) else {
                errors.push(format!(
                    "unknown mode [{mode}] (normal, replay, query, overlay)"
                ));
                continue;
            };
            for (key, action) in binds {
                let Some(k) = Key::parse(&key) else {
                    errors.push(format!("[{mode}] unknown key '{key}'"));
                    continue;
                };
                match serde_json::from_value::<Action>(serde_json::Value::String(action.clone())) {
                    Ok(a) => {
                        self.map.insert((m, k), a);
                    }
                    Err(_) => errors.push(format!("[{mode}] '{key}': unknown action '{action}'")),
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!("keymap: {}", errors.join("; ")))
        }
    }

    /// The action bound to a key in a mode.
    pub fn lookup(&self, mode: KeyMode, key: Key) -> Option<Action> {
        self.map.get(&(mode, key)).copied()
    }

    /// Every binding of a mode, sorted by action then key, for the help screen.
    pub fn bindings(&self, mode: KeyMode) -> Vec<(String, Action)> {
        let mut v: Vec<(String, Action)> = self
            .map
            .iter()
            .filter(|((m, _), _)| *m == mode)
            .map(|((_, k), a)| (k.name(), *a))
            .collect();
        v.sort_by(|a, b| {
            format!("{:?}", a.1)
                .cmp(&format!("{:?}", b.1))
                .then(a.0.len().cmp(&b.0.len()))
                .then(a.0.cmp(&b.0))
        });
        v
    }

    /// The first key bound to an action ("press X to …" hints).
    pub fn key_for(&self, mode: KeyMode, action: Action) -> Option<String> {
        self.bindings(mode)
            .into_iter()
            .find(|(_, a)| *a == action)
            .map(|(k, _)| k)
    }

    /// Every key bound to an action, as a hint shows them ("j/l/→", "Esc"); "unbound" if none.
    pub fn hint(&self, mode: KeyMode, action: Action) -> String {
        let keys: Vec<String> = self
            .bindings(mode)
            .into_iter()
            .filter(|(_, a)| *a == action)
            .map(|(k, _)| label(&k).to_string())
            .collect();
        if keys.is_empty() {
            "unbound".into()
        } else {
            keys.join("/")
        }
    }
}

/// How a key name reads in a hint: arrows as arrows, named keys capitalised.
fn label(key: &str) -> std::borrow::Cow<'_, str> {
    match key {
        "left" => "←".into(),
        "right" => "→".into(),
        "up" => "↑".into(),
        "down" => "↓".into(),
        "esc" => "Esc".into(),
        "enter" => "Enter".into(),
        "tab" => "Tab".into(),
        _ => key.into(),
    }
}

/// Load the user's keymap if there is one.
pub fn load_user() -> Result<Keymap, String> {
    let path = dirs::config_dir().map(|d| d.join("heisen").join("keymap.toml"));
    match path {
        Some(p) if p.exists() => {
            let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            Keymap::with_user(&text).map_err(|e| format!("{}: {e}", p.display()))
        }
        _ => Ok(Keymap::default_map()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_and_user_overrides() {
        let mut k = Keymap::default_map();
        assert!(k.merge(DEFAULT).is_ok());
        let j = Key::parse("j").unwrap();
        assert_eq!(k.lookup(KeyMode::Normal, j), Some(Action::Down));
        let u = Keymap::with_user("[normal]\n\"j\" = \"up\"\n").unwrap();
        assert_eq!(u.lookup(KeyMode::Normal, j), Some(Action::Up));
        assert_eq!(
            u.lookup(KeyMode::Normal, Key::parse("k").unwrap()),
            Some(Action::Up)
        );
        let e = Keymap::with_user("[normal]\n\"j\" = \"jump\"\n\"ctrl-\" = \"up\"\n").unwrap_err();
        assert!(
            e.contains("unknown action 'jump'") && e.contains("unknown key 'ctrl-'"),
            "{e}"
        );
        assert!(Keymap::with_user("not toml [").is_err());
        assert_eq!(
            k.key_for(KeyMode::Normal, Action::Help).as_deref(),
            Some("?")
        );
    }
}
