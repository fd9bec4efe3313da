//! Plain text logs whose records begin with, or carry near their start, a timestamp: ISO 8601 /
//! log4j (Hadoop, ZooKeeper, OpenStack), syslog without a year, Apache error logs, HDFS
//! (`yyMMdd HHmmss`), Spark (`yy/MM/dd HH:mm:ss`), and zap's console encoder (tab-separated with a
//! JSON tail). Lines without a timestamp continue the record above (stack traces).

use crate::ingest::batch::{Batch, Ctx};
use crate::ingest::json::record::{flatten, value_of};
use crate::ingest::json::J;
use crate::model::time::{civil_to_ns, days_in_month, parse_iso, NS_PER_S};
use crate::model::{Event, Kind, Level};
use chrono::Datelike;

/// A timestamp found in a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub ns: i64,
    pub offset_min: Option<i16>,
    /// Byte range of the timestamp text (brackets included).
    pub start: usize,
    pub end: usize,
    /// The style had no year (syslog): the current year was assumed.
    pub no_year: bool,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn month(b: &[u8]) -> Option<u32> {
    let m = std::str::from_utf8(b.get(..3)?).ok()?;
    MONTHS
        .iter()
        .position(|x| x.eq_ignore_ascii_case(m))
        .map(|i| i as u32 + 1)
}

fn num(b: &[u8], at: usize, n: usize) -> Option<u32> {
    let s = b.get(at..at + n)?;
    s.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + (c - b'0') as u32)
    })
}

/// `hh:mm:ss` at `at`, with an optional `.fff`/`,fff` fraction; returns (h, m, s, nanos, end).
fn clock(b: &[u8], at: usize) -> Option<(u32, u32, u32, u32, usize)> {
    let h = num(b, at, 2)?;
    if b.get(at + 2) != Some(&b':') || b.get(at + 5) != Some(&b':') {
        return None;
    }
    let (mi, s) = (num(b, at + 3, 2)?, num(b, at + 6, 2)?);
    let mut end = at + 8;
    let mut nanos = 0u32;
    if matches!(b.get(end), Some(b'.') | Some(b','))
        && b.get(end + 1).is_some_and(u8::is_ascii_digit)
    {
        end += 1;
        let mut digits = 0;
        while let Some(&c) = b.get(end) {
            if !c.is_ascii_digit() {
                break;
            }
            if digits < 9 {
                nanos = nanos * 10 + (c - b'0') as u32;
                digits += 1;
            }
            end += 1;
        }
        nanos *= 10u32.pow(9 - digits);
    }
    Some((h, mi, s, nanos, end))
}

fn at_boundary(b: &[u8], at: usize) -> bool {
    at == 0 || matches!(b[at - 1], b' ' | b'\t' | b'[' | b'(')
}

/// How many `[` may open before a timestamp (`[[2025-11-23 09:30:00]]`).
const MAX_BRACKETS: usize = 8;

