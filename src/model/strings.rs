//! String interning shared by every event: each distinct string is stored once and named by a `Sym`.
//!
//! The table is built for parallel ingest of tens of millions of records, most of whose ids are
//! unique: strings are packed into per-shard regions of reserved address space (one copy, no
//! allocation per string, never moved), a shard is chosen by hash so that parsers on different
//! cores rarely meet on a lock, a lookup touches one record to compare, and `resolve` reads an
//! append-only array without any lock. In front of it each thread keeps a small
//! direct-mapped cache, because most strings in logs (keys, services, levels, messages) repeat.

use std::cell::RefCell;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicPtr, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// An interned string id (4 bytes; `Option<Sym>` is 4 bytes too). Ids are dense from 1 in
/// insertion order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(NonZeroU32);

impl Sym {
    /// The dense 0-based index of this id, for tables indexed by string.
    pub fn into_usize(self) -> usize {
        self.index()
    }
    /// The id with dense index `i` (the inverse of [`Sym::into_usize`]); only meaningful for
    /// an index the interner handed out.
    pub fn from_usize(i: usize) -> Sym {
        Sym::from_index(u32::try_from(i).expect("a u32 index"))
    }
    fn index(self) -> usize {
        self.0.get() as usize - 1
    }
    /// True for a stand-in handed out by [`Local::defer`],
    /// which [`Strings::intern_deferred`] replaces by the real id.
    pub fn is_placeholder(self) -> bool {
        self.0.get() & PLACEHOLDER != 0
    }
    fn placeholder(k: usize) -> Sym {
        let k = u32::try_from(k).ok().filter(|&k| k < PLACEHOLDER);
        Sym(
            NonZeroU32::new(PLACEHOLDER | k.expect("fewer than 2^31 deferred strings"))
                .expect("non-zero"),
        )
    }
    /// The position of a placeholder in its batch.
    pub fn placeholder_index(self) -> usize {
        (self.0.get() & !PLACEHOLDER) as usize
    }
    fn from_index(i: u32) -> Sym {
        Sym(NonZeroU32::new(i + 1).expect("index below u32::MAX"))
    }
}

const SHARDS: usize = 16;
/// Bits of a start entry that hold the record's offset (in 4-byte units) plus one; the shard
/// takes the 4 above. Regions are at most 1 GiB, 2^28 units.
const OFF_BITS: u32 = 28;
const OFF_MASK: u32 = (1 << OFF_BITS) - 1;
const _: () = assert!(REGION_SIZES[0] <= 4 << OFF_BITS && SHARDS <= 1 << (32 - OFF_BITS));
/// Entries per segment of the start array.
const SEG_BITS: u32 = 19;
const SEG: usize = 1 << SEG_BITS;
/// Segments enough for every `u32` index.
const SEGS: usize = 1 << (32 - SEG_BITS);
/// The largest number of distinct strings one table holds.
const MAX_STRINGS: u32 = PLACEHOLDER - 2;
/// The index handed out for every string that found the table full: it reads as the empty
/// string. A load that meets it fails (see [`Strings::full`]), so it never reaches a user.
const OVERFLOW: u32 = MAX_STRINGS;
/// The bit that marks a placeholder id (a string of a [`Deferred`] batch, not yet interned).
const PLACEHOLDER: u32 = 1 << 31;
/// Set on an index the table returns when the string was new to it (indexes stay below).
const FRESH: u32 = 1 << 31;
/// Bytes of address space reserved per shard, largest first (smaller ones where address space
/// is limited): pages are only used as strings fill them. 1 GiB per shard holds 16 GiB of
/// distinct text in all, while thousands of tables fit in the address space.
const REGION_SIZES: [usize; 4] = [1 << 30, 256 << 20, 64 << 20, 16 << 20];
/// The first bytes of a region stay on small pages, so a small table costs little memory.
const SMALL_PREFIX: usize = 2 << 20;

/// One shard's strings, packed into one reserved range of address space as records:
/// index (`u32`), length (`u32`), the bytes, padding to 4. A record never moves, so the table
/// names it by its offset and `resolve` by its address.
struct Region {
    base: *mut u8,
    cap: usize,
    used: usize,
}

