//! JSON lines logs. A line that is not JSON is tried as logfmt (mixed files), and otherwise
//! taken as a continuation of the record above when it looks like one (a stack trace), or kept
//! as an event of its own and counted (see [`Batch::stray_line`]).

use crate::ingest::batch::{Batch, Ctx};
use crate::ingest::json::record::{flatten, push_record, Field};
use crate::ingest::json::scan::{self, Entries, Scan};
use crate::ingest::json::J;
use smallvec::SmallVec;

/// Describe a serde_json error without its (meaningless, line 1) position.
pub fn json_error(e: &serde_json::Error) -> String {
    let s = e.to_string();
    let msg = s.split(" at line ").next().unwrap_or(&s);
    format!("invalid JSON at column {}: {msg}", e.column())
}

/// Parse one line.
pub fn line(text: &str, lineno: u32, ctx: &Ctx, out: &mut Batch) {
    let t = text.trim_start();
    if t.starts_with('{') {
        // The usual record is read in one pass; anything else the general way.
        let mut memo = std::mem::take(&mut out.keys);
        let mut entries = Entries::new();
        let scanned = scan::record(t, &mut memo, ctx, &mut entries);
        if scanned == Scan::Record {
            // Filled in place (collecting would build the vector elsewhere and move it).
            let mut fields: SmallVec<[Field; 24]> = SmallVec::new();
            fields.extend(entries.iter().map(|(id, value)| {
                let k = memo.get(*id);
                Field {
                    key: &k.full,
                    value,
                    class: k.class,
                    sym: Some(k.sym),
                    seen: Some(&k.seen),
                }
            }));
            push_record(&fields, lineno, ctx, out);
        }
        out.keys = memo;
        // Entries of plain values own nothing: forgetting them skips a drop call per entry.
        if !entries.spilled() && entries.iter().all(|(_, v)| v.owns_nothing()) {
            std::mem::forget(entries);
        }
        if scanned != Scan::GiveUp {
            return;
        }
        match J::parse(t) {
            Ok(J::Obj(entries)) if entries.iter().any(|(k, _)| k == "heisen_repro") => {}
            Ok(J::Obj(entries)) => {
                let mut flat = crate::ingest::json::record::Flat::new();
                flatten(&entries, &mut flat);
                let fields: SmallVec<[Field; 24]> =
                    flat.iter().map(|(k, v)| Field::new(k, v)).collect();
                push_record(&fields, lineno, ctx, out);
            }
            Ok(_) => out.error(lineno, "expected a JSON object"),
            Err(e) => out.error(lineno, json_error(&e)),
        }
    } else if !super::logfmt::try_line(text, lineno, ctx, out) {
        out.stray_line(lineno, text, "not a JSON object", ctx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Event, Level, Strings, Value};

    fn parse(lines: &[&str]) -> (Batch, Ctx) {
        let ctx = Ctx::new(Strings::new());
        let mut b = Batch::new();
        for (i, l) in lines.iter().enumerate() {
            line(l, i as u32 + 1, &ctx, &mut b);
        }
        b.finish(&ctx);
        (b, ctx)
    }

    #[test]
    fn maps_common_fields() {
        let (b, ctx) = parse(&[
            r#"{"time":"2026-11-23T09:30:00.5+01:00","level":50,"msg":"boom","req_id":"r1","hostname":"pod-2","pid":7,"err":{"code":500,"why":"db"}}"#,
        ]);
        assert_eq!(b.events.len(), 1);
        let e = &b.events[0];
        assert_eq!(e.level(), Some(Level::Error));
        assert_eq!(ctx.strings.resolve(e.msg.unwrap()), "boom");
        assert_eq!(ctx.strings.resolve(e.request.unwrap()), "r1");
        assert_eq!(e.tz_offset(), Some(60));
        let keys: Vec<_> = b
            .attrs
            .iter()
            .map(|a| ctx.strings.resolve(a.key()))
            .collect();
        assert_eq!(keys, ["hostname", "pid", "err.code", "err.why"]);
        assert_eq!({ b.attrs[1].value() }, Value::Int(7));
    }

    #[test]
    fn attributes_beyond_the_event_limit_are_dropped_and_reported() {
        // A huge flattened object: the first 65535 attributes are kept, the line is reported.
        let n = Event::MAX_ATTRS + 10;
        let fields: Vec<String> = (0..n).map(|i| format!("\"k{i}\":{i}")).collect();
        let big = format!("{{\"msg\":\"big\",\"o\":{{{}}}}}", fields.join(","));
        let (b, ctx) = parse(&[
            r#"{"msg":"before","a":1}"#,
            &big,
            r#"{"msg":"after","a":2}"#,
        ]);
        assert_eq!(b.events.len(), 3);
        let e = &b.events[1];
        assert_eq!(e.attr_len() as usize, Event::MAX_ATTRS);
        let kept = &b.attrs[e.attr_start as usize..(e.attr_start + e.attr_len()) as usize];
        assert_eq!(ctx.strings.resolve(kept[0].key()), "o.k0");
        assert_eq!(kept.last().unwrap().value(), Value::Int(65534));
        assert_eq!(b.error_count, 1);
        assert_eq!(b.errors[0].line, 2);
        assert!(
            b.errors[0].reason.contains("10 attributes dropped"),
            "{:?}",
            b.errors[0]
        );
        // The events around it keep their own attributes.
        let after = &b.events[2];
        assert_eq!(after.attr_start, e.attr_start + e.attr_len());
        let a = b.attrs[after.attr_start as usize];
        assert_eq!(
            (ctx.strings.resolve(a.key()), a.value()),
            ("a", Value::Int(2))
        );
        assert_eq!(b.attrs.len(), Event::MAX_ATTRS + 2);
    }

    #[test]
    fn bad_lines_are_counted_and_stacks_attached() {
        let (b, ctx) = parse(&[
            r#"{"ts":1700000000.25,"level":"warn","message":"a"}"#,
            "    at foo (bar.js:1)",
            r#"{"ts":1700000001,"level":"#,
            "[1,2]",
        ]);
        // The stack frame continues the first record; the array is kept as an event.
        assert_eq!(b.events.len(), 2);
        assert_eq!((b.error_count, b.errors_kept), (2, 1));
        assert_eq!(b.errors[0].line, 3);
        assert_eq!(b.errors[1].line, 4);
        assert!(b.errors[1].reason.starts_with("not a JSON object; kept"));
        let m = ctx.strings.resolve(b.events[0].msg.unwrap());
        assert_eq!(m, "a\n    at foo (bar.js:1)");
        assert_eq!(ctx.strings.resolve(b.events[1].msg.unwrap()), "[1,2]");
        assert_eq!(b.events[1].ts, crate::ingest::INHERIT_TS);
    }
}
