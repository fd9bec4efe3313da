//! `heisen events`: every event, merged in time order, normalised.

use super::common::{error_summary, LoadArgs};
use anyhow::Result;
use clap::Args;
use std::io::Write;

/// Arguments of `heisen events`.
#[derive(Args, Debug)]
pub struct EventsArgs {
    #[command(flatten)]
    pub load: LoadArgs,
    /// Print one JSON object per line.
    #[arg(long)]
    pub json: bool,
    /// Print at most N events.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

/// Run `heisen events`.
pub fn run(a: EventsArgs) -> Result<i32> {
    let store = a.load.load()?;
    let out = std::io::stdout();
    let mut w = std::io::BufWriter::with_capacity(1 << 16, out.lock());
    let n = a.limit.unwrap_or(usize::MAX);
    for e in store.events.iter().take(n) {
        if a.json {
            serde_json::to_writer(&mut w, &store.view(e))?;
            w.write_all(b"\n")?;
        } else {
            writeln!(w, "{}", crate::text::sanitize(&store.line_text(e), true))?;
        }
    }
    w.flush()?;
    if let Some(s) = error_summary(&store) {
        eprintln!("{s}");
    }
    Ok(0)
}
