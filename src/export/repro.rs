//! Repro files: a header line naming the oracle and the inputs, then the kept events — schedule
//! operations as schedule lines, everything else as normalised event lines.

use crate::analysis::minimize::Minimized;
use crate::model::{Kind, Store};
use serde_json::{json, Map, Value};

/// One event as a schedule line (operations) or a normalised event line (everything else).
pub fn line(store: &Store, i: u32) -> Value {
    let e = &store.events()[i as usize];
    if e.kind() != Kind::Op {
        return super::jsonl::event(store, i);
    }
    let mut m = Map::new();
    m.insert("ts".into(), json!(e.ts));
    m.insert("thread".into(), json!(store.opt(e.thread)));
    m.insert("op".into(), json!(e.op().map(|o| o.as_str())));
    if let Some(o) = e.obj {
        m.insert("obj".into(), json!(store.s(o)));
    }
    if !e.value().is_null() {
        m.insert("value".into(), e.value().to_json(store.strings()));
    }
    for a in store.attrs(e) {
        m.insert(
            store.s(a.key()).to_string(),
            a.value().to_json(store.strings()),
        );
    }
    Value::Object(m)
}

/// An input of a repro: its path and, when it could be read, its SHA-256.
pub fn source(path: &str) -> Value {
    json!({"path": path, "sha256": crate::files::sha256_file(path).ok()})
}

/// The text of a repro file for the result of minimising `store` with `oracle`.
pub fn text(
    store: &Store,
    oracle: &str,
    sources: &[Value],
    m: &Minimized,
) -> serde_json::Result<String> {
    let header = json!({"heisen_repro": {
        "oracle": oracle, "sources": sources, "input_events": m.input_events,
        "events": m.events.len(), "oracle_calls": m.oracle_calls}});
    let mut text = crate::text::json::to_string(&header)? + "\n";
    for &i in &m.events {
        text.push_str(&crate::text::json::to_string(&line(store, i))?);
        text.push('\n');
    }
    Ok(text)
}
