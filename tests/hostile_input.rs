//! Hostile input through the real binary: values that look right and are not, written where a
//! careless reader would accept them.

mod common;

use common::heisen;

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
