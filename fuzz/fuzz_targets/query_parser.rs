//! The query parser must never panic, whatever the text.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(q) = heisen::query::parse(s) {
            let _ = heisen::query::parse(&q.to_string());
        }
    }
});
