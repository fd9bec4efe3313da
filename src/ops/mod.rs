//! The use cases both faces call: the CLI formats their results, the workbench turns them into
//! state. Neither face orchestrates the engine on its own.

pub mod analyse;
pub mod check;
pub mod diff;
pub mod export;
pub mod load;
pub mod minimise;
pub mod query;
pub mod suggest;

/// A mistake in how heisen was asked (exit code 2), as opposed to an input it cannot read.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Usage(pub String);
