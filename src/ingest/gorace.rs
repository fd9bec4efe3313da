//! gorace parser (in progress).

use super::batch::{Batch, Ctx};

/// Parse a whole document.
pub fn parse_doc(_text: &str, _ctx: &Ctx, out: &mut Batch) {
    out.error(0, "gorace is not supported yet");
}
