//! heisen: a terminal workbench for debugging the bugs only production shows.
//!
//! Data flows one way: `ingest` (sniff + parse) → `model` (the store) → analyses → faces
//! (`cli` for `--json`, and the TUI), which both call the use cases in `ops`.

#![deny(clippy::undocumented_unsafe_blocks)]
#![deny(unsafe_op_in_unsafe_fn)]

pub mod alloc;
pub mod analysis;
pub mod cli;
pub mod export;
pub mod files;
pub mod ingest;
pub mod live;
pub mod model;
pub mod ops;
pub mod query;
pub mod replay;
pub mod stats;
pub mod text;
pub mod timing;
pub mod ui;