impl Region {
    /// A region of the first of `sizes` that the address space has room for.
    fn new(sizes: &[usize]) -> Region {
        for &cap in sizes {
            // SAFETY: an anonymous private mapping at an address of the kernel's choosing;
            // nothing else refers to it.
            let p = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    cap,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | NORESERVE,
                    -1,
                    0,
                )
            };
            if p != libc::MAP_FAILED {
                // SAFETY: the offset is at most `cap`, the size of the mapping.
                let rest = unsafe { (p as *const u8).add(SMALL_PREFIX.min(cap)) };
                crate::alloc::advise_huge(rest, cap.saturating_sub(SMALL_PREFIX));
                return Region {
                    base: p as *mut u8,
                    cap,
                    used: 0,
                };
            }
        }
        panic!("cannot reserve address space for the string table");
    }

    /// Bytes a record of `s` takes.
    fn need(s: &str) -> usize {
        (8 + s.len()).next_multiple_of(4)
    }

    /// True when a record of `s` fits in what is left.
    fn fits(&self, s: &str) -> bool {
        Self::need(s) <= self.cap - self.used
    }

    /// Append a record for string `idx`; returns its offset in 4-byte units.
    ///
    /// # Panics
    /// When the record does not fit (callers ask [`Region::fits`] first).
    fn store(&mut self, idx: u32, s: &str) -> u32 {
        let need = Self::need(s);
        assert!(self.fits(s), "string record past the end of its region");
        let off = self.used;
        // SAFETY: `off + need <= cap`: the writes stay inside the mapping, in bytes past every
        // record already handed out (no reader looks there).
        unsafe {
            let p = self.base.add(off);
            std::ptr::copy_nonoverlapping(idx.to_le_bytes().as_ptr(), p, 4);
            std::ptr::copy_nonoverlapping((s.len() as u32).to_le_bytes().as_ptr(), p.add(4), 4);
            std::ptr::copy_nonoverlapping(s.as_ptr(), p.add(8), s.len());
        }
        self.used += need;
        (off / 4) as u32
    }

    fn record(&self, off: u32) -> *const u8 {
        // SAFETY: offsets come from `store`, so they lie inside the mapping.
        unsafe { self.base.add(off as usize * 4) }
    }
}

/// Read the record at `p`: its index and its text.
///
/// # Safety
/// `p` must point at a record written by [`Region::store`] in a live region.
unsafe fn read_record<'a>(p: *const u8) -> (u32, &'a str) {
    let mut word = [0u8; 4];
    std::ptr::copy_nonoverlapping(p, word.as_mut_ptr(), 4);
    let idx = u32::from_le_bytes(word);
    std::ptr::copy_nonoverlapping(p.add(4), word.as_mut_ptr(), 4);
    let bytes = std::slice::from_raw_parts(p.add(8), u32::from_le_bytes(word) as usize);
    (idx, std::str::from_utf8_unchecked(bytes))
}

impl Drop for Region {
    fn drop(&mut self) {
        // SAFETY: unmapping the mapping made in `new`, once.
        unsafe {
            libc::munmap(self.base as *mut libc::c_void, self.cap);
        }
    }
}

#[cfg(target_os = "linux")]
const NORESERVE: libc::c_int = libc::MAP_NORESERVE;
#[cfg(not(target_os = "linux"))]
const NORESERVE: libc::c_int = 0;

/// An open-addressing hash set of records, linear probing. Each slot holds 32 bits of the
/// string's hash beside its record offset (plus one; 0 is empty), so a probe reads one slot and
/// touches a record only when the hash bits agree, and growing never reads the strings. The
/// capacity grows by half (not doubling) and the hash bits are mapped onto it by multiplication,
/// so the table stays between half and three quarters full.
#[derive(Default)]
struct Slots {
    slots: Vec<u64>,
    len: usize,
}

impl Slots {
    fn tag(hash: u64) -> u32 {
        (hash >> 32) as u32
    }

    /// The home slot of a tag in a table of `cap` slots.
    fn home(tag: u32, cap: usize) -> usize {
        ((u64::from(tag) * cap as u64) >> 32) as usize
    }

