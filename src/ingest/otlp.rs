//! otlp parser (in progress).

use super::batch::{Batch, Ctx};

/// Parse one line.
pub fn line(_text: &str, lineno: u32, _ctx: &Ctx, out: &mut Batch) {
    out.error(lineno, "otlp is not supported yet");
}

/// Parse a whole document.
pub fn parse_doc(_text: &str, _ctx: &Ctx, out: &mut Batch) {
    out.error(0, "otlp is not supported yet");
}
