//! Format detection by content, never by file name.

use crate::ingest::json::J;
use crate::model::{Format, Op};

/// How many bytes of the head the sniffer looks at.
pub const HEAD: usize = 64 * 1024;

/// Why a format could not be detected.
pub type Why = String;

/// Detect the format of an input from its first bytes (already decompressed).
pub fn sniff(head: &[u8]) -> Result<Format, Why> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head.iter().position(|c| !c.is_ascii_whitespace());
    let Some(start) = start else {
        return Ok(Format::Empty);
    };
    let head = &head[start..];
    if head.contains(&0) {
        // A log whose writer crashed can hold runs of NUL bytes (a preallocated or torn
        // page) between good lines: detect on the lines without any, which the parser then
        // reads while counting the damaged ones as errors. Mostly binary data is refused.
        let lines: Vec<&[u8]> = head
            .split(|&c| c == b'\n')
            .filter(|l| !l.trim_ascii().is_empty())
            .collect();
        let clean: Vec<&[u8]> = lines.iter().copied().filter(|l| !l.contains(&0)).collect();
        if clean.is_empty() || clean.len() * 2 < lines.len() {
            return Err("binary data (NUL bytes in most of the first lines)".into());
        }
        return sniff(&clean.join(&b'\n'));
    }
    let text = String::from_utf8_lossy(head);
    let has = |needle: &str| text.contains(needle);
    match head[0] {
        b'{' => Ok(sniff_object(&text)),
        b'[' => sniff_array(&text).or_else(|why| sniff_text(&text).map_err(|_| why)),
        _ => sniff_text(&text),
    }
    .or_else(|why| {
        if has("WARNING: DATA RACE") {
            Ok(Format::Gorace)
        } else if has("WARNING: ThreadSanitizer") {
            Ok(Format::Tsan)
        } else {
            Err(why)
        }
    })
}

fn sniff_object(text: &str) -> Format {
    let first_line = text.lines().next().unwrap_or("");
    if let Ok(J::Obj(entries)) = J::parse(first_line) {
        let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_ref()).collect();
        let key = |k: &str| keys.contains(&k);
        let obj = J::Obj(entries.clone());
        let inner = obj.get("result").unwrap_or(&obj);
        if inner.get("resourceSpans").is_some() || inner.get("resourceLogs").is_some() {
            return Format::Otlp;
        }
        if key("traceEvents") {
            return Format::Chrome;
        }
        if key("heisen_repro") {
            // A repro: its format is that of the lines after the header. Further header lines
            // are skipped here, not by recursing once per line.
            let mut rest = text.split_once('\n').map_or("", |(_, r)| r);
            while is_repro_header(rest.lines().next().unwrap_or("")) {
                rest = rest.split_once('\n').map_or("", |(_, r)| r);
            }
            return match rest.trim_start().is_empty() {
                true => Format::Schedule,
                false => sniff_object(rest),
            };
        }
        if key("data") && text.contains("\"traceID\"") || key("traceID") && key("spans") {
            return Format::Jaeger;
        }
        if key("traceId") && key("id") {
            return Format::Zipkin;
        }
        if key("Action") && (key("Package") || key("Test")) {
            return Format::Gorace;
        }
        if key("op") && key("thread") {
            let op_ok = obj
                .get("op")
                .and_then(J::as_str)
                .and_then(Op::parse)
                .is_some();
            if op_ok {
                return Format::Schedule;
            }
        }
        return Format::Jsonl;
    }
    // Not one object per line: a pretty-printed document, or JSON lines with a bad first line.
    let has = |n: &str| text.contains(n);
    if has("\"resourceSpans\"") || has("\"resourceLogs\"") {
        Format::Otlp
    } else if has("\"traceEvents\"") {
        Format::Chrome
    } else if has("\"traceID\"") && (has("\"spans\"") || has("\"spanID\"")) {
        Format::Jaeger
    } else if has("\"traceId\"") && (has("\"localEndpoint\"") || has("\"id\"")) {
        Format::Zipkin
    } else {
        Format::Jsonl
    }
}

/// Whether a line is a repro's header (`{"heisen_repro": …}`).
fn is_repro_header(line: &str) -> bool {
    matches!(J::parse(line), Ok(J::Obj(e)) if e.iter().any(|(k, _)| k.as_ref() == "heisen_repro"))
}

fn sniff_array(text: &str) -> Result<Format, Why> {
    let has = |n: &str| text.contains(n);
    if has("\"ph\"") {
        Ok(Format::Chrome)
    } else if has("\"traceID\"") && has("\"spanID\"") {
        Ok(Format::Jaeger)
    } else if has("\"traceId\"") {
        Ok(Format::Zipkin)
    } else if has("\"resourceSpans\"") || has("\"resourceLogs\"") {
        Ok(Format::Otlp)
    } else if text.trim() == "[]" {
        Ok(Format::Zipkin)
    } else {
        Err("a JSON array of no known trace format (Chrome, Jaeger, Zipkin)".into())
    }
}

fn sniff_text(text: &str) -> Result<Format, Why> {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(60)
        .collect();
    // The last line of the head may be cut mid-way.
    let lines = if lines.len() > 1 && !text.ends_with('\n') {
        &lines[..lines.len() - 1]
    } else {
        &lines[..]
    };
    let (mut json, mut logfmt, mut plain) = (0, 0, 0);
    for l in lines {
        if l.trim_start().starts_with('{') {
            json += 1;
        } else if crate::ingest::formats::logfmt::sniff_line(l) {
            logfmt += 1;
        } else if crate::ingest::formats::plain::sniff_line(l) {
            plain += 1;
        }
    }
    let best = json.max(logfmt).max(plain);
    if best == 0 {
        return Err(
            "no line in the first 60 starts with a timestamp, a JSON object or logfmt keys".into(),
        );
    }
    Ok(if json == best {
        Format::Jsonl
    } else if logfmt == best {
        Format::Logfmt
    } else {
        Format::Plain
    })
}
