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

    /// The query, a caret line under the offending range, and the message.
    pub fn render(&self, src: &str) -> String {
        let start = self.start.min(src.len());
        let width = src[start..self.end.min(src.len())].chars().count().max(1);
        let col = src[..start].chars().count();
        format!(
            "error: {}\n  {}\n  {}{}",
            self.message,
            crate::text::sanitize(src, true),
            " ".repeat(col),
            "^".repeat(width)
        )
    }
}
