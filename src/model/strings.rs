//! String interning shared by every event: each distinct string is stored once and named by a `Sym`.
//!
//! The shared interner is a concurrent map; in front of it each thread keeps a small
//! direct-mapped cache, because most strings in logs (keys, services, levels, messages) repeat.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// An interned string id (4 bytes; `Option<Sym>` is 4 bytes too).
pub type Sym = lasso::Spur;

type Rodeo = lasso::ThreadedRodeo<Sym, ahash::RandomState>;

/// A thread-safe interner, cheap to clone (an `Arc`), shared by the parsers and the store.
#[derive(Clone)]
pub struct Strings {
    rodeo: Arc<Rodeo>,
    /// Unique per interner, so a thread's cache never answers for another interner.
    id: u64,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);
const CACHE_SLOTS: usize = 1 << 13;
const CACHE_MAX_LEN: usize = 64;

/// One cached string, stored inline so that replacing it allocates nothing (most misses are
/// unique ids that replace an entry).
#[derive(Clone)]
struct Slot {
    hash: u64,
    len: u8,
    text: [u8; CACHE_MAX_LEN],
    sym: Option<Sym>,
}

const EMPTY: Slot = Slot {
    hash: 0,
    len: 0,
    text: [0; CACHE_MAX_LEN],
    sym: None,
};

struct Cache {
    owner: u64,
    hasher: ahash::RandomState,
    slots: Vec<Slot>,
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache {
        owner: 0,
        hasher: ahash::RandomState::new(),
        slots: Vec::new(),
    });
}

impl Default for Strings {
    fn default() -> Self {
        Strings {
            rodeo: Arc::new(Rodeo::with_hasher(ahash::RandomState::new())),
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        }
    }
}

impl Strings {
    /// A new, empty interner.
    pub fn new() -> Self {
        Self::default()
    }
    /// Intern `s`, returning its id.
    pub fn intern(&self, s: &str) -> Sym {
        if s.len() > CACHE_MAX_LEN {
            return self.rodeo.get_or_intern(s);
        }
        CACHE.with(|c| {
            let mut c = c.borrow_mut();
            if c.owner != self.id {
                c.owner = self.id;
                c.slots.clear();
                c.slots.resize(CACHE_SLOTS, EMPTY);
            }
            let h = c.hasher.hash_one(s);
            let slot = &mut c.slots[(h as usize) & (CACHE_SLOTS - 1)];
            if let Some(sym) = slot.sym {
                if slot.hash == h && &slot.text[..slot.len as usize] == s.as_bytes() {
                    return sym;
                }
            }
            let sym = self.rodeo.get_or_intern(s);
            slot.hash = h;
            slot.len = s.len() as u8;
            slot.text[..s.len()].copy_from_slice(s.as_bytes());
            slot.sym = Some(sym);
            sym
        })
    }
    /// The id of `s` if it was ever interned (no insertion): a filter for a string that never
    /// occurs can answer "no match" without scanning text.
    pub fn lookup(&self, s: &str) -> Option<Sym> {
        self.rodeo.get(s)
    }
    /// The text of an id.
    pub fn resolve(&self, s: Sym) -> &str {
        self.rodeo.resolve(&s)
    }
    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.rodeo.len()
    }
    /// True when nothing was interned.
    pub fn is_empty(&self) -> bool {
        self.rodeo.is_empty()
    }
}

impl std::fmt::Debug for Strings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Strings({} interned)", self.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_interners_never_share_ids_through_the_cache() {
        let a = Strings::new();
        let b = Strings::new();
        let _ = b.intern("zzz");
        let x = a.intern("hello");
        let y = b.intern("hello");
        assert_eq!(a.resolve(x), "hello");
        assert_eq!(b.resolve(y), "hello");
        assert_eq!(a.intern("hello"), x);
        assert_eq!(b.intern("hello"), y);
        assert_ne!(x, y);
    }
}
