//! One normalised event, whatever its source format: a log line, a span, a schedule operation, a race.

mod kinds;
mod value;

pub use kinds::{Kind, Level, Op, Status};
use value::TAG_BITS;
pub use value::{Attr, Value};

use super::packed;
use super::strings::Sym;

/// A timestamp sentinel: "no time of its own; place right after the previous record".
pub const INHERIT_TS: i64 = i64::MIN;

/// One normalised event. Fixed size (72 bytes); strings are interned, attributes live in the
/// store's pool. The small fields are packed: read and write them through their accessors.
#[derive(Clone)]
pub struct Event {
    /// UTC time in nanoseconds since the Unix epoch (a span's start).
    pub ts: i64,
    pub service: Option<Sym>,
    pub thread: Option<Sym>,
    pub trace: Option<Sym>,
    pub span: Option<Sym>,
    pub parent: Option<Sym>,
    pub request: Option<Sym>,
    pub name: Option<Sym>,
    pub msg: Option<Sym>,
    pub obj: Option<Sym>,
    /// 1-based line in the source, 0 when the record has no line of its own.
    pub line: u32,
    /// Order of the record within its source (the final tie-break).
    pub seq: u32,
    /// Start of this event's attributes in the attribute pool.
    pub attr_start: u32,
    /// The duration: [`DUR_NONE`] for none, [`DUR_WIDE`] set for a slot of the wide pool
    /// (holding the nanoseconds), else the nanoseconds themselves.
    dur: u32,
    /// The value's payload (its tag is in `flags`).
    value: u32,
    source: u16,
    attr_len: u16,
    /// The UTC offset in minutes, [`TZ_NONE`] for none.
    tz: i16,
    /// kind (3 bits) | level (3, 0 = none) | status (2, 0 = none) | op (4, 0 = none) |
    /// value tag (3).
    flags: u16,
}

const DUR_NONE: u32 = u32::MAX;
const DUR_WIDE: u32 = 1 << 31;
const TZ_NONE: i16 = i16::MIN;

const KIND_SHIFT: u32 = 0;
const LEVEL_SHIFT: u32 = 3;
const STATUS_SHIFT: u32 = 6;
const OP_SHIFT: u32 = 8;
const VTAG_SHIFT: u32 = 12;

impl Event {
    /// The most sources a store can hold (`source` is kept in 16 bits).
    pub const MAX_SOURCES: usize = u16::MAX as usize + 1;
    /// The most attributes one event can hold (`attr_len` is kept in 16 bits).
    pub const MAX_ATTRS: usize = u16::MAX as usize;

    /// A blank event of `kind` at `ts`.
    pub fn new(kind: Kind, ts: i64) -> Self {
        let mut e = Event {
            ts,
            service: None,
            thread: None,
            trace: None,
            span: None,
            parent: None,
            request: None,
            name: None,
            msg: None,
            obj: None,
            line: 0,
            seq: 0,
            attr_start: 0,
            dur: DUR_NONE,
            value: 0,
            source: 0,
            attr_len: 0,
            tz: TZ_NONE,
            flags: 0,
        };
        e.set_kind(kind);
        e
    }
    /// The end of a span (`ts + dur`), or `ts`.
    pub fn end(&self) -> i64 {
        self.ts.saturating_add(self.dur().unwrap_or(0))
    }
    /// The total order of the store: time, then source, then line, then sequence.
    pub fn order_key(&self) -> (i64, u32, u32, u32) {
        (self.ts, self.source(), self.line, self.seq)
    }

    fn field(&self, shift: u32, bits: u32) -> u16 {
        (self.flags >> shift) & ((1 << bits) - 1)
    }
    fn set_field(&mut self, shift: u32, bits: u32, v: u16) {
        let mask = ((1u16 << bits) - 1) << shift;
        self.flags = (self.flags & !mask) | ((v << shift) & mask);
    }

