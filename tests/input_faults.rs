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

/// A file of `n` JSON lines.
fn jsonl(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "{{\"ts\":{},\"level\":\"info\",\"msg\":\"request {i} served\",\"k\":{i}}}\n",
                1_700_000_000_000u64 + i as u64
            )
        })
        .collect()
}

#[test]
fn a_file_truncated_while_read_loads_shorter_and_never_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    let text = jsonl(600_000);
    for delay in [50, 300] {
        std::fs::write(&path, &text).unwrap();
        let child = Command::new(BIN)
            .args(["stats", "--json", path.to_str().unwrap()])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay));
        // What `logrotate copytruncate` does.
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(0)
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.code().is_some(),
            "killed by a signal: {:?} {}",
            out.status,
            stderr(&out)
        );
        assert!(out.status.code().unwrap() <= 1, "{}", stderr(&out));
    }
}

#[test]
fn streams_are_read_whatever_they_are() {
    let f = "sample-traces/tz-drift/api.jsonl";
    // The events, without the source's name.
    let events = |out: &[u8]| -> Vec<serde_json::Value> {
        let text = String::from_utf8_lossy(out);
        let mut v: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        v.iter_mut()
            .for_each(|e| drop(e.as_object_mut().unwrap().remove("source")));
        v
    };
    let want = events(&common::heisen(&["events", "--json", f]).stdout);
    assert_eq!(want.len(), 10);
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    let fifo = fifo.to_str().unwrap();
    for (how, script) in [
        ("process substitution", format!("\"$H\" events --json <(cat {f})")),
        ("/dev/stdin", format!("cat {f} | \"$H\" events --json /dev/stdin")),
        ("a FIFO", format!("mkfifo {fifo} && (cat {f} > {fifo} &) && \"$H\" events --json {fifo}; rm -f {fifo}")),
        ("a slow writer", format!("\"$H\" events --json <(sleep 1; cat {f})")),
        ("gzip through a pipe", format!("\"$H\" events --json <(gzip -c {f})")),
    ] {
        let out = sh(&script, 60);
        assert!(out.status.success(), "{how}: {}", stderr(&out));
        assert_eq!(events(&out.stdout), want, "{how}");
    }
    // Devices and /proc: read to their end.
    let out = sh("\"$H\" stats --json /dev/null /proc/self/mounts", 60);
    assert_eq!(
        out.status.code(),
        Some(1),
        "/proc/self/mounts has no log format"
    );
    assert!(
        stderr(&out).contains("/proc/self/mounts: cannot detect the format"),
        "{}",
        stderr(&out)
    );
    let out = sh("\"$H\" stats /dev/null", 60);
    assert!(out.status.success(), "{}", stderr(&out));
    // What cannot be read: exit 1 and the file named.
    let out = sh(&format!("mkfifo {fifo}.2 && \"$H\" stats {fifo}.2"), 60);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("fifo.2: a FIFO that no process writes to"),
        "{}",
        stderr(&out)
    );
    let out = sh("\"$H\" stats sample-traces", 60);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("sample-traces: is a directory"),
        "{}",
        stderr(&out)
    );
    let out = sh("\"$H\" stats /dev/zero", 60);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("/dev/zero: cannot detect the format: binary data"),
        "{}",
        stderr(&out)
    );
}

/// Gzip `text` as `members` concatenated members.
fn gzip(text: &[u8], members: usize) -> Vec<u8> {
    use std::io::Write;
    let mut out = Vec::new();
    for part in text.chunks(text.len().div_ceil(members).max(1)) {
        let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(part).unwrap();
        out.extend(z.finish().unwrap());
    }
    out
}

#[test]
fn gzip_is_streamed_and_damage_keeps_what_decompresses() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_string()
    };
    // Many members, more text than the address space allows: streamed, so it loads.
    let line = format!(
        "{{\"ts\":1700000000000,\"level\":\"info\",\"msg\":\"{}\"}}\n",
        "x".repeat(1000)
    );
    let big = file("big.jsonl.gz", &gzip(line.repeat(100_000).as_bytes(), 100));
    let out = sh(&format!("ulimit -v 150000; \"$H\" stats --json {big}"), 120);
    assert!(out.status.success(), "{}", stderr(&out));
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stats["sources"][0]["events"], 100_000, "{stats}");
    // Past --max-input: a clear error naming the file.
    let out = common::heisen(&["stats", "--max-input", "10M", &big]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "big.jsonl.gz: more than 10485760 bytes (after decompression); raise --max-input"
        ),
        "{}",
        stderr(&out)
    );
    // Zeros: refused from the first bytes, not after decompressing them all.
    let zeros = file("zeros.gz", &gzip(&vec![0u8; 300 << 20], 1));
    let out = sh(&format!("ulimit -v 150000; \"$H\" stats {zeros}"), 120);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("zeros.gz: cannot detect the format: binary data"),
        "{}",
        stderr(&out)
    );
    // Truncated, or garbage after the end: what decompresses is kept, and one error counted.
    let text = jsonl(20_000);
    let whole = gzip(text.as_bytes(), 4);
    let cut = file("cut.gz", &whole[..whole.len() * 2 / 3]);
    let mut tail = whole.clone();
    tail.extend_from_slice(b"garbage after the last member\n");
    let tail = file("tail.gz", &tail);
    for (f, all) in [(&cut, false), (&tail, true)] {
        let stats = common::json(&["stats", "--json", f]);
        let src = &stats["sources"][0];
        let events = src["events"].as_u64().unwrap();
        assert!(events > 10_000, "{stats}");
        assert_eq!(events == 20_000, all, "{stats}");
        // A cut may also leave a torn last line.
        let errors = src["parse_errors"].as_u64().unwrap();
        assert!(errors == 1 || !all && errors == 2, "{stats}");
        assert!(
            src["errors"].to_string().contains("corrupt gzip data"),
            "{stats}"
        );
    }
}
