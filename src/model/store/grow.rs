//! How a store grows: whole sources appended at load time, and live events merged in while it
//! is shown; and how a smaller store is cut from it. Both keep the store's invariants: events in [`Event::order_key`] order, each
//! event naming its own source and a range of the attribute pool that lies inside it.

use super::{Format, ParseError, Source, Store};
use crate::model::event::{Attr, Event};
use rayon::prelude::*;

/// Why a store refused to grow; it is left as it was.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// More sources than an event can name (it names its source in 16 bits).
    #[error("too many inputs: a store holds at most {max} sources")]
    TooManySources { max: usize },
    /// More attributes than the pool can index (events index it in 32 bits).
    #[error("too many attributes: a store holds at most {max}")]
    TooManyAttrs { max: usize },
    /// An event names attributes past the end of those that came with it (a parser bug).
    #[error("event {index} names attributes past the end of its batch")]
    AttrsOutOfRange { index: usize },
}

/// Events of one source as a parser produced them: each names source 0 and indexes `attrs`
/// from 0, with sequence numbers from 0.
#[derive(Debug, Default)]
pub struct Parsed {
    pub events: Vec<Event>,
    pub attrs: Vec<Attr>,
}

/// Events that arrived live for the source at `path` (added to the store when missing).
#[derive(Debug)]
pub struct LivePart {
    pub path: String,
    pub format: Format,
    pub parsed: Parsed,
    /// Problems met while parsing them, counted against the source.
    pub errors: Vec<ParseError>,
}

/// How a store grew: events before `from` kept their places (and so their indices).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grown {
    /// Events added.
    pub added: usize,
    /// The first index whose event may have changed.
    pub from: usize,
}

/// The largest attribute pool: events index it with a `u32`.
const MAX_ATTRS: usize = u32::MAX as usize;

impl Parsed {
    /// Check that every event's attributes lie inside `attrs`.
    fn check(&self) -> Result<(), Refused> {
        let n = self.attrs.len();
        let bad = self
            .events
            .par_iter()
            .position_any(|e| e.attr_start as usize + e.attr_len() as usize > n);
        match bad {
            Some(index) => Err(Refused::AttrsOutOfRange { index }),
            None => Ok(()),
        }
    }
}

impl Store {
    /// Append one parsed source and restore time order. `src.events` is set to the number
    /// of events it brings.
    pub fn append_source(&mut self, src: Source, parsed: Parsed) -> Result<(), Refused> {
        self.append_sources(vec![(src, parsed)])
    }

    /// Append parsed sources (in order: their indices follow the ones already stored) and
    /// restore time order once. Refused as a whole, before anything is added, when they
    /// would not fit.
    pub fn append_sources(&mut self, parts: Vec<(Source, Parsed)>) -> Result<(), Refused> {
        if self.sources.len() + parts.len() > Event::MAX_SOURCES {
            return Err(Refused::TooManySources {
                max: Event::MAX_SOURCES,
            });
        }
        let attrs: usize = parts.iter().map(|(_, p)| p.attrs.len()).sum();
        if self.attrs.len() + attrs > MAX_ATTRS {
            return Err(Refused::TooManyAttrs { max: MAX_ATTRS });
        }
        for (_, p) in &parts {
            p.check()?;
        }
        let events: usize = parts.iter().map(|(_, p)| p.events.len()).sum();
        if !self.events.is_empty() {
            self.events.reserve_exact(events);
        }
        for (mut src, mut parsed) in parts {
            let idx = self.sources.len() as u32;
            let base = self.attrs.len() as u32;
            // The first source's events already say source 0 and index their attributes
            // from 0.
            if idx != 0 || base != 0 {
                parsed.events.par_iter_mut().for_each(|e| {
                    e.set_source(idx);
                    e.attr_start += base;
                });
            }
            src.events = parsed.events.len() as u64;
            // The first input's vectors are taken as they are: no second copy of the events.
            if self.events.is_empty() {
                self.events = parsed.events;
            } else {
                self.events.append(&mut parsed.events);
            }
            if self.attrs.is_empty() {
                self.attrs = parsed.attrs;
            } else {
                self.attrs.append(&mut parsed.attrs);
            }
            self.sources.push(src);
        }
        self.sort();
        Ok(())
    }

