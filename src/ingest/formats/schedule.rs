//! heisen's recorded schedules: one operation per JSON line,
//! `{"ts": …, "thread": "T2", "op": "read", "obj": "counter", "value": 41, …}`.
//! See `docs/SCHEDULE.md`. A first line `{"heisen_repro": {…}}` (a repro header) is skipped.

use super::jsonl::json_error;
use crate::ingest::batch::{Batch, Ctx, INHERIT_TS};
use crate::ingest::json::record::{flatten, time_of, value_of};
use crate::ingest::json::J;
use crate::model::{Event, Kind, Op};

/// Parse one line.
pub fn line(text: &str, lineno: u32, ctx: &Ctx, out: &mut Batch) {
    let j = match J::parse(text.trim()) {
        Ok(j @ J::Obj(_)) => j,
        Ok(_) => return out.error(lineno, "expected a JSON object"),
        Err(e) => return out.error(lineno, json_error(&e)),
    };
    if j.get("heisen_repro").is_some() {
        return; // repro header: metadata, not an operation
    }
    let Some(op_text) = j.get("op").and_then(J::as_str) else {
        return out.error(lineno, "missing \"op\"");
    };
    let Some(op) = Op::parse(op_text) else {
        return out.error(
            lineno,
            format!("unknown op '{op_text}' (expected read write lock unlock spawn join send recv begin end note)"),
        );
    };
    let Some(thread) = j.get("thread").map(J::to_text).filter(|t| !t.is_empty()) else {
        return out.error(lineno, "missing \"thread\"");
    };
    let mut ev = Event::new(Kind::Op, INHERIT_TS);
    ev.line = lineno;
    match j.get("ts") {
        Some(t) => match time_of(t, ctx) {
            Some(p) => {
                ev.ts = p.ns;
                ev.set_tz_offset(p.offset_min);
                if p.offset_min.is_none() {
                    out.naive_times += 1;
                }
            }
            None => {
                return out.error(lineno, format!("unrecognised ts {}", t.to_text()));
            }
        },
        None => out.note("operations without ts are placed right after the one before them"),
    }
    ev.set_op(Some(op));
    ev.thread = Some(ctx.sym(&thread));
    ev.obj = j.get("obj").map(|o| ctx.sym(&o.to_text()));
    ev.set_value(
        j.get("value")
            .map_or(crate::model::Value::Null, |v| value_of(v, ctx)),
    );
    let entries = j.as_object().unwrap_or(&[]);
    let rest: Vec<_> = entries
        .iter()
        .filter(|(k, _)| !matches!(k.as_ref(), "ts" | "thread" | "op" | "obj" | "value"))
        .cloned()
        .collect();
    let mut flat = crate::ingest::json::record::Flat::new();
    flatten(&rest, &mut flat);
    for (k, v) in flat {
        match k.as_ref() {
            "service" => ev.service = Some(ctx.sym(&v.to_text())),
            "request" => ev.request = Some(ctx.sym(&v.to_text())),
            "trace" => ev.trace = Some(ctx.sym(&v.to_text())),
            "msg" => ev.msg = Some(ctx.sym(&v.to_text())),
            "level" => ev.set_level(v.as_str().and_then(crate::model::Level::parse)),
            _ => out.attr(ctx.sym(&k), value_of(v, ctx)),
        }
    }
    out.push(ev, ctx);
}

/// Schedules are line formats; a whole document is parsed line by line.
pub fn parse_doc(text: &str, ctx: &Ctx, out: &mut Batch) {
    for (i, l) in text.lines().enumerate() {
        if !l.trim().is_empty() {
            line(l, i as u32 + 1, ctx, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Strings, Value};

    #[test]
    fn ops_and_errors() {
        let ctx = Ctx::new(Strings::new());
        let mut b = Batch::new();
        let lines = [
            r#"{"heisen_repro":{"oracle":"race:counter"}}"#,
            r#"{"ts":1700000000000000123,"thread":"T1","op":"read","obj":"counter","value":41,"pc":"inc.go:12"}"#,
            r#"{"ts":"2026-11-23T09:30:00.000001Z","thread":"g3","op":"write","obj":"counter","value":{"v":42}}"#,
            r#"{"ts":1,"thread":"T1","op":"frobnicate","obj":"x"}"#,
            r#"{"ts":1,"op":"read","obj":"x"}"#,
            r#"{"ts":"yesterday","thread":"T1","op":"read"}"#,
        ];
        for (i, l) in lines.iter().enumerate() {
            line(l, i as u32 + 1, &ctx, &mut b);
        }
        assert_eq!(b.events.len(), 2);
        assert_eq!(b.error_count, 3);
        assert_eq!(b.errors[0].line, 4);
        let e = &b.events[0];
        assert_eq!(e.ts, 1_700_000_000_000_000_123);
        assert_eq!(e.op(), Some(Op::Read));
        assert_eq!(e.value(), Value::Int(41));
        assert_eq!(b.attrs.len(), 1);
        assert_eq!(b.events[1].value().to_text(&ctx.strings), r#"{"v":42}"#);
    }
}
