//! Events as normalised JSON: one value per event, or one line per event.

use crate::model::Store;
use serde_json::Value;

/// An event (by store index) as its normalised JSON.
pub fn event(store: &Store, i: u32) -> Value {
    serde_json::to_value(store.view(&store.events()[i as usize])).unwrap_or(Value::Null)
}

/// The events as JSON lines, each line ending in a newline.
pub fn lines(store: &Store, idx: &[u32]) -> serde_json::Result<String> {
    let mut s = String::new();
    for &i in idx {
        s.push_str(&crate::text::json::to_string(
            &store.view(&store.events()[i as usize]),
        )?);
        s.push('\n');
    }
    Ok(s)
}
