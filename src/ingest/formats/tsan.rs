//! ThreadSanitizer reports (data races, heap-use-after-free, …), with whatever noise surrounds
//! them in a log.

use super::race_report::{parse, text_lines};
use crate::ingest::batch::{Batch, Ctx};

/// Parse a whole document.
pub fn parse_doc(text: &str, ctx: &Ctx, out: &mut Batch) {
    parse(&text_lines(text), ctx, out);
}
