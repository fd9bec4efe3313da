//! Turn one structured record (a JSON object or a logfmt line, as key/value entries) into an
//! event: the known keys fill the normalised fields, every other key becomes a typed attribute.

use super::batch::{Batch, Ctx, INHERIT_TS};
use super::fields::{classify, Picks, Target};
use super::json::J;
use crate::model::{time, Event, Kind, Level, Sym, Value};
use smallvec::SmallVec;
use std::borrow::Cow;

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
}

impl<'r> Field<'r> {
    /// An entry whose key is classified here (and interned when it becomes an attribute).
    pub fn new(key: &'r str, value: &'r J<'r>) -> Self {
        Field {
            key,
            value,
            class: classify(key),
            sym: None,
        }
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
    // Every string of the record is interned in one batch, so that their table lookups
    // overlap instead of waiting for each other.
    const FIELDS: [Target; 7] = [
        Target::Msg,
        Target::Trace,
        Target::Span,
        Target::Parent,
        Target::Request,
        Target::Service,
        Target::Thread,
    ];
    let mut texts: SmallVec<[Cow<str>; 32]> = SmallVec::new();
    let mut field_at = [usize::MAX; FIELDS.len()];
    for (slot, t) in field_at.iter_mut().zip(FIELDS) {
        if let Some(i) = picks.get(t) {
            *slot = texts.len();
            texts.push(as_text(entries[i].value));
        }
    }
    let attrs: SmallVec<[usize; 24]> = (0..entries.len())
        .filter(|&i| !picks.is_picked(i) && skip_dur != Some(i))
        .collect();
    let mut unknown: SmallVec<[&str; 24]> = SmallVec::new();
    for &i in &attrs {
        let f = &entries[i];
        if f.sym.is_none() {
            unknown.push(f.key);
        }
        if matches!(f.value, J::Str(_) | J::Arr(_) | J::Obj(_)) {
            texts.push(as_text(f.value));
        }
    }
    // Keys repeat (the thread's cache knows them) and must be real ids at once; values and
    // fields, mostly unique ids, may wait for the batch's end.
    let unknown = ctx.strings.intern_many(&unknown, None);
    let mut u = 0;
    let keys: SmallVec<[Sym; 24]> = attrs
        .iter()
        .map(|&i| {
            entries[i].sym.unwrap_or_else(|| {
                u += 1;
                unknown[u - 1]
            })
        })
        .collect();
    let syms = ctx.strings.intern_many(&texts, out.deferred.as_mut());
    let field = |j: usize| (field_at[j] != usize::MAX).then(|| syms[field_at[j]]);
    ev.msg = field(0);
    ev.trace = field(1);
    ev.span = field(2);
    ev.parent = field(3);
    ev.request = field(4);
    ev.service = field(5);
    ev.thread = field(6);
    let mut next = field_at.iter().filter(|&&a| a != usize::MAX).count();
    for (&i, &key) in attrs.iter().zip(&keys) {
        let v = entries[i].value;
        let value = if matches!(v, J::Str(_) | J::Arr(_) | J::Obj(_)) {
            next += 1;
            Value::Str(syms[next - 1])
        } else {
            value_of(v, ctx)
        };
        out.attr(key, value);
    }
    out.push(ev, ctx);
}