/// Try every style at byte `at`.
fn stamp_at(line: &str, at: usize, offset: i32, year: i32) -> Option<Stamp> {
    let b = line.as_bytes();
    let first = *b.get(at)?;
    if first == b'[' {
        // Brackets nest a few deep at most around a time; a run of them is not one (and each
        // would recurse once more).
        if b.get(at..at + MAX_BRACKETS)
            .is_some_and(|r| r.iter().all(|&c| c == b'['))
        {
            return None;
        }
        // Apache: [Sun Dec 04 04:47:44 2005]; or any other style in brackets.
        if let Some(s) = apache(b, at + 1, offset) {
            return Some(s);
        }
        let mut s = stamp_at(line, at + 1, offset, year)?;
        s.start = at;
        if b.get(s.end) == Some(&b']') {
            s.end += 1;
        }
        return Some(s);
    }
    if first.is_ascii_digit() {
        if let Some((p, used)) = parse_iso(&line[at..], offset) {
            if used >= 16 {
                return Some(Stamp {
                    ns: p.ns,
                    offset_min: p.offset_min,
                    start: at,
                    end: at + used,
                    no_year: false,
                });
            }
        }
        // yy/MM/dd HH:mm:ss (Spark) or yyyy/MM/dd HH:mm:ss
        let (y, mo, d, next) = if b.get(at + 2) == Some(&b'/') && b.get(at + 5) == Some(&b'/') {
            (
                2000 + num(b, at, 2)? as i64,
                num(b, at + 3, 2)?,
                num(b, at + 6, 2)?,
                at + 8,
            )
        } else if b.get(at + 4) == Some(&b'/') && b.get(at + 7) == Some(&b'/') {
            (
                num(b, at, 4)? as i64,
                num(b, at + 5, 2)?,
                num(b, at + 8, 2)?,
                at + 10,
            )
        } else if b.get(at + 6) == Some(&b' ') && num(b, at, 6).is_some() {
            // HDFS: yyMMdd HHmmss
            let (y, mo, d) = (num(b, at, 2)?, num(b, at + 2, 2)?, num(b, at + 4, 2)?);
            let (h, mi, s) = (num(b, at + 7, 2)?, num(b, at + 9, 2)?, num(b, at + 11, 2)?);
            if b.get(at + 13).is_some_and(u8::is_ascii_digit) {
                return None;
            }
            let local = civil_to_ns(2000 + y as i64, mo, d, h, mi, s, 0)?;
            return Some(Stamp {
                ns: local - offset as i64 * 60 * NS_PER_S,
                offset_min: None,
                start: at,
                end: at + 13,
                no_year: false,
            });
        } else {
            return None;
        };
        if b.get(next) != Some(&b' ') {
            return None;
        }
        let (h, mi, s, nanos, end) = clock(b, next + 1)?;
        let local = civil_to_ns(y, mo, d, h, mi, s, nanos)?;
        return Some(Stamp {
            ns: local - offset as i64 * 60 * NS_PER_S,
            offset_min: None,
            start: at,
            end,
            no_year: false,
        });
    }
    // syslog: Nov 23 09:30:00 (no year)
    let mo = month(&b[at..])?;
    if b.get(at + 3) != Some(&b' ') {
        return None;
    }
    let mut p = at + 4;
    if b.get(p) == Some(&b' ') {
        p += 1;
    }
    let d = if b.get(p + 1) == Some(&b' ') {
        let d = num(b, p, 1)?;
        p += 2;
        d
    } else {
        let d = num(b, p, 2)?;
        p += 3;
        d
    };
    let (h, mi, s, nanos, end) = clock(b, p)?;
    // Feb 29 exists only in leap years: a year-less one belongs to the latest of them.
    let year = if (mo, d) == (2, 29) {
        (0..8)
            .map(|k| year as i64 - k)
            .find(|&y| days_in_month(y, 2) == 29)?
    } else {
        year as i64
    };
    let local = civil_to_ns(year, mo, d, h, mi, s, nanos)?;
    Some(Stamp {
        ns: local - offset as i64 * 60 * NS_PER_S,
        offset_min: None,
        start: at,
        end,
        no_year: true,
    })
}

/// Apache error log: `Sun Dec 04 04:47:44 2005]` (after the opening bracket).
fn apache(b: &[u8], at: usize, offset: i32) -> Option<Stamp> {
    if !b.get(at..at + 3)?.iter().all(u8::is_ascii_alphabetic) || b.get(at + 3) != Some(&b' ') {
        return None;
    }
    let mo = month(&b[at + 4..])?;
    let d = num(b, at + 8, 2)?;
    let (h, mi, s, nanos, end) = clock(b, at + 11)?;
    let y = num(b, end + 1, 4)?;
    if b.get(end + 5) != Some(&b']') {
        return None;
    }
    let local = civil_to_ns(y as i64, mo, d, h, mi, s, nanos)?;
    Some(Stamp {
        ns: local - offset as i64 * 60 * NS_PER_S,
        offset_min: None,
        start: at - 1,
        end: end + 6,
        no_year: false,
    })
}

/// Find a timestamp at the start of a line, or near it (within the first 100 bytes, at a word
/// boundary: OpenStack lines start with a file name).
pub fn find_stamp(line: &str, offset: i32, year: i32) -> Option<Stamp> {
    if let Some(s) = stamp_at(line, 0, offset, year) {
        return Some(s);
    }
    let b = line.as_bytes();
    let limit = b.len().min(100);
    (1..limit)
        .filter(|&i| b[i].is_ascii_digit() && at_boundary(b, i))
        .find_map(|i| stamp_at(line, i, offset, year).filter(|s| s.end - s.start >= 19))
}

