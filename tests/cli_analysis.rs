//! Narrowing down, through the binary: races, lost updates, state machines, stale reads,
//! minimisation to a 1-minimal repro that replays the same way, and export.

use serde_json::Value;

mod common;
use common::{heisen, json};

#[test]
fn unsynchronised_counter() {
    let r = json(&["races", "sample-traces/counter/schedule.jsonl", "--json"]);
    let races = r["races"].as_array().expect("races");
    assert_eq!(races.len(), 19);
    assert!(races.iter().all(|x| x["obj"] == "counter"));
    let kind = |k: &str| races.iter().filter(|x| x["kind"] == k).count();
    assert_eq!((kind("write-write"), kind("read-write")), (9, 10));
    // the two events of a race are on different threads
    assert!(races.iter().all(|x| x["a"]["thread"] != x["b"]["thread"]));
    let lost = r["lost_updates"].as_array().expect("lost");
    assert_eq!(lost.len(), 10);
    assert!(lost
        .iter()
        .all(|l| l["events"].as_array().is_some_and(|e| e.len() == 4)));
    let c = &r["objects"]["counter"];
    assert_eq!(c["increments_attempted"], 20);
    assert_eq!(c["final_value"], 10);
    assert_eq!(c["expected_final"], 20.0);
}

#[test]
fn mutex_counter_races_only_on_the_statistic() {
    let r = json(&["races", "sample-traces/mutex-stat/schedule.jsonl", "--json"]);
    let races = r["races"].as_array().expect("races");
    assert_eq!(races.len(), 3, "{races:?}");
    assert!(races.iter().all(|x| x["obj"] == "stats.hits"), "{races:?}");
    let lost = r["lost_updates"].as_array().expect("lost");
    assert_eq!(lost.len(), 5);
    assert!(lost.iter().all(|l| l["obj"] == "stats.hits"));
    assert_eq!(r["objects"]["counter"]["final_value"], 20);
    assert_eq!(r["objects"]["counter"]["lost_updates"], 0);
    assert_eq!(r["objects"]["stats.hits"]["final_value"], 15);
}

