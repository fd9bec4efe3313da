//! Hostile input must give an error, never a crash: deep nesting in queries and in log lines,
//! non-ASCII text where a query goes wrong, and invisible controls on the way to the terminal.

use std::process::Output;

mod common;
use common::heisen;

const LOG: &str = "sample-traces/replica-lag/app.jsonl";

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A usage error (exit 2) that says `what`, and no panic.
fn assert_usage_error(o: &Output, what: &str, context: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{context}: {err}");
    assert!(err.contains(what), "{context}: {err}");
    assert!(!err.contains("panicked"), "{context}: {err}");
}

/// The query, the hypothesis or the oracle built from `q` for each command that takes one.
fn every_path(q: &str, out: &str) -> Vec<(&'static str, Output)> {
    let h = format!("expect {q} when level = error per request");
    let oracle = format!("hypothesis:{h}");
    vec![
        ("query", heisen(&["query", LOG, "-q", q])),
        ("check", heisen(&["check", LOG, "--hypothesis", &h])),
        (
            "suggest",
            heisen(&["suggest", LOG, "--outcome", q, "--per", "request"]),
        ),
        (
            "export",
            heisen(&["export", LOG, "-q", q, "--to", "jsonl", "-o", out]),
        ),
        (
            "minimize",
            heisen(&["minimize", LOG, "--oracle", &oracle, "-o", out]),
        ),
    ]
}

#[test]
fn non_ascii_in_a_query_is_a_syntax_error_on_every_path() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out.jsonl");
    let out = out.to_str().expect("utf-8 path");
    for (q, bad) in [
        ("é", 'é'),
        ("level ≥ warn", '≥'),
        ("日本 = 1", '日'),
        ("🔥", '🔥'),
        (r#"msg = "ünïcödé ok" and 👍"#, '👍'),
    ] {
        for (cmd, o) in every_path(q, out) {
            let what = format!("unexpected character '{bad}'");
            assert_usage_error(&o, &what, &format!("{cmd} {q}"));
        }
    }
    assert!(!std::path::Path::new(out).exists(), "nothing was written");
}

#[test]
fn the_caret_stands_under_the_offending_character() {
    let o = heisen(&["query", LOG, "-q", "level ≥ warn"]);
    assert_eq!(
        stderr(&o),
        "error: unexpected character '≥'\n  level ≥ warn\n        ^\n"
    );
    // Wide characters take two columns, on the query line and under it.
    let o = heisen(&["query", LOG, "-q", r#"msg = "日本" and 本 = 1"#]);
    assert_eq!(
        stderr(&o),
        "error: unexpected character '本'\n  msg = \"日本\" and 本 = 1\n                   ^^\n"
    );
}

#[test]
fn deep_nesting_in_a_query_is_a_syntax_error() {
    let deep = [
        ("(".repeat(10_000), "open parentheses"),
        (
            format!("{}level = error", "(".repeat(10_000)),
            "unbalanced",
        ),
        (
            format!("{}level = error", "not ".repeat(25_000)),
            "nots",
        ),
        (
            vec!["x = 1"; 10_000].join(" or "),
            "a chain of ors",
        ),
        (
            vec!["x = 1"; 10_000].join(" and "),
            "a chain of ands",
        ),
        (
            format!(
                "(level = error) as a then (level = info) as b within 1s where {}a.request = b.request",
                "(".repeat(10_000)
            ),
            "a pattern's where",
        ),
        (
            format!(
                "(level = error) as a then (level = info) as b within 1s where {}a.request = b.request",
                "not ".repeat(25_000)
            ),
            "a pattern's where, with nots",
        ),
    ];
    for (q, what) in &deep {
        let o = heisen(&["query", LOG, "-q", q]);
        assert_usage_error(&o, "the query nests deeper than 128 levels", what);
    }
    // The same through a hypothesis.
    let h = format!(
        "expect {}level = error when level = info per request",
        "not ".repeat(25_000)
    );
    assert_usage_error(
        &heisen(&["check", LOG, "--hypothesis", &h]),
        "nests deeper",
        "check",
    );
}

#[test]
fn the_deepest_accepted_query_runs_on_a_small_stack() {
    let store = heisen::ingest::load_named_bytes(
        &[("app.jsonl", std::fs::read(LOG).expect("log").as_slice())],
        &heisen::ingest::LoadOptions::default(),
    )
    .expect("load");
    let max = heisen::query::parser::MAX_DEPTH;
    let at_limit = [
        format!("{}level = error{}", "(".repeat(max), ")".repeat(max)),
        format!("{}level = info", "not ".repeat(max)),
        vec!["level = error"; max + 1].join(" or "),
    ];
    let past_limit = [
        format!(
            "{}level = error{}",
            "(".repeat(max + 1),
            ")".repeat(max + 1)
        ),
        format!("{}level = info", "not ".repeat(max + 1)),
        vec!["level = error"; max + 2].join(" or "),
    ];
    // Parse, print, compile, run and drop on a thread with a workbench worker's stack
    // (debug builds use the most).
    let t = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let mut counts = Vec::new();
            for q in &at_limit {
                let ast = heisen::query::parser::parse(q).expect("accepted");
                assert!(!ast.to_string().is_empty());
                let c = heisen::query::compile(&store, q).expect("compiles");
                counts.push(match heisen::query::run(&store, &c) {
                    heisen::query::QueryResult::Events(e) => e.len(),
                    _ => usize::MAX,
                });
            }
            for q in &past_limit {
                let e = heisen::query::parser::parse(q).expect_err("too deep");
                assert!(e.message.contains("nests deeper"), "{}", e.message);
            }
            counts
        })
        .expect("spawn");
    let counts = t.join().expect("no overflow");
    // 10 errors; the 150 infos under an even number of nots; 10 errors again.
    assert_eq!(max % 2, 0);
    assert_eq!(counts, [10, 150, 10]);
}

