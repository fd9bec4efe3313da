//! What the per-format targets share: feed bytes to one parser the way the loader does.
// Each target uses one of the two.
#![allow(dead_code)]

use heisen::ingest::driver::chunks::{parse_chunk, parse_doc, DocFn, LineFn};
use heisen::ingest::Ctx;
use heisen::model::Strings;

/// A fresh context (each input gets its own interner).
pub fn ctx() -> Ctx {
    Ctx::new(Strings::new())
}

/// Parse the bytes as one chunk of a line format.
pub fn lines(data: &[u8], f: LineFn) {
    let _ = parse_chunk(data, &ctx(), f);
}

/// Parse the bytes as a whole document.
pub fn doc(data: &[u8], f: DocFn) {
    let _ = parse_doc(data, &ctx(), f);
}