#[test]
fn order_state_machine() {
    let r = json(&[
        "verify",
        "sample-traces/orders/orders.jsonl",
        "--spec",
        "sample-traces/orders/orders.toml",
        "--json",
    ]);
    assert_eq!(r["instances"], 12);
    let v = r["violations"].as_array().expect("violations");
    let got: Vec<(String, Value, String, String)> = v
        .iter()
        .map(|x| {
            (
                x["key"].as_str().unwrap_or("").to_string(),
                x["from"].clone(),
                x["to"].as_str().unwrap_or("").to_string(),
                x["reason"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let want = [
        (
            "o-1006",
            Value::from("created"),
            "shipped",
            "illegal transition",
        ),
        (
            "o-1003",
            Value::from("paid"),
            "delivered",
            "illegal transition",
        ),
        ("o-1011", Value::Null, "paid", "wrong initial state"),
        ("o-1008", Value::from("paid"), "lost", "unknown state"),
    ];
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (g, w) in got.iter().zip(want) {
        assert_eq!(
            (g.0.as_str(), &g.1, g.2.as_str(), g.3.as_str()),
            (w.0, &w.1, w.2, w.3)
        );
    }
    let first = &v[0];
    assert_eq!(first["event"]["attrs"]["order_id"], "o-1006");
    assert_eq!(first["previous"]["attrs"]["state"], "created");
    assert!(first["between"]
        .as_array()
        .is_some_and(|b| b.iter().all(|e| e["attrs"]["order_id"] != "o-1006")));
    // a broken spec is an error naming the file
    let out = heisen(&[
        "verify",
        "sample-traces/orders/orders.jsonl",
        "--spec",
        "README.md",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("README.md"));
}

#[test]
fn stale_read_behind_a_lagging_replica() {
    let r = json(&[
        "stale",
        "sample-traces/stale-replica/schedule.jsonl",
        "--json",
    ]);
    let s = r["stale_reads"].as_array().expect("stale");
    assert_eq!(s.len(), 2);
    let lags: Vec<i64> = s
        .iter()
        .map(|x| x["lag_ns"].as_i64().unwrap_or(0))
        .collect();
    assert_eq!(lags, [30_000_000, 60_000_000]);
    assert!(s.iter().all(|x| x["value"] == "a@example.com"));
    assert!(s.iter().all(|x| x["write"]["value"] == "b@example.com"));
}

#[test]
fn real_go_race_report() {
    let r = json(&[
        "races",
        "tests/data/go-race/go-junit-report_017-race.txt",
        "--json",
    ]);
    let races = r["races"].as_array().expect("races");
    assert_eq!(races.len(), 1);
    assert_eq!(races[0]["kind"], "write-write");
    assert_eq!(races[0]["obj"], "0x00c000138168");
    assert_eq!(races[0]["a"]["thread"], "goroutine 7");
    assert_eq!(races[0]["b"]["thread"], "goroutine 8");
    assert_eq!(races[0]["found_by"], "report");
    let t = json(&[
        "races",
        "tests/data/tsan/clusterfuzz_tsan_heap-use-after-free_chromium.txt",
        "--json",
    ]);
    assert_eq!(t["races"].as_array().map(Vec::len), Some(3));
}

#[test]
fn minimize_then_replay_deterministically() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("repro.jsonl");
    let o = out.to_string_lossy().to_string();
    let m = json(&[
        "minimize",
        "sample-traces/counter/schedule.jsonl",
        "--oracle",
        "lost-update:counter",
        "-o",
        &o,
        "--json",
    ]);
    assert_eq!(m["input_events"], 51);
    assert_eq!(m["output_events"], 4);
    assert!(m["oracle_calls"].as_u64().is_some_and(|n| n > 0));
    let text = std::fs::read_to_string(&out).expect("repro");
    let header: Value = serde_json::from_str(text.lines().next().unwrap_or("")).expect("header");
    assert_eq!(header["heisen_repro"]["oracle"], "lost-update:counter");
    assert_eq!(
        header["heisen_repro"]["sources"][0]["sha256"]
            .as_str()
            .map(str::len),
        Some(64)
    );
    // the repro still shows the lost update
    let r = json(&["races", &o, "--json"]);
    assert_eq!(r["lost_updates"].as_array().map(Vec::len), Some(1));
    // replay is deterministic: the same states, run after run
    let a = heisen(&["replay", &o, "--json"]);
    let b = heisen(&["replay", &o, "--json"]);
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
    let steps: Vec<Value> = String::from_utf8_lossy(&a.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("step"))
        .collect();
    assert_eq!(steps.len(), 4);
    assert_eq!(steps[3]["vars"][0]["value"], 2);
    // an oracle that does not hold is an error; a bad oracle is a usage error
    let none = heisen(&[
        "minimize",
        "sample-traces/mutex-stat/schedule.jsonl",
        "--oracle",
        "race:counter",
        "-o",
        &o,
    ]);
    assert_eq!(none.status.code(), Some(1));
    let bad = heisen(&[
        "minimize",
        "sample-traces/counter/schedule.jsonl",
        "--oracle",
        "nope",
        "-o",
        &o,
    ]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn minimize_a_state_machine_violation_and_a_hypothesis() {
    let dir = tempfile::tempdir().expect("tmp");
    let o = dir.path().join("r.jsonl").to_string_lossy().to_string();
    let m = json(&[
        "minimize",
        "sample-traces/orders/orders.jsonl",
        "--spec",
        "sample-traces/orders/orders.toml",
        "--oracle",
        "violation:o-1003",
        "-o",
        &o,
        "--json",
    ]);
    // created, paid, delivered of o-1003
    assert_eq!(m["output_events"], 3);
    let h = json(&[
        "minimize",
        "sample-traces/bad-pod/app.jsonl",
        "--oracle",
        r#"hypothesis:expect level = error when hostname = "pod-2" per request"#,
        "-o",
        &o,
        "--json",
    ]);
    assert!(
        h["output_events"]
            .as_u64()
            .is_some_and(|n| (1..=2).contains(&n)),
        "{h}"
    );
}

#[test]
fn export_jsonl_and_chrome() {
    let dir = tempfile::tempdir().expect("tmp");
    let j = dir.path().join("e.jsonl").to_string_lossy().to_string();
    let c = dir.path().join("t.json").to_string_lossy().to_string();
    let out = heisen(&[
        "export",
        "sample-traces/handler-race/traces.jsonl",
        "-q",
        "status = error",
        "--to",
        "jsonl",
        "-o",
        &j,
    ]);
    assert!(out.status.success());
    let lines = std::fs::read_to_string(&j).expect("jsonl");
    assert_eq!(lines.lines().count(), 20);
    // what heisen writes, heisen reads back
    let back = json(&["stats", &j, "--json"]);
    assert_eq!(back["total"]["events"], 20);
    assert_eq!(back["sources"][0]["parse_errors"], 0);
    let out = heisen(&[
        "export",
        "sample-traces/handler-race/traces.jsonl",
        "--to",
        "chrome",
        "-o",
        &c,
    ]);
    assert!(out.status.success());
    let back = json(&["stats", &c, "--json"]);
    assert_eq!(back["sources"][0]["format"], "chrome");
    assert_eq!(back["total"]["events"], 60);
}
