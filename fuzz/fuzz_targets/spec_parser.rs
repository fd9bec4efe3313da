//! The state-machine spec parser (`verify --spec`) must never panic, whatever the text.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(spec) = heisen::analysis::verify::Spec::parse(s) {
            let _ = spec.states();
        }
    }
});
