//! The OTLP/HTTP protobuf path: the receiver's size check, then decoding and mapping to
//! events, must never panic. The first byte picks traces or logs.
#![no_main]
mod shared;
use heisen::ingest::otlp::proto;
use heisen::live::otlp_check::{decoded_size, log_ok, span_ok};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let traces = pick & 1 == 0;
    // The receiver refuses what would decode to more than a few times the body.
    if decoded_size(traces, body).is_none_or(|n| n > 64 * body.len() + 4096) {
        return;
    }
    let ctx = shared::ctx();
    let mut out = heisen::ingest::Batch::new();
    if traces {
        if let Ok(req) = ExportTraceServiceRequest::decode(body) {
            for s in req.resource_spans.iter().flat_map(|r| &r.scope_spans) {
                s.spans.iter().for_each(|sp| {
                    std::hint::black_box(span_ok(sp));
                });
            }
            proto::traces(&req, &ctx, &mut out);
        }
    } else if let Ok(req) = ExportLogsServiceRequest::decode(body) {
        for s in req.resource_logs.iter().flat_map(|r| &r.scope_logs) {
            s.log_records.iter().for_each(|r| {
                std::hint::black_box(log_ok(r));
            });
        }
        proto::logs(&req, &ctx, &mut out);
    }
    out.finish(&ctx);
});