    /// The first slot whose record satisfies `is`, or `Err(index of the empty slot to use)`.
    fn probe(&self, hash: u64, mut is: impl FnMut(u32) -> bool) -> Result<u32, usize> {
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
    fn insert(&mut self, hash: u64, off: u32, at: usize) {
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

/// One shard: a hash set of record offsets and the region the records live in. Guarded by a
/// mutex.
struct Shard {
    table: Slots,
    region: Region,
}

// SAFETY: the region is owned by the shard and only written under its mutex.
unsafe impl Send for Shard {}

/// The shared table behind a [`Strings`].
struct Table {
    shards: Box<[Mutex<Shard>]>,
    /// Where each string's record is, by index: its shard in the top 4 bits and its offset
    /// plus one (0: not yet written) below; segments allocated on first use.
    starts: Box<[AtomicPtr<AtomicU32>]>,
    /// Each shard's region base address (regions never move).
    bases: [usize; SHARDS],
    next: AtomicU32,
    hasher: ahash::RandomState,
    /// Why the table refused a string, once it did.
    full: std::sync::OnceLock<String>,
}

impl Table {
    fn new(sizes: &[usize]) -> Self {
        let shards: Box<[Mutex<Shard>]> = (0..SHARDS)
            .map(|_| {
                Mutex::new(Shard {
                    table: Slots::default(),
                    region: Region::new(sizes),
                })
            })
            .collect();
        // SAFETY: a null AtomicPtr is all-zero bytes; zeroed memory is a valid array of them
        // (and a large zeroed allocation costs no page until a segment is used).
        let starts = unsafe { Box::<[AtomicPtr<AtomicU32>]>::new_zeroed_slice(SEGS).assume_init() };
        let bases = std::array::from_fn(|i| {
            let sh = shards[i].lock().unwrap_or_else(PoisonError::into_inner);
            sh.region.base as usize
        });
        Table {
            shards,
            starts,
            bases,
            next: AtomicU32::new(0),
            hasher: ahash::RandomState::new(),
            full: std::sync::OnceLock::new(),
        }
    }

    fn shard(&self, hash: u64) -> &Mutex<Shard> {
        // Low bits: the slots use the high 32.
        &self.shards[hash as usize & (SHARDS - 1)]
    }

    fn segment(&self, i: usize) -> &[AtomicU32] {
        super::segments::get_or_alloc(&self.starts[i >> SEG_BITS], SEG)
    }

    /// The text at index `i`, which must have been returned by `get_or_insert`.
    fn text(&self, i: usize) -> &str {
        if i == OVERFLOW as usize {
            return "";
        }
        let at = self.segment(i)[i & (SEG - 1)].load(Ordering::Acquire);
        assert!(at != 0, "string id {i} was never interned here");
        let base = self.bases[(at >> OFF_BITS) as usize];
        let off = (at & OFF_MASK) as usize - 1;
        // SAFETY: `base + 4 * off` is a record of a region this table owns, written before
        // its start was published (Release above, Acquire here).
        unsafe { read_record((base as *const u8).add(off * 4)).1 }
    }

    /// Look `s` up in `shard`: its index, or the free slot where it would go.
    fn find(&self, shard: &Shard, hash: u64, s: &str) -> Result<u32, usize> {
        let mut idx = 0;
        shard
            .table
            .probe(hash, |off| {
                // SAFETY: table entries are offsets of records in this shard's region.
                let (i, text) = unsafe { read_record(shard.region.record(off)) };
                idx = i;
                text == s
            })
            .map(|_| idx)
    }

    fn get_or_insert(&self, hash: u64, s: &str) -> u32 {
        let mut guard = self
            .shard(hash)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        self.get_or_insert_in(&mut guard, hash, s) & !FRESH
    }

    /// `get_or_insert` in a shard already locked (the one `hash` selects), with [`FRESH`] set
    /// when `s` was not there before.
    fn get_or_insert_in(&self, shard: &mut Shard, hash: u64, s: &str) -> u32 {
        let at = match self.find(shard, hash, s) {
            Ok(i) => return i,
            Err(at) => at,
        };
        if !shard.region.fits(s) {
            let mib = shard.region.cap >> 20;
            self.refuse(format!(
                "string table full: more than {mib} MiB of distinct text in one of its {SHARDS} shards"
            ));
            return OVERFLOW;
        }
        let Ok(i) = self
            .next
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                (n < MAX_STRINGS).then_some(n + 1)
            })
        else {
            self.refuse(format!(
                "string table full: more than {MAX_STRINGS} distinct strings"
            ));
            return OVERFLOW;
        };
        let off = shard.region.store(i, s);
        let start = ((hash as u32 & (SHARDS as u32 - 1)) << OFF_BITS) | (off + 1);
        self.segment(i as usize)[i as usize & (SEG - 1)].store(start, Ordering::Release);
        shard.table.insert(hash, off, at);
        i | FRESH
    }

    /// Intern many strings (their ids, with [`FRESH`] set on the new ones), one lock per
    /// shard: within a shard the slot of the string a few places ahead is loaded early, and
    /// the record it names a little later, so the cache misses of a batch overlap instead of
    /// coming one after the other.
    fn get_or_insert_all<'t>(&self, hashes: &[u64], text: impl Fn(usize) -> &'t str) -> Vec<u32> {
        // Windows of the batch, bucketed by shard: the window's texts stay in the nearer
        // caches while it is interned, and each lock is taken once per window.
        const WINDOW: usize = 1024;
        const AHEAD: usize = 16;
        let mut out = vec![0u32; hashes.len()];
        let mut buckets: [Vec<u32>; SHARDS] = Default::default();
        for w in (0..hashes.len()).step_by(WINDOW) {
            for k in w..(w + WINDOW).min(hashes.len()) {
                buckets[hashes[k] as usize & (SHARDS - 1)].push(k as u32);
            }
            for (b, ks) in buckets.iter_mut().enumerate() {
                if ks.is_empty() {
                    continue;
                }
                let mut guard = self.shards[b]
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                let shard = &mut *guard;
                for (j, &k) in ks.iter().enumerate() {
                    let cap = shard.table.slots.len();
                    if let Some(&far) = ks.get(j + AHEAD).filter(|_| cap > 0) {
                        let h = hashes[far as usize];
                        crate::alloc::prefetch(&shard.table.slots[Slots::home(Slots::tag(h), cap)]);
                    }
                    if let Some(&near) = ks.get(j + AHEAD / 2).filter(|_| cap > 0) {
                        let h = hashes[near as usize];
                        let slot = shard.table.slots[Slots::home(Slots::tag(h), cap)];
                        if slot != 0 && (slot >> 32) as u32 == Slots::tag(h) {
                            crate::alloc::prefetch(shard.region.record(slot as u32 - 1));
                        }
                    }
                    let h = hashes[k as usize];
                    out[k as usize] = self.get_or_insert_in(shard, h, text(k as usize));
                }
                ks.clear();
            }
        }
        out
    }

