//! Suggesting hypotheses: what distinguishes groups with an outcome from groups without.

use crate::analysis::suggest::{self, Suggestion};
use crate::model::Store;
use crate::query::{self, Compiled, QueryError};

/// Why there are no suggestions: each error names the argument it is about.
#[derive(Clone, Debug)]
pub enum SuggestError {
    /// The outcome does not compile.
    Outcome(QueryError),
    /// The outcome compiles, but to a pattern or a hypothesis, not a filter.
    OutcomeNotAFilter,
    /// The group key names no field.
    Per(QueryError),
}

/// The `top` hypotheses that best tell groups (`per`) with `outcome` (a filter) from those
/// without.
pub fn suggest(
    store: &Store,
    outcome: &str,
    per: &str,
    top: usize,
) -> Result<Vec<Suggestion>, SuggestError> {
    let pred = match query::compile(store, outcome).map_err(SuggestError::Outcome)? {
        Compiled::Filter(p) => p,
        _ => return Err(SuggestError::OutcomeNotAFilter),
    };
    let key = query::check::resolve_name(store, per).map_err(SuggestError::Per)?;
    Ok(suggest::suggest(
        store,
        &pred,
        outcome.trim(),
        key,
        per,
        top,
    ))
}
