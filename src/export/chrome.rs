//! Chrome trace event JSON (opens in Perfetto and chrome://tracing): a process per service
//! (or file), a thread per thread (or trace).

use crate::model::Store;
use serde_json::{json, Value};

/// Chrome trace events for a set of events: spans as X, others as instants.
pub fn trace(store: &Store, idx: &[u32]) -> Value {
    let mut pids: Vec<String> = Vec::new();
    let mut tids: Vec<(usize, String)> = Vec::new();
    let mut events = Vec::new();
    for &i in idx {
        let e = &store.events()[i as usize];
        let svc = store
            .opt(e.service)
            .map(str::to_string)
            .unwrap_or_else(|| store.source_path(e).to_string());
        let pid = pids.iter().position(|p| *p == svc).unwrap_or_else(|| {
            pids.push(svc.clone());
            pids.len() - 1
        });
        let th = store
            .opt(e.thread)
            .or(store.opt(e.trace))
            .unwrap_or("main")
            .to_string();
        let tid = tids
            .iter()
            .position(|t| t.0 == pid && t.1 == th)
            .unwrap_or_else(|| {
                tids.push((pid, th.clone()));
                tids.len() - 1
            });
        let name = store
            .opt(e.name)
            .map(str::to_string)
            .or_else(|| {
                e.op()
                    .map(|o| format!("{} {}", o.as_str(), store.opt(e.obj).unwrap_or("")))
            })
            .or_else(|| {
                store
                    .opt(e.msg)
                    .map(|m| m.lines().next().unwrap_or("").to_string())
            })
            .unwrap_or_else(|| e.kind().as_str().to_string());
        let mut args = serde_json::to_value(store.view(e)).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut args {
            m.remove("source");
        }
        let ts = e.ts as f64 / 1000.0;
        match e.dur() {
            Some(d) => events.push(
                json!({"name": name, "cat": e.kind().as_str(), "ph": "X", "ts": ts,
                "dur": d as f64 / 1000.0, "pid": pid, "tid": tid, "args": args}),
            ),
            None => events.push(
                json!({"name": name, "cat": e.kind().as_str(), "ph": "i", "s": "t",
                "ts": ts, "pid": pid, "tid": tid, "args": args}),
            ),
        }
    }
    for (pid, name) in pids.iter().enumerate() {
        events.push(json!({"name": "process_name", "ph": "M", "pid": pid, "args": {"name": name}}));
    }
    for (tid, (pid, name)) in tids.iter().enumerate() {
        events.push(json!({"name": "thread_name", "ph": "M", "pid": pid, "tid": tid, "args": {"name": name}}));
    }
    json!({"traceEvents": events, "displayTimeUnit": "ns"})
}
