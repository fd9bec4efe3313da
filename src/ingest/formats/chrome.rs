//! Chrome trace event JSON (array or `{"traceEvents":[…]}`, the closing `]` may be missing):
//! `X` complete events and matched `B`/`E` pairs become spans, `i`/`I`/`n`/`R` instants become
//! point events, `C` counters become events with their values, `M` metadata names processes
//! (→ `service`) and threads (→ `thread`). Other phases are counted in a note.

use crate::ingest::batch::{Batch, Ctx};
use crate::ingest::json::{array_elements, Lines, J};
use crate::model::{Event, Kind, Sym, Value};
use std::collections::{BTreeMap, HashMap};

/// Parse a whole document.
pub fn parse_doc(text: &str, ctx: &Ctx, out: &mut Batch) {
    let lines = Lines::new(text);
    let trimmed = text.trim_start();
    let (events, cut) = if trimmed.starts_with('[') {
        array_elements(text)
    } else {
        match J::parse(text) {
            Ok(J::Obj(entries)) => match entries.into_iter().find(|(k, _)| k == "traceEvents") {
                Some((_, J::Arr(a))) => (a, None),
                Some(_) => {
                    out.error(1, "not a Chrome trace: traceEvents is not an array");
                    return;
                }
                None => {
                    out.error(1, "not a Chrome trace: no traceEvents array");
                    return;
                }
            },
            Ok(_) => {
                out.error(1, "not a Chrome trace: expected an array or an object");
                return;
            }
            Err(e) => match text
                .find("\"traceEvents\"")
                .and_then(|k| text[k..].find('[').map(|o| k + o))
            {
                Some(start) => {
                    let (ev, cut) = array_elements(&text[start..]);
                    let cut = match cut {
                        Some((at, why)) => (start + at, why),
                        None => (text.len(), super::jsonl::json_error(&e)),
                    };
                    (ev, Some(cut))
                }
                None => {
                    out.error(
                        e.line() as u32,
                        format!(
                            "not a Chrome trace: {} and no traceEvents array",
                            super::jsonl::json_error(&e)
                        ),
                    );
                    return;
                }
            },
        }
    };
    if let Some((at, reason)) = cut {
        out.error(
            lines.line_at(at),
            format!(
                "{reason}; kept {} complete trace events before it",
                events.len()
            ),
        );
    }
    convert(&events, &lines, ctx, out);
}

/// A time or duration in µs (integer, fraction, or either as text) → ns. Integers and decimal
/// text are converted exactly (sub-µs fractions kept as ns); floats are rounded to the ns.
fn us_to_ns(j: Option<&J>) -> Option<i64> {
    match j? {
        J::Int(i) => i.checked_mul(1000),
        J::Str(s) => {
            let s = s.trim();
            let (neg, digits) = match s.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, s),
            };
            let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
            let ok = |p: &str| p.bytes().all(|c| c.is_ascii_digit());
            if whole.is_empty() || !ok(whole) || !ok(frac) {
                return us_to_ns(Some(&J::Float(s.parse().ok()?)));
            }
            let mut ns = whole.parse::<i64>().ok()?.checked_mul(1000)?;
            for (i, c) in frac.bytes().take(3).enumerate() {
                ns = ns.checked_add((c - b'0') as i64 * 10i64.pow(2 - i as u32))?;
            }
            Some(if neg { -ns } else { ns })
        }
        other => {
            let f = other.as_f64()? * 1000.0;
            (f.is_finite() && f.abs() < 9.2e18).then(|| f.round() as i64)
        }
    }
}

fn key_of(j: Option<&J>) -> String {
    match j {
        Some(J::Str(s)) => s.to_string(),
        Some(other) => other.to_text(),
        None => "0".into(),
    }
}

/// Times before 2000-01-01 are a tracer's own clock (µs since boot or trace start), not wall-clock.
const WALL_CLOCK_FROM_NS: i64 = 946_684_800 * 1_000_000_000;

