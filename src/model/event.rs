//! One normalised event, whatever its source format: a log line, a span, a schedule operation, a race.

use super::strings::{Strings, Sym};
use serde::{Deserialize, Serialize};

/// What an event is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A log record.
    Log,
    /// A span with a start and a duration.
    Span,
    /// A point event: a span event, an instant trace event.
    Event,
    /// A recorded schedule operation (read, write, lock, …).
    Op,
    /// A data race linking two accesses (from a race detector report).
    Race,
}

impl Kind {
    /// All kinds, for completion and help.
    pub const ALL: [Kind; 5] = [Kind::Log, Kind::Span, Kind::Event, Kind::Op, Kind::Race];
    /// The lower-case name used in JSON and queries.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Log => "log",
            Kind::Span => "span",
            Kind::Event => "event",
            Kind::Op => "op",
            Kind::Race => "race",
        }
    }
    /// Parse a kind name.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Severity, ordered: `Trace < Debug < Info < Warn < Error < Fatal`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Trace = 1,
    Debug = 2,
    Info = 3,
    Warn = 4,
    Error = 5,
    Fatal = 6,
}

impl Level {
    /// All levels, lowest first.
    pub const ALL: [Level; 6] = [
        Level::Trace,
        Level::Debug,
        Level::Info,
        Level::Warn,
        Level::Error,
        Level::Fatal,
    ];
    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Trace => "trace",
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
            Level::Fatal => "fatal",
        }
    }
    /// Parse a level name in any case, including the common aliases (`warning`, `err`, `crit`,
    /// `panic`, syslog's `notice`/`emerg`/`alert`, glog's one-letter `I W E F`) and numeric strings.
    pub fn parse(s: &str) -> Option<Level> {
        let s = s.trim();
        if s.is_empty() || s.len() > 12 {
            return None;
        }
        if let Ok(n) = s.parse::<i64>() {
            return Level::from_number(n);
        }
        let lower = s.to_ascii_lowercase();
        Some(match lower.as_str() {
            "trace" | "trc" | "verbose" | "finest" | "finer" | "t" => Level::Trace,
            "debug" | "dbg" | "debu" | "fine" | "d" => Level::Debug,
            "info" | "inf" | "information" | "informational" | "notice" | "i" | "config" => {
                Level::Info
            }
            "warn" | "warning" | "wrn" | "w" => Level::Warn,
            "error" | "err" | "eror" | "severe" | "e" => Level::Error,
            "fatal" | "crit" | "critical" | "panic" | "dpanic" | "emerg" | "emergency"
            | "alert" | "f" | "ftl" => Level::Fatal,
            // lnav-style sub-levels: DEBUG2..DEBUG5, INFO2, …
            other => {
                let base = other.trim_end_matches(|c: char| c.is_ascii_digit());
                return (base.len() < other.len() && !base.is_empty())
                    .then(|| Level::parse(base))
                    .flatten();
            }
        })
    }
    /// Map bunyan/pino numeric levels (10 trace … 60 fatal); other numbers by nearest band.
    pub fn from_number(n: i64) -> Option<Level> {
        Some(match n {
            10..=19 => Level::Trace,
            20..=29 => Level::Debug,
            30..=39 => Level::Info,
            40..=49 => Level::Warn,
            50..=59 => Level::Error,
            60..=69 => Level::Fatal,
            _ => return None,
        })
    }
    /// Map an OpenTelemetry severity number (1–24).
    pub fn from_otel(n: i64) -> Option<Level> {
        Some(match n {
            1..=4 => Level::Trace,
            5..=8 => Level::Debug,
            9..=12 => Level::Info,
            13..=16 => Level::Warn,
            17..=20 => Level::Error,
            21..=24 => Level::Fatal,
            _ => return None,
        })
    }
}

/// A span's status, as OpenTelemetry defines it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Unset,
    Ok,
    Error,
}