    /// Merge live events (each part into its source, added when missing), keeping time
    /// order. Sequence numbers continue each source's. The cost is that of the new events
    /// and of the stored ones later than the earliest of them, not of the store.
    pub fn merge_live(&mut self, parts: Vec<LivePart>) -> Result<Grown, Refused> {
        let mut new_paths: Vec<&str> = Vec::new();
        for p in &parts {
            if !new_paths.contains(&p.path.as_str())
                && !self.sources.iter().any(|s| s.path == p.path)
            {
                if self.sources.len() + new_paths.len() >= Event::MAX_SOURCES {
                    return Err(Refused::TooManySources {
                        max: Event::MAX_SOURCES,
                    });
                }
                new_paths.push(&p.path);
            }
        }
        let attrs: usize = parts.iter().map(|p| p.parsed.attrs.len()).sum();
        if self.attrs.len() + attrs > MAX_ATTRS {
            return Err(Refused::TooManyAttrs { max: MAX_ATTRS });
        }
        for p in &parts {
            p.parsed.check()?;
        }
        let old = self.events.len();
        for LivePart {
            path,
            format,
            mut parsed,
            errors,
        } in parts
        {
            let idx = match self.sources.iter().position(|s| s.path == path) {
                Some(i) => i,
                None => {
                    self.sources.push(Source::new(path, format));
                    self.sources.len() - 1
                }
            };
            let base = self.attrs.len() as u32;
            let seq_base = self.sources[idx].events as u32;
            for e in &mut parsed.events {
                e.set_source(idx as u32);
                e.attr_start += base;
                e.seq += seq_base;
            }
            let src = &mut self.sources[idx];
            src.events += parsed.events.len() as u64;
            for err in errors {
                src.push_error(err);
            }
            self.events.append(&mut parsed.events);
            self.attrs.append(&mut parsed.attrs);
        }
        // Only the tail from the first place a new event goes is re-sorted: late events
        // (clock skew, batching) cost their distance from the end, not a sort of the whole
        // store. The tail is a few sorted runs (the stored events, and each batch mostly in
        // time order), which the stable sort finds and merges in about one pass.
        let first = self.events[old..].iter().map(Event::order_key).min();
        let from = first.map_or(old, |first| {
            self.events[..old].partition_point(|e| e.order_key() <= first)
        });
        self.events[from..].sort_by_key(Event::order_key);
        Ok(Grown {
            added: self.events.len() - old,
            from,
        })
    }

    /// A store of only the events at `indices` (in time order whatever order they are given
    /// in), with the same strings and sources and their own attributes.
    ///
    /// # Panics
    /// When an index is not below [`Store::len`].
    pub fn subset(&self, indices: &[u32]) -> Store {
        let mut s = Store::new(self.strings.clone());
        s.sources = self.sources.clone();
        s.events.reserve_exact(indices.len());
        for &i in indices {
            let mut e = self.events[i as usize].clone();
            let attrs = self.attrs(&e);
            e.attr_start = s.attrs.len() as u32;
            s.attrs.extend_from_slice(attrs);
            s.events.push(e);
        }
        s.sort();
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Strings, Value};

    fn parsed(times: &[i64], attrs_each: u32, strings: &Strings) -> Parsed {
        let mut p = Parsed::default();
        for (i, &t) in times.iter().enumerate() {
            let mut e = Event::new(crate::model::Kind::Log, t);
            e.seq = i as u32;
            e.attr_start = p.attrs.len() as u32;
            for _ in 0..attrs_each {
                p.attrs.push(Attr::new(strings.intern("k"), Value::Int(t)));
            }
            e.set_attr_len(attrs_each);
            p.events.push(e);
        }
        p
    }

    #[test]
    fn appended_sources_are_rebased_and_sorted() {
        let strings = Strings::new();
        let mut store = Store::new(strings.clone());
        let a = (
            Source::new("a", Format::Jsonl),
            parsed(&[30, 10], 1, &strings),
        );
        let b = (Source::new("b", Format::Jsonl), parsed(&[20], 2, &strings));
        store.append_sources(vec![a, b]).unwrap();
        let times: Vec<i64> = store.events().iter().map(|e| e.ts).collect();
        assert_eq!(times, [10, 20, 30]);
        assert_eq!(store.events()[1].source(), 1);
        for e in store.events() {
            let k = store.attr(e, "k");
            assert_eq!(k, Some(Value::Int(e.ts)));
        }
        assert_eq!(store.attrs(&store.events()[1]).len(), 2);
        let counts: Vec<u64> = store.sources().iter().map(|s| s.events).collect();
        assert_eq!(counts, [2, 1]);
    }

    #[test]
    fn a_subset_keeps_time_order_and_its_attributes() {
        let strings = Strings::new();
        let mut store = Store::new(strings.clone());
        let a = (
            Source::new("a", Format::Jsonl),
            parsed(&[10, 20, 30], 2, &strings),
        );
        store.append_sources(vec![a]).unwrap();
        let sub = store.subset(&[2, 0]);
        let times: Vec<i64> = sub.events().iter().map(|e| e.ts).collect();
        assert_eq!(times, [10, 30]);
        assert_eq!(sub.attr_pool().len(), 4);
        for e in sub.events() {
            assert_eq!(sub.attrs(e).len(), 2);
            assert_eq!(sub.attr(e, "k"), Some(Value::Int(e.ts)));
        }
        assert_eq!(sub.sources().len(), 1);
    }

    #[test]
    fn attributes_outside_the_batch_are_refused() {
        let strings = Strings::new();
        let mut store = Store::new(strings.clone());
        let mut p = parsed(&[1, 2], 1, &strings);
        p.attrs.pop();
        let err = store
            .append_source(Source::new("a", Format::Jsonl), p)
            .unwrap_err();
        assert_eq!(err, Refused::AttrsOutOfRange { index: 1 });
        assert!(store.is_empty() && store.sources().is_empty());
    }
}
