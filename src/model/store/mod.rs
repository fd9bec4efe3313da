//! The event store: every source's events merged in one time order, with shared interned strings
//! and one attribute pool.

mod grow;

pub use grow::{Grown, LivePart, Parsed, Refused};

use super::event::{Attr, Event, Kind, Level, Value};
use super::strings::{Strings, Sym};
use super::time;
use rayon::prelude::*;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

/// How many parse errors a source keeps verbatim; the rest are only counted.
pub const KEPT_ERRORS: usize = 100;

/// One recoverable problem in a source: where, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParseError {
    /// 1-based line, 0 for a whole-document problem.
    pub line: u32,
    pub reason: String,
}

impl ParseError {
    /// `file:line: reason`, or `file: reason` for a whole-document problem.
    pub fn located(&self, path: &str) -> String {
        if self.line == 0 {
            format!("{path}: {}", self.reason)
        } else {
            format!("{path}:{}: {}", self.line, self.reason)
        }
    }
}

/// An input format, detected by content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// JSON lines logs (bunyan, pino, zap, logrus, slog, tracing, ECS, …).
    Jsonl,
    Logfmt,
    /// Plain text with a timestamp near the start of each record.
    Plain,
    /// OpenTelemetry OTLP JSON (traces and logs; document or lines).
    Otlp,
    Jaeger,
    Zipkin,
    /// Chrome trace event JSON.
    Chrome,
    /// heisen's recorded schedule JSON lines.
    Schedule,
    /// Go race detector output (`go test -race`, plain or `-json`).
    Gorace,
    /// ThreadSanitizer reports.
    Tsan,
    /// An empty file.
    Empty,
}

impl Format {
    /// The name used in JSON and queries.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Logfmt => "logfmt",
            Format::Plain => "plain",
            Format::Otlp => "otlp",
            Format::Jaeger => "jaeger",
            Format::Zipkin => "zipkin",
            Format::Chrome => "chrome",
            Format::Schedule => "schedule",
            Format::Gorace => "gorace",
            Format::Tsan => "tsan",
            Format::Empty => "empty",
        }
    }
}

/// One input and what loading it found.
#[derive(Clone, Debug, Serialize)]
pub struct Source {
    /// The path as given.
    pub path: String,
    pub format: Format,
    /// Bytes read (after decompression).
    pub bytes: u64,
    pub gzip: bool,
    /// Events loaded from it.
    pub events: u64,
    /// Parse errors, all counted.
    pub error_count: u64,
    /// The first [`KEPT_ERRORS`] parse errors.
    pub errors: Vec<ParseError>,
    /// Of the parse errors, those whose line was kept (as an event of its own, or repaired)
    /// rather than skipped.
    pub errors_kept: u64,
    /// Events whose time carried no zone and were read in the default offset.
    pub naive_times: u64,
    /// A shift applied at load time (`--shift SOURCE=+2h`), in nanoseconds.
    pub shift_ns: i64,
    /// Remarks on what was skipped or assumed (never silent).
    pub notes: Vec<String>,
    /// Backwards jumps of its clock in file order, found while loading it from a file (live
    /// sources do not track them).
    #[serde(skip)]
    pub jumps: super::jumps::Jumps,
}

impl Source {
    /// A source with nothing loaded yet.
    pub fn new(path: impl Into<String>, format: Format) -> Self {
        Source {
            path: path.into(),
            format,
            bytes: 0,
            gzip: false,
            events: 0,
            error_count: 0,
            errors: Vec::new(),
            errors_kept: 0,
            naive_times: 0,
            shift_ns: 0,
            notes: Vec::new(),
            jumps: Default::default(),
        }
    }
    /// Count an error, keeping the first ones verbatim.
    pub fn push_error(&mut self, e: ParseError) {
        self.error_count += 1;
        if self.errors.len() < KEPT_ERRORS {
            self.errors.push(e);
        }
    }
}

pub use super::lanes::LaneKey;

/// All loaded events in time order.
#[derive(Clone, Debug, Default)]
pub struct Store {
    strings: Strings,
    sources: Vec<Source>,
    /// Events sorted by [`Event::order_key`].
    events: Vec<Event>,
    /// The attribute pool; each event names a range of it.
    attrs: Vec<Attr>,
}

