//! The command line: clap subcommands, each a thin face over library calls. Each command's
//! arguments and body live in its own module.

pub mod analyse;
pub mod check;
pub mod common;
pub mod compare;
pub mod events;
pub mod narrow;
pub mod query;
pub mod record;
pub mod stats;

use clap::{Parser, Subcommand};

/// heisen — a terminal workbench for the bugs only production shows.
#[derive(Parser, Debug)]
#[command(
    name = "heisen",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub cmd: Option<Command>,
    /// Files to open in the workbench (none: a bundled scenario).
    #[command(flatten)]
    pub open: common::LoadArgs,
    /// Colour theme of the workbench: dark, light, high-contrast, or a file in
    /// $XDG_CONFIG_HOME/heisen/themes/NAME.toml.
    #[arg(long, default_value = "dark", value_name = "NAME")]
    pub theme: String,
    /// Keep following the files: new lines appear as they are written.
    #[arg(long)]
    pub follow: bool,
    /// Receive OpenTelemetry over OTLP/HTTP on this address (e.g. 127.0.0.1:4318).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<std::net::SocketAddr>,
    /// Append everything received to this OTLP JSON lines file.
    #[arg(long, value_name = "FILE", requires = "listen")]
    pub save: Option<String>,
}

/// The headless commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Per source: detected format, events, parse errors, time range, lanes.
    Stats(stats::StatsArgs),
    /// Every event, merged in time order, normalised.
    Events(events::EventsArgs),
    /// Events matching a filter, or the matches of a temporal pattern.
    Query(query::QueryArgs),
    /// Test a hypothesis: verdict, 2×2 table, counterexamples.
    Check(check::CheckArgs),
    /// Data races and atomicity violations (lost updates) in schedules and race reports.
    Races(analyse::RacesArgs),
    /// The first illegal transition of each instance of a state machine.
    Verify(analyse::VerifyArgs),
    /// Reads that returned a value older than a write completed before them.
    Stale(analyse::StaleArgs),
    /// Cut the evidence down to a 1-minimal repro that keeps an oracle true.
    Minimize(narrow::MinimizeArgs),
    /// Replay a repro or any input step by step (TUI; --json prints the state after each step).
    Replay(narrow::ReplayArgs),
    /// Write a slice of the events as JSON lines or Chrome trace JSON (Perfetto).
    Export(narrow::ExportArgs),
    /// Flight recorder: receive OTLP/HTTP and append it to an OTLP JSON lines file.
    Record(record::RecordArgs),
    /// Diff two runs (files, or groups FILE@trace=ID): first divergence, reorderings, timing, environment.
    Diff(compare::DiffArgs),
    /// Rank what distinguishes groups with an outcome from groups without, as hypotheses to check.
    Suggest(compare::SuggestArgs),
}

/// Exit codes, as the README lists them.
pub mod exit {
    /// Success (and nothing found, with `--exit-code`).
    pub const OK: i32 = 0;
    /// An input could not be read or its format detected.
    pub const INPUT: i32 = 1;
    /// Usage: a wrong argument, query or output.
    pub const USAGE: i32 = 2;
    /// With `--exit-code`: something was found (a falsified hypothesis, a race, a violation,
    /// a stale read, a difference).
    pub const FOUND: i32 = 3;

    /// The code for a command that found something (or not), under `--exit-code`.
    pub fn found(exit_code: bool, found: bool) -> i32 {
        if exit_code && found {
            FOUND
        } else {
            OK
        }
    }
}

/// Parse arguments and run; returns the process exit code.
pub fn run() -> i32 {
    crate::timing::init();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_error(&e),
    };
    let result = match cli.cmd {
        Some(Command::Stats(a)) => stats::run(a),
        Some(Command::Events(a)) => events::run(a),
        Some(Command::Query(a)) => query::run(a),
        Some(Command::Check(a)) => check::run(a),
        Some(Command::Races(a)) => analyse::races(a),
        Some(Command::Verify(a)) => analyse::verify(a),
        Some(Command::Stale(a)) => analyse::stale(a),
        Some(Command::Minimize(a)) => narrow::minimize(a),
        Some(Command::Replay(a)) => narrow::replay(a),
        Some(Command::Export(a)) => narrow::export(a),
        Some(Command::Record(a)) => record::run(a),
        Some(Command::Diff(a)) => compare::diff(a),
        Some(Command::Suggest(a)) => compare::suggest(a),
        None => common::open_workbench(
            cli.open,
            crate::ui::UiOptions {
                files: Vec::new(),
                load: Default::default(),
                theme: cli.theme,
                follow: cli.follow,
                listen: cli.listen,
                save: cli.save,
            },
        ),
    };
    crate::timing::mark("done");
    match result {
        Ok(code) => code,
        Err(e) if common::is_broken_pipe(&e) => exit::OK,
        Err(e) => {
            common::say(format!("heisen: {e:#}"));
            error_code(&e)
        }
    }
}

/// The exit code of a failed command: usage for a wrong argument or output, else input.
pub fn error_code(e: &anyhow::Error) -> i32 {
    let usage = e.chain().any(|c| {
        c.downcast_ref::<crate::ops::Usage>().is_some()
            || c.downcast_ref::<crate::files::OutputError>().is_some()
    });
    if usage {
        exit::USAGE
    } else {
        exit::INPUT
    }
}

/// Report an argument error with its text escaped (clap echoes arguments as given); help and
/// version go to stdout as usual.
fn clap_error(e: &clap::Error) -> i32 {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
    } else {
        let text = e.render().to_string();
        common::say(text.trim_end());
    }
    e.exit_code()
}
