//! OTLP records → events: the field mapping that OTLP/JSON ([`super`]) and protobuf
//! ([`super::proto`]) share. Each encoding reads its own fields and hands them here, so a
//! span, a span event, a log record or an attribute becomes the same event whichever way it
//! arrived.

use crate::ingest::batch::{Batch, Ctx, INHERIT_TS};
use crate::ingest::json::fields::{classify, Target};
use crate::ingest::json::J;
use crate::model::{Event, Kind, Level, Status, Sym, Value};
use std::borrow::Cow;

/// One OTLP `AnyValue`, as an encoding reads it.
pub enum Any<'a, V: AnyView> {
    Str(&'a str),
    Int(i64),
    Double(f64),
    Bool(bool),
    /// Bytes, as the base64 text OTLP/JSON writes for them.
    Bytes(Cow<'a, str>),
    Array(&'a [V]),
    Kvlist(&'a [V::Kv]),
    /// No value (or a kind that only profiles use).
    Empty,
}

/// An `AnyValue` of one encoding.
pub trait AnyView: Sized {
    /// The encoding's key/value pair.
    type Kv: KeyValueView<Any = Self>;
    /// What the value holds.
    fn view(&self) -> Any<'_, Self>;
}

/// A `KeyValue` of one encoding.
pub trait KeyValueView {
    /// The encoding's `AnyValue`.
    type Any: AnyView;
    /// The key; an entry without one is skipped.
    fn key(&self) -> Option<&str>;
    /// The value, if the entry has one.
    fn value(&self) -> Option<&Self::Any>;
}

/// An `AnyValue` as a typed value (arrays and maps become compact JSON text).
pub fn any_value<V: AnyView>(v: &V, ctx: &Ctx) -> Value {
    match v.view() {
        Any::Str(s) => ctx.str_value(s),
        Any::Int(i) => Value::Int(i),
        Any::Double(f) => Value::Float(f),
        Any::Bool(b) => Value::Bool(b),
        Any::Bytes(b) => ctx.str_value(&b),
        nested @ (Any::Array(_) | Any::Kvlist(_)) => {
            let mut text = String::new();
            write_view(nested, &mut text);
            ctx.str_value(&text)
        }
        Any::Empty => Value::Null,
    }
}

/// Append an `AnyValue` as plain compact JSON (nested arrays and maps stay structured, map
/// entries keep their order).
pub fn write_any<V: AnyView>(v: &V, out: &mut String) {
    write_view(v.view(), out);
}

fn write_view<V: AnyView>(a: Any<'_, V>, out: &mut String) {
    let json_str = |s: &str, out: &mut String| {
        out.push_str(&serde_json::to_string(s).unwrap_or_default());
    };
    match a {
        Any::Str(s) => json_str(s, out),
        Any::Int(i) => out.push_str(&i.to_string()),
        Any::Double(f) => J::Float(f).write_json(out),
        Any::Bool(b) => J::Bool(b).write_json(out),
        Any::Bytes(b) => json_str(&b, out),
        Any::Array(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_any(x, out);
            }
            out.push(']');
        }
        Any::Kvlist(kvs) => {
            out.push('{');
            let entries = kvs.iter().filter_map(|kv| Some((kv.key()?, kv.value())));
            for (i, (k, x)) in entries.enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_str(k, out);
                out.push(':');
                match x {
                    Some(x) => write_any(x, out),
                    None => out.push_str("null"),
                }
            }
            out.push('}');
        }
        Any::Empty => out.push_str("null"),
    }
}

/// Key/value pairs with their values typed; entries without a key are skipped.
fn pairs<'k, K: KeyValueView>(
    kvs: &'k [K],
    ctx: &'k Ctx,
) -> impl Iterator<Item = (&'k str, Value)> + 'k {
    kvs.iter().filter_map(move |kv| {
        let v = kv.value().map_or(Value::Null, |v| any_value(v, ctx));
        Some((kv.key()?, v))
    })
}

/// A nanosecond time as protobuf carries it; 0 (and what does not fit) means unset.
pub fn nanos(n: u64) -> Option<i64> {
    i64::try_from(n).ok().filter(|&n| n > 0)
}

/// OTLP's numeric span kind as the `span.kind` attribute's text.
pub fn span_kind_name(n: i64) -> Option<&'static str> {
    SPAN_KINDS.get(usize::try_from(n).ok()?).copied()
}

