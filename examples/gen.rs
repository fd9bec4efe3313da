//! Seeded generator of large inputs for benchmarks: JSON-lines logs, OTLP JSON lines, schedules.
//!
//! `cargo run --release --example gen -- jsonl 1G out.jsonl [SEED]`
//! Kinds: `jsonl`, `otlp`, `schedule`. Sizes take K/M/G suffixes. The same seed gives the same bytes.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::io::{BufWriter, Write};

const SERVICES: [&str; 6] = ["api", "payments", "ledger", "auth", "search", "mailer"];
const LEVELS: [&str; 5] = ["debug", "info", "info", "warn", "error"];
const MSGS: [&str; 8] = [
    "request started",
    "db write committed",
    "db read from replica",
    "cache miss for key",
    "upstream call finished",
    "retrying after timeout",
    "request finished",
    "POST /transfer handled",
];

fn parse_size(s: &str) -> u64 {
    let (n, mult) = match s.chars().last() {
        Some('K') | Some('k') => (&s[..s.len() - 1], 1u64 << 10),
        Some('M') | Some('m') => (&s[..s.len() - 1], 1 << 20),
        Some('G') | Some('g') => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    n.parse::<f64>().expect("size") as u64 * mult
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: gen jsonl|otlp|schedule SIZE OUT [SEED]");
        std::process::exit(2);
    }
    let size = parse_size(&args[2]);
    let seed: u64 = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(1);
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(&args[3])?);
    let mut written = 0u64;
    let mut ts: i64 = 1_763_890_200_000_000_000;
    let mut line = String::with_capacity(1024);
    let mut i: u64 = 0;
    while written < size {
        line.clear();
        ts += rng.gen_range(1_000..200_000);
        match args[1].as_str() {
            "jsonl" => jsonl(&mut line, &mut rng, ts, i),
            "otlp" => otlp(&mut line, &mut rng, ts, i),
            "schedule" => schedule(&mut line, &mut rng, ts),
            k => {
                eprintln!("unknown kind {k}");
                std::process::exit(2);
            }
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
        written += line.len() as u64;
        i += 1;
    }
    out.flush()?;
    eprintln!("{i} records, {written} bytes");
    Ok(())
}

fn secs_iso(ts: i64) -> String {
    heisen::model::time::format_ns(ts)
}

fn jsonl(l: &mut String, r: &mut StdRng, ts: i64, i: u64) {
    use std::fmt::Write;
    let svc = SERVICES[r.gen_range(0..SERVICES.len())];
    let lvl = LEVELS[r.gen_range(0..LEVELS.len())];
    let msg = MSGS[r.gen_range(0..MSGS.len())];
    let req = r.gen_range(0..1_000_000u32);
    match i % 3 {
        // pino style: epoch ms, numeric level
        0 => {
            let n = match lvl {
                "debug" => 20,
                "info" => 30,
                "warn" => 40,
                _ => 50,
            };
            let _ = write!(
                l,
                r#"{{"level":{n},"time":{},"pid":{},"hostname":"pod-{}","service":"{svc}","req_id":"r{req:06}","msg":"{msg}","latency_ms":{}}}"#,
                ts / 1_000_000,
                r.gen_range(1..50_000),
                r.gen_range(1..9),
                r.gen_range(0..3000)
            );
        }
        // zap style: float seconds
        1 => {
            let _ = write!(
                l,
                r#"{{"level":"{lvl}","ts":{:.6},"logger":"{svc}.handler","msg":"{msg}","request_id":"r{req:06}","http":{{"method":"POST","status_code":{},"path":"/v1/transfer/{}"}},"account":"acct-{}"}}"#,
                ts as f64 / 1e9,
                [200, 200, 200, 301, 404, 500][r.gen_range(0..6)],
                r.gen_range(0..100_000),
                r.gen_range(0..5000)
            );
        }
        // slog / ECS-ish: RFC 3339
        _ => {
            let _ = write!(
                l,
                r#"{{"time":"{}","level":"{}","msg":"{msg} id={}","service.name":"{svc}","trace_id":"{:032x}","span_id":"{:016x}","db.node":"{}"}}"#,
                secs_iso(ts),
                lvl.to_uppercase(),
                r.gen_range(0..1_000_000),
                r.gen::<u128>(),
                r.gen::<u64>(),
                ["primary", "replica"][r.gen_range(0..2)]
            );
        }
    }
}

fn otlp(l: &mut String, r: &mut StdRng, ts: i64, _i: u64) {
    use std::fmt::Write;
    let svc = SERVICES[r.gen_range(0..SERVICES.len())];
    let trace: u128 = r.gen();
    let _ = write!(
        l,
        r#"{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"{svc}"}}}},{{"key":"host.name","value":{{"stringValue":"pod-{}"}}}}]}},"scopeSpans":[{{"scope":{{"name":"gen"}},"spans":["#,
        r.gen_range(1..9)
    );
    let n = r.gen_range(3..8);
    let root: u64 = r.gen();
    for k in 0..n {
        if k > 0 {
            l.push(',');
        }
        let id: u64 = if k == 0 { root } else { r.gen() };
        let start = ts + k as i64 * 1_000_000;
        let dur = r.gen_range(100_000..50_000_000i64);
        let parent = if k == 0 {
            String::new()
        } else {
            format!(r#""parentSpanId":"{root:016x}","#)
        };
        let _ = write!(
            l,
            r#"{{"traceId":"{trace:032x}","spanId":"{id:016x}",{parent}"name":"{}","kind":{},"startTimeUnixNano":"{start}","endTimeUnixNano":"{}","attributes":[{{"key":"http.status_code","value":{{"intValue":"{}"}}}}],"status":{{"code":{}}}}}"#,
            MSGS[r.gen_range(0..MSGS.len())],
            r.gen_range(1..4),
            start + dur,
            [200, 200, 500][r.gen_range(0..3)],
            r.gen_range(0..3)
        );
    }
    l.push_str("]}]}]}");
}

fn schedule(l: &mut String, r: &mut StdRng, ts: i64) {
    use std::fmt::Write;
    let t = r.gen_range(0..16);
    let obj = r.gen_range(0..64);
    let op = ["read", "write", "read", "lock", "unlock", "send", "recv"][r.gen_range(0..7)];
    let _ = write!(
        l,
        r#"{{"ts":{ts},"thread":"T{t}","op":"{op}","obj":"obj{obj}","value":{}}}"#,
        r.gen_range(0..1000)
    );
}
