//! Why prod differs from dev: run diff, suggested hypotheses, clock skew — each scenario with
//! its exact answer, through the binary.

use serde_json::Value;

mod common;
use common::{heisen, json};

#[test]
fn promise_all_reordering() {
    let d = json(&[
        "diff",
        "sample-traces/promise-all/dev.jsonl",
        "sample-traces/promise-all/prod.jsonl",
        "--json",
    ]);
    let f = &d["first_divergence"];
    assert_eq!(f["lane"], "web");
    assert_eq!(f["common_prefix"], 3);
    assert_eq!(
        (f["position_a"].clone(), f["position_b"].clone()),
        (3.into(), 3.into())
    );
    assert_eq!(f["template_b"], "profile applied user=<*>");
    assert_eq!(f["a"]["msg"], "settings applied theme=dark");
    assert_eq!(f["template_a"], "settings applied theme=dark");
    assert_eq!(f["b"]["msg"], "profile applied user=42");
    let r = &d["reorderings"][0];
    assert_eq!(r["lane"], "web");
    assert_eq!(
        r["a_order"],
        serde_json::json!(["settings applied theme=dark", "profile applied user=<*>"])
    );
    assert_eq!(
        r["b_order"],
        serde_json::json!(["profile applied user=<*>", "settings applied theme=dark"])
    );
    assert_eq!(d["reorderings"].as_array().map(Vec::len), Some(1));
    for k in ["only_in_a", "only_in_b", "count_changes", "environment"] {
        assert!(d[k].as_array().is_some_and(Vec::is_empty), "{k}: {}", d[k]);
    }
}

