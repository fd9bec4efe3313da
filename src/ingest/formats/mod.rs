//! One parser per format that is neither the JSON machinery nor OTLP: each a pure
//! `bytes -> events + errors` function over a [`Batch`](crate::ingest::Batch).

pub mod chrome;
pub mod gorace;
pub mod jaeger;
pub mod jsonl;
pub mod logfmt;
pub mod plain;
pub mod race_report;
pub mod schedule;
pub mod tsan;
pub mod zipkin;