#[test]
fn deep_brackets_in_a_log_do_not_overflow_the_stack() {
    let dir = tempfile::tempdir().expect("tmp");
    // A plain-text line of 20 000 '[' after good lines: timestamp detection per line.
    let line = dir.path().join("line.log");
    std::fs::write(
        &line,
        format!(
            "2025-11-23 09:30:00 INFO start\n{}\n2025-11-23 09:30:01 INFO end\n",
            "[".repeat(20_000)
        ),
    )
    .expect("write");
    let o = heisen(&["events", "--json", line.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let n = String::from_utf8_lossy(&o.stdout).lines().count();
    assert_eq!(n, 2, "{}", stderr(&o));
    // A file of 100 000 '[': format detection. Not a known format: exit 1, with a reason.
    let brackets = dir.path().join("brackets.txt");
    std::fs::write(&brackets, "[".repeat(100_000)).expect("write");
    let o = heisen(&["stats", brackets.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot detect the format"),
        "{}",
        stderr(&o)
    );
    // A time inside a few brackets is still found.
    let nested = dir.path().join("nested.log");
    std::fs::write(&nested, "[[2025-11-23 09:30:00]] INFO nested\n").expect("write");
    let o = heisen(&["events", "--json", nested.to_str().expect("path")]);
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|_| panic!("{}", stderr(&o)));
    assert_eq!(v["ts"], "2025-11-23T09:30:00.000000000Z");
    assert_eq!(v["msg"], "nested");
}

/// Bidi and invisible controls: each is shown escaped, never sent to the terminal.
const INVISIBLE: [char; 14] = [
    '\u{061c}', '\u{200b}', '\u{200e}', '\u{200f}', '\u{2028}', '\u{2029}', '\u{202a}', '\u{202b}',
    '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2069}', '\u{feff}',
];

#[test]
fn bidi_and_invisible_controls_are_escaped() {
    for c in INVISIBLE {
        let s = format!("a{c}b");
        let want = format!("a\\u{{{:x}}}b", c as u32);
        assert_eq!(heisen::text::sanitize(&s, true), want);
        assert_eq!(heisen::text::sanitize(&s, false), want);
    }
    // Joiners stay: emoji sequences and scripts need them.
    assert_eq!(heisen::text::sanitize("👩\u{200d}💻", true), "👩\u{200d}💻");
}

#[test]
fn bidi_controls_in_a_log_reach_the_terminal_escaped() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("bidi.jsonl");
    let mut text = String::new();
    for (i, c) in INVISIBLE.iter().enumerate() {
        text.push_str(&format!(
            "{{\"ts\":{},\"level\":\"info\",\"msg\":\"user{c}admin\"}}\n",
            1_700_000_000_000u64 + i as u64
        ));
    }
    std::fs::write(&file, text).expect("write");
    let o = heisen(&["events", file.to_str().expect("path")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let shown = String::from_utf8_lossy(&o.stdout);
    assert_eq!(shown.lines().count(), INVISIBLE.len(), "{shown}");
    for c in INVISIBLE {
        assert!(
            !shown.contains(c),
            "U+{:04X} reached the terminal",
            c as u32
        );
        assert!(
            shown.contains(&format!("user\\u{{{:x}}}admin", c as u32)),
            "{shown}"
        );
    }
}

#[test]
fn repeated_repro_headers_do_not_overflow_format_detection() {
    // 3 400 header lines fill most of the sniffed head; each used to cost a recursion (about
    // 600 bytes each in a debug build: more than a 1 MiB stack).
    let header = "{\"heisen_repro\":1}\n";
    let op = "{\"ts\":1,\"thread\":\"T1\",\"op\":\"write\",\"obj\":\"x\",\"value\":1}\n";
    let only_headers = header.repeat(3_400);
    let then_an_op = format!("{only_headers}{op}");
    assert!(only_headers.len() < heisen::ingest::sniff::HEAD);
    let formats = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            [only_headers, then_an_op].map(|t| heisen::ingest::sniff::sniff(t.as_bytes()))
        })
        .expect("spawn")
        .join()
        .expect("no overflow");
    use heisen::model::Format;
    assert_eq!(formats, [Ok(Format::Schedule), Ok(Format::Schedule)]);
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, text).expect("write");
    p.to_string_lossy().into_owned()
}

