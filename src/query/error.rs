//! Query errors as data for the UI: a byte range, a message and an optional fix.

use serde::Serialize;

/// A problem in a query.
#[derive(Clone, Debug, PartialEq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct QueryError {
    /// Byte range of the offending text.
    pub start: usize,
    pub end: usize,
    pub message: String,
    /// A corrected text for the range, when one is likely ("did you mean").
    pub suggestion: Option<String>,
}

impl QueryError {
    /// An error over `start..end`.
    pub fn new(start: usize, end: usize, message: impl Into<String>) -> Self {
        QueryError {
            start,
            end: end.max(start),
            message: message.into(),
            suggestion: None,
        }
    }

    /// The same error with a suggested replacement.
    pub fn suggest(mut self, s: impl Into<String>) -> Self {
        self.suggestion = Some(s.into());
        self
    }

    /// The query, a caret line under the offending range, and the message; all outside text
    /// escaped. A range that cuts a character is widened to the whole character.
    pub fn render(&self, src: &str) -> String {
        let start = floor_boundary(src, self.start);
        let end = ceil_boundary(src, self.end.max(start));
        let cols =
            |s: &str| unicode_width::UnicodeWidthStr::width(&*crate::text::sanitize(s, true));
        format!(
            "error: {}\n  {}\n  {}{}",
            crate::text::sanitize(&self.message, false),
            crate::text::sanitize(src, true),
            " ".repeat(cols(&src[..start])),
            "^".repeat(cols(&src[start..end]).max(1))
        )
    }
}

/// The char boundary at or before `i` (the end of `s` past it).
fn floor_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The char boundary at or after `i` (the end of `s` past it).
fn ceil_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::QueryError;

    #[test]
    fn ranges_inside_a_character_render() {
        // 'é' is two bytes: a range over its first byte covers the whole character.
        let r = QueryError::new(0, 1, "unexpected character").render("é = 1");
        assert_eq!(r, "error: unexpected character\n  é = 1\n  ^");
        let r = QueryError::new(7, 8, "x").render("level ≥ warn");
        assert!(r.ends_with("\n        ^"), "{r}");
        // Wide characters take two columns: the caret stays under 本.
        let r = QueryError::new(4, 40, "x").render("日本");
        assert!(r.ends_with("\n    ^^"), "{r}");
    }
}
