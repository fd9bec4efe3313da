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
