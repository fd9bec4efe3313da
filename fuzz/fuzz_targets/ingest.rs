//! Sniffing and parsing any bytes must never panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = heisen::ingest::load_named_bytes(&[("fuzz", data)], &Default::default());
});
