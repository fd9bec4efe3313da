//! Minimising: cut the evidence to a 1-minimal event set that keeps an oracle true, as a repro.

use crate::analysis::{self, minimize};
use crate::export::repro;
use crate::model::Store;
use anyhow::{bail, Result};

/// A minimised run and the text of its repro file.
pub struct Repro {
    pub minimized: minimize::Minimized,
    pub text: String,
}

/// Why an oracle could not be made.
#[derive(Clone, Debug, PartialEq)]
pub enum OracleError {
    /// The state machine file could not be read (the message names it).
    Spec(String),
    /// The oracle text is not one heisen knows.
    Oracle(String),
}

/// Parse an oracle (`race[:OBJ]`, `lost-update[:OBJ]`, `violation[:KEY]`, `hypothesis:QUERY`),
/// with the state machine file the violation oracle needs.
pub fn oracle(text: &str, spec: Option<&str>) -> Result<minimize::Oracle, OracleError> {
    let spec = spec
        .map(super::analyse::read_spec)
        .transpose()
        .map_err(OracleError::Spec)?;
    minimize::Oracle::parse(text, spec).map_err(OracleError::Oracle)
}

/// Minimise every event of `store` (loaded from `files`) under `oracle` (written `oracle_text`
/// in the repro's header); an error when the oracle does not hold to begin with.
pub fn minimise(
    store: &Store,
    files: &[String],
    oracle: &minimize::Oracle,
    oracle_text: &str,
) -> Result<Repro> {
    let Some(m) = minimize::minimize(store, &analysis::all(store), oracle) else {
        bail!("the oracle '{oracle_text}' does not hold on the input: nothing to minimise");
    };
    let sources: Vec<_> = files.iter().map(|f| repro::source(f)).collect();
    let text = repro::text(store, oracle_text, &sources, &m)?;
    Ok(Repro { minimized: m, text })
}
