//! Exporting a slice of the events to a file.

use crate::export;
use crate::files::Output;
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
        Format::Chrome => crate::text::json::to_string(&export::chrome::trace(store, idx)),
    }
}

/// Write the events `idx` in `format` to `out` (a file atomically: a reader never sees half
/// of it).
pub fn write(store: &Store, idx: &[u32], format: Format, out: &Output) -> Result<()> {
    let text = render(store, idx, format)?;
    out.write(text.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{load_named_bytes, LoadOptions};

    #[test]
    fn jsonl_reads_back_and_chrome_names_its_processes() {
        let text = "{\"ts\":1,\"service\":\"api\",\"msg\":\"a\"}\n{\"ts\":2,\"service\":\"db\",\"msg\":\"b\"}\n";
        let store = load_named_bytes(&[("x.jsonl", text.as_bytes())], &LoadOptions::default())
            .expect("loads");
        let lines = render(&store, &[1], Format::Jsonl).expect("renders");
        assert_eq!(lines.lines().count(), 1);
        let back = load_named_bytes(&[("y.jsonl", lines.as_bytes())], &LoadOptions::default())
            .expect("reads back");
        assert_eq!(back.s(back.events()[0].service.expect("service")), "db");
        let chrome: serde_json::Value =
            serde_json::from_str(&render(&store, &[0, 1], Format::Chrome).expect("renders"))
                .expect("json");
        let procs: Vec<&str> = chrome["traceEvents"]
            .as_array()
            .expect("events")
            .iter()
            .filter(|e| e["name"] == "process_name")
            .filter_map(|e| e["args"]["name"].as_str())
            .collect();
        assert_eq!(procs, ["api", "db"]);
    }
}