impl Status {
    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Unset => "unset",
            Status::Ok => "ok",
            Status::Error => "error",
        }
    }
    /// Parse a status name.
    pub fn parse(s: &str) -> Option<Status> {
        match s.to_ascii_lowercase().as_str() {
            "unset" => Some(Status::Unset),
            "ok" => Some(Status::Ok),
            "error" => Some(Status::Error),
            _ => None,
        }
    }
}

/// A schedule operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Read,
    Write,
    Lock,
    Unlock,
    Spawn,
    Join,
    Send,
    Recv,
    Begin,
    End,
    Note,
}

impl Op {
    /// All operations.
    pub const ALL: [Op; 11] = [
        Op::Read,
        Op::Write,
        Op::Lock,
        Op::Unlock,
        Op::Spawn,
        Op::Join,
        Op::Send,
        Op::Recv,
        Op::Begin,
        Op::End,
        Op::Note,
    ];
    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Read => "read",
            Op::Write => "write",
            Op::Lock => "lock",
            Op::Unlock => "unlock",
            Op::Spawn => "spawn",
            Op::Join => "join",
            Op::Send => "send",
            Op::Recv => "recv",
            Op::Begin => "begin",
            Op::End => "end",
            Op::Note => "note",
        }
    }
    /// Parse an operation name.
    pub fn parse(s: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// A typed value: attribute values and schedule `value`s. Strings are interned.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Sym),
}

impl Value {
    /// The value as JSON.
    pub fn to_json(self, strings: &Strings) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => b.into(),
            Value::Int(i) => i.into(),
            Value::Float(f) => serde_json::Number::from_f64(f)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Value::Str(s) => strings.resolve(s).into(),
        }
    }
    /// The value as display text (strings unquoted).
    pub fn to_text(self, strings: &Strings) -> String {
        match self {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Str(s) => strings.resolve(s).to_string(),
        }
    }
    /// The value as a number, when it is one or is text that reads as one (`"500"`).
    pub fn as_f64(self, strings: &Strings) -> Option<f64> {
        match self {
            Value::Int(i) => Some(i as f64),
            Value::Float(f) => Some(f),
            Value::Str(s) => strings.resolve(s).trim().parse().ok(),
            _ => None,
        }
    }
    /// True for `Null`.
    pub fn is_null(self) -> bool {
        matches!(self, Value::Null)
    }
}

/// One attribute: an interned key and a typed value, in 12 bytes (the pool holds several per
/// event): the value's kind sits in the low bits of the key word, its payload in two words.
#[derive(Clone, Copy)]
pub struct Attr {
    key_kind: u32,
    payload: [u32; 2],
}

/// Bits of the key word that hold the value's kind.
const KIND_BITS: u32 = 3;

impl Attr {
    /// The largest key index an attribute can hold (2^29 − 1 distinct strings).
    pub const MAX_KEY: usize = (u32::MAX >> KIND_BITS) as usize;

    /// An attribute. Keys are interned early (they repeat), so the limit on the key's index
    /// is far beyond any input.
    ///
    /// # Panics
    /// When the key's index is above [`Attr::MAX_KEY`].
    pub fn new(key: Sym, value: Value) -> Attr {
        let k = key.into_usize();
        assert!(k <= Self::MAX_KEY, "attribute key index {k} out of range");
        let (kind, bits): (u32, u64) = match value {
            Value::Null => (0, 0),
            Value::Bool(b) => (1, b as u64),
            Value::Int(i) => (2, i as u64),
            Value::Float(f) => (3, f.to_bits()),
            Value::Str(s) => (4, s.into_usize() as u64),
        };
        Attr {
            key_kind: ((k as u32) << KIND_BITS) | kind,
            payload: [bits as u32, (bits >> 32) as u32],
        }
    }
    /// The key.
    pub fn key(&self) -> Sym {
        Sym::from_usize((self.key_kind >> KIND_BITS) as usize)
    }
    /// The value.
    pub fn value(&self) -> Value {
        let bits = u64::from(self.payload[0]) | (u64::from(self.payload[1]) << 32);
        match self.key_kind & ((1 << KIND_BITS) - 1) {
            1 => Value::Bool(bits != 0),
            2 => Value::Int(bits as i64),
            3 => Value::Float(f64::from_bits(bits)),
            4 => Value::Str(Sym::from_usize(bits as usize)),
            _ => Value::Null,
        }
    }
}

