//! `formats::plain::line` must never panic, hang or overflow its stack, whatever the bytes.
#![no_main]
mod shared;
libfuzzer_sys::fuzz_target!(|data: &[u8]| shared::lines(
    data,
    heisen::ingest::formats::plain::line
));