    /// Remember the first reason a string was refused.
    fn refuse(&self, reason: String) {
        let _ = self.full.set(reason);
    }

    fn get(&self, hash: u64, s: &str) -> Option<u32> {
        let shard = self
            .shard(hash)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        self.find(&shard, hash, s).ok()
    }
}

impl Drop for Table {
    fn drop(&mut self) {
        for slot in self.starts.iter() {
            // SAFETY: the table is going away; no reference into its segments is left.
            unsafe { super::segments::free(slot, SEG) };
        }
    }
}

/// Strings whose interning was put off: a parser collects the ones its thread's cache does
/// not know (mostly unique ids) over a whole chunk, and [`Strings::intern_deferred`] interns
/// them together, one lock per shard and with their memory loads overlapped.
#[derive(Debug, Default)]
pub struct Deferred {
    text: String,
    spans: Vec<(u32, u32)>,
    hashes: Vec<u64>,
    /// Whether each string goes into the thread's cache once interned.
    cache: Vec<bool>,
}

impl Deferred {
    /// A new, empty batch.
    pub fn new() -> Self {
        Self::default()
    }
    /// True when nothing is waiting.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
    /// The text of placeholder `s` of this batch.
    pub fn text(&self, s: Sym) -> Option<&str> {
        let &(a, b) = self
            .spans
            .get(s.placeholder_index())
            .filter(|_| s.is_placeholder())?;
        self.text.get(a as usize..b as usize)
    }
    fn push(&mut self, s: &str, hash: u64, cache: bool) -> Sym {
        let k = self.spans.len();
        self.cache.push(cache);
        let a = self.text.len();
        self.text.push_str(s);
        let end = u32::try_from(self.text.len()).expect("under 4 GiB of deferred text");
        self.spans.push((a as u32, end));
        self.hashes.push(hash);
        Sym::placeholder(k)
    }
}

/// An interner with this thread's cache at hand: see [`Strings::local`].
pub struct Local<'a> {
    table: &'a Table,
    cache: &'a mut Cache,
}

