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
    /// Keep following the files: print new events as lines are appended (rotation and
    /// truncation are followed). Ctrl-C stops.
    #[arg(long)]
    pub follow: bool,
}

fn follow(a: EventsArgs) -> Result<i32> {
    let ctx = crate::ingest::Ctx {
        strings: crate::model::Strings::new(),
        default_offset_min: a.load.options()?.default_offset_min,
    };
    let mut followers: Vec<crate::live::follow::Follower> = a
        .load
        .files
        .iter()
        .map(|f| crate::live::follow::Follower::new(f))
        .collect();
    let out = std::io::stdout();
    loop {
        let mut store = crate::model::Store::new(ctx.strings.clone());
        for f in &mut followers {
            let batch = f.poll(&ctx)?;
            let mut src = crate::model::Source::new(
                f.path.clone(),
                f.format.unwrap_or(crate::model::Format::Empty),
            );
            for e in &batch.errors {
                super::common::say(format_args!("heisen: {}", e.located(&f.path)));
            }
            src.error_count = batch.error_count;
            src.errors_kept = batch.errors_kept;
            crate::ingest::absorb(&mut store, src, batch)?;
        }
        store.sort();
        let mut w = out.lock();
        for e in store.events() {
            write_event(&mut w, &store, e, a.json)?;
        }
        w.flush()?;
        drop(w);
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// One event as a JSON line or a sanitised text line.
pub fn write_event(
    w: &mut impl Write,
    store: &crate::model::Store,
    e: &crate::model::Event,
    json: bool,
) -> Result<()> {
    if json {
        crate::text::json::write(&mut *w, &store.view(e))?;
        w.write_all(b"\n")?;
    } else {
        writeln!(w, "{}", crate::text::sanitize(&store.line_text(e), true))?;
    }
    Ok(())
}

/// Run `heisen events`.
pub fn run(a: EventsArgs) -> Result<i32> {
    if a.follow {
        return follow(a);
    }
    let store = a.load.load()?;
    let out = std::io::stdout();
    let mut w = std::io::BufWriter::with_capacity(1 << 16, out.lock());
    let n = a.limit.unwrap_or(usize::MAX);
    for e in store.events().iter().take(n) {
        write_event(&mut w, &store, e, a.json)?;
    }
    w.flush()?;
    if let Some(s) = error_summary(&store) {
        super::common::say(s);
    }
    Ok(0)
}
