//! logfmt parser (in progress).

use super::batch::{Batch, Ctx};

/// True when a line looks like this format (for the sniffer).
pub fn sniff_line(_line: &str) -> bool {
    false
}

/// Parse one line.
pub fn line(_text: &str, lineno: u32, _ctx: &Ctx, out: &mut Batch) {
    out.error(lineno, "logfmt is not supported yet");
}

/// Parse a line as logfmt if it is one (used for mixed JSON/logfmt files); false otherwise.
pub fn try_line(_text: &str, _lineno: u32, _ctx: &Ctx, _out: &mut Batch) -> bool {
    false
}