impl Local<'_> {
    /// Intern `s` now.
    pub fn intern(&mut self, s: &str) -> Sym {
        let h = self.table.hasher.hash_one(s);
        self.cache.get(h, s).unwrap_or_else(|| {
            let sym = Sym::from_index(self.table.get_or_insert(h, s));
            self.cache.put(h, s, sym);
            sym
        })
    }

    /// The id of `s` if the thread's cache knows it, else a placeholder of `d` (interned
    /// with the rest of `d` by [`Strings::intern_deferred`]), and whether the cache knew it.
    /// With `cached` false the cache is neither asked nor told (for values that rarely
    /// repeat, which would only push out the ones that do).
    pub fn defer(&mut self, s: &str, d: &mut Deferred, cached: bool) -> (Sym, bool) {
        let h = self.table.hasher.hash_one(s);
        match if cached { self.cache.get(h, s) } else { None } {
            Some(sym) => (sym, true),
            None => (d.push(s, h, cached), false),
        }
    }
}

/// A thread-safe interner, cheap to clone (an `Arc`), shared by the parsers and the store.
#[derive(Clone)]
pub struct Strings {
    table: Arc<Table>,
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
    slots: Vec<Slot>,
}

impl Cache {
    /// Make the cache answer for interner `owner` (emptied when it answered for another).
    fn claim(&mut self, owner: u64) {
        if self.owner != owner {
            self.owner = owner;
            self.slots.clear();
            self.slots.resize(CACHE_SLOTS, EMPTY);
        }
    }
    fn get(&self, hash: u64, s: &str) -> Option<Sym> {
        let slot = &self.slots[(hash as usize) & (CACHE_SLOTS - 1)];
        slot.sym
            .filter(|_| slot.hash == hash && &slot.text[..slot.len as usize] == s.as_bytes())
    }
    /// Remember `s` (short strings only; longer ones are rarely repeated ids or messages).
    fn put(&mut self, hash: u64, s: &str, sym: Sym) {
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
    static CACHE: RefCell<Cache> = const { RefCell::new(Cache {
        owner: 0,
        slots: Vec::new(),
    }) };
}

impl Default for Strings {
    fn default() -> Self {
        Self::with_regions(&REGION_SIZES)
    }
}

impl Strings {
    /// A new, empty interner.
    pub fn new() -> Self {
        Self::default()
    }
    /// An interner whose shards hold at most `bytes` of records each (for tests of a full
    /// table).
    pub fn with_shard_capacity(bytes: usize) -> Self {
        Self::with_regions(&[bytes.next_multiple_of(4096)])
    }
    fn with_regions(sizes: &[usize]) -> Self {
        Strings {
            table: Arc::new(Table::new(sizes)),
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        }
    }
    /// Why the table refused a string, once it did: every string it refused reads as `""`,
    /// so a load that interned into it must fail with this reason.
    pub fn full(&self) -> Option<String> {
        self.table.full.get().cloned()
    }
    /// Intern `s`, returning its id.
    pub fn intern(&self, s: &str) -> Sym {
        self.local(|l| l.intern(s))
    }
    /// Run `f` with this thread's cache at hand, for interning many strings (a record's)
    /// without looking the cache up again for each. `f` must not intern through `self`
    /// (the cache is borrowed while it runs).
    pub fn local<R>(&self, f: impl FnOnce(&mut Local) -> R) -> R {
        CACHE.with(|c| {
            let mut c = c.borrow_mut();
            c.claim(self.id);
            f(&mut Local {
                table: &self.table,
                cache: &mut c,
            })
        })
    }
    /// Intern a deferred batch, emptying it: the real ids of its placeholders, in order.
    pub fn intern_deferred(&self, d: &mut Deferred) -> Vec<Sym> {
        let text = |k: usize| {
            let (a, b) = d.spans[k];
            &d.text[a as usize..b as usize]
        };
        let ids = self.table.get_or_insert_all(&d.hashes, text);
        // Only strings met before go into the cache: one seen for the first time is most
        // likely a unique id or message, and would push out a value that repeats.
        CACHE.with(|c| {
            let mut c = c.borrow_mut();
            c.claim(self.id);
            for (k, &id) in ids.iter().enumerate() {
                if d.cache[k] && id & FRESH == 0 {
                    c.put(d.hashes[k], text(k), Sym::from_index(id));
                }
            }
        });
        let syms: Vec<Sym> = ids
            .into_iter()
            .map(|id| Sym::from_index(id & !FRESH))
            .collect();
        d.text.clear();
        d.spans.clear();
        d.hashes.clear();
        d.cache.clear();
        syms
    }
    /// The id of `s` if it was ever interned (no insertion): a filter for a string that never
    /// occurs can answer "no match" without scanning text.
    pub fn lookup(&self, s: &str) -> Option<Sym> {
        let t = &*self.table;
        t.get(t.hasher.hash_one(s), s).map(Sym::from_index)
    }
    /// The text of an id.
    ///
    /// # Panics
    /// When `s` was not interned by this interner (a bug in the caller).
    pub fn resolve(&self, s: Sym) -> &str {
        self.table.text(s.index())
    }
    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.table.next.load(Ordering::Relaxed) as usize
    }
    /// Bytes held by the table: (string records, hash slots, start array), for `HEISEN_TIMING`.
    pub fn memory(&self) -> (usize, usize, usize) {
        let t = &*self.table;
        let (mut rec, mut slots) = (0, 0);
        for sh in t.shards.iter() {
            let sh = sh.lock().unwrap_or_else(PoisonError::into_inner);
            rec += sh.region.used;
            slots += sh.table.slots.len() * 8;
        }
        let segs = t
            .starts
            .iter()
            .filter(|p| !p.load(Ordering::Relaxed).is_null())
            .count();
        (rec, slots, segs * SEG * 4)
    }
    /// True when nothing was interned.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
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