impl Store {
    /// An empty store sharing `strings`.
    pub fn new(strings: Strings) -> Self {
        Store {
            strings,
            ..Default::default()
        }
    }

    /// Bytes reserved for the events and for the attribute pool (for memory reports).
    pub fn reserved_bytes(&self) -> (usize, usize) {
        (
            self.events.capacity() * std::mem::size_of::<Event>(),
            self.attrs.capacity() * std::mem::size_of::<Attr>(),
        )
    }

    /// The events, in time order.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The sources, in the order they were added (an event names one by index).
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// The source of an event, if the store has it.
    pub fn source_of(&self, e: &Event) -> Option<&Source> {
        self.sources.get(e.source() as usize)
    }

    /// The interner every event's strings are in.
    pub fn strings(&self) -> &Strings {
        &self.strings
    }

    /// The whole attribute pool (each event names a range of it: see [`Store::attrs`]).
    pub fn attr_pool(&self) -> &[Attr] {
        &self.attrs
    }

    /// Number of events.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// True when no event is loaded.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// The text of an interned string.
    pub fn s(&self, sym: Sym) -> &str {
        self.strings.resolve(sym)
    }

    /// The text of an optional interned string.
    pub fn opt(&self, sym: Option<Sym>) -> Option<&str> {
        sym.map(|s| self.strings.resolve(s))
    }

    /// An event's attributes.
    pub fn attrs(&self, e: &Event) -> &[Attr] {
        let start = e.attr_start as usize;
        self.attrs
            .get(start..start + e.attr_len() as usize)
            .unwrap_or(&[])
    }

    /// An attribute's value by key.
    pub fn attr(&self, e: &Event, key: &str) -> Option<Value> {
        let k = self.strings.lookup(key)?;
        self.attr_sym(e, k)
    }

    /// An attribute's value by interned key.
    pub fn attr_sym(&self, e: &Event, key: Sym) -> Option<Value> {
        self.attrs(e)
            .iter()
            .find(|a| a.key() == key)
            .map(|a| a.value())
    }

    /// The lane an event belongs to under `key`.
    pub fn lane_of(&self, e: &Event, key: LaneKey) -> Option<Sym> {
        match key {
            LaneKey::Service => e.service,
            LaneKey::Thread => e.thread,
            LaneKey::Request => e.request,
            LaneKey::Trace => e.trace,
            LaneKey::Source => self
                .sources
                .get(e.source() as usize)
                .map(|s| self.strings.intern(&s.path)),
        }
    }

    /// The path of an event's source.
    pub fn source_path(&self, e: &Event) -> &str {
        self.sources
            .get(e.source() as usize)
            .map(|s| s.path.as_str())
            .unwrap_or("")
    }

    /// The format of an event's source.
    pub fn format_of(&self, e: &Event) -> Format {
        self.sources
            .get(e.source() as usize)
            .map(|s| s.format)
            .unwrap_or(Format::Empty)
    }

    /// Sort events into the store order (time, source, line, sequence): the same on every run.
    pub fn sort(&mut self) {
        // A single source is usually in order already: checking is one parallel pass.
        let sorted = self
            .events
            .par_windows(2)
            .all(|w| w[0].order_key() <= w[1].order_key());
        if sorted {
            return;
        }
        if self.sources.len() == 1 {
            // One source is written in time order up to local disorder.
            super::sort::sort_by_key(&mut self.events, Event::order_key);
        } else {
            self.events.par_sort_unstable_by_key(Event::order_key);
        }
    }

    /// Earliest and latest event time.
    pub fn time_range(&self) -> Option<(i64, i64)> {
        let first = self.events.first()?.ts;
        let last = self.events.iter().map(Event::end).max()?;
        Some((first, last))
    }

    /// Index of the first event at or after `ts` (binary search).
    pub fn index_at(&self, ts: i64) -> usize {
        self.events.partition_point(|e| e.ts < ts)
    }

    /// A serialisable view of one event: the normalised JSON object of `heisen events --json`.
    pub fn view<'a>(&'a self, e: &'a Event) -> EventView<'a> {
        EventView { store: self, e }
    }

