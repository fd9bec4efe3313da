//! The receiver's pure request checks never panic, and `decoded_size` never claims less
//! than the body it walks.
#![no_main]
use heisen::live::otlp_check::{decoded_size, json_log_ok, json_span_ok};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    for traces in [true, false] {
        if let Some(n) = decoded_size(traces, data) {
            assert!(n >= data.len());
        }
    }
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = (json_span_ok(&v), json_log_ok(&v));
    }
});
