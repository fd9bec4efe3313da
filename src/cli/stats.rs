//! `heisen stats`: per source, the detected format, events, parse errors, time range, lanes.

use super::common::{print_json, LoadArgs};
use anyhow::Result;
use clap::Args;

/// Arguments of `heisen stats`.
#[derive(Args, Debug)]
pub struct StatsArgs {
    #[command(flatten)]
    pub load: LoadArgs,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Run `heisen stats`.
pub fn run(a: StatsArgs) -> Result<i32> {
    let store = a.load.load()?;
    if std::env::var_os("HEISEN_TIMING").is_some() {
        crate::timing::mark(&format!(
            "store: {} events ({} MB), {} attributes ({} MB), {} wide numbers ({} MB), {} strings ({:?} MB records/slots/starts)",
            store.events().len(),
            store.reserved_bytes().0 / 1_000_000,
            store.attr_pool().len(),
            store.reserved_bytes().1 / 1_000_000,
            crate::model::packed::wide_len(),
            crate::model::packed::wide_len() * 8 / 1_000_000,
            store.strings().len(),
            {
                let (r, s, t) = store.strings().memory();
                (r / 1_000_000, s / 1_000_000, t / 1_000_000)
            }
        ));
    }
    let stats = crate::stats::compute(&store, a.load.tz.is_some());
    crate::timing::mark("stats computed");
    if a.json {
        print_json(&stats)?;
    } else {
        print!("{}", stats.to_text());
    }
    Ok(0)
}
