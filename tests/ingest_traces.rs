//! Trace formats (OTLP JSON, Jaeger, Zipkin v2, Chrome trace events) on the real samples: the
//! mapping of each field, ids that join across formats, B/E matching, line numbers, and bad
//! documents through the binary. (Per-file format/event/error counts: `ingest_formats.rs`.)

mod common;

use heisen::ingest::{load_files, LoadOptions};
use heisen::model::{Event, Kind, Level, Status, Store, Value};
use std::collections::BTreeSet;

fn load(rel: &str) -> Store {
    let p = format!("{}/tests/data/{rel}", env!("CARGO_MANIFEST_DIR"));
    load_files(&[p], &LoadOptions::default()).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn s(st: &Store, x: Option<heisen::model::Sym>) -> &str {
    x.map(|x| st.s(x)).unwrap_or("")
}

fn attr(st: &Store, e: &Event, k: &str) -> Option<Value> {
    st.attr(e, k)
}

fn text(st: &Store, e: &Event, k: &str) -> String {
    attr(st, e, k)
        .map(|v| v.to_text(st.strings()))
        .unwrap_or_default()
}

fn by_name<'a>(st: &'a Store, name: &str) -> &'a Event {
    st.events()
        .iter()
        .find(|e| s(st, e.name) == name)
        .unwrap_or_else(|| panic!("no event named {name}"))
}

/// (trace, span, parent, start, duration) of every span: what two formats of one trace share.
fn span_keys(st: &Store) -> BTreeSet<(String, String, String, i64, Option<i64>)> {
    st.events()
        .iter()
        .filter(|e| e.kind() == Kind::Span)
        .map(|e| {
            (
                s(st, e.trace).to_string(),
                s(st, e.span).to_string(),
                s(st, e.parent).to_string(),
                e.ts,
                e.dur(),
            )
        })
        .collect()
}

#[test]
fn otlp_trace_example_maps_every_field() {
    let st = load("otlp-json/otel-proto_examples_trace.json");
    assert_eq!(st.events().len(), 1);
    let e = &st.events()[0];
    assert_eq!(e.kind(), Kind::Span);
    assert_eq!(e.line, 30); // the span's first key
    assert_eq!(e.ts, 1_544_712_660_000_000_000);
    assert_eq!(e.dur(), Some(1_000_000_000));
    assert_eq!(s(&st, e.trace), "5b8efff798038103d269b633813fc60c");
    assert_eq!(s(&st, e.span), "eee19b7ec3c1b174");
    assert_eq!(s(&st, e.parent), "eee19b7ec3c1b173");
    assert_eq!(s(&st, e.service), "my.service");
    assert_eq!(s(&st, e.name), "I'm a server span");
    assert_eq!((e.status(), e.level()), (Some(Status::Unset), None));
    assert_eq!(text(&st, e, "span.kind"), "server");
    assert_eq!(text(&st, e, "otel.scope.name"), "my.library");
    assert_eq!(text(&st, e, "otel.scope.version"), "1.0.0");
    assert_eq!(text(&st, e, "my.scope.attribute"), "some scope attribute");
    assert_eq!(text(&st, e, "my.span.attr"), "some value");
}

