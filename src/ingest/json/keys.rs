//! The record keys met in a batch, by parent and name: a record's keys are looked up once
//! each, by their text in the line, and each dotted key is classified and interned only the
//! first time it is met.

use super::fields::{classify, Target};
use super::record::KeyStats;
use super::scan::special_at;
use crate::ingest::batch::Ctx;
use crate::model::Sym;
use hashbrown::HashTable;

/// The memo is emptied (between records) when it holds more keys than this, so that records
/// with ever-new keys cannot grow it without bound.
pub(super) const MAX_KEYS: usize = 4096;
/// The parent of top-level keys.
pub(super) const ROOT: u32 = u32::MAX;
/// No key.
pub(super) const NONE: u32 = u32::MAX - 1;

/// What is known about one flattened key.
#[derive(Debug)]
pub struct KeyInfo {
    pub(super) parent: u32,
    pub(super) name: Box<str>,
    /// The dotted key.
    pub full: Box<str>,
    /// The normalised field it can fill, with its rank.
    pub class: Option<(Target, u8)>,
    /// The interned dotted key.
    pub sym: Sym,
    /// How often its values were in the thread's string cache.
    pub seen: KeyStats,
    /// Whether the name is written as is in JSON (no character needs escaping).
    pub(super) plain: bool,
    /// The key that followed this one in its object last time ([`NONE`] if none).
    pub(super) next: u32,
    /// The first key of this key's object value last time ([`NONE`] if none).
    pub(super) first: u32,
}

/// The keys met so far (in one batch), by parent and name: a record's keys are looked up here
/// once each, by their text in the line, and the dotted key is built only the first time.
#[derive(Debug, Default)]
pub struct KeyMemo {
    pub(super) keys: Vec<KeyInfo>,
    index: HashTable<u32>,
    /// The first top-level key last time (`None`: none yet).
    pub(super) root_first: Option<u32>,
}

impl KeyMemo {
    /// The key at `id`.
    pub fn get(&self, id: u32) -> &KeyInfo {
        &self.keys[id as usize]
    }

    /// A cheap hash of a short key: its first and last eight bytes, length and parent, mixed
    /// by one wide multiplication.
    fn hash(parent: u32, name: &str) -> u64 {
        let b = name.as_bytes();
        let n = b.len();
        // Fixed-size loads (overlapping for short keys), as wyhash reads.
        let u64_at = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or_default());
        let u32_at = |i: usize| {
            u64::from(u32::from_le_bytes(
                b[i..i + 4].try_into().unwrap_or_default(),
            ))
        };
        let (head, tail) = if n >= 8 {
            (u64_at(0), u64_at(n - 8))
        } else if n >= 4 {
            (u32_at(0), u32_at(n - 4))
        } else {
            (b.iter().fold(0, |h, &c| h << 8 | u64::from(c)), 0)
        };
        let x = head ^ tail.rotate_left(29) ^ (u64::from(parent) << 32 | b.len() as u64);
        let m = u128::from(x ^ 0x243f_6a88_85a3_08d3) * 0x9e37_79b9_7f4a_7c15;
        (m >> 64) as u64 ^ m as u64
    }

    /// The id of `name` under `parent`, added (classified and interned) when new.
    pub(super) fn id(&mut self, parent: u32, name: &str, ctx: &Ctx) -> u32 {
        let h = Self::hash(parent, name);
        let keys = &self.keys;
        let found = self.index.find(h, |&i| {
            let k = &keys[i as usize];
            k.parent == parent && *k.name == *name
        });
        if let Some(&i) = found {
            return i;
        }
        let full: Box<str> = if parent == ROOT {
            name.into()
        } else {
            format!("{}.{name}", self.keys[parent as usize].full).into()
        };
        let i = self.keys.len() as u32;
        self.keys.push(KeyInfo {
            parent,
            name: name.into(),
            class: classify(&full),
            sym: ctx.sym(&full),
            seen: KeyStats::default(),
            plain: special_at(name.as_bytes()).is_none(),
            next: NONE,
            first: NONE,
            full,
        });
        let keys = &self.keys;
        self.index.insert_unique(h, i, |&j| {
            let k = &keys[j as usize];
            Self::hash(k.parent, &k.name)
        });
        i
    }

    pub(super) fn clear(&mut self) {
        self.keys.clear();
        self.index.clear();
        self.root_first = None;
    }

    /// The key that came first in `parent`'s object last time.
    pub(super) fn first_child(&self, parent: u32) -> u32 {
        match parent {
            ROOT => self.root_first.unwrap_or(NONE),
            p => self.keys[p as usize].first,
        }
    }

    /// Remember that key `id` came after key `prev` (or first, for [`NONE`]) in `parent`'s
    /// object.
    pub(super) fn link(&mut self, parent: u32, prev: u32, id: u32) {
        match (prev, parent) {
            (NONE, ROOT) => self.root_first = Some(id),
            (NONE, p) => self.keys[p as usize].first = id,
            (q, _) => self.keys[q as usize].next = id,
        }
    }
}
