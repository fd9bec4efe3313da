//! `formats::tsan::parse_doc` must never panic, hang or overflow its stack, whatever the bytes.
#![no_main]
mod shared;
libfuzzer_sys::fuzz_target!(|data: &[u8]| shared::doc(
    data,
    heisen::ingest::formats::tsan::parse_doc
));