/// One `B` or `E` event, for matching per thread.
struct Edge<'e, 'a> {
    /// Position in the document.
    idx: usize,
    line: u32,
    begin: bool,
    ts: i64,
    name: Option<&'e str>,
    ev: &'e J<'a>,
    base: Event,
}

/// An event ready to push, with its attributes; `order` keeps the document order.
struct Ready {
    order: usize,
    ev: Event,
    attrs: Vec<(Sym, Value)>,
}

fn convert(events: &[J], lines: &Lines, ctx: &Ctx, out: &mut Batch) {
    // Pass 1: metadata names (they may come after the events they name).
    let mut procs: HashMap<String, Sym> = HashMap::new();
    let mut threads: HashMap<(String, String), Sym> = HashMap::new();
    for e in events {
        if e.get("ph").and_then(J::as_str) != Some("M") {
            continue;
        }
        let name = e
            .get("args")
            .and_then(|a| a.get("name"))
            .and_then(J::as_str);
        match (e.get("name").and_then(J::as_str), name) {
            (Some("process_name"), Some(n)) => {
                procs.insert(key_of(e.get("pid")), ctx.sym(n));
            }
            (Some("thread_name"), Some(n)) => {
                threads.insert((key_of(e.get("pid")), key_of(e.get("tid"))), ctx.sym(n));
            }
            _ => {}
        }
    }
    let mut ready: Vec<Ready> = Vec::new();
    // B/E events per (pid, tid), threads in order of first appearance.
    let mut thread_order: Vec<(String, String)> = Vec::new();
    let mut edges: HashMap<(String, String), Vec<Edge>> = HashMap::new();
    let mut other: BTreeMap<String, u64> = BTreeMap::new();
    let mut wall_clock = false;
    for (idx, e) in events.iter().enumerate() {
        let line = lines.line_of_value(e);
        if e.as_object().is_none() {
            out.error(line, format!("trace event #{} is not an object", idx + 1));
            continue;
        }
        let Some(ph) = e.get("ph").and_then(J::as_str) else {
            out.error(line, format!("trace event #{} has no phase (ph)", idx + 1));
            continue;
        };
        if ph == "M" {
            continue;
        }
        if !matches!(ph, "X" | "B" | "E" | "i" | "I" | "n" | "R" | "C") {
            *other.entry(ph.to_string()).or_default() += 1;
            continue;
        }
        let Some(ts) = us_to_ns(e.get("ts")) else {
            out.error(
                line,
                format!("trace event #{} ({ph}) has no valid ts", idx + 1),
            );
            continue;
        };
        wall_clock |= ts >= WALL_CLOCK_FROM_NS;
        let (pid, tid) = (key_of(e.get("pid")), key_of(e.get("tid")));
        let mut ev = Event::new(Kind::Span, ts);
        ev.line = line;
        ev.service = Some(
            procs
                .get(&pid)
                .copied()
                .unwrap_or_else(|| ctx.sym(&format!("pid {pid}"))),
        );
        ev.thread = Some(
            threads
                .get(&(pid.clone(), tid.clone()))
                .copied()
                .unwrap_or_else(|| ctx.sym(&format!("tid {tid}"))),
        );
        let name = e.get("name").and_then(J::as_str).filter(|n| !n.is_empty());
        ev.name = name.map(|n| ctx.sym(n));
        match ph {
            "X" => {
                ev.set_dur(us_to_ns(e.get("dur")).map(|d| d.max(0)));
                if ev.dur().is_none() {
                    out.note("X (complete) events without dur: spans without a duration");
                }
                ready.push(Ready {
                    order: idx,
                    ev,
                    attrs: attrs(e, ctx),
                });
            }
            "B" | "E" => {
                let key = (pid, tid);
                if !edges.contains_key(&key) {
                    thread_order.push(key.clone());
                }
                edges.entry(key).or_default().push(Edge {
                    idx,
                    line,
                    begin: ph == "B",
                    ts,
                    name,
                    ev: e,
                    base: ev,
                });
            }
            _ => {
                // i/I/n instants, R marks, C counters (their values are the args).
                ev.set_kind(Kind::Event);
                let mut a = attrs(e, ctx);
                if let Some(s) = e.get("s").and_then(J::as_str) {
                    a.push((ctx.sym("scope"), ctx.str_value(s)));
                }
                ready.push(Ready {
                    order: idx,
                    ev,
                    attrs: a,
                });
            }
        }
    }
    let mut unclosed = 0;
    for key in &thread_order {
        let Some(list) = edges.remove(key) else {
            continue;
        };
        unclosed += match_thread(list, ctx, out, &mut ready);
    }
    ready.sort_by_key(|r| r.order);
    for r in ready {
        push_attrs(r.attrs, out);
        out.push(r.ev, ctx);
    }
    if unclosed > 0 {
        out.note(format!(
            "{unclosed} B (begin) events never ended: spans without a duration"
        ));
    }
    if !other.is_empty() {
        let list: Vec<String> = other.iter().map(|(p, n)| format!("{p}: {n}")).collect();
        out.note(format!(
            "trace events of other phases not shown ({})",
            list.join(", ")
        ));
    }
    if !wall_clock && !out.events.is_empty() {
        out.note(
            "times are the tracer's own clock (µs since it started), not wall-clock time: \
             they show as 1970; align with --shift",
        );
    }
}

