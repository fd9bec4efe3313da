//! Writers of events out of the store: JSON lines (heisen reads them back), Chrome trace JSON
//! (Perfetto, chrome://tracing) and repro files (the schedule format, replayed step by step).

pub mod chrome;
pub mod jsonl;
pub mod repro;