#[test]
fn otlp_logs_levels_bodies_and_typed_attributes() {
    let st = load("otlp-json/lnav_logfile_otel_collector.jsonl");
    let got: Vec<(u32, Option<Level>, &str)> = st
        .events()
        .iter()
        .map(|e| (e.line, e.level(), s(&st, e.service)))
        .collect();
    use Level::*;
    assert_eq!(
        got,
        [
            (1, Some(Info), "payment-service"),
            (1, Some(Warn), "payment-service"),
            (1, Some(Info), "payment-service"),
            (2, Some(Error), "order-service"),
            (2, Some(Info), "order-service"),
            (3, Some(Trace), "severity-test"),
            (3, Some(Debug), "severity-test"),
            (3, Some(Fatal), "severity-test"),
            (4, Some(Info), ""),
            (5, None, "minimal-test"),
            (6, Some(Info), "env-test"),
        ]
    );
    assert!(st.events().iter().all(|e| e.kind() == Kind::Log));
    let last = &st.events()[10];
    assert_eq!(s(&st, last.trace), "8e1dd8d505f1a50b654f060631090c25");
    assert_eq!(s(&st, last.span), "384814e06fe88f46");
    assert_eq!(text(&st, last, "deployment.environment"), "production");

    let ex = load("otlp-json/otel-proto_examples_logs.json");
    let e = &ex.events()[0];
    assert_eq!(e.level(), Some(Info)); // severityNumber 10
    assert_eq!(s(&ex, e.msg), "Example log record");
    assert_eq!(s(&ex, e.trace), "5b8efff798038103d269b633813fc60c");
    assert_eq!(attr(&ex, e, "int.attribute"), Some(Value::Int(10)));
    assert_eq!(
        attr(&ex, e, "double.attribute"),
        Some(Value::Float(637.704))
    );
    assert_eq!(attr(&ex, e, "boolean.attribute"), Some(Value::Bool(true)));
    assert_eq!(text(&ex, e, "array.attribute"), r#"["many","values"]"#);
    assert_eq!(
        text(&ex, e, "map.attribute"),
        r#"{"some.map.key":"some value"}"#
    );

    let ev = load("otlp-json/otel-proto_examples_events.json");
    let e = &ev.events()[0];
    assert_eq!(s(&ev, e.name), "browser.page_view");
    assert_eq!(
        s(&ev, e.msg),
        r#"{"type":0,"url":"https://www.guidgenerator.com/online-guid-generator.aspx","referrer":"https://wwww.google.com","title":"Free Online GUID Generator"}"#
    );
    assert_eq!(text(&ev, e, "event.attribute"), "some event attribute");
}

#[test]
fn otlp_lines_and_document_give_the_same_spans() {
    let lines = load("otlp-json/jaeger-ui_otlp2jaeger-multi-in_nodejs.jsonl");
    let doc = load("otlp-json/jaeger-ui_otlp2jaeger-multi-in-combined.json");
    assert_eq!(span_keys(&lines), span_keys(&doc));
    assert_eq!(span_keys(&lines).len(), 4);
    let root = by_name(&lines, "main");
    assert_eq!(root.parent, None); // "parentSpanId": ""
    assert_eq!(root.dur(), Some(176_321_958));
    assert_eq!(text(&lines, root, "otel.scope.version"), "1.2.3");
    assert_eq!(text(&lines, root, "telemetry.sdk.language"), "nodejs");
    assert_eq!(text(&lines, root, "span.kind"), "internal");
    // each file-exporter line keeps its line number
    let l: Vec<u32> = lines.events().iter().map(|e| e.line).collect();
    assert_eq!(l, [4, 3, 1, 2]);
}

#[test]
fn jaeger_and_otlp_of_one_trace_agree() {
    let otlp = load("otlp-json/jaeger-ui_otlp2jaeger-in_telemetrygen.json");
    let jaeger = load("jaeger-json/jaeger-ui_otlp2jaeger-out.json");
    assert_eq!(span_keys(&otlp), span_keys(&jaeger));
    for st in [&otlp, &jaeger] {
        let e = &st.events()[0];
        assert_eq!(s(st, e.service), "telemetrygen");
        assert_eq!(text(st, e, "span.kind"), "server");
        assert_eq!(text(st, e, "peer.service"), "telemetrygen-client");
        assert_eq!(e.dur(), Some(123_000));
    }
}

#[test]
fn jaeger_samples() {
    // 31-digit trace id and a 15-digit span id (leading zeros stripped by the writer) are padded
    // back, so every parent reference resolves to a span of the file.
    let st = load("jaeger-json/jaeger-ui_spansAmongEachOther_petclinic.json");
    let spans: BTreeSet<&str> = st.events().iter().map(|e| s(&st, e.span)).collect();
    assert!(spans.contains("0a68c6983a6d81a2"));
    assert!(st.events().iter().all(|e| s(&st, e.trace).len() == 32));
    let dangling: Vec<&str> = st
        .events()
        .iter()
        .filter_map(|e| e.parent.map(|p| st.s(p)))
        .filter(|p| !spans.contains(p))
        .collect();
    assert!(dangling.is_empty(), "{dangling:?}");
    assert_eq!(st.events().iter().filter(|e| e.parent.is_none()).count(), 1);

    let normal = load("jaeger-json/jaeger-ui_testTraceNormal_petclinic.json");
    let q = normal
        .events()
        .iter()
        .find(|e| s(&normal, e.span) == "622a5079b565623e")
        .expect("span");
    assert_eq!(s(&normal, q.service), "customers-service");
    assert_eq!(s(&normal, q.parent), "e821b549888cbc3b");
    assert_eq!(q.ts, 1_579_070_675_085_840_000);
    assert_eq!(q.dur(), Some(52_000));
    assert_eq!(text(&normal, q, "sql"), "select * from pet");

    let anon = load("jaeger-json/jaeger_anonymizer_uiconv_trace_success.json");
    let err = anon
        .events()
        .iter()
        .find(|e| s(&anon, e.span) == "7bd66f09ba90ea3d")
        .expect("span");
    assert_eq!(
        (err.status(), err.level()),
        (Some(Status::Error), Some(Level::Error))
    );
    assert_eq!(attr(&anon, err, "error"), Some(Value::Bool(true)));
    assert_eq!(s(&anon, err.service), "3c220036602f839e");
    assert_eq!(s(&anon, err.parent), "7606ddfe69932d34");

    let ui = load("jaeger-json/jaeger-ui_TraceFlamegraph_testTrace_transformed.json");
    assert_eq!(ui.events().len(), 4);
    assert!(ui.sources()[0].notes[0].starts_with("Jaeger UI internal trace format"));
    let bike = by_name(&ui, "BikeHandler");
    assert_eq!(s(&ui, bike.service), "ride-sharing-app");
    assert_eq!(s(&ui, bike.parent), "d81ccf159d71bc66");
    assert_eq!(bike.dur(), Some(967_066_000));

    let prod = load("jaeger-json/jaeger-ui_traceWithOverlappingChildren.json");
    let send = by_name(&prod, "send");
    assert_eq!(s(&prod, send.span), s(&prod, send.trace));
    assert_eq!(text(&prod, send, "span.kind"), "producer");
    assert_eq!(
        s(&prod, by_name(&prod, "async task 1").parent),
        "006c3cf93508f205"
    );
}

#[test]
fn zipkin_samples() {
    let st = load("zipkin-v2-json/zipkin-lens_smartthings-oauth-authorization.json");
    let spans: Vec<&Event> = st
        .events()
        .iter()
        .filter(|e| e.kind() == Kind::Span)
        .collect();
    assert_eq!(spans.len(), 175);
    assert_eq!(st.events().len() - spans.len(), 9); // annotations
    assert_eq!(spans.iter().filter(|e| e.dur().is_none()).count(), 19);
    assert_eq!(spans.iter().filter(|e| e.name.is_none()).count(), 6);
    assert_eq!(
        spans
            .iter()
            .filter(|e| e.status() == Some(Status::Error) && e.level() == Some(Level::Error))
            .count(),
        2
    );
    assert_eq!(
        spans
            .iter()
            .filter(|e| attr(&st, e, "shared") == Some(Value::Bool(true)))
            .count(),
        45
    );

    let envoy = load("zipkin-v2-json/zipkin-lens_envoy.json");
    let e = &envoy.events()[0];
    assert_eq!(e.service, None);
    assert_eq!(e.parent, None);
    assert_eq!(e.dur(), Some(127_115_000));
    assert_eq!(text(&envoy, e, "span.kind"), "server");
    assert_eq!(
        text(&envoy, e, "guid:x-request-id"),
        "d709b78f-583e-988e-b581-25b72c63852d"
    );
    assert_eq!(text(&envoy, e, "localEndpoint.ipv4"), "169.254.65.45");

    let client = load("zipkin-v2-json/zipkin-benchmarks_zipkin2-client.json");
    let names: Vec<(Kind, &str, i64)> = client
        .events()
        .iter()
        .map(|e| (e.kind(), s(&client, e.name), e.ts))
        .collect();
    assert_eq!(
        names,
        [
            (Kind::Span, "get", 1_472_470_996_199_000_000),
            (Kind::Event, "foo", 1_472_470_996_238_000_000),
            (Kind::Event, "bar", 1_472_470_996_403_000_000),
        ]
    );
    assert_eq!(
        text(&client, &client.events()[0], "remoteEndpoint.port"),
        "9000"
    );
    assert!(client.events()[1..]
        .iter()
        .all(|a| a.span == client.events()[0].span && s(&client, a.service) == "frontend"));

    let zh = load("zipkin-v2-json/zipkin-benchmarks_zipkin2-chinese.json");
    let e = &zh.events()[0];
    assert_eq!(s(&zh, e.service), "订单维护服务");
    assert_eq!(text(&zh, e, "error"), "此用户没有操作权限");
    assert_eq!(e.status(), Some(Status::Error));
}

#[test]
fn chrome_samples() {
    let z = load("chrome-trace-json/speedscope_te_zero-duration-events.json");
    let got: Vec<(&str, i64, Option<i64>)> = z
        .events()
        .iter()
        .map(|e| (s(&z, e.name), e.ts, e.dur()))
        .collect();
    assert_eq!(
        got,
        [
            ("A", 0, Some(10_000)),
            ("B", 1_000, Some(0)),
            ("C", 2_000, Some(0)), // its E is written before its B
            ("D", 3_000, Some(0)),
        ]
    );

    let o = load("chrome-trace-json/speedscope_te_out-of-order.json");
    let got: Vec<(&str, Option<i64>)> = o
        .events()
        .iter()
        .map(|e| (s(&o, e.name), e.dur()))
        .collect();
    assert_eq!(
        got,
        [("A", Some(10_000)), ("B", Some(8_000)), ("C", Some(6_000))]
    );

    let t = load("chrome-trace-json/speedscope_te_too-many-end-events.json");
    let src = &t.sources()[0];
    let lines: Vec<u32> = src.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [6, 7]);
    assert!(src.errors[0].reason.contains("'gamma' matches no open B"));
    assert_eq!(by_name(&t, "beta").dur(), Some(12_000));

    let big = load("chrome-trace-json/speedscope_chrome69_simple_array.json");
    let spans = big
        .events()
        .iter()
        .filter(|e| e.kind() == Kind::Span)
        .count();
    assert_eq!(spans, 927 + 140);
    assert_eq!(big.events().len() - spans, 49 + 14); // I instants + R marks
    let notes = &big.sources()[0].notes;
    assert!(notes.iter().any(|n| n
        == "trace events of other phases not shown (D: 7, F: 6, N: 7, O: 2, P: 22, S: 9, T: 3)"));
    let task = big
        .events()
        .iter()
        .find(|e| e.ts == 52_949_279_308_000)
        .expect("first event of the file");
    assert_eq!(task.line, 1);
    assert_eq!(s(&big, task.name), "ThreadControllerImpl::RunTask");
    assert_eq!(task.dur(), Some(287_000));
    assert_eq!(s(&big, task.service), "Renderer");
    assert_eq!(s(&big, task.thread), "CrRendererMain");
    assert_eq!(text(&big, task, "cat"), "toplevel");
    assert_eq!(
        text(&big, task, "args.src_file"),
        "../../ipc/ipc_mojo_bootstrap.cc"
    );

    // ts and tid written as strings; process/thread names from metadata.
    let h = load("chrome-trace-json/speedscope_te_multi-thread-with-samples.json");
    let e = &h.events()[0];
    assert_eq!(e.ts, 11_550_183_666_000);
    assert_eq!((s(&h, e.service), s(&h, e.thread)), ("hermes", "mqt_js"));
    assert_eq!(s(&h, h.events()[1].thread), "tid 2");

    let partial = load("chrome-trace-json/speedscope_te_simple-partial_no-closing-bracket.json");
    assert_eq!(partial.events().len(), 4);
    assert_eq!(
        text(&partial, by_name(&partial, "gamma"), "args.detail"),
        "foobar"
    );
}

