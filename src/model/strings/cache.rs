//! Each thread's small direct-mapped cache in front of the shared table: most strings in
//! logs (keys, services, levels, messages) repeat.

use super::Sym;
use std::cell::RefCell;

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

pub(super) struct Cache {
    owner: u64,
    slots: Vec<Slot>,
}

impl Cache {
    /// Make the cache answer for interner `owner` (emptied when it answered for another).
    pub(super) fn claim(&mut self, owner: u64) {
        if self.owner != owner {
            self.owner = owner;
            self.slots.clear();
            self.slots.resize(CACHE_SLOTS, EMPTY);
        }
    }
    pub(super) fn get(&self, hash: u64, s: &str) -> Option<Sym> {
        let slot = &self.slots[(hash as usize) & (CACHE_SLOTS - 1)];
        slot.sym
            .filter(|_| slot.hash == hash && &slot.text[..slot.len as usize] == s.as_bytes())
    }
    /// Remember `s` (short strings only; longer ones are rarely repeated ids or messages).
    pub(super) fn put(&mut self, hash: u64, s: &str, sym: Sym) {
        if s.len() <= CACHE_MAX_LEN {
            let slot = &mut self.slots[(hash as usize) & (CACHE_SLOTS - 1)];
            slot.hash = hash;
            slot.len = s.len() as u8;
            slot.text[..s.len()].copy_from_slice(s.as_bytes());
            slot.sym = Some(sym);
        }
    }
}

thread_local! {
    pub(super) static CACHE: RefCell<Cache> = const { RefCell::new(Cache {
        owner: 0,
        slots: Vec::new(),
    }) };
}