#[test]
fn dependency_drift() {
    let d = json(&[
        "diff",
        "sample-traces/dep-drift/dev.jsonl",
        "sample-traces/dep-drift/prod.jsonl",
        "--json",
    ]);
    let env = d["environment"].as_array().expect("environment");
    assert!(
        env.iter()
            .any(|e| e["key"] == "http.client.version" && e["a"] == "2.28.1" && e["b"] == "2.31.0"),
        "{env:?}"
    );
    let ch = d["attribute_changes"].as_array().expect("changes");
    assert!(
        ch.iter().any(|c| c["template"] == "GET /auth/session"
            && c["key"] == "http.status_code"
            && c["a"] == "301"
            && c["b"] == "200"),
        "{ch:?}"
    );
    assert_eq!(
        d["only_in_b"][0]["template"],
        "session payload is not JSON (got text/html)"
    );
    let s = json(&[
        "suggest",
        "sample-traces/dep-drift/dev.jsonl",
        "sample-traces/dep-drift/prod.jsonl",
        "--outcome",
        "level = error",
        "--per",
        "trace",
        "--json",
    ]);
    let top = &s["suggestions"][0];
    assert_eq!(top["predicate"], r#"http.client.version = "2.31.0""#);
    assert_eq!(top["counts"]["both"], 8);
    assert_eq!(top["counts"]["condition_only"], 0);
    assert_eq!(top["score"], 1.0);
    // every suggestion is a hypothesis `check` accepts, with the same counts
    let h = top["hypothesis"].as_str().expect("hypothesis");
    let v = json(&[
        "check",
        "sample-traces/dep-drift/dev.jsonl",
        "sample-traces/dep-drift/prod.jsonl",
        "--hypothesis",
        h,
        "--json",
    ]);
    assert_eq!(v["verdict"], "supported");
    assert_eq!(v["both"], 8);
    // The input file is a lane: prod's file is offered, after the configuration that explains it.
    let list = suggestions_check_all(
        &[
            "sample-traces/dep-drift/dev.jsonl",
            "sample-traces/dep-drift/prod.jsonl",
        ],
        "level = error",
        "trace",
    );
    let lane = list
        .iter()
        .position(|x| x["predicate"] == r#"source = "sample-traces/dep-drift/prod.jsonl""#)
        .expect("the prod file as a lane");
    assert!(lane > 0);
    assert_eq!(list[lane]["score"], 1.0);
    assert_eq!(list[lane]["counts"]["both"], 8);
    assert_eq!(list[lane]["counts"]["condition_only"], 0);
    assert_eq!(list[lane]["counts"]["neither"], 8);
    assert!(!list
        .iter()
        .any(|x| x["predicate"] == r#"source = "sample-traces/dep-drift/dev.jsonl""#));
}

/// Every suggestion for `file` is a hypothesis `check` accepts with the same counts.
fn suggestions_check(file: &str, outcome: &str, per: &str) -> Vec<Value> {
    suggestions_check_all(&[file], outcome, per)
}

/// Every suggestion for `files` is a hypothesis `check` accepts with the same counts; each
/// suggestion has the keys the issue names.
fn suggestions_check_all(files: &[&str], outcome: &str, per: &str) -> Vec<Value> {
    let mut args = vec!["suggest"];
    args.extend(files);
    args.extend(["--outcome", outcome, "--per", per, "--json", "--top", "20"]);
    let s = json(&args);
    let list = s["suggestions"].as_array().expect("suggestions").clone();
    for x in &list {
        for k in ["predicate", "score", "counts", "hypothesis"] {
            assert!(x.get(k).is_some(), "{k} missing in {x}");
        }
        let h = x["hypothesis"].as_str().expect("hypothesis");
        let mut args = vec!["check"];
        args.extend(files);
        args.extend(["--hypothesis", h, "--json"]);
        let v = json(&args);
        for k in ["both", "condition_only", "outcome_only", "neither"] {
            assert_eq!(v[k], x["counts"][k], "{k} of {h}");
        }
    }
    list
}

#[test]
fn every_suggestion_checks() {
    let list = suggestions_check(
        "sample-traces/bad-pod/app.jsonl",
        "level = error",
        "request",
    );
    assert_eq!(list[0]["predicate"], r#"hostname = "pod-2""#);
    let list = suggestions_check(
        "sample-traces/replica-lag/app.jsonl",
        "level = error",
        "request",
    );
    assert_eq!(list[0]["predicate"], r#"node = "replica""#);
    // Co-occurrences are offered, but never of the outcome's own events.
    assert!(list
        .iter()
        .any(|x| x["predicate"].as_str().unwrap().contains(" near ")));
    assert!(!list.iter().any(|x| x["predicate"]
        .as_str()
        .unwrap()
        .contains("not found after create")));
}

#[test]
fn suggest_finds_the_handler_race_as_a_near_co_occurrence() {
    let list = suggestions_check(
        "sample-traces/handler-race/traces.jsonl",
        "status = error",
        "trace",
    );
    let top = &list[0];
    assert_eq!(
        top["predicate"],
        r#"(name = "handler X") as a near (name = "handler X") as b within 10ms where a.trace != b.trace"#
    );
    assert_eq!(top["score"], 1.0);
    assert_eq!(top["counts"]["both"], 10);
    assert_eq!(top["counts"]["condition_only"], 0);
    assert_eq!(top["counts"]["outcome_only"], 0);
    assert_eq!(top["counts"]["neither"], 20);
    // Pairs that select the same groups are shown once.
    let near = list
        .iter()
        .filter(|x| x["score"] == 1.0 && x["predicate"].as_str().unwrap().contains(" near "))
        .count();
    assert_eq!(near, 1);
}

#[test]
fn time_zone_drift() {
    let s = json(&[
        "stats",
        "sample-traces/tz-drift/api.jsonl",
        "sample-traces/tz-drift/worker.log",
        "--json",
    ]);
    assert_eq!(
        s["sources"][0]["clock"]["offset_hours"],
        Value::Null,
        "the api writes Z: not suspect"
    );
    assert_eq!(s["sources"][1]["clock"]["offset_hours"], 2);
    assert_eq!(
        s["sources"][1]["clock"]["suggested_shift"],
        "worker.log=-2h"
    );
    assert_eq!(s["sources"][1]["assumed_utc"], true);
    let shifted = json(&[
        "stats",
        "sample-traces/tz-drift/api.jsonl",
        "sample-traces/tz-drift/worker.log",
        "--shift",
        "worker.log=-2h",
        "--json",
    ]);
    assert_eq!(shifted["sources"][1]["shift"], "-2h");
    assert_eq!(shifted["sources"][1]["clock"]["offset_hours"], Value::Null);
    let out = heisen(&[
        "events",
        "--json",
        "sample-traces/tz-drift/api.jsonl",
        "sample-traces/tz-drift/worker.log",
        "--shift",
        "worker.log=-2h",
    ]);
    let msgs: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).expect("json")["msg"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    for n in 0..10 {
        assert_eq!(msgs[2 * n], format!("enqueue job {n}"));
        assert_eq!(msgs[2 * n + 1], format!("job {n} started"));
    }
}

#[test]
fn cold_start() {
    let s = json(&[
        "suggest",
        "sample-traces/cold-start/app.jsonl",
        "--outcome",
        "level = error",
        "--per",
        "request",
        "--json",
    ]);
    assert_eq!(s["statistic"], "ochiai");
    let top = &s["suggestions"][0];
    assert_eq!(top["predicate"], "faas.coldstart = true");
    assert_eq!(
        top["hypothesis"],
        "expect level = error when faas.coldstart = true per request"
    );
    assert_eq!(top["score"], 1.0);
    assert_eq!(
        top["counts"],
        serde_json::json!({"both": 3, "condition_only": 0, "outcome_only": 0, "neither": 42})
    );
    // Nothing else separates the three failing requests from the 42 others.
    let list = suggestions_check(
        "sample-traces/cold-start/app.jsonl",
        "level = error",
        "request",
    );
    assert!(list[1..].iter().all(|x| x["score"].as_f64().unwrap() < 0.5));
    let v = json(&[
        "check",
        "sample-traces/cold-start/app.jsonl",
        "--hypothesis",
        top["hypothesis"].as_str().unwrap(),
        "--json",
    ]);
    assert_eq!(v["verdict"], "supported");
    // An outcome no request has: said so, not an empty table.
    let out = heisen(&[
        "suggest",
        "sample-traces/cold-start/app.jsonl",
        "--outcome",
        "level = fatal",
        "--per",
        "request",
    ]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("no suggestions"));
}

#[test]
fn diff_of_two_groups_of_one_file() {
    let d = json(&[
        "diff",
        "sample-traces/bad-pod/app.jsonl@request=req-000",
        "sample-traces/bad-pod/app.jsonl@request=req-001",
        "--json",
    ]);
    assert_eq!(
        (d["events_a"].clone(), d["events_b"].clone()),
        (2.into(), 2.into())
    );
    let f = &d["first_divergence"];
    assert_eq!(f["lane"], "app.jsonl");
    assert_eq!(f["common_prefix"], 1);
    assert_eq!(f["template_a"], "upstream timeout");
    assert_eq!(f["template_b"], "<*> OK");
    assert_eq!(f["a"]["request"], "req-000");
    assert_eq!(f["b"]["request"], "req-001");
    let env = d["environment"].as_array().expect("environment");
    assert!(env
        .iter()
        .any(|e| e["key"] == "hostname" && e["a"] == "pod-2" && e["b"] == "pod-1"));
    let missing = heisen(&[
        "diff",
        "sample-traces/bad-pod/app.jsonl@request=no-such",
        "sample-traces/bad-pod/app.jsonl",
    ]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no events in this group"));
}

#[test]
fn backwards_clock_is_flagged() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("jumpy.jsonl");
    std::fs::write(
        &p,
        "{\"ts\":\"2026-11-23T09:30:10Z\",\"msg\":\"a\"}\n{\"ts\":\"2026-11-23T09:30:11Z\",\"msg\":\"b\"}\n{\"ts\":\"2026-11-23T09:29:00Z\",\"msg\":\"c\"}\n",
    )
    .expect("write");
    let s = json(&["stats", &p.to_string_lossy(), "--json"]);
    let c = &s["sources"][0]["clock"];
    assert_eq!(c["backwards_jumps"], 1);
    assert_eq!(c["worst_backwards_jump_ns"], 71_000_000_000i64);
    assert_eq!(c["worst_backwards_jump_line"], 3);
}

/// A log where each request's first event carries attributes whose names are keywords,
/// normalised fields or not plain identifiers; the request's second event fails on one in four.
fn awkward_names(dir: &std::path::Path, key: &str) -> String {
    let names = [
        "line",
        "kind",
        "source",
        "dur",
        "span",
        "when",
        "per",
        "near",
        "http.2xx",
        "9lives",
        "weird key",
        "status",
    ];
    let mut text = String::new();
    for i in 0..40 {
        let bad = i % 4 == 0;
        let mut e = serde_json::json!({
            "ts": 1_763_890_200_000_000_000i64 + i * 20_000_000,
            "level": "info", "service": "svc", key: format!("r{i}"), "msg": "handled",
        });
        for n in names {
            e[n] = if n == "status" {
                Value::from(if bad { 500 } else { 200 })
            } else {
                Value::from(if bad { "p" } else { "q" })
            };
        }
        text += &format!("{e}\n");
        let done = serde_json::json!({
            "ts": 1_763_890_200_000_000_000i64 + i * 20_000_000 + 5_000_000,
            "level": if bad { "error" } else { "info" }, "service": "svc",
            key: format!("r{i}"), "msg": "done",
        });
        text += &format!("{done}\n");
    }
    let p = dir.join("awkward.jsonl");
    std::fs::write(&p, text).expect("write");
    p.to_string_lossy().into_owned()
}

#[test]
fn attributes_with_awkward_names_are_suggested_as_check_reads_them() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = awkward_names(dir.path(), "request_id");
    let list = suggestions_check(&file, "level = error", "request");
    let perfect: Vec<&str> = list
        .iter()
        .filter(|x| x["score"] == 1.0)
        .map(|x| x["predicate"].as_str().unwrap())
        .collect();
    let mut want = vec![
        r#"attrs."line" = "p""#,
        r#"attrs."kind" = "p""#,
        r#"attrs."source" = "p""#,
        r#"attrs."dur" = "p""#,
        r#"attrs."span" = "p""#,
        r#"attrs."when" = "p""#,
        r#"attrs."per" = "p""#,
        r#"attrs."near" = "p""#,
        r#"attrs."http.2xx" = "p""#,
        r#"attrs."9lives" = "p""#,
        r#"attrs."weird key" = "p""#,
        // `status` reads the attribute when there is one: offered once, as written.
        "status = 500",
    ];
    let mut got = perfect.clone();
    want.sort_unstable();
    got.sort_unstable();
    assert_eq!(got, want);
}

#[test]
fn a_group_key_that_is_not_a_plain_name_is_quoted() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = awkward_names(dir.path(), "req id");
    let list = suggestions_check(&file, "level = error", "req id");
    assert_eq!(list.len(), 15);
    for x in &list {
        let h = x["hypothesis"].as_str().unwrap();
        assert!(h.ends_with(r#" per attrs."req id""#), "{h}");
    }
    assert_eq!(list[0]["score"], 1.0);
}

#[test]
fn timing_per_span_name_with_percentiles_and_ratio() {
    // Chrome traces: 100 `query` spans of 1..=100 ms in A and twice that in B; `render` 5 ms in both.
    let dir = tempfile::tempdir().expect("tmp");
    let write = |name: &str, factor: i64| {
        let mut evs = Vec::new();
        for k in 1..=100i64 {
            let ts = k * 1_000_000;
            evs.push(serde_json::json!({"ph": "X", "name": "query", "ts": ts, "dur": k * 1000 * factor, "pid": 1, "tid": 1}));
            evs.push(serde_json::json!({"ph": "X", "name": "render", "ts": ts + 500_000, "dur": 5000, "pid": 1, "tid": 1}));
        }
        let p = dir.path().join(name);
        std::fs::write(&p, serde_json::to_string(&evs).unwrap()).expect("write");
        p.to_string_lossy().into_owned()
    };
    let (a, b) = (write("a.json", 1), write("b.json", 2));
    let d = json(&["diff", &a, &b, "--json"]);
    let timing = d["timing"].as_array().expect("timing");
    let q = timing.iter().find(|t| t["name"] == "query").expect("query");
    assert_eq!(
        (q["a"].clone(), q["b"].clone(), q["ratio"].clone()),
        (
            serde_json::json!({"count": 100, "p50_ns": 51_000_000, "p99_ns": 99_000_000}),
            serde_json::json!({"count": 100, "p50_ns": 102_000_000, "p99_ns": 198_000_000}),
            2.0.into()
        )
    );
    let r = timing
        .iter()
        .find(|t| t["name"] == "render")
        .expect("render");
    assert_eq!(r["ratio"], 1.0);
    assert!(d["first_divergence"].is_null());
    // The text report shows the timing that changed, not the one that did not.
    let out = String::from_utf8_lossy(&heisen(&["diff", &a, &b]).stdout).into_owned();
    assert!(
        out.contains(
            "timing: query A n=100 p50 51ms p99 99ms · B n=100 p50 102ms p99 198ms · ×2.00"
        ),
        "{out}"
    );
    assert!(!out.contains("timing: render"), "{out}");
}

/// Two runs written to differently named files, with no service: each side's one lane is its
/// file, and the two are aligned with each other (not reported as two lanes with nothing in
/// common).
#[test]
fn single_files_with_different_names_are_aligned() {
    let dir = tempfile::tempdir().expect("tmp");
    let line =
        |ms: u64, msg: &str| format!("{{\"ts\":{},\"msg\":\"{msg}\"}}\n", 1_700_000_000_000 + ms);
    let dev = dir.path().join("dev.jsonl");
    let prod = dir.path().join("prod.jsonl");
    std::fs::write(
        &dev,
        line(0, "start") + &line(1, "load config") + &line(2, "ready"),
    )
    .unwrap();
    std::fs::write(
        &prod,
        line(0, "start") + &line(1, "connect db") + &line(2, "ready"),
    )
    .unwrap();
    let d = json(&[
        "diff",
        dev.to_str().unwrap(),
        prod.to_str().unwrap(),
        "--json",
    ]);
    let f = &d["first_divergence"];
    assert_eq!(f["lane"], "dev.jsonl ↔ prod.jsonl");
    assert_eq!(f["common_prefix"], 1);
    assert_eq!(f["template_a"], "load config");
    assert_eq!(f["template_b"], "connect db");
    let only = |k: &str| -> Vec<String> {
        d[k].as_array()
            .expect(k)
            .iter()
            .map(|c| c["template"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(only("only_in_a"), ["load config"]);
    assert_eq!(only("only_in_b"), ["connect db"]);
}
