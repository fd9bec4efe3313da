//! Live evidence through the real binary: the OTLP/HTTP receiver against raw HTTP requests
//! (JSON, protobuf, gzip, bad bodies) and against the OpenTelemetry Python SDK, and following a
//! file that grows, rotates and is truncated.

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use prost::Message;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Recorder {
    child: Child,
    port: u16,
    out: String,
    _dir: tempfile::TempDir,
}

impl Drop for Recorder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(extra: &[&str]) -> Recorder {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("rec.jsonl").to_string_lossy().to_string();
    let (child, port, _) = start_at(&out, 0, extra);
    Recorder {
        child,
        port,
        out,
        _dir: dir,
    }
}

/// A minimal HTTP/1.1 POST; returns the status code and the body.
fn post(port: u16, path: &str, ctype: &str, extra: &str, body: &[u8]) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {ctype}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).expect("write");
    let _ = s.write_all(body);
    let mut resp = Vec::new();
    let _ = s.read_to_end(&mut resp);
    let text = String::from_utf8_lossy(&resp);
    let code = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = resp
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| resp[i + 4..].to_vec())
        .unwrap_or_default();
    (code, body)
}

fn stats(path: &str) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_heisen"))
        .args(["events", "--json", path])
        .output()
        .expect("events");
    serde_json::Value::Array(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).expect("json"))
            .collect(),
    )
}

fn proto_request(n: usize) -> ExportTraceServiceRequest {
    let kv = |k: &str, v: any_value::Value| KeyValue {
        key: k.into(),
        value: Some(AnyValue { value: Some(v) }),
        ..Default::default()
    };
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![kv(
                    "service.name",
                    any_value::Value::StringValue("pb-svc".into()),
                )],
                ..Default::default()
            }),
            scope_spans: vec![ScopeSpans {
                spans: (0..n)
                    .map(|i| Span {
                        trace_id: vec![0xab; 16],
                        span_id: vec![i as u8 + 1; 8],
                        name: format!("op {i}"),
                        start_time_unix_nano: 1_700_000_000_000_000_000 + i as u64,
                        end_time_unix_nano: 1_700_000_000_050_000_000 + i as u64,
                        attributes: vec![kv(
                            "http.status_code",
                            any_value::Value::IntValue(200 + i as i64),
                        )],
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

#[test]
fn receiver_statuses_and_contents() {
    let r = start(&["--max-body", "4096"]);
    let json = br#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"json-svc"}}]},"scopeSpans":[{"spans":[{"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","name":"GET /","startTimeUnixNano":"1700000001000000000","endTimeUnixNano":"1700000001100000000","attributes":[{"key":"user","value":{"stringValue":"bob"}}]}]}]}]}"#;
    assert_eq!(
        post(r.port, "/v1/traces", "application/json", "", json).0,
        200
    );
    let pb = proto_request(3).encode_to_vec();
    let (code, body) = post(r.port, "/v1/traces", "application/x-protobuf", "", &pb);
    assert_eq!(code, 200);
    assert!(
        body.is_empty(),
        "full success: an empty ExportTraceServiceResponse"
    );
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&proto_request(2).encode_to_vec())
        .expect("gzip");
    let gz = gz.finish().expect("gzip");
    assert_eq!(
        post(
            r.port,
            "/v1/traces",
            "application/x-protobuf",
            "Content-Encoding: gzip\r\n",
            &gz
        )
        .0,
        200
    );
    let logs = br#"{"resourceLogs":[{"resource":{},"scopeLogs":[{"logRecords":[{"timeUnixNano":"1700000002000000000","severityNumber":17,"body":{"stringValue":"boom"}}]}]}]}"#;
    assert_eq!(
        post(r.port, "/v1/logs", "application/json", "", logs).0,
        200
    );
    // partial success: a span without ids is rejected, the others kept
    let partial = br#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"no ids","startTimeUnixNano":"1700000003000000000"}]}]}]}"#;
    let (code, body) = post(r.port, "/v1/traces", "application/json", "", partial);
    assert_eq!(code, 200);
    assert!(String::from_utf8_lossy(&body).contains("rejectedSpans"));
    // bad requests get the right status and the receiver keeps serving
    assert_eq!(post(r.port, "/v1/traces", "text/plain", "", json).0, 415);
    assert_eq!(
        post(r.port, "/v1/traces", "application/json", "", b"not json").0,
        400
    );
    assert_eq!(
        post(
            r.port,
            "/v1/traces",
            "application/x-protobuf",
            "",
            &pb[..pb.len() / 2]
        )
        .0,
        400
    );
    assert_eq!(
        post(
            r.port,
            "/v1/traces",
            "application/x-protobuf",
            "",
            b"\xff\xff\xff garbage"
        )
        .0,
        400
    );
    assert_eq!(
        post(
            r.port,
            "/v1/traces",
            "application/json",
            "",
            &vec![b' '; 8192]
        )
        .0,
        413
    );
    assert_eq!(
        post(r.port, "/v1/traces", "application/json", "", json).0,
        200
    );
    let ev = stats(&r.out);
    let spans: Vec<&serde_json::Value> = ev
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["kind"] == "span")
        .collect();
    // The span without ids was rejected through partial success, so it is not stored.
    assert_eq!(
        spans.len(),
        1 + 3 + 2 + 1,
        "every acknowledged span is in the file, and nothing rejected"
    );
    assert!(spans.iter().all(|e| e["name"] != "no ids"));
    let first = spans
        .iter()
        .find(|e| e["service"] == "json-svc")
        .expect("json span");
    assert_eq!(first["trace"], "5b8efff798038103d269b633813fc60c");
    assert_eq!(first["attrs"]["user"], "bob");
    assert_eq!(first["dur_ns"], 100_000_000);
    let pbs: Vec<_> = spans.iter().filter(|e| e["service"] == "pb-svc").collect();
    assert_eq!(pbs.len(), 5);
    assert!(pbs
        .iter()
        .all(|e| e["trace"] == "abababababababababababababababab"));
    assert!(pbs.iter().any(|e| e["attrs"]["http.status_code"] == 202));
    let logs: Vec<_> = ev
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["kind"] == "log")
        .collect();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0]["level"], "error");
}