    #[test]
    fn a_batch_interns_like_one_at_a_time() {
        let s = Strings::new();
        let known = s.intern("known");
        let long = "x".repeat(200);
        let batch = ["new", "known", "new", long.as_str(), "", "other"];
        let mut d = Deferred::new();
        let first: Vec<(Sym, bool)> = s.local(|l| {
            batch
                .iter()
                .enumerate()
                .map(|(i, t)| l.defer(t, &mut d, i != 5))
                .collect()
        });
        assert_eq!(
            first[1],
            (known, true),
            "the cache knows what was interned here"
        );
        assert!(first.iter().all(|(id, hit)| *hit != id.is_placeholder()));
        let real = s.intern_deferred(&mut d);
        let ids: Vec<Sym> = first
            .iter()
            .map(|(id, _)| {
                if id.is_placeholder() {
                    real[id.placeholder_index()]
                } else {
                    *id
                }
            })
            .collect();
        assert!(d.is_empty());
        assert_eq!(ids[1], known);
        // Cached strings met before (in the table, or earlier in the batch) are known to the
        // cache afterwards; one met for the first time is not, nor is the uncached one.
        s.local(|l| {
            assert!(l.defer("new", &mut d, true).1);
            assert!(!l.defer("", &mut d, true).1);
            assert!(!l.defer("other", &mut d, true).1);
        });
        assert_eq!(ids[0], ids[2], "a repeat inside the batch gets the same id");
        for (id, text) in ids.iter().zip(batch) {
            assert_eq!(s.resolve(*id), text);
            assert_eq!(s.intern(text), *id);
        }
        assert_eq!(s.len(), 5);
    }

    #[test]
    fn many_strings_from_many_threads_keep_one_id_each() {
        let s = Strings::new();
        // Enough to cross a start-array segment; long ones skip the cache.
        let text = |i: usize| {
            if i.is_multiple_of(97) {
                format!("{i:0>200}")
            } else {
                format!("id-{i}")
            }
        };
        let n = SEG + 17;
        let ids: Vec<Vec<Sym>> = std::thread::scope(|scope| {
            let hs: Vec<_> = (0..4)
                .map(|t| {
                    let s = &s;
                    scope.spawn(move || {
                        (0..n)
                            .map(|k| (k * 7 + t * 13) % n)
                            .map(|i| (i, s.intern(&text(i))))
                            .fold(vec![None; n], |mut v, (i, sym)| {
                                v[i] = Some(sym);
                                v
                            })
                            .into_iter()
                            .map(Option::unwrap)
                            .collect()
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(s.len(), n);
        for i in 0..n {
            assert!(ids.iter().all(|v| v[i] == ids[0][i]), "string {i}");
            assert_eq!(s.resolve(ids[0][i]), text(i));
            assert_eq!(s.lookup(&text(i)), Some(ids[0][i]));
        }
        assert_eq!(s.lookup("never"), None);
        assert_eq!(s.resolve(s.intern("")), "");
    }
}