    /// A span's duration in nanoseconds.
    pub fn dur(&self) -> Option<i64> {
        match self.dur {
            DUR_NONE => None,
            d if d & DUR_WIDE != 0 => Some(packed::wide(d & !DUR_WIDE) as i64),
            d => Some(i64::from(d)),
        }
    }
    /// Set the duration. One that is negative or needs more than 31 bits takes a slot of the
    /// process-global wide pool (see [`super::packed`]).
    pub fn set_dur(&mut self, dur: Option<i64>) {
        self.dur = match dur {
            None => DUR_NONE,
            Some(d) if (0..i64::from(DUR_WIDE)).contains(&d) => d as u32,
            Some(d) => DUR_WIDE | packed::push_wide(d as u64),
        };
    }
    /// A schedule operation's value.
    pub fn value(&self) -> Value {
        packed::unpack(self.field(VTAG_SHIFT, TAG_BITS) as u8, self.value)
    }
    /// Set the value (a wide number takes a slot of the process-global wide pool).
    pub fn set_value(&mut self, v: Value) {
        let (tag, payload) = packed::pack(v);
        self.value = payload;
        self.set_field(VTAG_SHIFT, TAG_BITS, u16::from(tag));
    }
    /// Index of the source in `Store::sources`.
    pub fn source(&self) -> u32 {
        u32::from(self.source)
    }
    /// Set the source index.
    ///
    /// # Panics
    /// When `source` is not below [`Event::MAX_SOURCES`]; loaders refuse more sources first.
    pub fn set_source(&mut self, source: u32) {
        self.source = u16::try_from(source)
            .unwrap_or_else(|_| panic!("source index {source} above {}", u16::MAX));
    }
    /// Number of attributes.
    pub fn attr_len(&self) -> u32 {
        u32::from(self.attr_len)
    }
    /// Set the number of attributes.
    ///
    /// # Panics
    /// When `n` is above [`Event::MAX_ATTRS`]; parsers keep the first ones and report the rest.
    pub fn set_attr_len(&mut self, n: u32) {
        self.attr_len = u16::try_from(n)
            .unwrap_or_else(|_| panic!("{n} attributes on one event (at most {})", u16::MAX));
    }
    /// The UTC offset in minutes that the source wrote, when it wrote one.
    pub fn tz_offset(&self) -> Option<i16> {
        (self.tz != TZ_NONE).then_some(self.tz)
    }
    /// Set the UTC offset in minutes (`i16::MIN` minutes, far beyond any real offset, reads
    /// back as none).
    pub fn set_tz_offset(&mut self, tz: Option<i16>) {
        self.tz = tz.unwrap_or(TZ_NONE);
    }
    /// What the event is.
    pub fn kind(&self) -> Kind {
        Kind::ALL[self.field(KIND_SHIFT, 3) as usize]
    }
    /// Set the kind.
    pub fn set_kind(&mut self, kind: Kind) {
        let i = Kind::ALL.iter().position(|&k| k == kind).unwrap_or(0);
        self.set_field(KIND_SHIFT, 3, i as u16);
    }
    /// The severity.
    pub fn level(&self) -> Option<Level> {
        match self.field(LEVEL_SHIFT, 3) {
            0 => None,
            n => Level::ALL.get(n as usize - 1).copied(),
        }
    }
    /// Set the severity.
    pub fn set_level(&mut self, level: Option<Level>) {
        self.set_field(LEVEL_SHIFT, 3, level.map_or(0, |l| l as u16));
    }
    /// A span's status.
    pub fn status(&self) -> Option<Status> {
        match self.field(STATUS_SHIFT, 2) {
            1 => Some(Status::Unset),
            2 => Some(Status::Ok),
            3 => Some(Status::Error),
            _ => None,
        }
    }
    /// Set the status.
    pub fn set_status(&mut self, status: Option<Status>) {
        let n = match status {
            None => 0,
            Some(Status::Unset) => 1,
            Some(Status::Ok) => 2,
            Some(Status::Error) => 3,
        };
        self.set_field(STATUS_SHIFT, 2, n);
    }
    /// A schedule operation.
    pub fn op(&self) -> Option<Op> {
        match self.field(OP_SHIFT, 4) {
            0 => None,
            n => Op::ALL.get(n as usize - 1).copied(),
        }
    }
    /// Set the operation.
    pub fn set_op(&mut self, op: Option<Op>) {
        let n = op.map_or(0, |o| Op::ALL.iter().position(|&x| x == o).unwrap_or(0) + 1);
        self.set_field(OP_SHIFT, 4, n as u16);
    }
}

impl PartialEq for Event {
    /// Field by field on the decoded values (so a wide number equals itself wherever it was
    /// pooled, and floats compare as floats), like the derived comparison of the plain fields.
    fn eq(&self, o: &Event) -> bool {
        self.ts == o.ts
            && self.dur() == o.dur()
            && self.source == o.source
            && self.line == o.line
            && self.seq == o.seq
            && self.tz == o.tz
            && self.kind() == o.kind()
            && self.level() == o.level()
            && self.status() == o.status()
            && self.op() == o.op()
            && self.service == o.service
            && self.thread == o.thread
            && self.trace == o.trace
            && self.span == o.span
            && self.parent == o.parent
            && self.request == o.request
            && self.name == o.name
            && self.msg == o.msg
            && self.obj == o.obj
            && self.value() == o.value()
            && self.attr_start == o.attr_start
            && self.attr_len == o.attr_len
    }
}

