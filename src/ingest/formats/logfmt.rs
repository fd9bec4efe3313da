//! logfmt: `ts=… level=warn msg="…" key=value`, as logrus's TextFormatter, go-kit and many Go
//! services write it. Field mapping is shared with JSON lines (`record::push_record`).

use crate::ingest::batch::{Batch, Ctx};
use crate::ingest::json::record::{push_record, Field};
use crate::ingest::json::J;
use std::borrow::Cow;

/// Key/value pairs of a line.
pub type Pairs<'a> = Vec<(&'a str, Cow<'a, str>)>;

/// Split a line into key/value pairs. Quoted values may contain escaped quotes; a bare key has
/// the value `true`; `key=` has an empty value. Returns `None` when the text is not logfmt.
pub fn pairs(line: &str) -> Option<Pairs<'_>> {
    split(line).map(|(p, _)| p)
}

/// [`pairs`], and the byte offset of the first unquoted value holding `=` or `"` (`k==v`),
/// which logfmt writers always quote: such a value is taken as written, but is malformed.
fn split(line: &str) -> Option<(Pairs<'_>, Option<usize>)> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut bad = None;
    let mut i = 0;
    let mut with_eq = 0;
    while i < b.len() {
        while i < b.len() && b[i] == b' ' || i < b.len() && b[i] == b'\t' {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let ks = i;
        while i < b.len() && b[i] != b'=' && b[i] != b' ' && b[i] != b'\t' && b[i] != b'"' {
            i += 1;
        }
        let key = &line[ks..i];
        if key.is_empty() {
            return None;
        }
        if i >= b.len() || b[i] != b'=' {
            if i < b.len() && b[i] == b'"' {
                return None;
            }
            out.push((key, Cow::Borrowed("true")));
            continue;
        }
        with_eq += 1;
        i += 1; // '='
        if i < b.len() && b[i] == b'"' {
            i += 1;
            let vs = i;
            let mut escaped = false;
            let mut has_escape = false;
            while i < b.len() {
                if escaped {
                    escaped = false;
                } else if b[i] == b'\\' {
                    escaped = true;
                    has_escape = true;
                } else if b[i] == b'"' {
                    break;
                }
                i += 1;
            }
            if i >= b.len() {
                return None; // unterminated quote
            }
            let raw = &line[vs..i];
            i += 1;
            let v = if has_escape {
                Cow::Owned(unescape(raw))
            } else {
                Cow::Borrowed(raw)
            };
            out.push((key, v));
        } else {
            let vs = i;
            while i < b.len() && b[i] != b' ' && b[i] != b'\t' {
                if matches!(b[i], b'=' | b'"') && bad.is_none() {
                    bad = Some(i);
                }
                i += 1;
            }
            out.push((key, Cow::Borrowed(&line[vs..i])));
        }
    }
    (with_eq >= 2 || with_eq >= 1 && out.len() == 1).then_some((out, bad))
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(o) => out.push(o),
            None => out.push('\\'),
        }
    }
    out
}

fn is_record(p: &[(&str, Cow<str>)]) -> bool {
    use crate::ingest::json::fields::{classify, Target};
    p.iter().any(|(k, _)| {
        matches!(
            classify(k),
            Some((Target::Time | Target::Level | Target::Msg, _))
        )
    })
}

/// True when a line looks like logfmt: at least two `key=value` pairs, one of them a time,
/// level or message key.
pub fn sniff_line(line: &str) -> bool {
    pairs(line).is_some_and(|p| p.len() >= 2 && is_record(&p))
}

/// Parse one line.
pub fn line(text: &str, lineno: u32, ctx: &Ctx, out: &mut Batch) {
    if try_line(text, lineno, ctx, out) {
        return;
    }
    // Whether a line continues the record above depends on the line alone, never on where
    // a chunk starts.
    match pairs(text) {
        Some(_) if !text.starts_with([' ', '\t']) => {
            out.error(lineno, "logfmt record without a time, level or message key")
        }
        // Mixed streams: a JSON record among logfmt ones.
        None if text.starts_with('{') => super::jsonl::line(text, lineno, ctx, out),
        _ => out.stray_line(lineno, text, "not logfmt", ctx),
    }
}

/// Parse a line as logfmt if it is one (used for mixed JSON/logfmt files); false otherwise.
pub fn try_line(text: &str, lineno: u32, ctx: &Ctx, out: &mut Batch) -> bool {
    let Some((p, bad)) = split(text) else {
        return false;
    };
    if p.len() < 2 || !is_record(&p) {
        return false;
    }
    if let Some(at) = bad {
        out.error_kept(
            lineno,
            format!(
                "malformed logfmt at column {}: `=` or `\"` in an unquoted value; the record is kept with the value as written",
                text[..at].chars().count() + 1
            ),
        );
    }
    let values: Vec<J> = p
        .iter()
        .map(|(_, v)| J::Str(Cow::Borrowed(v.as_ref())))
        .collect();
    let entries: Vec<Field> = p
        .iter()
        .zip(values.iter())
        .map(|((k, _), v)| Field::new(k, v))
        .collect();
    push_record(&entries, lineno, ctx, out);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Level, Strings};

    #[test]
    fn splits_pairs() {
        let p = pairs(r#"time="2021-05-05T12:00:00Z" level=error msg="a \"b\" c" reason= flag"#)
            .unwrap();
        let got: Vec<(&str, &str)> = p.iter().map(|(k, v)| (*k, v.as_ref())).collect();
        assert_eq!(
            got,
            [
                ("time", "2021-05-05T12:00:00Z"),
                ("level", "error"),
                ("msg", "a \"b\" c"),
                ("reason", ""),
                ("flag", "true")
            ]
        );
        assert!(pairs("just some words").is_none());
        assert!(pairs(r#"msg="unterminated"#).is_none());
        assert!(!sniff_line("a=1 b=2"));
        assert!(sniff_line("ts=1 msg=hi"));
    }

    #[test]
    fn builds_events() {
        let ctx = Ctx::new(Strings::new());
        let mut b = Batch::new();
        line(
            r#"time="2021-05-05T12:00:00.5Z" level=warn msg="slow query" dur=250ms req_id=r7"#,
            1,
            &ctx,
            &mut b,
        );
        line("  at frame", 2, &ctx, &mut b);
        b.finish(&ctx);
        assert_eq!(b.events.len(), 1);
        let e = &b.events[0];
        assert_eq!(e.level(), Some(Level::Warn));
        assert_eq!(ctx.strings.resolve(e.request.unwrap()), "r7");
        assert_eq!(
            ctx.strings.resolve(e.msg.unwrap()),
            "slow query\n  at frame"
        );
    }
}