fn current_year() -> i32 {
    chrono::Utc::now().year()
}

/// True when a line starts with (or carries near its start) a timestamp.
pub fn sniff_line(line: &str) -> bool {
    find_stamp(line, 0, 2000).is_some()
}

/// A strict level word: full names in any case (single letters are too ambiguous in free text).
fn level_word(tok: &str) -> Option<Level> {
    let t = tok.trim_matches(|c| c == '[' || c == ']' || c == ':' || c == '<' || c == '>');
    if t.len() < 3 || t.len() > 8 {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    match lower.as_str() {
        "trace" | "debug" | "info" | "notice" | "warn" | "warning" | "error" | "err" | "fatal"
        | "severe" | "crit" | "critical" | "alert" | "emerg" | "panic" => Level::parse(&lower),
        _ => None,
    }
}

/// The shapes of the timestamps [`find_stamp`] reads at a line's start (`9` a digit, `a` a
/// letter, anything else itself), shortest first within a family.
const SHAPES: [&str; 7] = [
    "9999-99-99T99:99",
    "9999-99-99 99:99",
    "9999/99/99 99:99:99",
    "99/99/99 99:99:99",
    "aaa 99 99:99:99",
    "aaa  9 99:99:99",
    "aaa 9 99:99:99",
];

/// The text at the start of a line (after brackets) that has the shape of a timestamp, if
/// there is one: a line that starts so but holds no valid time (`24:00:00`, `02-30`) is a
/// malformed record, not a continuation.
pub fn stamp_shaped(line: &str) -> Option<&str> {
    let at = line
        .bytes()
        .take(MAX_BRACKETS)
        .take_while(|&c| c == b'[')
        .count();
    let b = &line.as_bytes()[at..];
    SHAPES.iter().find_map(|shape| {
        let fits = b.len() >= shape.len()
            && shape.bytes().zip(b).all(|(s, &c)| match s {
                b'9' => c.is_ascii_digit(),
                b'a' => c.is_ascii_alphabetic(),
                _ => s == c,
            });
        // Up to the next space after the shape: the seconds, a fraction, a zone.
        let end = b[shape.len().min(b.len())..]
            .iter()
            .position(|&c| c == b' ' || c == b']')
            .map_or(b.len(), |i| i + shape.len());
        fits.then(|| &line[at..at + end])
    })
}

/// A line that starts with something shaped like a time that is none: counted, and read as a
/// record whose time is the one of the record above.
fn invalid_stamp(text: &str, lineno: u32, out: &mut Batch) -> Option<Stamp> {
    let bad = stamp_shaped(text)?;
    out.error_kept(
        lineno,
        format!("invalid time `{bad}`; kept as an event with the time of the record above"),
    );
    // The shape starts the line, after its brackets; they close after it.
    let end = bad.as_ptr() as usize - text.as_ptr() as usize + bad.len();
    let closing = text[end..].bytes().take_while(|&c| c == b']').count();
    Some(Stamp {
        ns: crate::ingest::INHERIT_TS,
        offset_min: None,
        start: 0,
        end: end + closing,
        no_year: false,
    })
}

/// Parse one line.
pub fn line(text: &str, lineno: u32, ctx: &Ctx, out: &mut Batch) {
    let year = current_year();
    let found = find_stamp(text, ctx.default_offset_min, year);
    let Some(stamp) = found.or_else(|| invalid_stamp(text, lineno, out)) else {
        out.continuation(lineno, text);
        return;
    };
    let mut ev = Event::new(Kind::Log, stamp.ns);
    ev.line = lineno;
    ev.set_tz_offset(stamp.offset_min);
    if stamp.offset_min.is_none() && stamp.ns != crate::ingest::INHERIT_TS {
        out.naive_times += 1;
    }
    if stamp.no_year {
        out.note(format!(
            "syslog-style times carry no year: assumed {year} (UTC); use --shift to correct"
        ));
    }
    if stamp.start > 0 {
        let prefix = text[..stamp.start].trim();
        if !prefix.is_empty() {
            out.attr(ctx.sym("prefix"), ctx.str_value(prefix));
        }
    }
    let rest = text[stamp.end..].trim_start_matches([' ', ',']);
    if rest.starts_with('\t') && tab_style(rest, &mut ev, ctx, out) {
        out.push(ev, ctx);
        return;
    }
    let mut msg_start = 0;
    let mut tokens = rest.split(' ').filter(|t| !t.is_empty());
    let mut consumed = 0;
    let mut pos = 0;
    for _ in 0..5 {
        let Some(tok) = tokens.next() else { break };
        let at = rest[pos..].find(tok).map_or(pos, |i| pos + i);
        pos = at + tok.len();
        consumed += 1;
        if ev.level().is_none() {
            if let Some(l) = level_word(tok) {
                ev.set_level(Some(l));
                msg_start = pos;
                continue;
            }
        }
        if tok == "-" {
            msg_start = pos;
            continue;
        }
        if ev.level().is_none() && tok.bytes().all(|c| c.is_ascii_digit()) && consumed <= 2 {
            if let Ok(pid) = tok.parse::<i64>() {
                out.attr(ctx.sym("pid"), crate::model::Value::Int(pid));
                msg_start = pos;
                continue;
            }
        }
        if tok.starts_with('[') && tok.ends_with(']') && tok.len() > 2 && ev.thread.is_none() {
            let inner = &tok[1..tok.len() - 1];
            if !inner.starts_with("req-") && level_word(inner).is_none() {
                ev.thread = Some(ctx.sym(inner));
                msg_start = pos;
                continue;
            }
        }
        if ev.level().is_none() && consumed == 1 && syslog_tag(tok, &mut ev, ctx, out) {
            msg_start = pos;
            continue;
        }
        break;
    }
    let msg = rest[msg_start..]
        .trim_start_matches([' ', '-', ':'])
        .trim_start();
    ev.msg = Some(ctx.sym(msg));
    if let Some(req) = request_id(msg) {
        ev.request = Some(ctx.sym(req));
    }
    out.push(ev, ctx);
}

/// syslog `host prog[pid]:` — only the tag form `prog[pid]:`/`prog:` is recognised here.
fn syslog_tag(tok: &str, ev: &mut Event, ctx: &Ctx, out: &mut Batch) -> bool {
    let Some(t) = tok.strip_suffix(':') else {
        return false;
    };
    let (prog, pid) = match t.split_once('[') {
        Some((p, rest)) => (
            p,
            rest.strip_suffix(']').and_then(|x| x.parse::<i64>().ok()),
        ),
        None => (t, None),
    };
    if prog.is_empty()
        || !prog
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"-_./".contains(&c))
    {
        return false;
    }
    ev.service = Some(ctx.sym(prog));
    if let Some(pid) = pid {
        out.attr(ctx.sym("pid"), crate::model::Value::Int(pid));
    }
    true
}

