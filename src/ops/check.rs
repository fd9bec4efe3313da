//! Checking a hypothesis: verdict, 2×2 table, counterexamples.

use crate::model::Store;
use crate::query::{self, QueryError, QueryResult, Verdict};

/// Compile and evaluate a hypothesis (`expect OUTCOME when CONDITION per KEY`).
pub fn check(store: &Store, text: &str) -> Result<Verdict, QueryError> {
    match super::query::run(store, text, usize::MAX)? {
        QueryResult::Hypothesis(v) => Ok(*v),
        _ => Err(QueryError::new(
            0,
            text.len(),
            "a hypothesis is `expect OUTCOME when CONDITION per KEY`",
        )),
    }
}

/// True when `text` parses as a hypothesis (syntax only: no store needed).
pub fn is_hypothesis(text: &str) -> Result<bool, QueryError> {
    Ok(matches!(
        query::parse(text)?,
        query::ast::Query::Hypothesis(_)
    ))
}
