//! Helpers shared by the tests that run the binary.
#![allow(dead_code)]

use serde_json::Value;
use std::process::{Command, Output};

/// Run heisen in the project directory.
pub fn heisen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heisen"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run heisen")
}

/// Run heisen, expect success, parse stdout as one JSON document.
pub fn json(args: &[&str]) -> Value {
    let out = heisen(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}