/// What tests/otel_sdk_client.py imports from the SDK and the OTLP/HTTP exporter.
const OTEL_IMPORTS: &str = "import opentelemetry.sdk.trace, opentelemetry.sdk._logs, \
     opentelemetry.exporter.otlp.proto.http.trace_exporter, \
     opentelemetry.exporter.otlp.proto.http._log_exporter";

#[test]
fn opentelemetry_python_sdk_client() {
    // The SDK is required: `.ci/run` installs it, and without it this test fails rather than
    // passing unseen.
    let has_sdk = Command::new("python3")
        .args(["-c", OTEL_IMPORTS])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        has_sdk,
        "the OpenTelemetry Python SDK is required for this test: python3 -m pip install \
         opentelemetry-sdk opentelemetry-exporter-otlp-proto-http (.ci/run does)"
    );
    let r = start(&[]);
    let out = Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/otel_sdk_client.py"
        ))
        .arg(format!("http://127.0.0.1:{}", r.port))
        .output()
        .expect("python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(said.trim(), "sent 4 spans and 3 logs");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let ev = stats(&r.out);
        let all = ev.as_array().cloned().unwrap_or_default();
        let spans: Vec<_> = all
            .iter()
            .filter(|e| e["kind"] == "span")
            .cloned()
            .collect();
        let logs: Vec<_> = all.iter().filter(|e| e["kind"] == "log").cloned().collect();
        if spans.len() == 4 && logs.len() == 3 {
            let root = spans
                .iter()
                .find(|e| e["name"] == "POST /checkout")
                .expect("root span");
            assert_eq!(root["service"], "sdk-checkout");
            assert_eq!(root["status"], "error");
            assert_eq!(root["attrs"]["http.status_code"], 500);
            assert_eq!(root["attrs"]["deployment.environment"], "prod");
            assert!(spans
                .iter()
                .filter(|e| e["name"] != "POST /checkout")
                .all(|e| e["parent"] == root["span"] && e["trace"] == root["trace"]));
            assert!(all
                .iter()
                .any(|e| e["kind"] == "event" && e["name"] == "retry"));
            let mut got: Vec<_> = logs
                .iter()
                .map(|e| format!("{} {}", e["level"], e["msg"]))
                .collect();
            got.sort_unstable();
            assert_eq!(
                got,
                [
                    r#""error" "payment declined""#,
                    r#""info" "order placed""#,
                    r#""warn" "inventory low""#
                ]
            );
            return;
        }
        assert!(
            Instant::now() < deadline,
            "got {} spans, {} logs: {said}",
            spans.len(),
            logs.len()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn events_follow_sees_appends_rotation_and_truncation() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("app.log");
    let line = |m: &str| format!("{{\"ts\":1700000000000,\"level\":\"info\",\"msg\":\"{m}\"}}\n");
    std::fs::write(&p, line("one")).expect("write");
    let mut child = Command::new(env!("CARGO_BIN_EXE_heisen"))
        .args(["events", "--follow", "--json"])
        .arg(&p)
        .stdout(Stdio::piped())
        .spawn()
        .expect("follow");
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let stdout = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for l in BufReader::new(stdout).lines().map_while(Result::ok) {
            let v: serde_json::Value = serde_json::from_str(&l).unwrap_or_default();
            let _ = tx.send(v["msg"].as_str().unwrap_or("").to_string());
        }
    });
    let next = || rx.recv_timeout(Duration::from_secs(5)).unwrap_or_default();
    assert_eq!(next(), "one");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&p)
        .expect("open");
    f.write_all(line("two").as_bytes()).expect("append");
    assert_eq!(next(), "two");
    std::fs::rename(&p, dir.path().join("app.log.1")).expect("rotate");
    std::fs::write(&p, line("three")).expect("recreate");
    assert_eq!(next(), "three");
    std::fs::write(&p, line("4")).expect("truncate");
    assert_eq!(next(), "4");
    assert!(
        rx.recv_timeout(Duration::from_millis(500)).is_err(),
        "nothing read twice"
    );
    let _ = child.kill();
    let _ = child.wait();
}

