//! Race detector reports (Go's race detector and ThreadSanitizer) read from text lines: each
//! report block becomes two access events (kind `op`, the earlier access first) and one `race`
//! event linking them by `race.id`.

use crate::ingest::batch::{Batch, Ctx};
use crate::model::{Event, Kind, Level, Op, Value};
use regex::Regex;
use std::sync::LazyLock;

/// One line of input with what is known about it.
pub struct Line<'a> {
    pub text: &'a str,
    pub lineno: u32,
    /// Time of the line when the source has one (`go test -json`).
    pub ts: Option<i64>,
    /// Go test the line was attributed to.
    pub test: Option<&'a str>,
}

/// One access of a race.
#[derive(Debug, Default, Clone)]
struct Access {
    op: Option<Op>,
    atomic: bool,
    addr: String,
    thread: String,
    size: Option<i64>,
    mutexes: Option<String>,
    frames: Vec<String>,
    lineno: u32,
}

/// One report block.
#[derive(Debug, Default)]
struct Report {
    kind: String,
    accesses: Vec<Access>,
    location: Option<String>,
    summary: Option<String>,
    test: Option<String>,
    test_confirmed: bool,
    ts: Option<i64>,
    lineno: u32,
    thread_names: Vec<String>,
}

static ACCESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(Previous )?(?i:(atomic )?(read|write))(?: of size (\d+))? at (0x[0-9a-fA-F]+) by (main goroutine|goroutine \d+|main thread|thread T\d+)(?: \(mutexes: ([^)]*)\))?",
    )
    .expect("valid regex")
});
static TSAN_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"WARNING: ThreadSanitizer: ([a-zA-Z -]+?)(?: \(pid=\d+\))").expect("valid regex")
});
static TSAN_FRAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s+#\d+ (?:0x[0-9a-f]+ )?(?:in )?(.*)$").expect("valid regex"));
static TSAN_THREAD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s+Thread (T\d+) ?([^(]*?) ?\(tid=").expect("valid regex"));

/// The lines of a plain-text document, with no times or tests known.
pub fn text_lines(text: &str) -> Vec<Line<'_>> {
    text.lines()
        .enumerate()
        .map(|(i, t)| Line {
            text: t,
            lineno: i as u32 + 1,
            ts: None,
            test: None,
        })
        .collect()
}

/// Parse report blocks out of lines, and push their events.
pub fn parse(lines: &[Line], ctx: &Ctx, out: &mut Batch) {
    let mut reports: Vec<Report> = Vec::new();
    let mut cur: Option<Report> = None;
    let mut in_access = false;
    let mut go_frame_fn: Option<String> = None;
    let mut outside = 0u64;
    for l in lines {
        let t = l.text.trim_end();
        let start_kind = if t.contains("WARNING: DATA RACE") {
            Some("data race".to_string())
        } else {
            TSAN_START.captures(t).map(|c| c[1].trim().to_string())
        };
        if let Some(kind) = start_kind {
            reports.extend(cur.take());
            cur = Some(Report {
                kind,
                ts: l.ts,
                test: l.test.map(str::to_string),
                lineno: l.lineno,
                ..Default::default()
            });
            in_access = false;
            continue;
        }
        if t.contains("race detected during execution of test") {
            if let Some(test) = l.test {
                for r in reports.iter_mut().chain(cur.iter_mut()).rev() {
                    if r.test_confirmed {
                        break;
                    }
                    r.test = Some(test.to_string());
                    r.test_confirmed = true;
                }
            }
        }
        let Some(r) = cur.as_mut() else {
            if !t.trim().is_empty() {
                outside += 1;
            }
            continue;
        };
        if t.starts_with("==================") {
            reports.extend(cur.take());
            continue;
        }
        if let Some(s) = t.strip_prefix("SUMMARY: ") {
            r.summary = Some(s.to_string());
            reports.extend(cur.take());
            continue;
        }
        if let Some(c) = ACCESS.captures(t) {
            let op = if c[3].eq_ignore_ascii_case("read") {
                Op::Read
            } else {
                Op::Write
            };
            r.accesses.push(Access {
                op: Some(op),
                atomic: c.get(2).is_some(),
                addr: c[5].to_ascii_lowercase(),
                thread: c[6].to_string(),
                size: c.get(4).and_then(|m| m.as_str().parse().ok()),
                mutexes: c.get(7).map(|m| m.as_str().to_string()),
                frames: Vec::new(),
                lineno: l.lineno,
            });
            in_access = true;
            go_frame_fn = None;
            continue;
        }
        if let Some(c) = TSAN_THREAD.captures(t) {
            let name = c[2].trim();
            if !name.is_empty() {
                r.thread_names.push(format!("{}={name}", &c[1]));
            }
        }
        if let Some(loc) = t.trim().strip_prefix("Location is ") {
            r.location = Some(loc.to_string());
        }
        if t.trim().is_empty() || !t.starts_with(' ') {
            in_access = false;
            continue;
        }
        if !in_access {
            continue;
        }
        let Some(acc) = r.accesses.last_mut() else {
            continue;
        };
        if let Some(c) = TSAN_FRAME.captures(t) {
            acc.frames.push(c[1].trim().to_string());
        } else if t.starts_with("      ") || t.starts_with('\t') {
            // Go: the file:line line under a function line.
            let loc = t.trim().split(" +0x").next().unwrap_or("").to_string();
            match go_frame_fn.take() {
                Some(f) => acc.frames.push(format!("{f} {loc}")),
                None => acc.frames.push(loc),
            }
        } else {
            if let Some(f) = go_frame_fn.take() {
                acc.frames.push(f);
            }
            go_frame_fn = Some(t.trim().to_string());
        }
    }
    reports.extend(cur.take());
    if outside > 0 {
        out.note(format!(
            "{outside} lines outside race reports (test output) are not events"
        ));
    }
    for (i, r) in reports.into_iter().enumerate() {
        emit(i as i64 + 1, r, ctx, out);
    }
}

fn emit(id: i64, mut r: Report, ctx: &Ctx, out: &mut Batch) {
    if r.accesses.len() < 2 {
        out.error(
            r.lineno,
            format!(
                "{} report with {} access(es) instead of 2",
                r.kind,
                r.accesses.len()
            ),
        );
        if r.accesses.is_empty() {
            return;
        }
    }
    // The report lists the current access first and the previous one second: time order is
    // the reverse. Without real times, keep the order with 1 ns steps.
    r.accesses.reverse();
    let base = r.ts.unwrap_or(id * 1_000);
    let key_id = ctx.sym("race.id");
    let threads: Vec<String> = r.accesses.iter().map(|a| a.thread.clone()).collect();
    for (k, a) in r.accesses.iter().enumerate() {
        let mut ev = Event::new(Kind::Op, base + k as i64);
        ev.line = a.lineno;
        ev.set_op(a.op);
        ev.obj = Some(ctx.sym(&a.addr));
        ev.thread = Some(ctx.sym(&a.thread));
        out.attr(key_id, Value::Int(id));
        if let Some(f) = a.frames.first() {
            out.attr(ctx.sym("frame"), ctx.str_value(f));
        }
        if !a.frames.is_empty() {
            out.attr(ctx.sym("stack"), ctx.str_value(&a.frames.join("\n")));
        }
        if let Some(s) = a.size {
            out.attr(ctx.sym("access.size"), Value::Int(s));
        }
        if let Some(m) = &a.mutexes {
            out.attr(ctx.sym("mutexes"), ctx.str_value(m));
        }
        if a.atomic {
            out.attr(ctx.sym("atomic"), Value::Bool(true));
        }
        if let Some(t) = &r.test {
            out.attr(ctx.sym("test"), ctx.str_value(t));
        }
        out.push(ev, ctx);
    }
    let addr = &r.accesses[0].addr;
    let mut race = Event::new(Kind::Race, base + r.accesses.len() as i64);
    race.line = r.lineno;
    race.set_level(Some(Level::Error));
    race.obj = Some(ctx.sym(addr));
    race.name = Some(ctx.sym(&r.kind));
    let desc: Vec<String> = r
        .accesses
        .iter()
        .map(|a| format!("{} ({})", a.thread, a.op.map_or("?", Op::as_str)))
        .collect();
    race.msg = Some(ctx.sym(&format!(
        "{} on {addr} between {}",
        r.kind,
        desc.join(" and ")
    )));
    out.attr(key_id, Value::Int(id));
    out.attr(ctx.sym("race.kind"), ctx.str_value(&r.kind));
    out.attr(ctx.sym("race.threads"), ctx.str_value(&threads.join(", ")));
    if let Some(s) = &r.summary {
        out.attr(ctx.sym("summary"), ctx.str_value(s));
    }
    if let Some(l) = &r.location {
        out.attr(ctx.sym("location"), ctx.str_value(l));
    }
    if let Some(t) = &r.test {
        out.attr(ctx.sym("test"), ctx.str_value(t));
    }
    if !r.thread_names.is_empty() {
        out.attr(
            ctx.sym("thread.names"),
            ctx.str_value(&r.thread_names.join(", ")),
        );
    }
    out.push(race, ctx);
}
