//! Stale reads: a read that returns a value older than a write that had completed before the
//! read began — the read-replica-lag bug. Works on schedule operations (`read`/`write` of an
//! object) and on log or span events that carry `op` (read/write), an object (`obj` or `key`)
//! and a `value` or `version`.

use crate::model::{Kind, Op, Store};
use serde::Serialize;
use std::collections::HashMap;

/// One stale read.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StaleRead {
    pub obj: String,
    /// The value the read returned.
    pub value: String,
    pub read: u32,
    /// The newer write that had completed before the read began.
    pub write: u32,
    /// The older write whose value the read returned, if it is in the data.
    pub stale_from: Option<u32>,
    /// How long before the read the newer write had completed (ns).
    pub lag_ns: i64,
}

struct Access {
    idx: u32,
    start: i64,
    end: i64,
    value: String,
}

fn access(store: &Store, i: u32) -> Option<(String, bool, Access)> {
    let e = &store.events()[i as usize];
    let (op, obj, value) = match e.kind() {
        Kind::Op => (
            e.op()?,
            e.obj.map(|o| store.s(o).to_string())?,
            e.value().to_text(store.strings()),
        ),
        _ => {
            let op = super::field_text(store, i, "op").and_then(|o| Op::parse(&o))?;
            let obj = store
                .attr(e, "obj")
                .or_else(|| store.attr(e, "key"))
                .map(|v| v.to_text(store.strings()))?;
            let value = store
                .attr(e, "value")
                .or_else(|| store.attr(e, "version"))
                .map(|v| v.to_text(store.strings()))?;
            (op, obj, value)
        }
    };
    let is_write = match op {
        Op::Write => true,
        Op::Read => false,
        _ => return None,
    };
    Some((
        obj,
        is_write,
        Access {
            idx: i,
            start: e.ts,
            end: e.end(),
            value,
        },
    ))
}

/// Find stale reads among `events` (store order).
pub fn stale_reads(store: &Store, events: &[u32]) -> Vec<StaleRead> {
    let mut writes: HashMap<String, Vec<Access>> = HashMap::new();
    let mut reads: Vec<(String, Access)> = Vec::new();
    for &i in events {
        if let Some((obj, is_write, a)) = access(store, i) {
            if is_write {
                writes.entry(obj).or_default().push(a);
            } else {
                reads.push((obj, a));
            }
        }
    }
    let mut out = Vec::new();
    for (obj, r) in reads {
        let Some(ws) = writes.get_mut(&obj) else {
            continue;
        };
        ws.sort_by_key(|w| w.end);
        // The latest write that completed before the read began.
        let done = ws.partition_point(|w| w.end < r.start);
        if done == 0 {
            continue;
        }
        let latest = &ws[done - 1];
        if latest.value == r.value {
            continue;
        }
        // Stale only if the value comes from an older completed write (otherwise the read may
        // see a concurrent, newer write).
        let older = ws[..done - 1].iter().rev().find(|w| w.value == r.value);
        let concurrent = ws[done..]
            .iter()
            .any(|w| w.value == r.value && w.start <= r.end);
        if older.is_none() && concurrent {
            continue;
        }
        if older.is_none() && r.value != "null" && !ws.iter().any(|w| w.value == r.value) {
            // A value never written: not a stale read (maybe an initial value); report it only
            // when it is the empty/null read of a missing row.
            continue;
        }
        out.push(StaleRead {
            obj: obj.clone(),
            value: r.value.clone(),
            read: r.idx,
            write: latest.idx,
            stale_from: older.map(|w| w.idx),
            lag_ns: r.start - latest.end,
        });
    }
    out.sort_by_key(|s| s.read);
    out
}
