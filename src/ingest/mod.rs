//! Ingestion: read inputs (plain or gzip), detect each format by content, parse in parallel
//! (line formats in chunks split at line boundaries), and merge everything into one
//! [`Store`](crate::model::Store).
//!
//! - [`driver`]: reading inputs, sniffing, chunking, the ordered merge, loading into a store;
//! - [`json`]: the JSON machinery (the scanner, records, well-known field names);
//! - [`otlp`]: OpenTelemetry (OTLP/JSON, protobuf, and the mapping they share);
//! - [`formats`]: one parser per other format;
//! - [`batch`]: what a parser produces; [`ids`]: trace and span ids.

pub mod batch;
pub mod driver;
pub mod formats;
pub mod ids;
pub mod json;
pub mod otlp;

pub use batch::{Batch, Ctx, INHERIT_TS};
pub use driver::*;
// The paths these modules had before they were grouped.
pub use formats::{
    chrome, gorace, jaeger, jsonl, logfmt, plain, race_report, schedule, tsan, zipkin,
};
pub use json::{fields, record, scan};
pub use otlp::{map as otlp_map, proto as otlp_proto};
