//! The hash set of one shard: record offsets found by hash, never the strings themselves.

/// An open-addressing hash set of records, linear probing. Each slot holds 32 bits of the
/// string's hash beside its record offset (plus one; 0 is empty), so a probe reads one slot and
/// touches a record only when the hash bits agree, and growing never reads the strings. The
/// capacity grows by half (not doubling) and the hash bits are mapped onto it by multiplication,
/// so the table stays between half and three quarters full.
#[derive(Default)]
pub(super) struct Slots {
    pub(super) slots: Vec<u64>,
    len: usize,
}

impl Slots {
    pub(super) fn tag(hash: u64) -> u32 {
        (hash >> 32) as u32
    }

    /// The home slot of a tag in a table of `cap` slots.
    pub(super) fn home(tag: u32, cap: usize) -> usize {
        ((u64::from(tag) * cap as u64) >> 32) as usize
    }

    /// The first slot whose record satisfies `is`, or `Err(index of the empty slot to use)`.
    pub(super) fn probe(&self, hash: u64, mut is: impl FnMut(u32) -> bool) -> Result<u32, usize> {
        let cap = self.slots.len();
        if cap == 0 {
            return Err(0);
        }
        let tag = Self::tag(hash);
        let mut i = Self::home(tag, cap);
        loop {
            let s = self.slots[i];
            if s == 0 {
                return Err(i);
            }
            if (s >> 32) as u32 == tag && is(s as u32 - 1) {
                return Ok(s as u32 - 1);
            }
            i += 1;
            if i == cap {
                i = 0;
            }
        }
    }

    /// Insert record `off` at the empty slot `at` that `probe` returned for `hash`.
    pub(super) fn insert(&mut self, hash: u64, off: u32, at: usize) {
        let slot = (u64::from(Self::tag(hash)) << 32) | u64::from(off + 1);
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
            let at = self.probe(hash, |_| false).expect_err("a free slot");
            self.slots[at] = slot;
        } else {
            self.slots[at] = slot;
        }
        self.len += 1;
    }

    fn grow(&mut self) {
        let cap = (self.slots.len() / 2 * 3).max(16);
        let old = std::mem::replace(&mut self.slots, vec![0; cap]);
        crate::alloc::advise_huge(self.slots.as_ptr() as *const u8, cap * 8);
        for s in old.into_iter().filter(|&s| s != 0) {
            let mut i = Self::home((s >> 32) as u32, cap);
            while self.slots[i] != 0 {
                i += 1;
                if i == cap {
                    i = 0;
                }
            }
            self.slots[i] = s;
        }
    }
}
