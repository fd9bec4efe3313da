//! zipkin parser (in progress).

use super::batch::{Batch, Ctx};

/// Parse a whole document.
pub fn parse_doc(_text: &str, _ctx: &Ctx, out: &mut Batch) {
    out.error(0, "zipkin is not supported yet");
}
