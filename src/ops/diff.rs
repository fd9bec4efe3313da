//! Diffing two runs, each a file or a group in it (`FILE@key=value`).

use crate::analysis::diff::{self, RunDiff, Side};
use crate::model::Store;
use crate::query::{self, QueryResult};
use anyhow::{bail, Result};

/// One run: its store and the events taken from it.
pub struct Run {
    pub store: Store,
    pub events: Vec<u32>,
}

impl Run {
    /// The run as a side of a diff.
    pub fn side(&self) -> Side<'_> {
        Side {
            store: &self.store,
            events: self.events.clone(),
        }
    }
}

/// Load one run: `FILE`, or `FILE@key=value` for only that group's events (any field or
/// attribute); `tz` for times written without a zone.
pub fn load_run(spec: &str, tz: Option<&str>) -> Result<Run> {
    let (file, group) = match spec.rsplit_once('@') {
        Some((f, g)) if g.contains('=') && std::path::Path::new(f).exists() => (f, Some(g)),
        _ => (spec, None),
    };
    let files = [file.to_string()];
    let store = super::load::load(&files, &super::load::options(&files, tz, &[])?)?;
    let events = match group {
        None => (0..store.len() as u32).collect(),
        Some(g) => {
            let (k, v) = g.split_once('=').unwrap_or((g, ""));
            let q = format!("{k} = {}", query::ast::quote(v));
            match super::query::run(&store, &q, usize::MAX) {
                Ok(QueryResult::Events(e)) => e,
                Ok(_) => Vec::new(),
                Err(e) => bail!("{spec}: {}", e.message),
            }
        }
    };
    if events.is_empty() {
        bail!("{spec}: no events in this group");
    }
    Ok(Run { store, events })
}

/// Compare two runs.
pub fn diff(a: &Run, b: &Run) -> RunDiff {
    diff::diff(&a.side(), &b.side())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_is_a_file_or_a_group_in_it() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("run.jsonl");
        std::fs::write(
            &path,
            "{\"ts\":1,\"msg\":\"a\",\"trace_id\":\"t1\"}\n{\"ts\":2,\"msg\":\"b\",\"trace_id\":\"t2\"}\n",
        )
        .expect("write");
        let file = path.to_str().expect("utf-8");
        assert_eq!(load_run(file, None).expect("loads").events, [0, 1]);
        assert_eq!(
            load_run(&format!("{file}@trace=t2"), None)
                .expect("loads")
                .events,
            [1]
        );
        let e = load_run(&format!("{file}@trace=t3"), None)
            .err()
            .expect("empty");
        assert!(e.to_string().ends_with("no events in this group"), "{e}");
    }
}
