//! What the per-format targets share: feed bytes to one parser the way the loader does.
// Each target uses one of the two.
#![allow(dead_code)]

use heisen::ingest::driver::chunks::{parse_chunk, parse_doc, DocFn, LineFn};
use heisen::ingest::Ctx;
use heisen::model::Strings;

/// Inputs that share one interner before a fresh one is made: a new interner per input maps
/// and unmaps its 16 shards' first chunks every time, which made the format targets run at
/// about 1 000 inputs a second; sharing keeps memory bounded and the interner's growth paths
/// exercised.
const INPUTS_PER_INTERNER: u32 = 10_000;

thread_local! {
    static SHARED: std::cell::RefCell<(Strings, u32)> =
        std::cell::RefCell::new((Strings::new(), 0));
}

/// A context for one input (its interner shared with the inputs before it, up to
/// [`INPUTS_PER_INTERNER`]).
pub fn ctx() -> Ctx {
    SHARED.with(|s| {
        let mut s = s.borrow_mut();
        s.1 += 1;
        if s.1 > INPUTS_PER_INTERNER {
            *s = (Strings::new(), 1);
        }
        Ctx::new(s.0.clone())
    })
}

/// Parse the bytes as one chunk of a line format.
pub fn lines(data: &[u8], f: LineFn) {
    let _ = parse_chunk(data, &ctx(), f);
}

/// Parse the bytes as a whole document.
pub fn doc(data: &[u8], f: DocFn) {
    let _ = parse_doc(data, &ctx(), f);
}
