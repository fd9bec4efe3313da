//! Go race detector output: plain `go test -race` output or any log carrying
//! `WARNING: DATA RACE` blocks, and `go test -json` streams (report lines inside `Output`).

use super::race_report::{parse, text_lines, Line};
use crate::ingest::batch::{Batch, Ctx};
use crate::ingest::json::J;
use crate::model::{time, Event, Kind, Level};

/// Parse a whole document.
pub fn parse_doc(text: &str, ctx: &Ctx, out: &mut Batch) {
    let is_json = text.trim_start().starts_with('{');
    if !is_json {
        return parse(&text_lines(text), ctx, out);
    }
    // go test -json: one record per line; Output may hold several lines.
    let records: Vec<(u32, Option<J>)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i as u32 + 1, J::parse(l).ok()))
        .collect();
    let mut lines: Vec<Line> = Vec::new();
    for (lineno, rec) in &records {
        let Some(rec) = rec else {
            out.error(*lineno, "not a go test -json record");
            continue;
        };
        let ts = rec
            .get("Time")
            .and_then(J::as_str)
            .and_then(|t| time::parse_rfc3339(t, ctx.default_offset_min))
            .map(|p| p.ns);
        let test = rec.get("Test").and_then(J::as_str);
        match rec.get("Action").and_then(J::as_str) {
            Some("output") => {
                if let Some(o) = rec.get("Output").and_then(J::as_str) {
                    for t in o.lines() {
                        lines.push(Line {
                            text: t,
                            lineno: *lineno,
                            ts,
                            test,
                        });
                    }
                }
            }
            Some(action @ ("pass" | "fail" | "skip")) => {
                let mut ev = Event::new(Kind::Log, ts.unwrap_or(0));
                ev.line = *lineno;
                ev.set_level(Some(if action == "fail" {
                    Level::Error
                } else {
                    Level::Info
                }));
                let what = test.unwrap_or("package");
                ev.msg = Some(ctx.sym(&format!("{action}: {what}")));
                ev.name = Some(ctx.sym(&format!("test {action}")));
                if let Some(t) = test {
                    out.attr(ctx.sym("test"), ctx.str_value(t));
                }
                if let Some(p) = rec.get("Package").and_then(J::as_str) {
                    ev.service = Some(ctx.sym(p));
                }
                if let Some(e) = rec.get("Elapsed").and_then(J::as_f64) {
                    ev.set_dur(Some((e * 1e9) as i64));
                }
                out.push(ev, ctx);
            }
            _ => {}
        }
    }
    parse(&lines, ctx, out);
}
