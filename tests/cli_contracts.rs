//! The command line's contracts (issue 15): outputs never overwrite inputs, exit codes as the
//! README lists them, no terminal escape sequence from outside text reaches the terminal,
//! durations that overflow are errors.

use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::heisen;

const COUNTER: &str = "sample-traces/counter/schedule.jsonl";
const BAD_POD: &str = "sample-traces/bad-pod/app.jsonl";

/// Run heisen in `dir`.
fn heisen_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heisen"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run heisen")
}

fn code(out: &Output) -> Option<i32> {
    out.status.code()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A copy of a sample in a fresh directory, with a hard link and a symlink to it.
fn sample_dir(sample: &str) -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().expect("tmp");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(sample);
    std::fs::copy(src, dir.path().join("s.jsonl")).expect("copy");
    std::fs::hard_link(dir.path().join("s.jsonl"), dir.path().join("hard.jsonl")).expect("link");
    std::os::unix::fs::symlink("s.jsonl", dir.path().join("sym.jsonl")).expect("symlink");
    let names = ["s.jsonl", "hard.jsonl", "sym.jsonl", "./sub/../s.jsonl"];
    std::fs::create_dir(dir.path().join("sub")).expect("sub");
    (dir, names.iter().map(|s| s.to_string()).collect())
}

#[test]
fn an_output_that_is_an_input_is_refused_with_exit_2() {
    let (dir, names) = sample_dir(COUNTER);
    let before = std::fs::read(dir.path().join("s.jsonl")).expect("read");
    for out in &names {
        let runs: [&[&str]; 2] = [
            &["minimize", "s.jsonl", "--oracle", "race", "-o", out],
            &[
                "export",
                "s.jsonl",
                "-q",
                "op = write",
                "--to",
                "jsonl",
                "-o",
                out,
            ],
        ];
        for args in runs {
            let r = heisen_in(dir.path(), args);
            assert_eq!(code(&r), Some(2), "{args:?}: {}", stderr(&r));
            assert!(
                stderr(&r).contains("never writes its inputs"),
                "{}",
                stderr(&r)
            );
        }
    }
    assert_eq!(
        std::fs::read(dir.path().join("s.jsonl")).expect("read"),
        before
    );
    // Another name is written, and nothing is left beside it.
    let r = heisen_in(
        dir.path(),
        &["export", "s.jsonl", "--to", "jsonl", "-o", "out.jsonl"],
    );
    assert_eq!(code(&r), Some(0), "{}", stderr(&r));
    let mut files: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        ["hard.jsonl", "out.jsonl", "s.jsonl", "sub", "sym.jsonl"]
    );
}

