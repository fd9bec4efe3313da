//! What an event is, its severity, a span's status and a schedule operation: small enums
//! that an event packs into its flags.

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
        // The usual spellings (any case), without the general path's copy and trim.
        let common = |name: &str, l: Level| s.eq_ignore_ascii_case(name).then_some(l);
        let hit = match s.len() {
            4 => common("info", Level::Info).or_else(|| common("warn", Level::Warn)),
            5 => common("error", Level::Error)
                .or_else(|| common("debug", Level::Debug))
                .or_else(|| common("trace", Level::Trace))
                .or_else(|| common("fatal", Level::Fatal)),
            _ => None,
        };
        if hit.is_some() {
            return hit;
        }
        let s = s.trim();
        if s.is_empty() || s.len() > 12 {
            return None;
        }
        if let Ok(n) = s.parse::<i64>() {
            return Level::from_number(n);
        }
        // At most 12 bytes: lowered on the stack (this runs once or twice per record).
        let mut buf = [0u8; 12];
        let lower = &mut buf[..s.len()];
        lower.copy_from_slice(s.as_bytes());
        lower.make_ascii_lowercase();
        let lower = std::str::from_utf8(lower).ok()?;
        Some(match lower {
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
