//! Reading input under faults: a limited address space, files truncated while read, streams
//! that are not regular files, and hostile or damaged gzip.

mod common;

use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_heisen");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Run a shell script (in the project directory, with `$H` the binary), at most `secs`.
fn sh(script: &str, secs: u32) -> Output {
    Command::new("bash")
        .args(["-c", &format!("timeout -s KILL {secs} bash -c '{script}'")])
        .env("H", BIN)
        .current_dir(ROOT)
        .stdin(Stdio::null())
        .output()
        .expect("run bash")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn every_command_runs_in_a_4_gib_address_space() {
    let inputs = "sample-traces/tz-drift/api.jsonl sample-traces/tz-drift/worker.log";
    let limited = sh(
        &format!(
            "ulimit -v 4000000; \"$H\" events --json {inputs} && \"$H\" stats --json {inputs}"
        ),
        60,
    );
    assert!(limited.status.success(), "{}", stderr(&limited));
    assert!(
        !stderr(&limited).contains("panicked"),
        "{}",
        stderr(&limited)
    );
    let free = common::heisen(&[
        "events",
        "--json",
        "sample-traces/tz-drift/api.jsonl",
        "sample-traces/tz-drift/worker.log",
    ]);
    assert!(free.stdout.len() > 1000);
    assert!(limited.stdout.starts_with(&free.stdout), "the same events");
    // Far less address space than a load needs: a clear error, never a panic or a hang.
    let tiny = sh(
        "ulimit -v 60000; \"$H\" events --json sample-traces/tz-drift/api.jsonl",
        60,
    );
    assert!(!stderr(&tiny).contains("panicked"), "{}", stderr(&tiny));
    assert!(tiny.status.code().is_some(), "killed by a signal: {tiny:?}");
}
