//! String interning shared by every event: each distinct string is stored once and named by a `Sym`.
//!
//! The table is built for parallel ingest of tens of millions of records, most of whose ids are
//! unique: strings are packed into per-shard regions of reserved address space (one copy, no
//! allocation per string, never moved), a shard is chosen by hash so that parsers on different
//! cores rarely meet on a lock, a lookup touches one record to compare, and `resolve` reads an
//! append-only array without any lock. In front of it each thread keeps a small
//! direct-mapped cache, because most strings in logs (keys, services, levels, messages) repeat.

mod cache;
mod region;
mod slots;

use super::segments::Segments;
use cache::{Cache, CACHE};
use region::{no_bases, read_record, Bases, Region, REGION_CAP};
use slots::Slots;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
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
const _: () = assert!(REGION_CAP <= 4 << OFF_BITS && SHARDS <= 1 << (32 - OFF_BITS));
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

/// One shard: a hash set of record offsets and the region the records live in. Guarded by a
/// mutex.
struct Shard {
    table: Slots,
    region: Region,
}

/// The shared table behind a [`Strings`].
struct Table {
    shards: Box<[Mutex<Shard>]>,
    /// Where each string's record is, by index: its shard in the top 4 bits and its offset
    /// plus one (0: not yet written) below; segments allocated on first use.
    starts: Box<Segments<AtomicU32, SEG, SEGS>>,
    /// Each shard's chunk bases (a chunk never moves once mapped).
    bases: [Bases; SHARDS],
    next: AtomicU32,
    hasher: ahash::RandomState,
    /// Why the table refused a string, once it did.
    full: std::sync::OnceLock<String>,
}

impl Table {
    fn new(cap: usize) -> Self {
        let shards: Box<[Mutex<Shard>]> = (0..SHARDS)
            .map(|_| {
                Mutex::new(Shard {
                    table: Slots::default(),
                    region: Region::new(cap),
                })
            })
            .collect();
        let starts = Box::new(Segments::new());
        let bases = std::array::from_fn(|_| no_bases());
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

    /// The text at index `i`, which must have been returned by `get_or_insert`.
    fn text(&self, i: usize) -> &str {
        if i == OVERFLOW as usize {
            return "";
        }
        let at = self.starts.get(i).load(Ordering::Acquire);
        assert!(at != 0, "string id {i} was never interned here");
        let bases = &self.bases[(at >> OFF_BITS) as usize];
        let off = (at & OFF_MASK) as usize - 1;
        // SAFETY: `off` is a record of a region this table owns, written before its start
        // was published (Release above, Acquire here).
        unsafe { read_record(bases, off as u32).1 }
    }

    /// Look `s` up in `shard`: its index, or the free slot where it would go.
    fn find(&self, shard: &Shard, hash: u64, s: &str) -> Result<u32, usize> {
        let mut idx = 0;
        shard
            .table
            .probe(hash, |off| {
                // SAFETY: table entries are offsets of records in this shard's region.
                let (i, text) = unsafe { shard.region.record(off) };
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
        let publish = &self.bases[hash as usize & (SHARDS - 1)];
        let off = match shard.region.reserve(s, publish) {
            Ok(off) => off,
            Err(why) => {
                self.refuse(why);
                return OVERFLOW;
            }
        };
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
        shard.region.store(off, i, s);
        let start = ((hash as u32 & (SHARDS as u32 - 1)) << OFF_BITS) | (off + 1);
        self.starts.get(i as usize).store(start, Ordering::Release);
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
                            crate::alloc::prefetch(shard.region.record_ptr(slot as u32 - 1));
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

impl Default for Strings {
    fn default() -> Self {
        Self::with_regions(REGION_CAP)
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
        Self::with_regions(bytes.next_multiple_of(4096))
    }
    fn with_regions(cap: usize) -> Self {
        Strings {
            table: Arc::new(Table::new(cap)),
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
            rec += sh.region.used();
            slots += sh.table.slots.len() * 8;
        }
        let segs = t.starts.allocated();
        (
            rec,
            slots,
            segs * Segments::<AtomicU32, SEG, SEGS>::segment_bytes(),
        )
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