impl PartialEq for Attr {
    fn eq(&self, o: &Attr) -> bool {
        self.key() == o.key() && self.value() == o.value()
    }
}

impl std::fmt::Debug for Attr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attr")
            .field("key", &self.key())
            .field("value", &self.value())
            .finish()
    }
}

/// One normalised event. Fixed size; strings are interned, attributes live in the store's pool.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// UTC time in nanoseconds since the Unix epoch (a span's start).
    pub ts: i64,
    /// A span's duration in nanoseconds.
    pub dur: Option<i64>,
    /// Index of the source in `Store::sources`.
    pub source: u32,
    /// 1-based line in the source, 0 when the record has no line of its own.
    pub line: u32,
    /// Order of the record within its source (the final tie-break).
    pub seq: u32,
    /// The UTC offset in minutes that the source wrote, when it wrote one.
    pub tz_offset: Option<i16>,
    pub kind: Kind,
    pub level: Option<Level>,
    pub status: Option<Status>,
    pub op: Option<Op>,
    pub service: Option<Sym>,
    pub thread: Option<Sym>,
    pub trace: Option<Sym>,
    pub span: Option<Sym>,
    pub parent: Option<Sym>,
    pub request: Option<Sym>,
    pub name: Option<Sym>,
    pub msg: Option<Sym>,
    pub obj: Option<Sym>,
    pub value: Value,
    /// Start of this event's attributes in the attribute pool.
    pub attr_start: u32,
    /// Number of attributes.
    pub attr_len: u32,
}

impl Event {
    /// A blank event of `kind` at `ts`.
    pub fn new(kind: Kind, ts: i64) -> Self {
        Event {
            ts,
            dur: None,
            source: 0,
            line: 0,
            seq: 0,
            tz_offset: None,
            kind,
            level: None,
            status: None,
            op: None,
            service: None,
            thread: None,
            trace: None,
            span: None,
            parent: None,
            request: None,
            name: None,
            msg: None,
            obj: None,
            value: Value::Null,
            attr_start: 0,
            attr_len: 0,
        }
    }
    /// The end of a span (`ts + dur`), or `ts`.
    pub fn end(&self) -> i64 {
        self.ts.saturating_add(self.dur.unwrap_or(0))
    }
    /// The total order of the store: time, then source, then line, then sequence.
    pub fn order_key(&self) -> (i64, u32, u32, u32) {
        (self.ts, self.source, self.line, self.seq)
    }
}

#[cfg(test)]
mod size_tests {
    #[test]
    fn attributes_round_trip_every_kind() {
        use super::{Attr, Value};
        let s = crate::model::Strings::new();
        let k = s.intern("k");
        for v in [
            Value::Null,
            Value::Bool(true),
            Value::Bool(false),
            Value::Int(-5),
            Value::Int(i64::MIN),
            Value::Float(-2.5),
            Value::Float(f64::INFINITY),
            Value::Str(s.intern("v")),
        ] {
            let a = Attr::new(k, v);
            assert_eq!((a.key(), a.value()), (k, v));
        }
    }

    #[test]
    fn event_stays_compact() {
        // The store holds tens of millions of these: keep an eye on the size.
        let size = std::mem::size_of::<super::Event>();
        assert!(size <= 112, "Event grew to {size} bytes");
        assert_eq!(std::mem::size_of::<super::Attr>(), 12);
    }
}
