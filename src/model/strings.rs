//! String interning shared by every event: each distinct string is stored once and named by a `Sym`.

use std::sync::Arc;

/// An interned string id (4 bytes; `Option<Sym>` is 4 bytes too).
pub type Sym = lasso::Spur;

/// A thread-safe interner, cheap to clone (an `Arc`), shared by the parsers and the store.
#[derive(Clone, Default)]
pub struct Strings(Arc<lasso::ThreadedRodeo>);

impl Strings {
    /// A new, empty interner.
    pub fn new() -> Self {
        Self::default()
    }
    /// Intern `s`, returning its id.
    pub fn intern(&self, s: &str) -> Sym {
        self.0.get_or_intern(s)
    }
    /// The id of `s` if it was ever interned (no insertion): a filter for a string that never
    /// occurs can answer "no match" without scanning text.
    pub fn lookup(&self, s: &str) -> Option<Sym> {
        self.0.get(s)
    }
    /// The text of an id.
    pub fn resolve(&self, s: Sym) -> &str {
        self.0.resolve(&s)
    }
    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// True when nothing was interned.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Strings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Strings({} interned)", self.len())
    }
}
