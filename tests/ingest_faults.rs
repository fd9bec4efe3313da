//! Ingest under faults and hostile input (issue 15): malformed lines are counted and never
//! change another record silently; every input the fuzzers made crash is replayed here.

mod common;

use common::{heisen, json};
use heisen::ingest::driver::chunks::{parse_chunk, parse_doc, DocFn, LineFn};
use heisen::ingest::{formats, otlp, Batch, Ctx};
use heisen::model::Strings;
use serde_json::Value;
use std::io::Write;

/// A temporary file holding `bytes`, named with `suffix`.
fn file(bytes: &[u8], suffix: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new().suffix(suffix).tempfile().unwrap();
    f.write_all(bytes).unwrap();
    f
}

/// `events --json` of a file: the events, and stderr.
fn events(f: &tempfile::NamedTempFile) -> (Vec<Value>, String) {
    let path = f.path().to_str().unwrap();
    let out = heisen(&["events", "--json", path]);
    assert!(out.status.success(), "{out:?}");
    let evs = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (evs, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The first source of `stats --json`.
fn stats(f: &tempfile::NamedTempFile) -> Value {
    json(&["stats", "--json", f.path().to_str().unwrap()])["sources"][0].clone()
}

fn msgs(evs: &[Value]) -> Vec<&str> {
    evs.iter()
        .map(|e| e["msg"].as_str().unwrap_or(""))
        .collect()
}

#[test]
fn a_non_json_line_is_its_own_event_and_counted() {
    let f = file(
        b"{\"ts\":\"2025-01-01T00:00:00Z\",\"level\":\"error\",\"msg\":\"a\"}\n\
          java.lang.IllegalStateException: boom\n\
          \tat Foo.bar(Foo.java:1)\n\
          listening on :8080\n\
          {\"ts\":\"2025-01-01T00:00:01Z\",\"level\":\"info\",\"msg\":\"b\"}\n",
        ".jsonl",
    );
    let (evs, stderr) = events(&f);
    // The stack trace still continues record 1; the stray line does not touch it.
    assert_eq!(
        msgs(&evs),
        [
            "a\njava.lang.IllegalStateException: boom\n\tat Foo.bar(Foo.java:1)",
            "listening on :8080",
            "b"
        ]
    );
    assert_eq!(evs[1]["line"], 4);
    assert_eq!(evs[1]["ts"], evs[0]["ts"], "the time of the record above");
    assert!(
        stderr.contains("1 malformed records kept as events"),
        "{stderr}"
    );
    let s = stats(&f);
    assert_eq!(
        (s["parse_errors"].as_u64(), s["parse_errors_kept"].as_u64()),
        (Some(1), Some(1))
    );
    let err = s["errors"][0].as_str().unwrap();
    assert!(
        err.ends_with(
            ":4: not a JSON object; kept as an event of its own (time of the record above)"
        ),
        "{err}"
    );
}

#[test]
fn a_plain_line_with_an_invalid_time_is_its_own_event_and_counted() {
    let f = file(
        b"2025-01-01 10:00:00 INFO first\n\
          [2025-01-01 24:00:00] WARN bad hour\n\
          2025-02-30 10:00:01 ERROR no such day\n\
          2025-01-01 10:00:02 ERROR third\n\
          \tat java.lang.Foo(Foo.java:1)\n",
        ".log",
    );
    let (evs, stderr) = events(&f);
    assert_eq!(
        msgs(&evs),
        [
            "first",
            "bad hour",
            "no such day",
            "third\n\tat java.lang.Foo(Foo.java:1)"
        ]
    );
    assert_eq!(evs[1]["level"], "warn");
    assert_eq!(evs[2]["ts"], evs[0]["ts"]);
    assert!(
        stderr.contains("2 malformed records kept as events"),
        "{stderr}"
    );
    let s = stats(&f);
    let err = s["errors"][0].as_str().unwrap();
    assert!(
        err.contains(":2: invalid time `2025-01-01 24:00:00`; kept"),
        "{err}"
    );
}

#[test]
fn malformed_logfmt_is_counted_and_json_among_logfmt_is_read() {
    let f = file(
        b"ts=2025-01-01T00:00:00Z level=info msg=a\n\
          ts=2025-01-01T00:00:01Z level==warn msg=b\n\
          =oops no key\n\
          {\"ts\":\"2025-01-01T00:00:03Z\",\"level\":\"error\",\"msg\":\"json\"}\n\
          panic: boom\n\
          \tmain.go:12\n",
        ".log",
    );
    let (evs, stderr) = events(&f);
    assert_eq!(
        msgs(&evs),
        ["a", "b", "=oops no key", "json\npanic: boom\n\tmain.go:12"]
    );
    assert_eq!(evs[1]["attrs"]["level"], "=warn", "kept as written");
    assert_eq!(evs[3]["level"], "error");
    assert!(
        stderr.contains("2 malformed records kept as events"),
        "{stderr}"
    );
    let s = stats(&f);
    let errs: Vec<&str> = s["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    assert!(
        errs[0].contains(":2: malformed logfmt at column 31"),
        "{errs:?}"
    );
    assert!(errs[1].contains(":3: not logfmt; kept"), "{errs:?}");
}

#[test]
fn kept_and_skipped_records_are_told_apart() {
    let f = file(
        b"{\"ts\":1,\"msg\":\"a\"}\nstray words\n{\"ts\":2,\"msg\":\n{\"ts\":3,\"msg\":\"c\"}\n",
        ".jsonl",
    );
    let (evs, stderr) = events(&f);
    assert_eq!(evs.len(), 3);
    assert!(
        stderr.contains("2 malformed records: 1 kept as events, 1 skipped"),
        "{stderr}"
    );
}

#[test]
fn cr_only_line_endings_are_lines() {
    for (body, suffix) in [
        (&b"2025-01-01 10:00:00 INFO one\r2025-01-01 10:00:01 INFO two\r2025-01-01 10:00:02 INFO three\r"[..], ".log"),
        (&b"{\"ts\":1,\"msg\":\"one\"}\r{\"ts\":2,\"msg\":\"two\"}\r{\"ts\":3,\"msg\":\"three\"}"[..], ".jsonl"),
    ] {
        let f = file(body, suffix);
        let (evs, _) = events(&f);
        assert_eq!(msgs(&evs), ["one", "two", "three"], "{suffix}");
        assert_eq!(evs[2]["line"], 3);
        let notes = stats(&f)["notes"].to_string();
        assert!(notes.contains("CR alone"), "{notes}");
    }
}

/// Run `f` on a thread with a small stack: recursion over input would overflow it.
fn small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(256 << 10)
        .spawn(f)
        .unwrap()
        .join()
        .expect("no panic");
}

fn ctx() -> Ctx {
    Ctx::new(Strings::new())
}

const LINE_FORMATS: [LineFn; 5] = [
    formats::jsonl::line,
    formats::logfmt::line,
    formats::plain::line,
    formats::schedule::line,
    otlp::line,
];

const DOC_FORMATS: [DocFn; 7] = [
    otlp::parse_doc,
    formats::chrome::parse_doc,
    formats::jaeger::parse_doc,
    formats::zipkin::parse_doc,
    formats::gorace::parse_doc,
    formats::tsan::parse_doc,
    formats::schedule::parse_doc,
];

/// Every parser on one input, line formats and documents.
fn every_parser(input: &[u8]) -> Vec<Batch> {
    let c = ctx();
    let mut out: Vec<Batch> = LINE_FORMATS
        .iter()
        .map(|f| parse_chunk(input, &c, *f))
        .collect();
    out.extend(DOC_FORMATS.iter().map(|f| parse_doc(input, &c, *f)));
    out
}

#[test]
fn deep_nesting_does_not_overflow_any_parser() {
    for open in ["[", "{\"a\":", "[{\"k\":", "{\"resourceSpans\":["] {
        let deep = open.repeat(50_000).into_bytes();
        small_stack(move || drop(every_parser(&deep)));
    }
}

#[test]
fn non_ascii_and_control_bytes_do_not_panic_any_parser() {
    let inputs: [&[u8]; 5] = [
        "{\"msg\":\"日本語 é 🙂\",\"ts\":\"2025-01-01T00:00:00Z\"}\nмсг=\"x\" ts=1 é=é\n"
            .as_bytes(),
        "2025-01-01 10:00:00 ÉRROR é\u{202e}x\n\u{feff}Nov 23 09:30:00 ü: x\n".as_bytes(),
        b"\xff\xfe{\"ts\":1}\n\x00\x00\n\r\r\n",
        "{\"traceEvents\":[{\"ph\":\"X\",\"name\":\"é\",\"ts\":1e400,\"dur\":-1}]}".as_bytes(),
        "WARNING: DATA RACE\nWrite at 0x00c by goroutine 7:\n  é()\n      /é.go:1 +0x1\n"
            .as_bytes(),
    ];
    for i in inputs {
        every_parser(i);
    }
}

/// Inputs the fuzzers found failing (`fuzz/artifacts/<target>/`), reduced; each must load.
#[test]
fn fuzz_regressions() {
    // fmt_jsonl: a time of two dots (`1.2.3`) underflowed in the epoch reader (a panic in
    // debug builds, a wrong time in release ones).
    let c = ctx();
    let b = parse_chunk(
        b"{\"ts\":\"1700000000.5\",\"msg\":\"a\"}\n{\"ts\":\"1700000001.2.3\",\"msg\":\"b\"}\n",
        &c,
        formats::jsonl::line,
    );
    assert_eq!(b.events.len(), 2);
    assert_eq!(b.events[0].ts, 1_700_000_000_500_000_000);
    assert_eq!((b.error_count, b.errors[0].line), (1, 2), "{:?}", b.errors);

    // Found reading the fuzzed code: a Chrome `ts` in microseconds as text, whose fraction
    // overflowed nanoseconds once added.
    let b = parse_doc(
        br#"[{"ph":"i","name":"edge","ts":"9223372036854775.999","pid":1,"tid":1}]"#,
        &c,
        formats::chrome::parse_doc,
    );
    // No wrapped (negative) time: the time is refused, or the event inherits one.
    let ok = |t: i64| t >= 0 || t == heisen::ingest::INHERIT_TS;
    assert!(b.events.iter().all(|e| ok(e.ts)), "{:?}", b.events);
}