/// Match the `B`/`E` events of one thread into spans: in time order (files need not be sorted),
/// an `E` closes the innermost open `B` of its name (or the innermost one when it has no name);
/// an `E` written before its `B` at the same time closes that `B` (a zero-length span). An `E`
/// that closes nothing is an error. Returns the number of `B`s never closed.
fn match_thread(mut list: Vec<Edge>, ctx: &Ctx, out: &mut Batch, ready: &mut Vec<Ready>) -> usize {
    list.sort_by_key(|x| (x.ts, x.idx));
    let mut consumed = vec![false; list.len()];
    let mut stack: Vec<usize> = Vec::new();
    let close = |b: &Edge, e: &Edge, ready: &mut Vec<Ready>| {
        let mut ev = b.base.clone();
        ev.set_dur(Some((e.ts - b.ts).max(0)));
        let mut a = attrs(b.ev, ctx);
        a.extend(attrs(e.ev, ctx));
        ready.push(Ready {
            order: b.idx,
            ev,
            attrs: a,
        });
    };
    for i in 0..list.len() {
        if consumed[i] {
            continue;
        }
        if list[i].begin {
            stack.push(i);
            continue;
        }
        let end = &list[i];
        let open = match end.name {
            None => stack.len().checked_sub(1),
            Some(n) => stack.iter().rposition(|&b| list[b].name == Some(n)),
        };
        if let Some(pos) = open {
            let b = stack.remove(pos);
            close(&list[b], end, ready);
            continue;
        }
        // An E written before its B at the same instant.
        let later = (i + 1..list.len())
            .take_while(|&j| list[j].ts == end.ts)
            .find(|&j| list[j].begin && !consumed[j] && list[j].name == end.name);
        match later {
            Some(j) => {
                consumed[j] = true;
                close(&list[j], end, ready);
            }
            None => out.error(
                end.line,
                format!(
                    "trace event #{}: E (end){} matches no open B on this thread",
                    end.idx + 1,
                    end.name.map(|n| format!(" '{n}'")).unwrap_or_default()
                ),
            ),
        }
    }
    let unclosed = stack.len();
    for b in stack {
        let b = &list[b];
        ready.push(Ready {
            order: b.idx,
            ev: b.base.clone(),
            attrs: attrs(b.ev, ctx),
        });
    }
    unclosed
}

