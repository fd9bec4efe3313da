//! The output of a parser: events, their attributes and the problems met, for one chunk or file.

use crate::model::strings::Deferred;
use crate::model::{Attr, Event, ParseError, Strings, Sym, Value, KEPT_ERRORS};

pub use crate::model::event::INHERIT_TS;

/// What every parser is given: the shared interner and how to read times without a zone.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub strings: Strings,
    /// Offset (minutes east of UTC) for times written without one; `--tz`.
    pub default_offset_min: i32,
}

impl Ctx {
    /// A context with UTC as the default zone.
    pub fn new(strings: Strings) -> Self {
        Ctx {
            strings,
            default_offset_min: 0,
        }
    }
    /// Intern a string.
    pub fn sym(&self, s: &str) -> Sym {
        self.strings.intern(s)
    }
    /// Intern a string as a value.
    pub fn str_value(&self, s: &str) -> Value {
        Value::Str(self.strings.intern(s))
    }
}

/// Events and errors from one parse. Line numbers and sequence numbers are relative to the
/// chunk; the loader rebases them.
#[derive(Debug, Default)]
pub struct Batch {
    pub events: Vec<Event>,
    /// Attributes; `Event::attr_start` indexes this vector until the loader rebases it.
    pub attrs: Vec<Attr>,
    pub errors: Vec<ParseError>,
    pub error_count: u64,
    /// Of `error_count`, the errors whose line was kept (see [`Batch::error_kept`]); the
    /// others were skipped.
    pub errors_kept: u64,
    /// Events whose time had no zone.
    pub naive_times: u64,
    /// Remarks about skipped or assumed things, shown by `stats`.
    pub notes: Vec<String>,
    /// Continuation lines met before this chunk's first record: they belong to the last event
    /// of the chunk before.
    pub leading: Vec<(u32, String)>,
    /// Lines in the chunk (for rebasing the next chunk's line numbers).
    pub lines: u32,
    /// Record strings put off until [`Batch::finish`] (events and attributes hold placeholders
    /// for them until then); `None` interns at once.
    pub deferred: Option<Deferred>,
    /// The record keys met in this batch (for the one-pass JSON reader).
    pub keys: crate::ingest::json::keys::KeyMemo,
    /// The clock's backwards jumps over the events appended so far (kept by the loader).
    pub clock: crate::model::jumps::JumpTracker,
    /// An attribute key was beyond [`Attr::MAX_KEY`] (its attribute was dropped): the load
    /// fails with [`LoadError::KeyLimit`](crate::ingest::LoadError::KeyLimit).
    pub over_key_limit: bool,
    attr_mark: usize,
    open_cont: Option<String>,
}

impl Batch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty batch that interns its records' strings together when it is finished.
    pub fn deferring() -> Self {
        Batch {
            deferred: Some(Deferred::new()),
            ..Self::default()
        }
    }

    /// Add an attribute to the event being built (call before [`Batch::push`]).
    pub fn attr(&mut self, key: Sym, value: Value) {
        match Attr::try_new(key, value) {
            Some(a) => self.attrs.push(a),
            None => self.over_key_limit = true,
        }
    }

    /// Drop the attributes added since the last push (a record that turned out to be invalid).
    pub fn discard_attrs(&mut self) {
        self.attrs.truncate(self.attr_mark);
    }

    /// Finish an event: it takes the attributes added since the last push, at most
    /// [`Event::MAX_ATTRS`] of them: beyond that the first ones are kept and the line gets a
    /// parse error that says how many were dropped.
    pub fn push(&mut self, mut ev: Event, ctx: &Ctx) {
        self.flush_cont(ctx);
        let n = self.attrs.len() - self.attr_mark;
        if n > Event::MAX_ATTRS {
            self.attrs.truncate(self.attr_mark + Event::MAX_ATTRS);
            self.error(
                ev.line,
                format!(
                    "{} attributes dropped: an event keeps at most {}",
                    n - Event::MAX_ATTRS,
                    Event::MAX_ATTRS
                ),
            );
        }
        ev.attr_start = self.attr_mark as u32;
        ev.set_attr_len((self.attrs.len() - self.attr_mark) as u32);
        ev.seq = self.events.len() as u32;
        self.attr_mark = self.attrs.len();
        self.events.push(ev);
    }

    /// Record a parse error (all are counted; the first ones are kept verbatim).
    pub fn error(&mut self, line: u32, reason: impl Into<String>) {
        self.error_count += 1;
        if self.errors.len() < KEPT_ERRORS {
            self.errors.push(ParseError {
                line,
                reason: reason.into(),
            });
        }
    }

    /// Record a parse error about a line that is kept anyway: as an event of its own (pushed
    /// by the caller), or read with repairs. The reason should say which.
    pub fn error_kept(&mut self, line: u32, reason: impl Into<String>) {
        self.errors_kept += 1;
        self.error(line, reason);
    }

    /// A line that is neither a record nor text that plausibly continues one (see
    /// [`continues_record`]): kept as an event of its own, with the time of the record above
    /// and the line as its message, and counted with `why` it is not a record.
    pub fn stray_line(&mut self, line: u32, text: &str, why: &str, ctx: &Ctx) {
        if continues_record(text) {
            self.continuation(line, text);
            return;
        }
        self.error_kept(
            line,
            format!("{why}; kept as an event of its own (time of the record above)"),
        );
        let mut ev = Event::new(crate::model::Kind::Log, INHERIT_TS);
        ev.line = line;
        ev.msg = Some(ctx.sym(text.trim()));
        self.push(ev, ctx);
    }

    /// Add a note once (deduplicated).
    pub fn note(&mut self, note: impl Into<String>) {
        let n = note.into();
        if !self.notes.contains(&n) {
            self.notes.push(n);
        }
    }

    /// A continuation line (a stack trace line, say): appended to the message of the event
    /// before it, with a newline.
    pub fn continuation(&mut self, line: u32, text: &str) {
        if self.events.is_empty() {
            self.leading.push((line, text.to_string()));
            return;
        }
        let c = self.open_cont.get_or_insert_with(String::new);
        c.push('\n');
        c.push_str(text);
    }

    /// Apply pending continuation text and intern the deferred strings; call once when the
    /// chunk is done.
    pub fn finish(&mut self, ctx: &Ctx) {
        self.flush_cont(ctx);
        if let Some(d) = self.deferred.as_mut().filter(|d| !d.is_empty()) {
            let ids = ctx.strings.intern_deferred(d);
            let real = |s: Sym| {
                if s.is_placeholder() {
                    ids[s.placeholder_index()]
                } else {
                    s
                }
            };
            let real_opt = |s: &mut Option<Sym>| {
                if let Some(x) = s {
                    *x = real(*x);
                }
            };
            for e in &mut self.events {
                for f in [
                    &mut e.service,
                    &mut e.thread,
                    &mut e.trace,
                    &mut e.span,
                    &mut e.parent,
                    &mut e.request,
                    &mut e.name,
                    &mut e.msg,
                    &mut e.obj,
                ] {
                    real_opt(f);
                }
                if let Value::Str(s) = e.value() {
                    e.set_value(Value::Str(real(s)));
                }
            }
            for a in &mut self.attrs {
                if let Some(s) = a.str_sym().filter(|s| s.is_placeholder()) {
                    a.set_str_sym(real(s));
                }
            }
        }
    }

    fn flush_cont(&mut self, ctx: &Ctx) {
        if let Some(c) = self.open_cont.take() {
            if let Some(last) = self.events.last_mut() {
                append_msg(last, &c, ctx, self.deferred.as_ref());
            }
        }
    }
}

