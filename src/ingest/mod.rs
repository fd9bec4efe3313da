//! Ingestion: read inputs (plain or gzip), detect each format by content, parse in parallel
//! (line formats in chunks split at line boundaries), and merge everything into one
//! [`Store`](crate::model::Store).
//!
//! - [`driver`]: reading inputs, sniffing, chunking, the ordered merge, loading into a store;
//! - [`json`]: the JSON machinery (the scanner, records, well-known field names);
//! - [`otlp`]: OpenTelemetry (OTLP/JSON, protobuf, the mapping they share, and the protobuf →
//!   OTLP/JSON text that recording keeps);
//! - [`formats`]: one parser per other format;
//! - [`batch`]: what a parser produces; [`ids`]: trace and span ids.

pub mod batch;
pub mod driver;
pub mod formats;
pub mod ids;
pub mod json;
pub mod otlp;

pub use batch::{Batch, Ctx, INHERIT_TS};
pub use driver::{
    absorb, absorb_live, load_files, load_named_bytes, merge_batches, parse_bytes, parse_chunk,
    parse_chunks, parse_doc, parse_lines, parse_reader, parse_size, split_chunks, DocFn, Grown,
    LineChunks, LineFn, LiveBatch, LoadError, LoadOptions, Reader, Shift, CHUNK,
};
// The paths these modules had before they were grouped.
pub use driver::{ordered, sniff};
pub use formats::{
    chrome, gorace, jaeger, jsonl, logfmt, plain, race_report, schedule, tsan, zipkin,
};
pub use json::{fields, record, scan};
pub use otlp::{map as otlp_map, proto as otlp_proto};