fn push_attrs(a: Vec<(Sym, Value)>, out: &mut Batch) {
    for (k, v) in a {
        out.attr(k, v);
    }
}

/// `cat` and the flattened `args.*` of a trace event.
fn attrs(e: &J, ctx: &Ctx) -> Vec<(Sym, Value)> {
    let mut out = Vec::new();
    if let Some(c) = e.get("cat").and_then(J::as_str).filter(|c| !c.is_empty()) {
        out.push((ctx.sym("cat"), ctx.str_value(c)));
    }
    if let Some(args) = e.get("args").and_then(J::as_object) {
        let mut flat = crate::ingest::json::record::Flat::new();
        crate::ingest::json::record::flatten(args, &mut flat);
        for (k, v) in flat {
            out.push((
                ctx.sym(&format!("args.{k}")),
                crate::ingest::json::record::value_of(v, ctx),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Strings;

    fn parse(text: &str) -> (Batch, Ctx) {
        let ctx = Ctx::new(Strings::new());
        let mut b = Batch::new();
        parse_doc(text, &ctx, &mut b);
        b.finish(&ctx);
        (b, ctx)
    }

    /// (name, start ns, duration ns) of every span, in push order.
    fn spans(b: &Batch, ctx: &Ctx) -> Vec<(String, i64, Option<i64>)> {
        b.events
            .iter()
            .filter(|e| e.kind() == Kind::Span)
            .map(|e| {
                let n = e.name.map(|n| ctx.strings.resolve(n).to_string());
                (n.unwrap_or_default(), e.ts, e.dur())
            })
            .collect()
    }

    #[test]
    fn begin_end_matching() {
        // Out of order in the file, an E written before its B at the same instant, and an
        // E closing an outer span by name while an inner one is still open.
        let (b, ctx) = parse(
            r#"[
            {"ph":"B","name":"A","ts":0,"pid":1,"tid":1},
            {"ph":"E","name":"C","ts":2,"pid":1,"tid":1},
            {"ph":"B","name":"C","ts":2,"pid":1,"tid":1},
            {"ph":"B","name":"inner","ts":3,"pid":1,"tid":1},
            {"ph":"E","name":"A","ts":10,"pid":1,"tid":1},
            {"ph":"E","ts":12,"pid":1,"tid":1},
            {"ph":"E","ts":1,"pid":1,"tid":2},
            {"ph":"B","name":"late","ts":5,"pid":1,"tid":1},
            {"ph":"E","name":"late","ts":4,"pid":1,"tid":2}
        ]"#,
        );
        assert_eq!(
            spans(&b, &ctx),
            [
                ("A".to_string(), 0, Some(10_000)),
                ("C".to_string(), 2_000, Some(0)),
                // a nameless E closes the innermost open B, which by then is `late`
                ("inner".to_string(), 3_000, None),
                ("late".to_string(), 5_000, Some(7_000)),
            ]
        );
        // Two E events on thread 2 close nothing: errors at their lines.
        assert_eq!(b.error_count, 2);
        assert_eq!(b.errors[0].line, 8);
        assert!(b.errors[0].reason.contains("#7: E (end) matches no open B"));
        assert!(b.errors[1].reason.contains("'late'"));
        assert!(b
            .notes
            .iter()
            .any(|n| n.starts_with("1 B (begin) events never ended")));
    }

    #[test]
    fn metadata_names_phases_and_args() {
        let (b, ctx) = parse(
            r#"{"traceEvents":[
            {"ph":"X","name":"work","ts":"1700000000000000.5","dur":"2.25","pid":7,"tid":"3","cat":"c","args":{"n":1,"o":{"k":"v"}}},
            {"ph":"i","name":"tick","ts":1,"pid":7,"tid":3,"s":"t"},
            {"ph":"C","name":"heap","ts":2,"pid":7,"tid":3,"args":{"used":10,"free":2.5}},
            {"ph":"P","ts":3,"pid":7,"tid":3},
            {"ph":"b","ts":3,"pid":7,"tid":3,"id":"0x1"},
            {"ph":"M","name":"process_name","pid":7,"args":{"name":"renderer"}},
            {"ph":"M","name":"thread_name","pid":7,"tid":3,"args":{"name":"main"}}
        ]}"#,
        );
        assert_eq!(b.error_count, 0, "{:?}", b.errors);
        assert_eq!(b.events.len(), 3);
        let x = &b.events[0];
        // text times keep sub-µs fractions exactly
        assert_eq!(x.ts, 1_700_000_000_000_000_500);
        assert_eq!(x.dur(), Some(2_250));
        assert_eq!(ctx.strings.resolve(x.service.unwrap()), "renderer");
        assert_eq!(ctx.strings.resolve(x.thread.unwrap()), "main");
        let keys: Vec<(&str, String)> = b.attrs[..x.attr_len() as usize]
            .iter()
            .map(|a| {
                (
                    ctx.strings.resolve(a.key()),
                    a.value().to_text(&ctx.strings),
                )
            })
            .collect();
        assert_eq!(
            keys,
            [
                ("cat", "c".to_string()),
                ("args.n", "1".to_string()),
                ("args.o.k", "v".to_string())
            ]
        );
        assert_eq!(b.events[1].kind(), Kind::Event);
        let c = &b.events[2];
        assert_eq!(c.kind(), Kind::Event);
        let counter = &b.attrs[c.attr_start as usize..(c.attr_start + c.attr_len()) as usize];
        assert_eq!(counter[0].value(), Value::Int(10));
        assert_eq!(counter[1].value(), Value::Float(2.5));
        assert_eq!(
            b.notes,
            ["trace events of other phases not shown (P: 1, b: 1)"]
        );
    }

    #[test]
    fn truncated_documents_keep_complete_events() {
        let (b, _) = parse("[{\"ph\":\"X\",\"ts\":1,\"dur\":1},\n{\"ph\":\"X\",\"ts\":2,\"dur\":1},\n{\"ph\":\"X\",\"ts\"");
        assert_eq!(b.events.len(), 2);
        assert_eq!(b.error_count, 1);
        assert_eq!(b.errors[0].line, 3);
        assert!(b.errors[0].reason.contains("kept 2 complete trace events"));
        let (b, _) = parse(
            "{\"otherData\":{},\n\"traceEvents\":[{\"ph\":\"X\",\"ts\":1,\"dur\":1},\n{\"ph\":\"B\",\"ts\":2},\n{\"ph\":",
        );
        assert_eq!(b.events.len(), 2);
        assert_eq!(b.error_count, 1);
        assert_eq!(b.errors[0].line, 4);
        assert!(b.events[1].dur().is_none());
    }

    #[test]
    fn bad_documents_give_reasons() {
        for (doc, why) in [
            ("{\"traceEvents\": 5}", "traceEvents is not an array"),
            ("{\"x\": []}", "no traceEvents array"),
            ("\"str\"", "expected an array or an object"),
            ("{garbage", "no traceEvents array"),
            (
                "[1, {\"ts\": 1}, {\"ph\":\"X\",\"ts\":\"soon\"}]",
                "is not an object",
            ),
        ] {
            let (b, _) = parse(doc);
            assert!(b.events.is_empty(), "{doc}");
            assert!(b.error_count >= 1, "{doc}");
            assert!(b.errors[0].reason.contains(why), "{doc}: {:?}", b.errors);
        }
        let (b, _) = parse("[1, {\"ts\": 1}, {\"ph\":\"X\",\"ts\":\"soon\"}]");
        assert_eq!(b.error_count, 3);
        assert!(b.errors[1].reason.contains("has no phase"));
        assert!(b.errors[2].reason.contains("(X) has no valid ts"));
    }
}