/// A recorder on a given file and port (0: any), and the first line it printed.
fn start_at(out: &str, port: u16, extra: &[&str]) -> (Child, u16, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_heisen"))
        .args([
            "record",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "-o",
            out,
        ])
        .args(extra)
        .stderr(Stdio::piped())
        .spawn()
        .expect("start recorder");
    let mut err = BufReader::new(child.stderr.take().expect("stderr"));
    let mut said = String::new();
    let mut line = String::new();
    while err.read_line(&mut line).unwrap_or(0) > 0 {
        said.push_str(&line);
        if line.contains("recording OTLP/HTTP") {
            break;
        }
        line.clear();
    }
    let port = said
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in: {said}"));
    std::thread::spawn(move || for _ in err.lines() {});
    (child, port, said)
}

#[test]
fn receiver_refuses_unknown_codings_malformed_ids_and_decoding_bombs() {
    let r = start(&[]);
    let pb = proto_request(2).encode_to_vec();
    for coding in ["deflate", "br", "gzip, br", "compress"] {
        let extra = format!("Content-Encoding: {coding}\r\n");
        let (code, _) = post(r.port, "/v1/traces", "application/x-protobuf", &extra, &pb);
        assert_eq!(code, 415, "{coding}");
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&pb).expect("gzip");
    let gz = gz.finish().expect("gzip");
    let extra = "Content-Encoding: gzip, identity\r\n";
    assert_eq!(
        post(r.port, "/v1/traces", "application/x-protobuf", extra, &gz).0,
        200
    );
    // Malformed ids: rejected through partial success and never stored.
    let mut bad = proto_request(3);
    let spans = &mut bad.resource_spans[0].scope_spans[0].spans;
    spans[0].trace_id = vec![0xab; 15];
    spans[1].span_id = vec![0; 8];
    spans[1].name = "zero span id".into();
    spans[0].name = "short trace id".into();
    let (code, body) = post(
        r.port,
        "/v1/traces",
        "application/x-protobuf",
        "",
        &bad.encode_to_vec(),
    );
    assert_eq!(code, 200);
    let resp =
        opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceResponse::decode(
            &body[..],
        )
        .expect("response");
    assert_eq!(resp.partial_success.expect("partial").rejected_spans, 2);
    let json = br#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc6","spanId":"eee19b7ec3c1b174","name":"30 hex digits","startTimeUnixNano":"1700000003000000000"},{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"kept json","startTimeUnixNano":"1700000003000000000"}]}]}]}"#;
    let (code, body) = post(r.port, "/v1/traces", "application/json", "", json);
    assert_eq!(code, 200);
    let body: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(body["partialSuccess"]["rejectedSpans"], "1");
    // A decoding bomb: 4 M empty spans are 8 MB of protobuf and 66 KB of gzip, but would
    // take gigabytes decoded.
    let mut bomb = proto_request(0);
    bomb.resource_spans[0].scope_spans[0].spans = vec![Span::default(); 4_000_000];
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&bomb.encode_to_vec()).expect("gzip");
    let gz = gz.finish().expect("gzip");
    let extra = "Content-Encoding: gzip\r\n";
    let (code, body) = post(r.port, "/v1/traces", "application/x-protobuf", extra, &gz);
    assert_eq!(code, 413, "{}", String::from_utf8_lossy(&body));
    let names: Vec<String> = stats(&r.out)
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["name"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        names,
        ["op 0", "op 1", "op 2", "kept json"],
        "only the valid spans are stored"
    );
}