#[test]
fn bad_trace_documents_through_the_binary() {
    let dir = std::env::temp_dir().join(format!("heisen-traces-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let write = |name: &str, body: &str| {
        let p = dir.join(name);
        std::fs::write(&p, body).expect("write");
        p.to_string_lossy().to_string()
    };
    let otlp = write(
        "cut.json",
        "{\"resourceSpans\": [{\"scopeSpans\": [{\"spans\": [\n{\"traceId\": \"01\", \"spanId\": \"02\", \"startTimeUnixNano\": \"1700000000000000000\"}]}]},\n{\"scopeSpans\": [{\"spans\": [{\"traceId\": ",
    );
    let chrome = write(
        "chrome.json",
        "[{\"ph\":\"B\",\"name\":\"a\",\"ts\":1,\"pid\":1,\"tid\":1},\n{\"ph\":\"E\",\"ts\":2,\"pid\":1,\"tid\":2},\n{\"ph\":\"X\",\"ts\":\"x\"}",
    );
    let v = common::json(&["stats", "--json", &otlp, &chrome]);
    let srcs = v["sources"].as_array().expect("sources");
    assert_eq!(srcs[0]["format"], "otlp");
    assert_eq!(srcs[0]["events"], 1);
    assert_eq!(srcs[0]["parse_errors"], 1);
    let err = srcs[0]["errors"][0].as_str().unwrap_or_default();
    assert!(
        err.starts_with(&format!("{otlp}:3: ")) && err.contains("kept 1 complete resource blocks"),
        "{err}"
    );
    assert_eq!(srcs[1]["format"], "chrome");
    assert_eq!(srcs[1]["events"], 1);
    assert_eq!(srcs[1]["parse_errors"], 2);
    let mut errs: Vec<&str> = srcs[1]["errors"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e.as_str()).collect())
        .unwrap_or_default();
    errs.sort();
    assert_eq!(
        errs,
        [
            format!("{chrome}:2: trace event #2: E (end) matches no open B on this thread"),
            format!("{chrome}:3: trace event #3 (X) has no valid ts"),
        ]
    );
    let notes = srcs[1]["notes"].to_string();
    assert!(notes.contains("1 B (begin) events never ended"), "{notes}");

    // An array of something else is not a trace: a clear error naming the file, exit 1.
    let other = write("other.json", "[1, 2, 3]");
    let out = common::heisen(&["stats", &other]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&other) && stderr.contains("cannot detect the format"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
