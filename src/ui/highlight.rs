//! Syntax highlighting of payloads in the detail pane (JSON, SQL) with syntect; the syntax set
//! and theme are built once, lazily, on first use.

use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use std::sync::OnceLock;
use syntect::easy::HighlightLines;
use syntect::highlighting::ThemeSet;
use syntect::parsing::SyntaxSet;

fn sets() -> &'static (SyntaxSet, ThemeSet) {
    static SETS: OnceLock<(SyntaxSet, ThemeSet)> = OnceLock::new();
    SETS.get_or_init(|| {
        (
            SyntaxSet::load_defaults_newlines(),
            ThemeSet::load_defaults(),
        )
    })
}

/// Which language a value looks like.
pub fn detect(text: &str) -> Option<&'static str> {
    let t = text.trim_start();
    if (t.starts_with('{') || t.starts_with('['))
        && serde_json::from_str::<serde_json::Value>(t).is_ok()
    {
        return Some("JSON");
    }
    let upper: String = t.chars().take(7).collect::<String>().to_ascii_uppercase();
    if ["SELECT ", "INSERT ", "UPDATE ", "DELETE ", "WITH "]
        .iter()
        .any(|k| upper.starts_with(k))
    {
        return Some("SQL");
    }
    None
}

/// Highlight (already sanitised) text in a language, as ratatui lines.
pub fn highlight(text: &str, lang: &str) -> Vec<Line<'static>> {
    let (ss, ts) = sets();
    let pretty;
    let text = if lang == "JSON" {
        pretty = serde_json::from_str::<serde_json::Value>(text)
            .and_then(|v| serde_json::to_string_pretty(&v))
            .unwrap_or_else(|_| text.to_string());
        pretty.as_str()
    } else {
        text
    };
    let Some(syntax) = ss.find_syntax_by_name(lang) else {
        return text.lines().map(|l| Line::from(l.to_string())).collect();
    };
    let Some(theme) = ts.themes.get("base16-ocean.dark") else {
        return text.lines().map(|l| Line::from(l.to_string())).collect();
    };
    let mut h = HighlightLines::new(syntax, theme);
    text.lines()
        .map(|line| {
            let spans: Vec<Span<'static>> = match h.highlight_line(line, ss) {
                Ok(ranges) => ranges
                    .into_iter()
                    .map(|(style, piece)| {
                        let c = style.foreground;
                        Span::styled(
                            piece.to_string(),
                            Style::default().fg(Color::Rgb(c.r, c.g, c.b)),
                        )
                    })
                    .collect(),
                Err(_) => vec![Span::raw(line.to_string())],
            };
            Line::from(spans)
        })
        .collect()
}