/// True for a line that continues the record above rather than starting one: indented
/// (stack frames, wrapped text), without a letter or digit (`}`, `----`, the end of a
/// pretty-printed document), or a line that stack traces and panics print unindented
/// (`Caused by:`, `Traceback (most recent call last):`, `java.io.IOException: …`,
/// `ValueError: …`, `panic: …`, `goroutine 7 [running]:`, `main.main()`).
pub fn continues_record(text: &str) -> bool {
    if text.starts_with([' ', '\t']) || !text.chars().any(char::is_alphanumeric) {
        return true;
    }
    const STARTS: [&str; 11] = [
        "Caused by:",
        "Suppressed:",
        "Traceback (most recent call last)",
        "During handling of the above exception",
        "The above exception was the direct cause",
        "panic: ",
        "fatal error: ",
        "goroutine ",
        "created by ",
        "[signal ",
        "...",
    ];
    if STARTS.iter().any(|s| text.starts_with(s)) {
        return true;
    }
    // `pkg.Type: message`, `ValueError`, `main.(*T).run(...)`: a dotted name or an exception
    // type, alone or before a colon or an argument list.
    let head = text.split([':', '(', ' ']).next().unwrap_or_default();
    let name_like = !head.is_empty()
        && head
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"._$*".contains(&c));
    let rest = &text[head.len()..];
    name_like
        && ([
            "Exception",
            "Error",
            "Throwable",
            "Warning",
            "Interrupt",
            "Exit",
        ]
        .iter()
        .any(|s| head.ends_with(s))
            || head.contains('.') && rest.starts_with('('))
        && (rest.is_empty() || rest.starts_with([':', '(']))
}

/// Append text (which starts with a newline) to an event's message (which may still be a
/// placeholder of `deferred`).
pub fn append_msg(ev: &mut Event, text: &str, ctx: &Ctx, deferred: Option<&Deferred>) {
    let merged = match ev.msg {
        Some(m) => {
            let old = match deferred.and_then(|d| d.text(m)) {
                Some(t) => t,
                None => ctx.strings.resolve(m),
            };
            format!("{old}{text}")
        }
        None => text.trim_start_matches('\n').to_string(),
    };
    ev.msg = Some(ctx.sym(&merged));
}

#[cfg(test)]
mod tests {
    use super::continues_record;

    #[test]
    fn stack_traces_continue_records_and_stray_text_does_not() {
        for l in [
            "\tat java.lang.Thread.run(Thread.java:745)",
            "    at foo (bar.js:1)",
            "java.lang.IllegalStateException: boom",
            "Caused by: java.io.IOException",
            "Traceback (most recent call last):",
            "ValueError: invalid literal",
            "KeyboardInterrupt",
            "panic: runtime error: index out of range",
            "goroutine 1 [running]:",
            "main.(*Server).run(0xc000010000)",
            "}",
            "-----",
        ] {
            assert!(continues_record(l), "{l}");
        }
        for l in [
            "listening on :8080",
            "this is garbage",
            "2025-01-01 24:00:00 INFO bad time",
            "Error code 5 seen",
            "[1,2]",
            "paths = {",
        ] {
            assert!(!continues_record(l), "{l}");
        }
    }
}