#[test]
fn output_dash_is_standard_output() {
    let (dir, _) = sample_dir(COUNTER);
    let r = heisen_in(
        dir.path(),
        &[
            "export",
            "s.jsonl",
            "-q",
            "op = write",
            "--to",
            "jsonl",
            "-o",
            "-",
        ],
    );
    assert_eq!(code(&r), Some(0), "{}", stderr(&r));
    let lines = String::from_utf8(r.stdout).expect("utf-8");
    assert!(lines.lines().count() > 1);
    assert!(
        lines.lines().all(|l| l.contains(r#""op":"write""#)),
        "{lines}"
    );
    let r = heisen_in(
        dir.path(),
        &["minimize", "s.jsonl", "--oracle", "lost-update", "-o", "-"],
    );
    assert_eq!(code(&r), Some(0), "{}", stderr(&r));
    let repro = String::from_utf8(r.stdout).expect("utf-8");
    assert!(repro.starts_with(r#"{"heisen_repro":"#), "{repro}");
    assert!(!dir.path().join("-").exists());
}

#[test]
fn usage_errors_exit_2_and_unreadable_inputs_exit_1() {
    let usage: [&[&str]; 6] = [
        &["stats", BAD_POD, "--tz", "abc"],
        &["stats"],
        &["stats", BAD_POD, "--shift", "nothing.log=+1h"],
        &[
            "minimize",
            COUNTER,
            "--oracle",
            "hypothesis:(",
            "-o",
            "/dev/null",
        ],
        &["query", BAD_POD, "-q", "dur > 2562048h"],
        &["diff", BAD_POD, BAD_POD, "--tz", "+99:99x"],
    ];
    for args in usage {
        let r = heisen(args);
        assert_eq!(code(&r), Some(2), "{args:?}: {}", stderr(&r));
    }
    let r = heisen(&["stats", "no/such/file.jsonl"]);
    assert_eq!(code(&r), Some(1), "{}", stderr(&r));
    let parsed: [&[&str]; 2] = [
        &["stats", BAD_POD, "--tz", "-05:00"],
        &["diff", BAD_POD, BAD_POD, "--tz", "-0500"],
    ];
    for args in parsed {
        let r = heisen(args);
        assert_eq!(code(&r), Some(0), "{args:?}: {}", stderr(&r));
    }
}

#[test]
fn an_overflowing_duration_is_an_error_at_its_position() {
    for (q, caret) in [
        ("a within 2562048h", "         ^"),
        ("dur > 18446744073709551616ns", "      ^"),
    ] {
        let r = heisen(&["query", BAD_POD, "-q", q]);
        assert_eq!(code(&r), Some(2), "{q}");
        let err = stderr(&r);
        assert!(err.contains("too long") && err.contains(caret), "{err}");
    }
}

#[test]
fn exit_code_3_when_something_was_found() {
    let falsified = r#"expect level = error when hostname = "pod-2" per request"#;
    let found: [&[&str]; 5] = [
        &["races", COUNTER],
        &["stale", "sample-traces/stale-replica/schedule.jsonl"],
        &[
            "verify",
            "sample-traces/orders/orders.jsonl",
            "--spec",
            "sample-traces/orders/orders.toml",
        ],
        &["check", BAD_POD, "--hypothesis", falsified],
        &[
            "diff",
            "sample-traces/dep-drift/dev.jsonl",
            "sample-traces/dep-drift/prod.jsonl",
        ],
    ];
    for args in found {
        assert_eq!(code(&heisen(args)), Some(0), "{args:?} without --exit-code");
        for json in [&[][..], &["--json"][..]] {
            let all = [args, &["--exit-code"], json].concat();
            assert_eq!(code(&heisen(&all)), Some(3), "{all:?}");
        }
    }
    let nothing: [&[&str]; 3] = [
        &["races", BAD_POD, "--exit-code"],
        &["stale", BAD_POD, "--exit-code"],
        &["diff", BAD_POD, BAD_POD, "--exit-code"],
    ];
    for args in nothing {
        assert_eq!(code(&heisen(args)), Some(0), "{args:?}");
    }
}

/// Terminal-control bytes that must never be written: ESC, BEL and the 8-bit CSI.
fn assert_no_controls(args: &[&str], out: &Output) {
    for (name, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let bad = bytes.iter().position(|b| [0x1b, 0x07, 0x9b].contains(b));
        assert!(
            bad.is_none(),
            "{args:?}: a control byte in {name}: {:?}",
            String::from_utf8_lossy(bytes)
        );
    }
}

fn owned(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| a.to_string()).collect()
}

#[test]
fn no_escape_sequence_from_outside_text_reaches_the_terminal() {
    const EVIL: &str = "\u{1b}]0;X\u{7}\u{9b}2J";
    let dir = tempfile::tempdir().expect("tmp");
    let name = format!("name{EVIL}.jsonl");
    let mut data =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(COUNTER)).expect("read");
    data.push_str(&format!(
        "{{\"ts\":1,\"thread\":\"T{EVIL}\",\"op\":\"write\",\"obj\":\"c{EVIL}\",\"value\":\"{}\",\"msg\":\"m{EVIL}\",\"trace\":\"t{EVIL}\"}}\n",
        "\\u001b[2J"
    ));
    std::fs::write(
        dir.path().join(&name),
        data.replace('\u{1b}', "\\u001b")
            .replace('\u{7}', "\\u0007"),
    )
    .expect("write");
    let spec = format!("spec{EVIL}.toml");
    std::fs::write(
        dir.path().join(&spec),
        format!("key = \"obj\"\nstate = \"op\"\ninitial = \"r{EVIL}\"\n[transitions]\n\"r{EVIL}\" = [\"w\"]\n"),
    )
    .expect("spec");
    let group = format!("{name}@trace=t{EVIL}");
    let missing = format!("missing{EVIL}.jsonl");
    let field = format!("`f{EVIL}` = 1 and nope{EVIL} = 1");
    let oracle = format!("nonsense{EVIL}");
    let hyp = format!("hypothesis:expect obj = \"c{EVIL}\" when thred = 1 per thread");
    let n = name.as_str();
    let runs: Vec<Vec<String>> = vec![
        owned(&["stats", n]),
        owned(&["stats", n, "--json"]),
        owned(&["events", n]),
        owned(&["events", n, "--json"]),
        owned(&["events", &missing]),
        owned(&["events", n, "--tz", EVIL]),
        owned(&["events", n, "--shift", &oracle]),
        owned(&["events", n, &oracle]),
        owned(&["query", n, "-q", &format!("obj = \"c{EVIL}\"")]),
        owned(&[
            "query",
            n,
            "-q",
            &format!("(obj = \"c{EVIL}\") as a then (op = read) as b within 1h"),
        ]),
        owned(&["query", n, "-q", &field]),
        owned(&["query", n, "-q", "thred = 1"]),
        owned(&["query", n, "-q", &format!("\"{EVIL}")]),
        owned(&[
            "check",
            n,
            "--hypothesis",
            &format!("expect obj = \"c{EVIL}\" when op = write per thread"),
        ]),
        owned(&[
            "check",
            n,
            "--hypothesis",
            &format!("expect obj = 1 when op = write per thr{EVIL}"),
        ]),
        owned(&["races", n]),
        owned(&["races", n, "--json"]),
        owned(&["stale", n]),
        owned(&["verify", n, "--spec", &spec]),
        owned(&["verify", n, "--spec", &spec, "--json"]),
        owned(&["verify", n, "--spec", &missing]),
        owned(&["minimize", n, "--oracle", &oracle, "-o", "r.jsonl"]),
        owned(&["minimize", n, "--oracle", &hyp, "-o", "r.jsonl"]),
        owned(&["minimize", n, "--oracle", "race", "-o", &missing]),
        owned(&["minimize", n, "--oracle", "race", "-o", n]),
        owned(&["replay", n, "--json"]),
        owned(&["export", n, "--to", "jsonl", "-o", "-"]),
        owned(&["export", n, "--to", "chrome", "-o", "-"]),
        owned(&["export", n, "--to", "jsonl", "-o", n]),
        owned(&["diff", n, BAD_POD]),
        owned(&["diff", n, &missing]),
        owned(&["diff", &group, n]),
        owned(&["diff", &group, n, "--json"]),
        owned(&["diff", &format!("{n}@trace=none{EVIL}"), n]),
        owned(&[
            "suggest",
            n,
            "--outcome",
            &format!("obj = \"c{EVIL}\""),
            "--per",
            &format!("x{EVIL}"),
        ]),
        owned(&[
            "suggest",
            n,
            "--outcome",
            &format!("obj = \"c{EVIL}\""),
            "--per",
            "thread",
        ]),
        owned(&[
            "suggest",
            n,
            "--outcome",
            &format!("ob{EVIL}j = 1"),
            "--per",
            "thread",
        ]),
        owned(&[EVIL]),
        owned(&["stats", "--bogus", EVIL]),
    ];
    for args in runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = heisen_in(dir.path(), &args);
        assert_no_controls(&args, &out);
    }
}

/// Messages reach stderr only through `cli::common::say`, which escapes them: no command
/// prints to stderr on its own.
#[test]
fn stderr_is_written_only_through_the_escaping_path() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cli");
    let mut raw = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("src/cli") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        let n = text.matches("eprintln!(").count() + text.matches("eprint!(").count();
        let allowed = usize::from(path.ends_with("common.rs"));
        if n != allowed {
            raw.push(format!("{}: {n}", path.display()));
        }
    }
    assert!(raw.is_empty(), "print through common::say: {raw:?}");
}

#[test]
fn a_hypothesis_oracle_on_an_unknown_field_is_a_usage_error() {
    let out = heisen(&[
        "minimize",
        "sample-traces/counter/schedule.jsonl",
        "--oracle",
        "hypothesis:expect nosuchfield = 1 when level = error per request",
        "-o",
        "-",
    ]);
    assert_eq!(code(&out), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("unknown field 'nosuchfield'"));
    assert!(out.stdout.is_empty(), "no repro is written");
}

#[test]
fn minimize_json_to_standard_output_keeps_its_summary_on_stderr() {
    let out = heisen(&[
        "minimize",
        "sample-traces/counter/schedule.jsonl",
        "--oracle",
        "race",
        "--json",
        "-o",
        "-",
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let repro = String::from_utf8_lossy(&out.stdout);
    let header: serde_json::Value =
        serde_json::from_str(repro.lines().next().expect("a header")).expect("json");
    let summary: serde_json::Value = serde_json::from_str(stderr(&out).trim()).expect("json");
    assert_eq!(
        summary["output_events"], header["heisen_repro"]["events"],
        "{summary}"
    );
    assert_eq!(
        repro.lines().count() as u64,
        1 + summary["output_events"].as_u64().unwrap()
    );
}
