//! Fields by name, defined once: resolving a name against a store, reading a field of an
//! event as a typed value, and a field's value as a group key.

use super::{Event, Level, Store, Sym, Value};

/// A resolved field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Ts,
    Level,
    Service,
    Thread,
    Trace,
    Span,
    Parent,
    Request,
    Name,
    Msg,
    Dur,
    Status,
    Op,
    Obj,
    Value,
    Kind,
    Source,
    Format,
    Line,
    /// An attribute key.
    Attr(Sym),
    /// A normalised field (by index in [`NAMES`]) that falls back to the attribute of the same
    /// name: JSON logs often carry `name`, `status` or `value` as plain keys.
    OrAttr(u8, Sym),
}

/// The normalised field names, for resolution, help and completion.
pub const NAMES: [&str; 19] = [
    "ts", "level", "service", "thread", "trace", "span", "parent", "request", "name", "msg", "dur",
    "status", "op", "obj", "value", "kind", "source", "format", "line",
];

impl Field {
    /// A normalised field by name (`message` and `duration` are accepted aliases).
    pub fn normalised(name: &str) -> Option<Field> {
        Some(match name {
            "ts" | "time" => Field::Ts,
            "level" => Field::Level,
            "service" => Field::Service,
            "thread" => Field::Thread,
            "trace" => Field::Trace,
            "span" => Field::Span,
            "parent" => Field::Parent,
            "request" => Field::Request,
            "name" => Field::Name,
            "msg" | "message" => Field::Msg,
            "dur" | "duration" => Field::Dur,
            "status" => Field::Status,
            "op" => Field::Op,
            "obj" => Field::Obj,
            "value" => Field::Value,
            "kind" => Field::Kind,
            "source" => Field::Source,
            "format" => Field::Format,
            "line" => Field::Line,
            _ => return None,
        })
    }

    /// Resolve a name against a store: a normalised field (`name`, `status`, `op`, `obj` and
    /// `value` fall back to an attribute of that name when the store has one), else an
    /// attribute key; `attr_only` skips the normalised fields. `None`: no such field.
    pub fn resolve(store: &Store, name: &str, attr_only: bool) -> Option<Field> {
        if !attr_only {
            if let Some(n) = Field::normalised(name) {
                let fallback = matches!(
                    n,
                    Field::Name | Field::Status | Field::Op | Field::Obj | Field::Value
                );
                if fallback {
                    if let (Some(i), Some(sym)) = (
                        NAMES.iter().position(|x| *x == name),
                        store.strings().lookup(name),
                    ) {
                        if store.attr_pool().iter().any(|a| a.key() == sym) {
                            return Some(Field::OrAttr(i as u8, sym));
                        }
                    }
                }
                return Some(n);
            }
        }
        let sym = store.strings().lookup(name)?;
        store
            .attr_pool()
            .iter()
            .any(|a| a.key() == sym)
            .then_some(Field::Attr(sym))
    }

    /// True for fields whose values are always text.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            Field::Service
                | Field::Thread
                | Field::Trace
                | Field::Span
                | Field::Parent
                | Field::Request
                | Field::Name
                | Field::Msg
                | Field::Status
                | Field::Op
                | Field::Obj
                | Field::Kind
                | Field::Source
                | Field::Format
        )
    }
}

/// A field's value on one event.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FV<'a> {
    Sym(Sym),
    Text(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
    Level(Level),
    Time(i64),
    Dur(i64),
}

