//! The query language: table tests with exact answers for every operator, pattern and verdict
//! (through the library), and the three scenarios of the issue through the binary.

use heisen::ingest::{load_named_bytes, LoadOptions};
use heisen::model::Store;
use heisen::query::{self, QueryResult};
use serde_json::Value;

const LOG: &str = r#"{"ts":"2026-11-23T09:30:00.000Z","level":"info","msg":"request started","service":"api","request_id":"r1","http":{"status_code":200},"latency":"120","x-id":"a"}
{"ts":"2026-11-23T09:30:00.005Z","level":"warn","msg":"slow db write","service":"payments","request_id":"r1","http":{"status_code":"500"},"latency":900}
{"ts":"2026-11-23T09:30:00.008Z","level":"error","msg":"db read failed","service":"payments","request_id":"r2","node":"replica","latency":30}
{"ts":"2026-11-23T09:30:00.200Z","level":"debug","msg":"cache miss","service":"api","request_id":"r2"}
{"ts":"2026-11-23T09:30:01.000Z","level":"fatal","msg":"panic: boom","service":"ledger","request_id":"r3","node":"primary"}
"#;

const SPANS: &str = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},"scopeSpans":[{"spans":[
{"traceId":"01","spanId":"a1","name":"GET /x","startTimeUnixNano":"1000000000","endTimeUnixNano":"1300000000"},
{"traceId":"01","spanId":"a2","parentSpanId":"a1","name":"db","startTimeUnixNano":"1100000000","endTimeUnixNano":"1150000000","status":{"code":2}},
{"traceId":"02","spanId":"b1","name":"GET /x","startTimeUnixNano":"1250000000","endTimeUnixNano":"1260000000"},
{"traceId":"03","spanId":"c1","name":"GET /x","startTimeUnixNano":"5000000000","endTimeUnixNano":"5001500000"}]}]}]}"#;

fn store() -> Store {
    load_named_bytes(
        &[
            ("log.jsonl", LOG.as_bytes()),
            ("spans.json", SPANS.as_bytes()),
        ],
        &LoadOptions::default(),
    )
    .expect("load")
}

fn msgs(st: &Store, q: &str) -> Vec<String> {
    let c = query::compile(st, q).unwrap_or_else(|e| panic!("{}", e.render(q)));
    match query::run(st, &c) {
        QueryResult::Events(idx) => idx
            .iter()
            .map(|&i| {
                let e = &st.events()[i as usize];
                st.opt(e.msg).or(st.opt(e.name)).unwrap_or("").to_string()
            })
            .collect(),
        other => panic!("not events: {other:?}"),
    }
}