#[test]
fn impossible_dates_and_offsets_are_parse_errors_with_their_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = write(
        &dir,
        "dates.jsonl",
        concat!(
            "{\"ts\":\"2025-02-28T10:00:00Z\",\"msg\":\"ok\"}\n",
            "{\"ts\":\"2025-02-30T10:00:00Z\",\"msg\":\"no such day\"}\n",
            "{\"ts\":\"2025-02-28T10:00:01+99:99\",\"msg\":\"no such zone\"}\n",
            "{\"ts\":\"2025-02-28T10:00:02Z\",\"msg\":\"ok again\"}\n",
        ),
    );
    let out = heisen(&["stats", "--json", &f]);
    assert!(out.status.success());
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let src = &s["sources"][0];
    assert_eq!(src["parse_errors"], 2, "{src}");
    let errors: Vec<String> = src["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e.as_str().unwrap_or_default().to_string())
        .collect();
    assert!(errors[0].contains(":2: unrecognised time"), "{errors:?}");
    assert!(errors[1].contains(":3: unrecognised time"), "{errors:?}");
}

#[test]
fn a_year_less_feb_29_lands_in_a_leap_year_not_in_march() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = write(
        &dir,
        "syslog",
        "Jan 22 07:52:33 host a[1]: one\nFeb 29 01:15:43 host a[1]: leap\n",
    );
    let out = heisen(&["events", "--json", &f]);
    let text = String::from_utf8_lossy(&out.stdout);
    let leap: serde_json::Value = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json"))
        .find(|e| e["line"] == 2)
        .expect("line 2 is an event of its own");
    let ts = leap["ts"].as_str().expect("ts");
    assert_eq!(&ts[4..10], "-02-29", "{ts}");
    let year: i64 = ts[..4].parse().expect("year");
    assert!(
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0),
        "{ts}"
    );
}
