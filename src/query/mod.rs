//! The query language: filters over one event, temporal patterns between events, and
//! falsifiable hypotheses over groups. Parse (nom lexer + recursive descent) → check (fields,
//! types, positions, "did you mean") → evaluate (parallel filters, sort-and-sweep patterns).
//! The grammar with an example of every construct is in `docs/QUERY.md`.

pub mod ast;
pub mod check;
pub mod complete;
pub mod error;
pub mod eval;
pub mod hypothesis;
pub mod lexer;
pub mod parser;
pub mod pattern;

pub use complete::{completions, Completion, CompletionKind};
pub use error::QueryError;
pub use hypothesis::Verdict;

use crate::model::Store;

/// A query checked against a store, ready to run.
#[derive(Clone, Debug)]
pub enum Compiled {
    Filter(check::Pred),
    Pattern(pattern::CompiledPattern),
    Hypothesis(hypothesis::CompiledHypothesis),
}

/// One pattern match: the bound events by name.
#[derive(Clone, Debug, PartialEq)]
pub struct PatternMatch {
    pub bound: Vec<(String, u32)>,
}

/// What a query answers.
#[derive(Clone, Debug)]
pub enum QueryResult {
    /// Indices into `store.events`, in store order.
    Events(Vec<u32>),
    Matches(Vec<PatternMatch>),
    Hypothesis(Box<Verdict>),
}

/// Parse a query (syntax only).
pub fn parse(src: &str) -> Result<ast::Query, QueryError> {
    parser::parse(src)
}

/// Parse and check a query against a store.
pub fn compile(store: &Store, src: &str) -> Result<Compiled, QueryError> {
    Ok(match parser::parse(src)? {
        ast::Query::Filter(f) => Compiled::Filter(check::compile(store, &f)?),
        ast::Query::Pattern(p) => Compiled::Pattern(pattern::compile_pattern(store, &p)?),
        ast::Query::Hypothesis(h) => Compiled::Hypothesis(hypothesis::CompiledHypothesis {
            text: src.trim().to_string(),
            outcome: check::compile(store, &h.outcome)?,
            condition: match &h.condition {
                ast::Condition::Filter(f) => {
                    hypothesis::CCondition::Filter(check::compile(store, f)?)
                }
                ast::Condition::Pattern(p) => {
                    hypothesis::CCondition::Pattern(pattern::compile_pattern(store, p)?)
                }
            },
            key: check::resolve(store, &h.per)?,
            key_name: h.per.name.clone(),
        }),
    })
}

/// Evaluate a compiled query (patterns: up to `limit` matches).
pub fn run_limited(store: &Store, q: &Compiled, limit: usize) -> QueryResult {
    match q {
        Compiled::Filter(p) => QueryResult::Events(eval::filter(store, p)),
        Compiled::Pattern(cp) => QueryResult::Matches(
            pattern::run(store, cp, pattern::Want::Limit(limit))
                .into_iter()
                .map(|m| PatternMatch {
                    bound: cp.names.iter().cloned().zip(m).collect(),
                })
                .collect(),
        ),
        Compiled::Hypothesis(h) => {
            QueryResult::Hypothesis(Box::new(hypothesis::evaluate(store, h)))
        }
    }
}

/// Evaluate a compiled query.
pub fn run(store: &Store, q: &Compiled) -> QueryResult {
    run_limited(store, q, usize::MAX)
}

/// Does one event match a filter? (Patterns and hypotheses: false.)
pub fn matches(store: &Store, q: &Compiled, idx: u32) -> bool {
    match (q, store.events().get(idx as usize)) {
        (Compiled::Filter(p), Some(e)) => eval::test(store, e, p),
        _ => false,
    }
}
