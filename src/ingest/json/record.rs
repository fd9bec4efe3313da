//! Turn one structured record (a JSON object or a logfmt line, as key/value entries) into an
//! event: the known keys fill the normalised fields, every other key becomes a typed attribute.

use super::fields::{classify, Picks, Target};
use super::J;
use crate::ingest::batch::{Batch, Ctx, INHERIT_TS};
use crate::model::strings::{Deferred, Local};
use crate::model::{time, Event, Kind, Level, Sym, Value};
use smallvec::SmallVec;
use std::borrow::Cow;
use std::cell::Cell;

/// A record's entries, flattened: kept inline for the usual record size, without allocating.
pub type Flat<'a, 'j> = SmallVec<[(Cow<'j, str>, &'j J<'a>); 24]>;

/// Flatten nested objects into dotted keys (`{"a":{"b":1}}` → `a.b`); arrays stay whole.
pub fn flatten<'a, 'j>(obj: &'j [(Cow<'a, str>, J<'a>)], out: &mut Flat<'a, 'j>) {
    for (k, v) in obj {
        match v {
            // heisen's own normalised events keep attributes under "attrs": read them back as is.
            J::Obj(inner) if k == "attrs" => flatten(inner, out),
            J::Obj(inner) if !inner.is_empty() => flatten_prefixed(k, inner, out),
            _ => out.push((Cow::Borrowed(k.as_ref()), v)),
        }
    }
}

fn flatten_prefixed<'a, 'j>(
    prefix: &str,
    obj: &'j [(Cow<'a, str>, J<'a>)],
    out: &mut Flat<'a, 'j>,
) {
    for (k, v) in obj {
        let mut key = String::with_capacity(prefix.len() + 1 + k.len());
        key.push_str(prefix);
        key.push('.');
        key.push_str(k);
        match v {
            J::Obj(inner) if !inner.is_empty() => flatten_prefixed(&key, inner, out),
            _ => out.push((Cow::Owned(key), v)),
        }
    }
}

/// A JSON value as a typed attribute value.
pub fn value_of(v: &J, ctx: &Ctx) -> Value {
    match v {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Int(i) => Value::Int(*i),
        J::UInt(u) => Value::Float(*u as f64),
        J::Float(f) => Value::Float(*f),
        J::Str(s) => ctx.str_value(s),
        other => ctx.str_value(&other.to_text()),
    }
}

fn level_of(v: &J) -> Option<Level> {
    match v {
        J::Str(s) => Level::parse(s),
        J::Int(n) => Level::from_number(*n),
        _ => None,
    }
}

/// Read a time value: RFC 3339 text, or an epoch number (s/ms/µs/ns, as number or text).
pub fn time_of(v: &J, ctx: &Ctx) -> Option<time::Parsed> {
    match v {
        J::Str(s) => time::parse_time_text(s, ctx.default_offset_min),
        J::Int(i) => time::epoch_guess_i64(*i).map(|ns| time::Parsed {
            ns,
            offset_min: Some(0),
        }),
        J::Float(f) => time::epoch_guess_f64(*f).map(|ns| time::Parsed {
            ns,
            offset_min: Some(0),
        }),
        _ => None,
    }
}

fn is_scalar(v: &J) -> bool {
    !matches!(v, J::Arr(_) | J::Obj(_) | J::Null)
}

/// A value as text to intern: strings borrowed, anything else as compact JSON.
fn as_text<'v>(v: &'v J<'_>) -> Cow<'v, str> {
    match v {
        J::Str(s) => Cow::Borrowed(s.as_ref()),
        other => Cow::Owned(other.to_text()),
    }
}

/// One flattened entry of a record, with what its key means.
pub struct Field<'r> {
    pub key: &'r str,
    pub value: &'r J<'r>,
    /// The normalised field the key can fill, with its rank ([`classify`]).
    pub class: Option<(Target, u8)>,
    /// The interned key, when the caller already has it.
    pub sym: Option<Sym>,
    /// How often the key's values were found in the thread's cache, when known.
    pub seen: Option<&'r KeyStats>,
}

/// How often one key's values were found in the thread's string cache: a key whose values
/// rarely repeat (span ids) stops asking it, and stops pushing out the values that do.
#[derive(Debug, Default)]
pub struct KeyStats {
    asked: Cell<u32>,
    found: Cell<u32>,
}

impl KeyStats {
    /// Values asked about before judging.
    const TRIAL: u32 = 256;

    /// Whether this key's values are worth looking up in the cache: yes until one in eight
    /// of the first [`Self::TRIAL`] are found there.
    pub fn worth_caching(&self) -> bool {
        let asked = self.asked.get();
        asked < Self::TRIAL || self.found.get() * 8 >= asked
    }

    /// Count one lookup.
    pub fn count(&self, found: bool) {
        self.asked.set(self.asked.get() + 1);
        self.found.set(self.found.get() + u32::from(found));
    }
}

impl<'r> Field<'r> {
    /// An entry whose key is classified here (and interned when it becomes an attribute).
    pub fn new(key: &'r str, value: &'r J<'r>) -> Self {
        Field {
            key,
            value,
            class: classify(key),
            sym: None,
            seen: None,
        }
    }
}

/// The id of an entry's value as text: deferred when the batch defers, and looked up in the
/// thread's cache only while the key's values are found there often enough.
fn value_sym(f: &Field, l: &mut Local, deferred: &mut Option<Deferred>) -> Sym {
    let text = as_text(f.value);
    match deferred.as_mut() {
        Some(d) => {
            let cached = f.seen.is_none_or(KeyStats::worth_caching);
            let (sym, hit) = l.defer(&text, d, cached);
            if let (Some(seen), true) = (f.seen, cached) {
                seen.count(hit);
            }
            sym
        }
        None => l.intern(&text),
    }
}

/// Build a log event from flattened entries and push it into `out`.
pub fn push_record(entries: &[Field], line: u32, ctx: &Ctx, out: &mut Batch) {
    let mut picks = Picks::default();
    for (i, f) in entries.iter().enumerate() {
        if let Some((t, rank)) = f.class {
            let v = f.value;
            let usable = match t {
                Target::Level => level_of(v).is_some(),
                Target::Time => !matches!(v, J::Arr(_) | J::Obj(_) | J::Null | J::Bool(_)),
                _ => is_scalar(v),
            };
            if usable {
                picks.offer(t, rank, i);
            }
        }
    }
    let mut ev = Event::new(Kind::Log, INHERIT_TS);
    ev.line = line;
    match picks.get(Target::Time) {
        Some(i) => {
            let (k, v) = (entries[i].key, entries[i].value);
            match time_of(v, ctx) {
                Some(p) => {
                    ev.ts = p.ns;
                    ev.set_tz_offset(p.offset_min);
                    if p.offset_min.is_none() {
                        out.naive_times += 1;
                    }
                }
                None => out.error(
                    line,
                    format!(
                        "unrecognised time {} in '{k}'; placed after the record before it",
                        v.to_text()
                    ),
                ),
            }
        }
        None => {
            out.note("records without a time field are placed right after the record before them")
        }
    }
    ev.set_level(
        picks
            .get(Target::Level)
            .and_then(|i| level_of(entries[i].value)),
    );
    let mut skip_dur = None;
    if let Some(i) = entries.iter().position(|f| f.key == "dur_ns") {
        ev.set_dur(entries[i].value.as_i64());
        skip_dur = Some(i);
    }
    // Keys are known (or repeat, and the thread's cache knows them) and must be real ids at
    // once; values, mostly unique ids, may wait for the batch's end.
    let mut deferred = out.deferred.take();
    ctx.strings.local(|l| {
        let d = &mut deferred;
        let mut field = |t: Target| picks.get(t).map(|i| value_sym(&entries[i], l, d));
        ev.msg = field(Target::Msg);
        ev.trace = field(Target::Trace);
        ev.span = field(Target::Span);
        ev.parent = field(Target::Parent);
        ev.request = field(Target::Request);
        ev.service = field(Target::Service);
        ev.thread = field(Target::Thread);
        for (i, f) in entries.iter().enumerate() {
            if picks.is_picked(i) || skip_dur == Some(i) {
                continue;
            }
            let key = f.sym.unwrap_or_else(|| l.intern(f.key));
            let value = if matches!(f.value, J::Str(_) | J::Arr(_) | J::Obj(_)) {
                Value::Str(value_sym(f, l, d))
            } else {
                // Numbers, booleans and null: nothing to intern.
                value_of(f.value, ctx)
            };
            out.attr(key, value);
        }
    });
    out.deferred = deferred;
    out.push(ev, ctx);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_whose_values_never_repeat_stops_asking_the_cache() {
        let (unique, repeated) = (KeyStats::default(), KeyStats::default());
        for i in 0..KeyStats::TRIAL {
            assert!(unique.worth_caching() && repeated.worth_caching());
            unique.count(false);
            repeated.count(i % 4 == 0); // one in four found: still worth it
        }
        assert!(!unique.worth_caching());
        assert!(repeated.worth_caching());
    }
}
