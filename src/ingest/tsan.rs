//! ThreadSanitizer reports (data races, heap-use-after-free, …), with whatever noise surrounds
//! them in a log.

use super::batch::{Batch, Ctx};
use super::race_report::{parse, Line};

/// Parse a whole document.
pub fn parse_doc(text: &str, ctx: &Ctx, out: &mut Batch) {
    let lines: Vec<Line> = text
        .lines()
        .enumerate()
        .map(|(i, t)| Line {
            text: t,
            lineno: i as u32 + 1,
            ts: None,
            test: None,
        })
        .collect();
    parse(&lines, ctx, out);
}
