//! plain parser (in progress).

use super::batch::{Batch, Ctx};

/// True when a line looks like this format (for the sniffer).
pub fn sniff_line(_line: &str) -> bool {
    false
}

/// Parse one line.
pub fn line(_text: &str, lineno: u32, _ctx: &Ctx, out: &mut Batch) {
    out.error(lineno, "plain is not supported yet");
}