impl std::fmt::Debug for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Event")
            .field("ts", &self.ts)
            .field("dur", &self.dur())
            .field("source", &self.source())
            .field("line", &self.line)
            .field("seq", &self.seq)
            .field("tz_offset", &self.tz_offset())
            .field("kind", &self.kind())
            .field("level", &self.level())
            .field("status", &self.status())
            .field("op", &self.op())
            .field("service", &self.service)
            .field("thread", &self.thread)
            .field("trace", &self.trace)
            .field("span", &self.span)
            .field("parent", &self.parent)
            .field("request", &self.request)
            .field("name", &self.name)
            .field("msg", &self.msg)
            .field("obj", &self.obj)
            .field("value", &self.value())
            .field("attr_start", &self.attr_start)
            .field("attr_len", &self.attr_len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn event_fields_round_trip() {
        use super::*;
        let s = crate::model::Strings::new();
        for kind in Kind::ALL {
            let mut e = Event::new(kind, 5);
            assert_eq!(
                (e.kind(), e.dur(), e.level(), e.status(), e.op()),
                (kind, None, None, None, None)
            );
            assert_eq!(
                (e.value(), e.tz_offset(), e.source(), e.attr_len()),
                (Value::Null, None, 0, 0)
            );
            for level in Level::ALL.map(Some).into_iter().chain([None]) {
                e.set_level(level);
                assert_eq!(e.level(), level);
            }
            for status in [
                Some(Status::Unset),
                Some(Status::Ok),
                Some(Status::Error),
                None,
            ] {
                e.set_status(status);
                assert_eq!(e.status(), status);
            }
            for op in Op::ALL.map(Some).into_iter().chain([None]) {
                e.set_op(op);
                assert_eq!(e.op(), op);
            }
            assert_eq!(e.kind(), kind, "the other fields leave the kind alone");
        }
        let mut e = Event::new(Kind::Span, 0);
        e.set_level(Some(Level::Fatal));
        e.set_status(Some(Status::Error));
        e.set_op(Some(Op::Note));
        for dur in [
            Some(0),
            Some(1),
            Some((1 << 31) - 1),
            Some(1 << 31),
            Some(u32::MAX as i64),
            Some(-1),
            Some(i64::MIN),
            Some(i64::MAX),
            None,
        ] {
            e.set_dur(dur);
            assert_eq!(e.dur(), dur);
        }
        e.set_dur(Some(i64::MAX));
        e.ts = 10;
        assert_eq!(e.end(), i64::MAX);
        for v in [
            Value::Null,
            Value::Bool(true),
            Value::Int(-7),
            Value::Int(i64::MIN),
            Value::Float(1.5),
            Value::Float(0.1),
            Value::Str(s.intern("x")),
        ] {
            e.set_value(v);
            assert_eq!(e.value(), v);
        }
        for tz in [
            Some(0),
            Some(-720),
            Some(i16::MAX),
            Some(i16::MIN + 1),
            None,
        ] {
            e.set_tz_offset(tz);
            assert_eq!(e.tz_offset(), tz);
        }
        e.set_source(65_535);
        e.set_attr_len(65_535);
        e.line = u32::MAX;
        e.seq = 3;
        assert_eq!((e.source(), e.attr_len()), (65_535, 65_535));
        assert_eq!(e.order_key(), (10, 65_535, u32::MAX, 3));
        assert_eq!(
            (e.kind(), e.level(), e.status(), e.op()),
            (
                Kind::Span,
                Some(Level::Fatal),
                Some(Status::Error),
                Some(Op::Note)
            )
        );
        // Equality is on the decoded fields: the same wide numbers pooled twice are equal.
        e.set_value(Value::Float(0.1));
        let mut a = e.clone();
        a.set_dur(Some(i64::MAX));
        a.set_value(Value::Float(0.1));
        assert_eq!(a, e);
        a.set_value(Value::Float(0.2));
        assert_ne!(a, e);
        let dbg = format!("{e:?}");
        assert!(
            dbg.contains("dur: Some(9223372036854775807)") && dbg.contains("kind: Span"),
            "{dbg}"
        );
    }

    #[test]
    fn event_stays_compact() {
        // The store holds tens of millions of these: keep an eye on the size.
        assert_eq!(std::mem::size_of::<super::Event>(), 72);
        assert_eq!(std::mem::size_of::<super::Attr>(), 8);
    }
}