/// The span kinds in OTLP's numbering.
pub const SPAN_KINDS: [&str; 6] = [
    "unspecified",
    "internal",
    "server",
    "client",
    "producer",
    "consumer",
];

/// OTLP's numeric status code.
pub fn status_code(n: i64) -> Status {
    match n {
        1 => Status::Ok,
        2 => Status::Error,
        _ => Status::Unset,
    }
}

/// A log record's level: the severity number, else the severity text.
pub fn log_level(number: Option<Level>, text: Option<&str>) -> Option<Level> {
    number.or_else(|| text.and_then(Level::parse))
}

/// A span link as the `span.links` attribute lists it (`trace:span`); both ids are needed.
pub fn link(trace: Option<String>, span: Option<String>) -> Option<String> {
    Some(format!("{}:{}", trace?, span?))
}

/// The resource's service name and its other attributes.
pub struct Resource {
    pub service: Option<Sym>,
    pub attrs: Vec<(Sym, Value)>,
}

impl Resource {
    /// Read a resource's attributes: `service.name` names the service.
    pub fn new<K: KeyValueView>(attrs: &[K], ctx: &Ctx) -> Resource {
        let mut res = Resource {
            service: None,
            attrs: Vec::new(),
        };
        for (k, v) in pairs(attrs, ctx) {
            if k == "service.name" {
                res.service = Some(ctx.sym(&v.to_text(&ctx.strings)));
            } else {
                res.attrs.push((ctx.sym(k), v));
            }
        }
        res
    }
}

/// The attributes an instrumentation scope gives each of its records: its name, version and
/// attributes.
pub fn scope_attrs<K: KeyValueView>(
    name: Option<&str>,
    version: Option<&str>,
    attrs: &[K],
    ctx: &Ctx,
) -> Vec<(Sym, Value)> {
    let mut out = Vec::new();
    if let Some(n) = name.filter(|n| !n.is_empty()) {
        out.push((ctx.sym("otel.scope.name"), ctx.str_value(n)));
    }
    if let Some(v) = version.filter(|v| !v.is_empty()) {
        out.push((ctx.sym("otel.scope.version"), ctx.str_value(v)));
    }
    for (k, v) in pairs(attrs, ctx) {
        out.push((ctx.sym(k), v));
    }
    out
}

/// Attributes of a span, span event or log record: `thread.name`/`request_id`-like keys fill
/// the lane fields, the rest become attributes.
pub fn push_attrs<K: KeyValueView>(ev: &mut Event, kvs: &[K], ctx: &Ctx, out: &mut Batch) {
    for (k, v) in pairs(kvs, ctx) {
        match classify(k) {
            Some((Target::Thread, _)) if ev.thread.is_none() => {
                ev.thread = Some(ctx.sym(&v.to_text(&ctx.strings)));
            }
            Some((Target::Request, _)) if ev.request.is_none() => {
                ev.request = Some(ctx.sym(&v.to_text(&ctx.strings)));
            }
            _ => out.attr(ctx.sym(k), v),
        }
    }
}

/// The service and the resource's and scope's attributes, which every record carries.
fn common(ev: &mut Event, res: &Resource, scope: &[(Sym, Value)], out: &mut Batch) {
    ev.service = res.service;
    for (k, v) in res.attrs.iter().chain(scope) {
        out.attr(*k, *v);
    }
}

/// A span's own fields, read by either encoding (ids already normalised).
pub struct SpanFields<'a> {
    pub start: Option<i64>,
    pub end: Option<i64>,
    pub trace: Option<Sym>,
    pub span: Option<Sym>,
    pub parent: Option<Sym>,
    pub name: Option<&'a str>,
    pub kind: Option<&'static str>,
    pub status: Status,
    pub status_msg: Option<&'a str>,
}

/// What a span's events take from their span.
#[derive(Clone, Copy)]
pub struct SpanOf {
    trace: Option<Sym>,
    span: Option<Sym>,
    service: Option<Sym>,
    thread: Option<Sym>,
}