/// zap console encoder: `level<TAB>[caller<TAB>]msg[<TAB>{json}]`.
fn tab_style(rest: &str, ev: &mut Event, ctx: &Ctx, out: &mut Batch) -> bool {
    let fields: Vec<&str> = rest.trim_start_matches('\t').split('\t').collect();
    let Some(level) = fields.first().and_then(|f| level_word(f)) else {
        return false;
    };
    ev.set_level(Some(level));
    let mut mid = &fields[1..];
    if let Some(last) = mid.last() {
        if last.trim_start().starts_with('{') {
            if let Ok(J::Obj(entries)) = J::parse(last.trim()) {
                let mut flat = crate::ingest::json::record::Flat::new();
                flatten(&entries, &mut flat);
                for (k, v) in &flat {
                    out.attr(ctx.sym(k), value_of(v, ctx));
                }
                mid = &mid[..mid.len() - 1];
            }
        }
    }
    match mid {
        [caller, msg, more @ ..] => {
            out.attr(ctx.sym("caller"), ctx.str_value(caller));
            let mut m = msg.to_string();
            for x in more {
                m.push('\t');
                m.push_str(x);
            }
            ev.msg = Some(ctx.sym(&m));
        }
        [msg] => ev.msg = Some(ctx.sym(msg)),
        [] => {}
    }
    true
}