#[test]
fn recorder_repairs_a_torn_tail_before_appending() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("rec.jsonl");
    let first = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"before","startTimeUnixNano":"1700000001000000000"}]}]}]}"#;
    std::fs::write(&out, format!("{first}\n{{\"resourceSpans\":[{{\"scopeS")).expect("write");
    let out = out.to_string_lossy().to_string();
    let (mut child, port, said) = start_at(&out, 0, &[]);
    assert!(
        said.contains("removed a torn last record (26 bytes"),
        "{said}"
    );
    let pb = proto_request(1).encode_to_vec();
    assert_eq!(
        post(port, "/v1/traces", "application/x-protobuf", "", &pb).0,
        200
    );
    let _ = child.kill();
    let _ = child.wait();
    let check = Command::new(env!("CARGO_BIN_EXE_heisen"))
        .args(["stats", "--json", &out])
        .output()
        .expect("stats");
    let s: serde_json::Value = serde_json::from_slice(&check.stdout).expect("json");
    assert_eq!(s["sources"][0]["events"], 2, "{s}");
    assert_eq!(s["sources"][0]["parse_errors"], 0, "{s}");
}

#[test]
fn slow_clients_do_not_starve_valid_ones() {
    let r = start(&["--max-connections", "16", "--header-timeout", "1"]);
    // 40 connections that send half a request head and then nothing.
    let idle: Vec<TcpStream> = (0..40)
        .filter_map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", r.port)).ok()?;
            let _ = s.write_all(b"POST /v1/traces HTTP/1.1\r\nHost: x\r\n");
            Some(s)
        })
        .collect();
    let t = Instant::now();
    let pb = proto_request(1).encode_to_vec();
    let (code, _) = post(r.port, "/v1/traces", "application/x-protobuf", "", &pb);
    assert_eq!(code, 200);
    // The idle ones were cut off after the header timeout, in waves of 16.
    assert!(t.elapsed() < Duration::from_secs(9), "{:?}", t.elapsed());
    drop(idle);
}

#[test]
fn sigkilled_recorder_loses_nothing_acknowledged_to_the_sdk() {
    let has_sdk = Command::new("python3")
        .args(["-c", OTEL_IMPORTS])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        has_sdk,
        "the OpenTelemetry Python SDK is required (.ci/run installs it)"
    );
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("rec.jsonl").to_string_lossy().to_string();
    let (mut rec, port, _) = start_at(&out, 0, &[]);
    let clients: Vec<Child> = (0..4)
        .map(|c| {
            Command::new("python3")
                .arg(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/tests/otel_kill_client.py"
                ))
                .args([&format!("http://127.0.0.1:{port}"), "6", &format!("c{c}")])
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("python3 runs")
        })
        .collect();
    let started = Instant::now();
    let mut kills = 0;
    while started.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(150 + 37 * (kills % 5)));
        rec.kill().expect("SIGKILL");
        let _ = rec.wait();
        kills += 1;
        rec = start_at(&out, port, &[]).0;
    }
    let mut acked = std::collections::BTreeSet::new();
    for c in clients {
        let o = c.wait_with_output().expect("client");
        assert!(
            o.status.success(),
            "the SDK client failed (is it installed?)"
        );
        acked.extend(String::from_utf8_lossy(&o.stdout).lines().map(String::from));
    }
    let _ = rec.kill();
    let _ = rec.wait();
    let stored: std::collections::BTreeSet<String> = stats(&out)
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["name"].as_str().map(String::from))
        .collect();
    let lost: Vec<&String> = acked.difference(&stored).collect();
    eprintln!(
        "{kills} SIGKILLs, {} spans acknowledged, {} lost",
        acked.len(),
        lost.len()
    );
    assert!(kills >= 10, "{kills} kills");
    assert!(acked.len() > 100, "only {} spans acknowledged", acked.len());
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged spans lost after {kills} kills: {:?}",
        lost.len(),
        acked.len(),
        &lost[..lost.len().min(5)]
    );
}
