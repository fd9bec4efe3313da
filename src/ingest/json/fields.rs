//! Which keys of a structured record (JSON or logfmt) carry the normalised fields, across the
//! common loggers: bunyan, pino, zap, logrus, slog, tracing-subscriber, ECS, serilog CLEF, go-kit.

use std::collections::HashMap;

/// A normalised field that a record key can fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Time,
    Level,
    Msg,
    Trace,
    Span,
    Parent,
    Request,
    Service,
    Thread,
}

/// Keys per target, best first: when a record has several, the earliest in the list wins and
/// the others stay attributes.
const TABLE: &[(Target, &[&str])] = &[
    (
        Target::Time,
        &[
            "time",
            "ts",
            "timestamp",
            "@timestamp",
            "@t",
            "Timestamp",
            "Time",
            "date",
            "datetime",
            "eventTime",
            "time_local",
            "t",
        ],
    ),
    (
        Target::Level,
        &[
            "level",
            "lvl",
            "severity",
            "log.level",
            "levelname",
            "level_name",
            "loglevel",
            "@l",
            "Level",
            "severity_text",
            "SeverityText",
            "LogLevel",
            "log_level",
        ],
    ),
    (
        Target::Msg,
        &[
            "msg",
            "message",
            "fields.message",
            "@m",
            "@message",
            "Message",
            "log.message",
            "MessageTemplate",
            "@mt",
            "event",
            "body",
            "Body",
        ],
    ),
    (
        Target::Trace,
        &[
            "trace_id",
            "traceId",
            "trace.id",
            "traceID",
            "TraceId",
            "dd.trace_id",
            "traceid",
        ],
    ),
    (
        Target::Span,
        &[
            "span_id",
            "spanId",
            "span.id",
            "spanID",
            "SpanId",
            "dd.span_id",
            "spanid",
        ],
    ),
    (
        Target::Parent,
        &[
            "parent_id",
            "parentId",
            "parent_span_id",
            "parentSpanId",
            "parent.id",
        ],
    ),
    (
        Target::Request,
        &[
            "req_id",
            "request_id",
            "requestId",
            "reqId",
            "x-request-id",
            "X-Request-Id",
            "x_request_id",
            "http.request.id",
            "request.id",
            "req.id",
            "RequestId",
        ],
    ),
    (
        Target::Service,
        &[
            "service",
            "service.name",
            "app",
            "service_name",
            "serviceName",
            "application",
            "app.name",
        ],
    ),
    (
        Target::Thread,
        &[
            "thread",
            "tid",
            "goroutine",
            "threadName",
            "thread.name",
            "thread_name",
            "threadId",
            "thread_id",
            "process.thread.name",
            "thread.id",
            "goroutine_id",
        ],
    ),
];

/// Wrapper objects some loggers nest the fields in (`@fields.level`, `fields.message`): the
/// inner key is recognised with a lower rank than a top-level one.
const WRAPPERS: &[&str] = &["@fields.", "fields.", "@metadata.", "data.", "log."];

/// The target a key fills, with its rank (lower is better).
pub fn classify(key: &str) -> Option<(Target, u8)> {
    classify_exact(key).or_else(|| {
        if !key.contains('.') {
            return None;
        }
        WRAPPERS.iter().find_map(|w| {
            let inner = key.strip_prefix(w)?;
            classify_exact(inner).map(|(t, r)| (t, r.saturating_add(32)))
        })
    })
}

fn classify_exact(key: &str) -> Option<(Target, u8)> {
    static INDEX: std::sync::LazyLock<HashMap<&'static str, (Target, u8), ahash::RandomState>> =
        std::sync::LazyLock::new(|| {
            let mut m = HashMap::with_hasher(ahash::RandomState::new());
            for (target, keys) in TABLE {
                for (rank, k) in keys.iter().enumerate() {
                    m.entry(*k).or_insert((*target, rank as u8));
                }
            }
            m
        });
    INDEX.get(key).copied()
}

/// The best-ranked candidate per target for one record: which entry (by index) fills it.
#[derive(Default, Debug)]
pub struct Picks {
    slots: [Option<(u8, usize)>; 9],
    /// The chosen entries below 64 as bits (an entry has one target, so one slot at most).
    chosen: u64,
}

impl Picks {
    fn slot(t: Target) -> usize {
        t as usize
    }
    /// Offer entry `idx` for `target` at `rank`; keeps the best.
    pub fn offer(&mut self, target: Target, rank: u8, idx: usize) {
        let s = &mut self.slots[Self::slot(target)];
        if s.is_none_or(|(r, _)| rank < r) {
            if let Some((_, old)) = *s {
                self.chosen &= !bit(old);
            }
            *s = Some((rank, idx));
            self.chosen |= bit(idx);
        }
    }
    /// The entry chosen for `target`.
    pub fn get(&self, target: Target) -> Option<usize> {
        self.slots[Self::slot(target)].map(|(_, i)| i)
    }
    /// True when entry `idx` was chosen for some target: one bit test for the usual record.
    pub fn is_picked(&self, idx: usize) -> bool {
        if idx < 64 {
            return self.chosen & bit(idx) != 0;
        }
        self.slots
            .iter()
            .any(|s| matches!(s, Some((_, i)) if *i == idx))
    }
}

/// Entry `idx`'s bit in [`Picks::chosen`] (none from 64 on).
fn bit(idx: usize) -> u64 {
    1u64.checked_shl(idx as u32).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks() {
        assert_eq!(classify("msg"), Some((Target::Msg, 0)));
        assert_eq!(classify("@timestamp").map(|x| x.0), Some(Target::Time));
        assert_eq!(classify("trace.id").map(|x| x.0), Some(Target::Trace));
        assert_eq!(classify("x-request-id").map(|x| x.0), Some(Target::Request));
        assert_eq!(classify("hostname"), None);
        assert_eq!(classify("pid"), None);
        assert_eq!(classify("@fields.lvl").map(|x| x.0), Some(Target::Level));
        assert_eq!(classify("@fields.msg"), Some((Target::Msg, 32)));
        let mut p = Picks::default();
        p.offer(Target::Msg, 2, 5);
        p.offer(Target::Msg, 0, 1);
        p.offer(Target::Msg, 1, 3);
        assert_eq!(p.get(Target::Msg), Some(1));
        assert!(p.is_picked(1) && !p.is_picked(3));
        assert!(!p.is_picked(5), "a replaced pick is no longer chosen");
    }
}