    /// A one-line human rendering of an event: time, level, lane, name and message, attributes.
    pub fn line_text(&self, e: &Event) -> String {
        let mut out = time::format_ns(e.ts);
        out.push(' ');
        let lvl = e.level().map(Level::as_str).unwrap_or(match e.kind() {
            Kind::Log => "-",
            k => k.as_str(),
        });
        out.push_str(&format!("{:<5}", lvl.to_ascii_uppercase()));
        let lane: Vec<&str> = [e.service, e.thread]
            .into_iter()
            .flatten()
            .map(|s| self.s(s))
            .collect();
        if !lane.is_empty() {
            out.push_str(&format!(" [{}]", lane.join("/")));
        }
        if let Some(op) = e.op() {
            out.push_str(&format!(" {}", op.as_str()));
            if let Some(o) = e.obj {
                out.push_str(&format!(" {}", self.s(o)));
            }
            if !e.value().is_null() {
                out.push_str(&format!(" = {}", e.value().to_json(&self.strings)));
            }
        }
        if let Some(n) = e.name {
            out.push_str(&format!(" {}", self.s(n)));
        }
        if let Some(d) = e.dur() {
            out.push_str(&format!(" ({})", time::format_duration(d)));
        }
        if let Some(m) = e.msg {
            out.push_str(if e.name.is_some() { ": " } else { " " });
            out.push_str(self.s(m));
        }
        for a in self.attrs(e) {
            out.push_str(&format!(
                " {}={}",
                self.s(a.key()),
                a.value().to_json(&self.strings)
            ));
        }
        out
    }
}

/// Serialises an event as the normalised JSON object (field order is stable).
pub struct EventView<'a> {
    store: &'a Store,
    e: &'a Event,
}

struct ValueView<'a>(Value, &'a Strings);

impl Serialize for ValueView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(b),
            Value::Int(i) => s.serialize_i64(i),
            Value::Float(f) => s.serialize_f64(f),
            Value::Str(x) => s.serialize_str(self.1.resolve(x)),
        }
    }
}

struct AttrsView<'a>(&'a [Attr], &'a Strings);

impl Serialize for AttrsView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for a in self.0 {
            m.serialize_entry(self.1.resolve(a.key()), &ValueView(a.value(), self.1))?;
        }
        m.end()
    }
}

impl Serialize for EventView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (st, e) = (self.store, self.e);
        let strs = &st.strings;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("ts", &time::format_ns(e.ts))?;
        m.serialize_entry("ts_ns", &e.ts)?;
        m.serialize_entry("source", st.source_path(e))?;
        if e.line > 0 {
            m.serialize_entry("line", &e.line)?;
        }
        m.serialize_entry("format", st.format_of(e).as_str())?;
        m.serialize_entry("kind", e.kind().as_str())?;
        if let Some(l) = e.level() {
            m.serialize_entry("level", l.as_str())?;
        }
        let syms = [
            ("service", e.service),
            ("thread", e.thread),
            ("trace", e.trace),
            ("span", e.span),
            ("parent", e.parent),
            ("request", e.request),
            ("name", e.name),
            ("msg", e.msg),
        ];
        for (k, v) in syms {
            if let Some(v) = v {
                m.serialize_entry(k, strs.resolve(v))?;
            }
        }
        if let Some(d) = e.dur() {
            m.serialize_entry("dur_ns", &d)?;
        }
        if let Some(x) = e.status() {
            m.serialize_entry("status", x.as_str())?;
        }
        if let Some(op) = e.op() {
            m.serialize_entry("op", op.as_str())?;
        }
        if let Some(o) = e.obj {
            m.serialize_entry("obj", strs.resolve(o))?;
        }
        if e.kind() == Kind::Op || !e.value().is_null() {
            m.serialize_entry("value", &ValueView(e.value(), strs))?;
        }
        if let Some(o) = e.tz_offset() {
            m.serialize_entry("tz_offset", &time::format_offset(o))?;
        }
        m.serialize_entry("attrs", &AttrsView(st.attrs(e), strs))?;
        m.end()
    }
}