/// Request-like ids in free text: OpenStack `req-<uuid>`, HDFS block ids `blk_<n>`.
fn request_id(msg: &str) -> Option<&str> {
    let find = |pat: &str| {
        let i = msg.find(pat)?;
        let end = msg[i + pat.len()..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .map_or(msg.len(), |e| i + pat.len() + e);
        (end > i + pat.len()).then(|| &msg[i..end])
    };
    find("req-").or_else(|| find("blk_"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{time::format_ns, Strings};

    fn one(l: &str) -> (Event, Ctx, Batch) {
        let ctx = Ctx::new(Strings::new());
        let mut b = Batch::new();
        line(l, 1, &ctx, &mut b);
        b.finish(&ctx);
        let e = b.events.first().cloned().expect("an event");
        (e, ctx, b)
    }

    fn s(ctx: &Ctx, x: Option<crate::model::Sym>) -> String {
        x.map(|x| ctx.strings.resolve(x).to_string())
            .unwrap_or_default()
    }

    #[test]
    fn styles() {
        let (e, c, _) = one("[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok");
        assert_eq!(format_ns(e.ts), "2005-12-04T04:47:44.000000000Z");
        assert_eq!(e.level(), Some(Level::Info));
        assert_eq!(s(&c, e.msg), "workerEnv.init() ok");

        let (e, c, b) = one("081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating");
        assert_eq!(format_ns(e.ts), "2008-11-09T20:36:15.000000000Z");
        assert_eq!(e.level(), Some(Level::Info));
        assert_eq!(s(&c, e.request), "blk_38865049064139660");
        assert_eq!(b.attrs.len(), 1); // pid

        let (e, c, _) =
            one("2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.MRAppMaster: Created");
        assert_eq!(format_ns(e.ts), "2015-10-18T18:01:47.978000000Z");
        assert_eq!(s(&c, e.thread), "main");
        assert_eq!(s(&c, e.msg), "org.apache.hadoop.MRAppMaster: Created");

        let (e, _, _) =
            one("17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: Registered");
        assert_eq!(format_ns(e.ts), "2017-06-09T20:10:40.000000000Z");

        let (e, c, _) = one("2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774] - Notification: 1");
        assert_eq!(e.level(), Some(Level::Info));
        assert!(
            s(&c, e.msg).ends_with("Notification: 1"),
            "{}",
            s(&c, e.msg)
        );

        let (e, c, _) = one("nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-38101a0b-2096-447d-96ea-a692162415ae 113d - - -] 10.11.10.1 \"GET /v2\" status: 200");
        assert_eq!(format_ns(e.ts), "2017-05-16T00:00:00.008000000Z");
        assert_eq!(s(&c, e.request), "req-38101a0b-2096-447d-96ea-a692162415ae");

        let (e, c, b) = one("2025-04-24T22:09:20.856Z\terror\tinternal/queue_sender.go:128\tExporting failed.\t{\"otelcol.signal\": \"metrics\", \"n\": 3}");
        assert_eq!(e.level(), Some(Level::Error));
        assert_eq!(e.tz_offset(), Some(0));
        assert_eq!(s(&c, e.msg), "Exporting failed.");
        assert_eq!(b.attrs.len(), 3);

        let (e, c, b) = one("Nov 23 09:30:00 web-1 sshd[311]: Accepted publickey");
        assert_eq!(e.level(), None);
        assert!(s(&c, e.msg).contains("Accepted publickey"));
        assert_eq!(b.notes.len(), 1);
    }

    #[test]
    fn continuation_and_garbage() {
        let ctx = Ctx::new(Strings::new());
        let mut b = Batch::new();
        line("stray text first", 1, &ctx, &mut b);
        line("2015-10-18 18:01:47,978 ERROR [main] boom", 2, &ctx, &mut b);
        line(
            "\tat java.lang.Thread.run(Thread.java:745)",
            3,
            &ctx,
            &mut b,
        );
        b.finish(&ctx);
        assert_eq!(b.events.len(), 1);
        assert_eq!(b.leading.len(), 1);
        assert!(ctx
            .strings
            .resolve(b.events[0].msg.unwrap())
            .ends_with("Thread.java:745)"));
        assert!(find_stamp("12345 not a time", 0, 2026).is_none());
        assert!(find_stamp("", 0, 2026).is_none());
        assert!(find_stamp("99/99/99 99:99:99 x", 0, 2026).is_none());
    }
}