/// Add a span with its attributes; `links` reads its links (called after the attributes, so
/// that problems are reported in record order). Returns what its events take from it.
#[allow(clippy::too_many_arguments)]
pub fn push_span<K: KeyValueView>(
    f: SpanFields,
    attrs: &[K],
    links: impl FnOnce(&mut Batch) -> Vec<String>,
    res: &Resource,
    scope: &[(Sym, Value)],
    line: u32,
    ctx: &Ctx,
    out: &mut Batch,
) -> SpanOf {
    let mut ev = Event::new(Kind::Span, f.start.unwrap_or(INHERIT_TS));
    ev.line = line;
    ev.set_tz_offset(Some(0));
    ev.trace = f.trace;
    ev.span = f.span;
    ev.parent = f.parent;
    ev.name = f.name.map(|n| ctx.sym(n));
    if f.start.is_none() {
        out.error(
            line,
            "span without startTimeUnixNano; placed after the record before it",
        );
    }
    match (f.start, f.end) {
        (Some(s), Some(e)) if e >= s => ev.set_dur(Some(e - s)),
        (Some(_), Some(_)) => out.error(line, "span ends before it starts; duration left empty"),
        _ => {}
    }
    ev.set_status(Some(f.status));
    if f.status == Status::Error {
        ev.set_level(Some(Level::Error));
    }
    common(&mut ev, res, scope, out);
    if let Some(k) = f.kind {
        out.attr(ctx.sym("span.kind"), ctx.str_value(k));
    }
    if let Some(m) = f.status_msg.filter(|m| !m.is_empty()) {
        out.attr(ctx.sym("status.message"), ctx.str_value(m));
    }
    push_attrs(&mut ev, attrs, ctx, out);
    let links = links(out);
    if !links.is_empty() {
        out.attr(ctx.sym("span.links"), ctx.str_value(&links.join(",")));
    }
    let of = SpanOf {
        trace: ev.trace,
        span: ev.span,
        service: ev.service,
        thread: ev.thread,
    };
    out.push(ev, ctx);
    of
}

/// Add one of a span's events (an `exception` is an error).
pub fn push_span_event<K: KeyValueView>(
    of: SpanOf,
    time: Option<i64>,
    name: Option<&str>,
    attrs: &[K],
    line: u32,
    ctx: &Ctx,
    out: &mut Batch,
) {
    if time.is_none() {
        out.error(
            line,
            "span event without timeUnixNano; placed after the record before it",
        );
    }
    let mut se = Event::new(Kind::Event, time.unwrap_or(INHERIT_TS));
    se.line = line;
    se.set_tz_offset(Some(0));
    se.trace = of.trace;
    se.span = of.span;
    se.service = of.service;
    se.thread = of.thread;
    se.name = name.map(|n| ctx.sym(n));
    if name == Some("exception") {
        se.set_level(Some(Level::Error));
    }
    push_attrs(&mut se, attrs, ctx, out);
    out.push(se, ctx);
}

/// A log record's own fields, read by either encoding (ids already normalised).
pub struct LogFields<'a, V> {
    /// The record's time, else the time it was observed.
    pub time: Option<i64>,
    pub trace: Option<Sym>,
    pub span: Option<Sym>,
    pub level: Option<Level>,
    pub body: Option<&'a V>,
    pub event_name: Option<&'a str>,
}

/// Add a log record with its attributes.
pub fn push_log<V: AnyView>(
    f: LogFields<'_, V>,
    attrs: &[V::Kv],
    res: &Resource,
    scope: &[(Sym, Value)],
    line: u32,
    ctx: &Ctx,
    out: &mut Batch,
) {
    if f.time.is_none() {
        out.error(
            line,
            "log record without a time; placed after the record before it",
        );
    }
    let mut ev = Event::new(Kind::Log, f.time.unwrap_or(INHERIT_TS));
    ev.line = line;
    ev.set_tz_offset(Some(0));
    ev.trace = f.trace;
    ev.span = f.span;
    ev.set_level(f.level);
    if let Some(b) = f.body {
        let v = any_value(b, ctx);
        if !v.is_null() {
            ev.msg = Some(ctx.sym(&v.to_text(&ctx.strings)));
        }
    }
    if let Some(n) = f.event_name.filter(|n| !n.is_empty()) {
        ev.name = Some(ctx.sym(n));
    }
    common(&mut ev, res, scope, out);
    push_attrs(&mut ev, attrs, ctx, out);
    out.push(ev, ctx);
}
