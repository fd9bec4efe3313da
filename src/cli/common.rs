//! Arguments and helpers shared by the commands: loading inputs, printing JSON.

use crate::ingest::{LoadOptions, Shift};
use crate::model::Store;
use crate::ops;
use anyhow::{bail, Result};
use clap::Args;
use std::io::Write;

/// Inputs and how to read them.
#[derive(Args, Debug, Clone, Default)]
pub struct LoadArgs {
    /// Input files (any supported format, detected by content; .gz read transparently; - for stdin).
    pub files: Vec<String>,
    /// Time zone for times written without one: an offset such as +02:00, -0500 or UTC.
    #[arg(long, value_name = "OFFSET", allow_hyphen_values = true)]
    pub tz: Option<String>,
    /// Correct a source's clock at load time, e.g. --shift api.log=+2h (repeatable).
    #[arg(long, value_name = "SOURCE=DURATION")]
    pub shift: Vec<Shift>,
    /// Refuse an input larger than SIZE after decompression, e.g. 2G, 500M (default: no limit).
    #[arg(long, value_name = "SIZE", value_parser = crate::ingest::parse_size)]
    pub max_input: Option<u64>,
}

impl LoadArgs {
    /// Load options from the arguments (usage errors are reported as such).
    pub fn options(&self) -> Result<LoadOptions> {
        let mut o = ops::load::options(&self.files, self.tz.as_deref(), &self.shift)?;
        o.max_input = self.max_input;
        Ok(o)
    }

    /// Load every input into one store.
    pub fn load(&self) -> Result<Store> {
        ops::load::load(&self.files, &self.options()?)
    }
}

/// Print a message on stderr with control characters and escape sequences escaped (newlines
/// and tabs kept). Every message of the commands goes through here, so outside text (file
/// names, arguments, queries, data) never reaches the terminal raw.
pub fn say(msg: impl std::fmt::Display) {
    eprintln!("{}", crate::text::sanitize(&msg.to_string(), false));
}

/// True when an error is a closed stdout (`heisen events | head`): not a failure.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Print a value as pretty JSON on stdout.
pub fn print_json<T: serde::Serialize>(v: &T) -> Result<()> {
    let out = std::io::stdout();
    let mut w = out.lock();
    crate::text::json::write_pretty(&mut w, v)?;
    writeln!(w)?;
    Ok(())
}

/// One line on stderr summarising parse errors, if there were any, and what became of their
/// records (kept or skipped).
pub fn error_summary(store: &Store) -> Option<String> {
    let total: u64 = store.sources().iter().map(|s| s.error_count).sum();
    if total == 0 {
        return None;
    }
    let kept: u64 = store.sources().iter().map(|s| s.errors_kept).sum();
    let fate = match (kept, total - kept) {
        (0, _) => " skipped".to_string(),
        (_, 0) => " kept as events".to_string(),
        (k, s) => format!(": {k} kept as events, {s} skipped"),
    };
    let first = store
        .sources()
        .iter()
        .find_map(|s| s.errors.first().map(|e| e.located(&s.path)));
    let per: Vec<String> = store
        .sources()
        .iter()
        .filter(|s| s.error_count > 0)
        .map(|s| format!("{} in {}", s.error_count, s.path))
        .collect();
    Some(format!(
        "heisen: {total} malformed records{fate} ({}); first: {}; see `heisen stats`",
        per.join(", "),
        crate::text::sanitize(&first.unwrap_or_default(), true)
    ))
}

/// `heisen [FILE...]`: open the interactive workbench (files and load options from `args`).
pub fn open_workbench(args: LoadArgs, mut opts: crate::ui::UiOptions) -> Result<i32> {
    opts.load = args.options()?;
    opts.files = args.files;
    if opts.follow && opts.files.is_empty() {
        bail!("--follow needs files to follow");
    }
    crate::ui::run(opts)
}
