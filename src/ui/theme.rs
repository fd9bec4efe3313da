//! Themes are TOML files of named slots (`themes/*.toml`, embedded in the binary) turned into
//! ratatui styles. A user theme in `$XDG_CONFIG_HOME/heisen/themes/NAME.toml` is found by name.

use crate::model::{Level, Op};
use ratatui::style::{Color, Modifier, Style};
use std::collections::BTreeMap;
use std::str::FromStr;

/// The bundled themes.
pub const BUILTIN: [(&str, &str); 3] = [
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
];

/// Colours by slot.
#[derive(Clone, Debug)]
pub struct Theme {
    pub name: String,
    slots: BTreeMap<String, Color>,
}

impl Theme {
    /// Parse a theme file's text.
    pub fn parse(name: &str, text: &str) -> Result<Theme, String> {
        let raw: BTreeMap<String, String> =
            toml::from_str(text).map_err(|e| format!("theme {name}: {e}"))?;
        let mut slots = BTreeMap::new();
        for (k, v) in raw {
            let c = if v == "reset" {
                Color::Reset
            } else {
                Color::from_str(&v)
                    .map_err(|_| format!("theme {name}: '{k}' has an unknown colour '{v}'"))?
            };
            slots.insert(k, c);
        }
        Ok(Theme {
            name: name.to_string(),
            slots,
        })
    }

    /// A theme by name: built-in, or from the user's config directory.
    pub fn load(name: &str) -> Result<Theme, String> {
        if let Some((_, text)) = BUILTIN.iter().find(|(n, _)| *n == name) {
            return Theme::parse(name, text);
        }
        if let Some(p) =
            dirs::config_dir().map(|d| d.join("heisen/themes").join(format!("{name}.toml")))
        {
            if let Ok(text) = std::fs::read_to_string(&p) {
                return Theme::parse(name, &text);
            }
        }
        let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
        Err(format!(
            "unknown theme '{name}' (built in: {})",
            names.join(", ")
        ))
    }

    /// The default (dark) theme.
    pub fn default_theme() -> Theme {
        Theme::parse(BUILTIN[0].0, BUILTIN[0].1).unwrap_or(Theme {
            name: "dark".into(),
            slots: BTreeMap::new(),
        })
    }

    /// A slot's colour (`Reset` when missing).
    pub fn color(&self, slot: &str) -> Color {
        self.slots.get(slot).copied().unwrap_or(Color::Reset)
    }

    /// Foreground style of a slot.
    pub fn fg(&self, slot: &str) -> Style {
        Style::default().fg(self.color(slot))
    }

    /// The base text style.
    pub fn base(&self) -> Style {
        Style::default().fg(self.color("fg")).bg(self.color("bg"))
    }

    /// The selected row.
    pub fn selected(&self) -> Style {
        Style::default()
            .fg(self.color("selection_fg"))
            .bg(self.color("selection_bg"))
            .add_modifier(Modifier::BOLD)
    }

    /// Style of a level.
    pub fn level(&self, l: Option<Level>) -> Style {
        match l {
            Some(l) => self.fg(&format!("level_{}", l.as_str())),
            None => self.fg("dim"),
        }
    }

    /// Style of a schedule operation.
    pub fn op(&self, op: Op) -> Style {
        self.fg(match op {
            Op::Read | Op::Recv => "op_read",
            Op::Write | Op::Send => "op_write",
            _ => "op_sync",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_themes_parse_with_every_slot() {
        let slots: Vec<String> = Theme::default_theme().slots.keys().cloned().collect();
        for (name, text) in BUILTIN {
            let t = Theme::parse(name, text).unwrap();
            let mine: Vec<String> = t.slots.keys().cloned().collect();
            assert_eq!(mine, slots, "{name} has the same slots as dark");
        }
        assert!(Theme::parse("x", "fg = \"nocolour\"").is_err());
        assert!(Theme::load("nope").is_err());
    }
}