/// Read a field of an event; `None` when the event does not have it.
pub fn get<'a>(store: &'a Store, e: &'a Event, f: Field) -> Option<FV<'a>> {
    let sym = |s: Option<Sym>| s.map(FV::Sym);
    match f {
        Field::Ts => Some(FV::Time(e.ts)),
        Field::Level => e.level().map(FV::Level),
        Field::Service => sym(e.service),
        Field::Thread => sym(e.thread),
        Field::Trace => sym(e.trace),
        Field::Span => sym(e.span),
        Field::Parent => sym(e.parent),
        Field::Request => sym(e.request),
        Field::Name => sym(e.name),
        Field::Msg => sym(e.msg),
        Field::Dur => e.dur().map(FV::Dur),
        Field::Status => e.status().map(|s| FV::Text(s.as_str())),
        Field::Op => e.op().map(|o| FV::Text(o.as_str())),
        Field::Obj => sym(e.obj),
        Field::Value => from_value(e.value()),
        Field::Kind => Some(FV::Text(e.kind().as_str())),
        Field::Source => Some(FV::Text(store.source_path(e))),
        Field::Format => Some(FV::Text(store.format_of(e).as_str())),
        Field::Line => (e.line > 0).then_some(FV::Int(e.line as i64)),
        Field::Attr(k) => store.attr_sym(e, k).and_then(from_value),
        Field::OrAttr(i, k) => NAMES
            .get(i as usize)
            .and_then(|n| Field::normalised(n))
            .and_then(|f| get(store, e, f))
            .or_else(|| store.attr_sym(e, k).and_then(from_value)),
    }
}

fn from_value<'a>(v: Value) -> Option<FV<'a>> {
    match v {
        Value::Null => None,
        Value::Bool(b) => Some(FV::Bool(b)),
        Value::Int(i) => Some(FV::Int(i)),
        Value::Float(f) => Some(FV::Float(f)),
        Value::Str(s) => Some(FV::Sym(s)),
    }
}

impl<'a> FV<'a> {
    /// The value as text.
    pub fn text(self, store: &'a Store) -> std::borrow::Cow<'a, str> {
        use std::borrow::Cow;
        match self {
            FV::Sym(s) => Cow::Borrowed(store.s(s)),
            FV::Text(t) => Cow::Borrowed(t),
            FV::Int(i) => Cow::Owned(i.to_string()),
            FV::Float(f) => Cow::Owned(f.to_string()),
            FV::Bool(b) => Cow::Borrowed(if b { "true" } else { "false" }),
            FV::Level(l) => Cow::Borrowed(l.as_str()),
            FV::Time(t) => Cow::Owned(super::time::format_ns(t)),
            FV::Dur(d) => Cow::Owned(d.to_string()),
        }
    }

    /// The value as a number, when it is one or is text that reads as one.
    pub fn num(self, store: &Store) -> Option<f64> {
        match self {
            FV::Int(i) => Some(i as f64),
            FV::Float(f) => Some(f),
            FV::Time(t) | FV::Dur(t) => Some(t as f64),
            FV::Level(l) => Some(l as i64 as f64),
            FV::Sym(s) => parse_num(store.s(s)),
            FV::Text(t) => parse_num(t),
            FV::Bool(_) => None,
        }
    }
}

/// Parse text as a number (`"500"`, `" 2.5 "`); not `inf`/`nan`.
pub fn parse_num(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty()
        || !t
            .bytes()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == b'-' || c == b'+' || c == b'.')
    {
        return None;
    }
    t.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// Distinct attribute keys in the store, most frequent first.
pub fn attr_keys(store: &Store) -> Vec<(String, usize)> {
    let mut counts: std::collections::HashMap<Sym, usize> = std::collections::HashMap::new();
    for a in store.attr_pool() {
        *counts.entry(a.key()).or_default() += 1;
    }
    let mut v: Vec<(String, usize)> = counts
        .into_iter()
        .map(|(k, n)| (store.s(k).to_string(), n))
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// The value of a field as a group key (text form), or `None`.
pub fn key_of(store: &Store, e: &Event, f: Field) -> Option<GroupKey> {
    get(store, e, f).map(|v| match v {
        FV::Sym(s) => GroupKey::Sym(s),
        other => GroupKey::Text(other.text(store).into_owned()),
    })
}

/// A group's key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum GroupKey {
    Sym(Sym),
    Text(String),
}

impl GroupKey {
    /// The key as text.
    pub fn text(&self, store: &Store) -> String {
        match self {
            GroupKey::Sym(s) => store.s(*s).to_string(),
            GroupKey::Text(t) => t.clone(),
        }
    }
}
