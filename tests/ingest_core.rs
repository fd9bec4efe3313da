//! Foundation: JSON-lines ingestion on real files, the normalised event, ordering, bad input,
//! and the `stats`/`events` command contract (exit codes, JSON keys).

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn heisen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heisen"))
        .args(args)
        .output()
        .expect("run heisen")
}

fn data(rel: &str) -> String {
    format!("{}/tests/data/{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn stats(path: &str) -> Value {
    let out = heisen(&["stats", "--json", path]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stats json")
}

fn events(args: &[&str]) -> Vec<Value> {
    let mut a = vec!["events", "--json"];
    a.extend_from_slice(args);
    let out = heisen(&a);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("event json"))
        .collect()
}

fn tmp_file(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p: PathBuf = dir.join(name);
    std::fs::File::create(&p)
        .and_then(|mut f| f.write_all(bytes))
        .expect("write temp file");
    p.to_string_lossy().into_owned()
}

#[test]
fn real_json_logs_exact_counts() {
    // (file, events, parse errors)
    let cases = [
        ("json-logs/hl_prometheus_gokit.jsonl", 33, 0),
        ("json-logs/lnav_bunyan_renovate.jsonl", 10, 0),
        ("json-logs/lnav_caddy_zap_access.jsonl", 4, 0),
        ("json-logs/lnav_json_invalid_truncated_lines.jsonl", 12, 1),
        ("json-logs/lnav_json_ts_lvl_msg.jsonl", 14, 1),
        ("json-logs/lnav_nested_json_at-fields.jsonl", 13, 0),
        ("json-logs/lnav_pino_otel-demo-payment.jsonl", 1, 0),
        ("json-logs/lnav_rust_tracing_fmt_json.jsonl", 5, 0),
    ];
    for (file, n, errs) in cases {
        let s = stats(&data(file));
        let src = &s["sources"][0];
        assert_eq!(src["format"], "jsonl", "{file}");
        assert_eq!(src["events"], n, "{file}");
        assert_eq!(src["parse_errors"], errs, "{file}");
    }
}

#[test]
fn truncated_line_is_reported_with_file_and_line() {
    let f = data("json-logs/lnav_json_invalid_truncated_lines.jsonl");
    let s = stats(&f);
    let err = s["sources"][0]["errors"][0].as_str().expect("error text");
    assert!(err.starts_with(&format!("{f}:5: invalid JSON")), "{err}");
    let out = heisen(&["events", &f]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("1 malformed records skipped"), "{stderr}");
}

#[test]
fn common_logger_fields_are_normalised() {
    let pino = events(&[&data("json-logs/lnav_pino_otel-demo-payment.jsonl")]);
    assert_eq!(pino[0]["level"], "info");
    assert_eq!(pino[0]["service"], "payment");
    assert_eq!(pino[0]["trace"], "c759f29f5f1e2162be56f32dd1e77fce");
    assert_eq!(pino[0]["span"], "17c4a60ca4297cf1");
    assert_eq!(pino[0]["ts"], "2025-04-24T22:08:37.537000000Z");
    assert_eq!(pino[0]["attrs"]["hostname"], "7d82d3f28bad");

    let bunyan = events(&[&data("json-logs/lnav_bunyan_renovate.jsonl")]);
    assert_eq!(bunyan[0]["level"], "debug"); // bunyan level 20
    assert_eq!(bunyan[0]["attrs"]["pid"], 7);

    let tracing = events(&[&data("json-logs/lnav_rust_tracing_fmt_json.jsonl")]);
    assert_eq!(tracing[0]["thread"], "main");
    assert_eq!(tracing[0]["msg"], "preparing to shave yaks");
    assert_eq!(tracing[0]["attrs"]["fields.number_of_yaks"], 3);

    let caddy = events(&[&data("json-logs/lnav_caddy_zap_access.jsonl")]);
    // zap float epoch seconds, kept to the microsecond
    assert_eq!(caddy[0]["ts"], "2024-05-26T11:42:52.601481000Z");

    let nested = events(&[&data("json-logs/lnav_nested_json_at-fields.jsonl")]);
    assert_eq!(nested[0]["level"], "trace");
    assert_eq!(nested[0]["msg"], "trace test");

    let lvl = events(&[&data("json-logs/lnav_json_invalid_truncated_lines.jsonl")]);
    assert_eq!(lvl[3]["level"], "debug"); // DEBUG5
    assert_eq!(lvl[11]["attrs"]["obj.field2"], 2);
    assert_eq!(lvl[11]["attrs"]["arr"], r#"["hi",{"sub1":true}]"#);
}

#[test]
fn merged_order_is_time_then_source_then_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let a = tmp_file(
        dir.path(),
        "a.jsonl",
        b"{\"ts\":\"2026-11-23T09:30:00.000000002Z\",\"msg\":\"a1\"}\n{\"ts\":\"2026-11-23T09:30:00.000000001Z\",\"msg\":\"a2\"}\n",
    );
    let b = tmp_file(
        dir.path(),
        "b.jsonl",
        b"{\"ts\":\"2026-11-23T11:30:00.000000001+02:00\",\"msg\":\"b1\"}\n",
    );
    for _ in 0..3 {
        let ev = events(&[&a, &b]);
        let msgs: Vec<&str> = ev.iter().map(|e| e["msg"].as_str().unwrap_or("")).collect();
        assert_eq!(msgs, ["a2", "b1", "a1"]);
        assert_eq!(ev[1]["ts_ns"], 1_795_426_200_000_000_001i64);
        assert_eq!(ev[1]["tz_offset"], "+02:00");
        assert_eq!(ev[1]["source"], b.as_str());
        assert_eq!(ev[1]["line"], 1);
    }
    let limited = events(&["--limit", "2", &a, &b]);
    assert_eq!(limited.len(), 2);
}

#[test]
fn naive_times_are_utc_unless_tz_says_otherwise() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = tmp_file(
        dir.path(),
        "local.jsonl",
        b"{\"time\":\"2026-11-23 11:30:00\",\"msg\":\"x\"}\n",
    );
    let s = stats(&f);
    assert_eq!(s["sources"][0]["assumed_utc"], true);
    assert_eq!(s["sources"][0]["naive_times"], 1);
    let utc = events(&[&f]);
    assert_eq!(utc[0]["ts"], "2026-11-23T11:30:00.000000000Z");
    let shifted = events(&["--tz", "+02:00", &f]);
    assert_eq!(shifted[0]["ts"], "2026-11-23T09:30:00.000000000Z");
    let moved = events(&["--shift", "local.jsonl=-90m", &f]);
    assert_eq!(moved[0]["ts"], "2026-11-23T10:00:00.000000000Z");
}