#[test]
fn every_filter_operator() {
    let st = store();
    let cases: &[(&str, &[&str])] = &[
        // the spans carry 1970 times (seconds after the epoch): they sort first
        (
            r#"level >= warn"#,
            &["db", "slow db write", "db read failed", "panic: boom"],
        ),
        (r#"level < info"#, &["cache miss"]),
        (r#"level = error"#, &["db", "db read failed"]),
        (
            r#"service = "payments""#,
            &["slow db write", "db read failed"],
        ),
        (
            r#"service != api and kind = log"#,
            &["slow db write", "db read failed", "panic: boom"],
        ),
        (r#"msg ~ "^db (read|write)""#, &["db read failed"]),
        (
            r#"msg !~ "db" and kind = log"#,
            &["request started", "cache miss", "panic: boom"],
        ),
        (r#"msg contains "miss""#, &["cache miss"]),
        (r#""boom""#, &["panic: boom"]),
        (
            r#"request in (r2, "r3")"#,
            &["db read failed", "cache miss", "panic: boom"],
        ),
        (r#"exists(node)"#, &["db read failed", "panic: boom"]),
        (
            r#"not exists(node) and kind = log"#,
            &["request started", "slow db write", "cache miss"],
        ),
        // "500" (text) and 200 (number) both compare as numbers
        (r#"http.status_code >= 500"#, &["slow db write"]),
        (r#"http.status_code = 500"#, &["slow db write"]),
        (r#"http.status_code = "200""#, &["request started"]),
        (r#"latency > 100"#, &["request started", "slow db write"]),
        (r#"attrs."x-id" = a"#, &["request started"]),
        (r#"dur > 250ms"#, &["GET /x"]),
        (r#"dur >= 1.5ms and dur <= 10ms"#, &["GET /x", "GET /x"]),
        (r#"dur = 50000us"#, &["db"]),
        (r#"status = error"#, &["db"]),
        (
            r#"ts >= "2026-11-23T09:30:00.008Z" and ts < "2026-11-23T09:30:01Z""#,
            &["db read failed", "cache miss"],
        ),
        (
            r#"(service = api or service = ledger) and not level = debug and kind = log"#,
            &["request started", "panic: boom"],
        ),
        (r#"format = otlp and parent = a1"#, &["db"]),
        // the log's line 2, and the span on line 2 of the OTLP document
        (r#"line = 2"#, &["GET /x", "slow db write"]),
        (r#"service = "nobody""#, &[]),
    ];
    for (q, want) in cases {
        assert_eq!(msgs(&st, q), *want, "{q}");
    }
}

#[test]
fn checker_errors() {
    let st = store();
    let err = |q: &str| query::compile(&st, q).expect_err(q);
    let e = err("reqest = r1");
    assert_eq!(
        e.message,
        "unknown field 'reqest' — did you mean 'request'?"
    );
    assert_eq!((e.start, e.end), (0, 6));
    assert_eq!(e.suggestion.as_deref(), Some("request"));
    assert!(err("service > 5")
        .message
        .contains("holds text, not numbers"));
    assert!(err("level = loud").message.contains("not a level"));
    assert!(err(r#"msg ~ "(""#)
        .message
        .contains("invalid regular expression"));
    assert!(err(r#"ts > "yesterday""#).message.contains("RFC 3339"));
    let e = err("level >=");
    assert_eq!(e.render("level >="), "error: expected a value (a \"string\", a number, a duration or a word), found the end of the query\n  level >=\n          ^");
}

fn pairs(st: &Store, q: &str) -> Vec<Vec<String>> {
    let c = query::compile(st, q).unwrap_or_else(|e| panic!("{}", e.render(q)));
    match query::run(st, &c) {
        QueryResult::Matches(ms) => ms
            .iter()
            .map(|m| {
                m.bound
                    .iter()
                    .map(|(n, i)| {
                        let e = &st.events()[*i as usize];
                        format!("{n}={}", st.opt(e.msg).or(st.opt(e.span)).unwrap_or(""))
                    })
                    .collect()
            })
            .collect(),
        other => panic!("not matches: {other:?}"),
    }
}

#[test]
fn patterns() {
    let st = store();
    assert_eq!(
        pairs(
            &st,
            r#"(msg ~ "db write") as w then (msg ~ "db read") as r within 5ms"#
        ),
        [["w=slow db write", "r=db read failed"]]
    );
    // inclusive bound: 3 ms apart, within 3ms matches, within 2ms does not
    assert_eq!(
        pairs(
            &st,
            r#"(msg ~ "write") as w then (msg ~ "read") as r within 3ms"#
        )
        .len(),
        1
    );
    assert!(pairs(
        &st,
        r#"(msg ~ "write") as w then (msg ~ "read") as r within 2ms"#
    )
    .is_empty());
    // then is ordered; near is not
    assert!(pairs(
        &st,
        r#"(msg ~ "read") as r then (msg ~ "write") as w within 1s"#
    )
    .is_empty());
    assert_eq!(
        pairs(
            &st,
            r#"(msg ~ "read") as r near (msg ~ "write") as w within 3ms"#
        )
        .len(),
        1
    );
    // where relates the bound events
    assert_eq!(
        pairs(
            &st,
            r#"(kind = log) as a then (kind = log) as b within 10ms where a.request = b.request"#
        ),
        [["a=request started", "b=slow db write"]]
    );
    assert_eq!(
        pairs(
            &st,
            r#"(kind = log) as a near (kind = log) as b within 10ms where a.request != b.request"#
        )
        .len(),
        2,
        "symmetric near with the same filter reports each pair once"
    );
    // overlaps
    assert_eq!(
        pairs(&st, r#"(name = "GET /x") as a overlaps (kind = span) as b"#),
        [["a=a1", "b=a2"], ["a=a1", "b=b1"], ["a=b1", "b=a1"]]
    );
    // chains of three: `within` bounds each consecutive pair
    assert_eq!(
        pairs(
            &st,
            r#"(request = r1) as a then (request = r2) as b then (request = r2) as c within 200ms"#
        ),
        [
            ["a=request started", "b=db read failed", "c=cache miss"],
            ["a=slow db write", "b=db read failed", "c=cache miss"]
        ]
    );
}

#[test]
fn verdicts() {
    let st = store();
    let v = |q: &str| {
        let c = query::compile(&st, q).unwrap_or_else(|e| panic!("{}", e.render(q)));
        match query::run(&st, &c) {
            QueryResult::Hypothesis(v) => v,
            other => panic!("{other:?}"),
        }
    };
    let x = v("expect level >= error when service = payments per request");
    assert_eq!(
        (
            x.groups,
            x.both,
            x.condition_only,
            x.outcome_only,
            x.neither
        ),
        (3, 1, 1, 1, 0)
    );
    assert_eq!(x.verdict, "falsified");
    assert_eq!(x.counterexamples.condition_only, ["r1"]);
    assert_eq!(x.counterexamples.outcome_only, ["r3"]);
    let y = v(r#"expect msg ~ "boom|failed" when level >= error per request"#);
    assert_eq!(y.verdict, "supported");
    assert!(y.necessary && y.sufficient);
    let z = v(r#"expect level = fatal when service = "nobody" per request"#);
    assert_eq!(z.verdict, "inconclusive");
}

mod common;
use common::heisen;

fn check_json(file: &str, h: &str) -> Value {
    let out = heisen(&["check", file, "--hypothesis", h, "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn scenario_handler_race() {
    let v = check_json(
        "sample-traces/handler-race/traces.jsonl",
        r#"expect status = error when (name = "handler X") as a near (name = "handler X") as b within 10ms where a.trace != b.trace per trace"#,
    );
    assert_eq!(v["verdict"], "supported");
    assert_eq!(
        (
            v["groups"].as_u64(),
            v["both"].as_u64(),
            v["condition_only"].as_u64(),
            v["outcome_only"].as_u64(),
            v["neither"].as_u64()
        ),
        (Some(30), Some(10), Some(0), Some(0), Some(20))
    );
    assert_eq!(v["necessary"], true);
    assert_eq!(v["sufficient"], true);
}

#[test]
fn scenario_replica_lag() {
    let v = check_json(
        "sample-traces/replica-lag/app.jsonl",
        r#"expect level = error when (msg ~ "db write") as w then (msg ~ "db read" and node = "replica") as r within 150ms where r.request = w.request per request"#,
    );
    assert_eq!(v["verdict"], "supported");
    assert_eq!(
        (v["both"].as_u64(), v["neither"].as_u64()),
        (Some(10), Some(30))
    );
    // the pattern alone: exactly the ten stale reads
    let out = heisen(&[
        "query",
        "sample-traces/replica-lag/app.jsonl",
        "-q",
        r#"(msg ~ "db write") as w then (msg ~ "db read" and node = "replica") as r within 150ms where r.request = w.request"#,
        "--json",
    ]);
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(lines.len(), 10);
    assert!(lines.iter().all(|m| m["w"]["request"] == m["r"]["request"]));
}

#[test]
fn scenario_bad_pod() {
    let v = check_json(
        "sample-traces/bad-pod/app.jsonl",
        r#"expect level = error when hostname = "pod-2" per request"#,
    );
    assert_eq!(v["verdict"], "falsified");
    assert_eq!(
        (
            v["both"].as_u64(),
            v["condition_only"].as_u64(),
            v["outcome_only"].as_u64(),
            v["neither"].as_u64()
        ),
        (Some(8), Some(2), Some(1), Some(19))
    );
    assert_eq!(
        v["counterexamples"]["condition_only"],
        serde_json::json!(["req-002", "req-017"])
    );
    assert_eq!(
        v["counterexamples"]["outcome_only"],
        serde_json::json!(["req-025"])
    );
    assert!(v["p_value"].as_f64().is_some_and(|p| p < 0.001));
    let text = heisen(&[
        "check",
        "sample-traces/bad-pod/app.jsonl",
        "--hypothesis",
        r#"expect level = error when hostname = "pod-2" per request"#,
    ]);
    let t = String::from_utf8_lossy(&text.stdout);
    assert!(t.contains("verdict:    FALSIFIED"), "{t}");
    assert!(
        t.contains("counterexamples, outcome without condition: req-025"),
        "{t}"
    );
}

#[test]
fn cli_errors_exit_2_with_a_caret() {
    let out = heisen(&[
        "query",
        "sample-traces/bad-pod/app.jsonl",
        "-q",
        "hostnme = pod-2",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("did you mean 'hostname'?") && err.contains("^^^^^^^"),
        "{err}"
    );
    let out = heisen(&[
        "check",
        "sample-traces/bad-pod/app.jsonl",
        "--hypothesis",
        "level = error",
    ]);
    assert_eq!(out.status.code(), Some(2));
}
