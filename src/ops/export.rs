//! Exporting a slice of the events to a file.

use crate::export;
use crate::files::write_atomic;
use crate::model::Store;
use anyhow::Result;

/// What to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Normalised events, one JSON object per line (heisen reads it back).
    Jsonl,
    /// Chrome trace event JSON (opens in Perfetto and chrome://tracing).
    Chrome,
}

/// The events `idx` in `format`.
pub fn render(store: &Store, idx: &[u32], format: Format) -> serde_json::Result<String> {
    match format {
        Format::Jsonl => export::jsonl::lines(store, idx),
        Format::Chrome => serde_json::to_string(&export::chrome::trace(store, idx)),
    }
}

/// Write the events `idx` in `format` to `path` (atomically: a reader never sees half a file).
pub fn write(store: &Store, idx: &[u32], format: Format, path: &str) -> Result<()> {
    let text = render(store, idx, format)?;
    write_atomic(std::path::Path::new(path), text.as_bytes())?;
    Ok(())
}