#[test]
fn bad_input_never_panics_and_is_counted() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    // Empty file: a source with no events, not an error.
    let empty = tmp_file(d, "empty.log", b"");
    let s = stats(&empty);
    assert_eq!(s["sources"][0]["format"], "empty");
    assert_eq!(s["sources"][0]["events"], 0);

    // Invalid UTF-8 inside a record: the record is kept (replaced bytes), the problem counted.
    let bad_utf8 = tmp_file(
        d,
        "utf8.jsonl",
        b"{\"ts\":1700000000000,\"msg\":\"ok\"}\n{\"ts\":1700000001000,\"msg\":\"bad \xff\xfe bytes\"}\n",
    );
    let s = stats(&bad_utf8);
    assert_eq!(s["sources"][0]["events"], 2);
    assert_eq!(s["sources"][0]["parse_errors"], 1);
    assert!(s["sources"][0]["errors"][0]
        .as_str()
        .unwrap_or("")
        .ends_with("utf8.jsonl:2: invalid UTF-8 (bytes replaced with U+FFFD)"));

    // A 10 MB line, garbage lines, a truncated last record.
    let mut big = b"{\"ts\":1700000000000,\"msg\":\"".to_vec();
    big.extend(std::iter::repeat_n(b'x', 10 << 20));
    big.extend_from_slice(
        b"\"}\n{\"ts\":1700000002000,\"msg\":\"after\"}\n{ garbage\n{\"ts\":17000",
    );
    let bigf = tmp_file(d, "big.jsonl", &big);
    let s = stats(&bigf);
    assert_eq!(s["sources"][0]["events"], 2);
    assert_eq!(s["sources"][0]["parse_errors"], 2);

    // Binary garbage: undetectable, exit 1 naming the file.
    let bin = tmp_file(d, "core.bin", &[0u8, 159, 146, 150, 0, 1, 2, 3, 0, 0]);
    let out = heisen(&["stats", &bin]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("core.bin") && err.contains("cannot detect the format"),
        "{err}"
    );

    // A torn page of NUL bytes between good records: read, the damaged line counted.
    let mut torn = b"{\"ts\":1700000000000,\"msg\":\"a\"}\n".to_vec();
    torn.extend(std::iter::repeat_n(0u8, 600));
    torn.extend_from_slice(
        b"\n{\"ts\":1700000001000,\"msg\":\"b\"}\n{\"ts\":1700000002000,\"msg\":\"c\"}\n",
    );
    let tornf = tmp_file(d, "torn.jsonl", &torn);
    let s = stats(&tornf);
    assert_eq!(s["sources"][0]["format"], "jsonl");
    assert_eq!(s["sources"][0]["events"], 3);
    assert_eq!(s["sources"][0]["parse_errors"], 1);

    // Unreadable path: exit 1 naming it.
    let out = heisen(&["events", "/nonexistent/heisen.log"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/heisen.log"));

    // Usage errors: exit 2.
    assert_eq!(heisen(&["stats", "--no-such-flag"]).status.code(), Some(2));
    assert_eq!(
        heisen(&["events", "--limit", "x", &empty]).status.code(),
        Some(2)
    );
}

#[test]
fn gzip_is_read_transparently_and_inputs_are_untouched() {
    use flate2::{write::GzEncoder, Compression};
    let dir = tempfile::tempdir().expect("tmp");
    let plain = std::fs::read(data("json-logs/hl_prometheus_gokit.jsonl")).expect("read");
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(&plain).expect("gzip");
    let gzf = tmp_file(dir.path(), "prom.log.gz", &gz.finish().expect("gzip"));
    let before = std::fs::read(&gzf).expect("read");
    let mtime = std::fs::metadata(&gzf)
        .and_then(|m| m.modified())
        .expect("mtime");
    let s = stats(&gzf);
    assert_eq!(s["sources"][0]["gzip"], true);
    assert_eq!(s["sources"][0]["events"], 33);
    assert_eq!(std::fs::read(&gzf).expect("read"), before);
    assert_eq!(
        std::fs::metadata(&gzf)
            .and_then(|m| m.modified())
            .expect("mtime"),
        mtime
    );
}
#[test]
fn counter_scenario_loads() {
    let s = stats(&format!(
        "{}/sample-traces/counter/schedule.jsonl",
        env!("CARGO_MANIFEST_DIR")
    ));
    assert_eq!(s["total"]["events"], 51);
}
