//! Loading: inputs and how to read them → one store.

use super::Usage;
use crate::ingest::{self, LoadOptions, Shift};
use crate::model::{time, Store};
use anyhow::Result;

/// Load options for `files`: `tz` for times written without a zone, `shifts` to correct a
/// source's clock (each must name one of the files).
pub fn options(files: &[String], tz: Option<&str>, shifts: &[Shift]) -> Result<LoadOptions> {
    let default_offset_min = match tz {
        Some(t) => time::parse_offset(t).ok_or_else(|| {
            Usage(format!(
                "--tz '{t}' is not an offset (e.g. +02:00, -0500, UTC)"
            ))
        })?,
        None => 0,
    };
    for s in shifts {
        if !files.iter().any(|f| s.matches(f)) {
            return Err(Usage(format!(
                "--shift names '{}', which is not one of the inputs",
                s.source
            ))
            .into());
        }
    }
    Ok(LoadOptions {
        default_offset_min,
        shifts: shifts.to_vec(),
        ..Default::default()
    })
}

/// Load every input into one store.
pub fn load(files: &[String], opts: &LoadOptions) -> Result<Store> {
    if files.is_empty() {
        return Err(Usage("no input files given".into()).into());
    }
    Ok(ingest::load_files(files, opts)?)
}
