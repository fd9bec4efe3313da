//! The driver: read inputs (plain or gzip), detect each format by content, parse in parallel
//! (line formats in chunks split at line boundaries), and merge everything into one [`Store`].
//!
//! [`input`] reads inputs (files, streams, gzip) in pieces, [`sniff`] detects formats,
//! [`chunks`] parses line formats in parallel with [`ordered`] merging the chunks in file
//! order. A line format is parsed as it is read, so memory holds what is stored plus a few
//! chunks; a whole-document format (Chrome, Jaeger, Zipkin, OTLP documents, race reports) is
//! read whole first.

pub mod chunks;
pub mod input;
pub mod ordered;
pub mod sniff;

pub use crate::model::Grown;
pub use chunks::{
    merge_batches, parse_chunk, parse_chunks, parse_doc, parse_lines, split_chunks, DocFn, LineFn,
    CHUNK,
};
pub use input::{LineChunks, Reader};

use crate::ingest::batch::{Batch, Ctx, INHERIT_TS};
use crate::ingest::formats::{
    chrome, gorace, jaeger, jsonl, logfmt, plain, schedule, tsan, zipkin,
};
use crate::ingest::{json, otlp};
use crate::model::{time, Event, Format, LivePart, Parsed, Refused, Source, Store, Strings};
use rayon::prelude::*;

/// A load-time clock correction for one source: `--shift SOURCE=+2h`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shift {
    /// The source as given on the command line, or its file name, or a suffix of its path.
    pub source: String,
    pub ns: i64,
}

impl std::str::FromStr for Shift {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (src, dur) = s
            .rsplit_once('=')
            .ok_or_else(|| format!("expected SOURCE=DURATION (e.g. api.log=+2h), got '{s}'"))?;
        let ns = time::parse_duration(dur)
            .ok_or_else(|| format!("'{dur}' is not a duration (e.g. +2h, -30m, 1.5s)"))?;
        Ok(Shift {
            source: src.to_string(),
            ns,
        })
    }
}

impl Shift {
    /// True when this shift names `path`.
    pub fn matches(&self, path: &str) -> bool {
        path == self.source
            || path.ends_with(&format!("/{}", self.source))
            || std::path::Path::new(path)
                .file_name()
                .is_some_and(|f| f.to_string_lossy() == self.source)
    }
}

/// A size in bytes: a number with an optional unit, K, M, G or T (powers of 1024, an optional
/// `B` or `iB` after it), e.g. `2G`, `500M`, `1.5GiB`, `4096`.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let t = t
        .strip_suffix("iB")
        .or_else(|| t.strip_suffix('B'))
        .unwrap_or(t);
    let split = t.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let shift = match unit.to_ascii_uppercase().as_str() {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        "T" => 40,
        _ => return Err(format!("'{s}' is not a size (e.g. 2G, 500M, 4096)")),
    };
    let n: f64 = num
        .trim()
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite() && *n >= 0.0)
        .ok_or_else(|| format!("'{s}' is not a size (e.g. 2G, 500M, 4096)"))?;
    let bytes = n * (1u64 << shift) as f64;
    if bytes >= u64::MAX as f64 {
        return Err(format!("'{s}' is too large"));
    }
    Ok(bytes as u64)
}

/// How to load.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// Offset (minutes) for times written without a zone (`--tz`); UTC by default.
    pub default_offset_min: i32,
    /// Clock corrections per source.
    pub shifts: Vec<Shift>,
    /// Skip detection and read every input as this format.
    pub format: Option<Format>,
    /// Bytes parsed so far, for progress displays.
    pub progress: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
    /// Intern into this table (shared with live parsers) instead of a new one.
    pub strings: Option<Strings>,
    /// Refuse an input with more bytes than this, after decompression (`--max-input`).
    pub max_input: Option<u64>,
}

impl LoadOptions {
    fn advance(&self, n: usize) {
        if let Some(p) = &self.progress {
            p.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// Why an input could not be loaded at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The reason is in the message, not repeated as a source (the CLI prints the chain).
    #[error("{}: {reason}", shown(path))]
    Io {
        path: String,
        reason: std::io::Error,
    },
    #[error("{}: cannot detect the format: {reason}", shown(path))]
    Undetectable { path: String, reason: String },
    #[error("{}: {reason}", shown(path))]
    Invalid { path: String, reason: String },
    /// More inputs than a store can tell apart (an event names its source in 16 bits).
    #[error(
        "{}: too many inputs: a store holds at most {max} sources",
        shown(path)
    )]
    TooManySources { path: String, max: usize },
    /// The string table has no room for more distinct text.
    #[error("{}: {reason}", shown(path))]
    StringsFull { path: String, reason: String },
    /// An attribute key's index is beyond what an attribute can hold.
    #[error(
        "{}: more than {max} distinct strings before an attribute key",
        shown(path)
    )]
    KeyLimit { path: String, max: usize },
    /// The store cannot hold this input beside the others.
    #[error("{}: {reason}", shown(path))]
    Refused { path: String, reason: Refused },
    /// More bytes than `--max-input` allows (counted after decompression).
    #[error(
        "{}: more than {max} bytes (after decompression); raise --max-input to read it",
        shown(path)
    )]
    TooLarge { path: String, max: u64 },
}

/// A path as an error shows it: control characters escaped.
fn shown(path: &str) -> std::borrow::Cow<'_, str> {
    crate::text::sanitize(path, true)
}

/// The error for a store that has no room for the source at `path`.
fn too_many_sources(path: &str) -> LoadError {
    LoadError::TooManySources {
        path: path.to_string(),
        max: Event::MAX_SOURCES,
    }
}

/// The error for a store that refused the source at `path`.
fn refused(path: &str, reason: Refused) -> LoadError {
    match reason {
        Refused::TooManySources { max } => LoadError::TooManySources {
            path: path.to_string(),
            max,
        },
        reason => LoadError::Refused {
            path: path.to_string(),
            reason,
        },
    }
}

/// Load files into one store, in parallel. Fails on the first input that cannot be read or
/// whose format cannot be detected, or that goes past a size limit; bad records inside an
/// input are counted, not fatal.
pub fn load_files(paths: &[String], opts: &LoadOptions) -> Result<Store, LoadError> {
    // Refused before any is read.
    if let Some(p) = paths.get(Event::MAX_SOURCES) {
        return Err(too_many_sources(p));
    }
    let strings = opts.strings.clone().unwrap_or_default();
    let ctx = Ctx {
        strings: strings.clone(),
        default_offset_min: opts.default_offset_min,
    };
    let parsed: Vec<Result<(Source, Batch), LoadError>> = paths
        .par_iter()
        .map(|p| parse_reader(p, Reader::open(p, opts.max_input)?, &ctx, opts))
        .collect();
    crate::timing::mark("parsed");
    let store = into_store(strings, parsed)?;
    crate::timing::mark("merged and sorted");
    Ok(store)
}

/// Load in-memory inputs (embedded samples, tests) as if they were files.
pub fn load_named_bytes(inputs: &[(&str, &[u8])], opts: &LoadOptions) -> Result<Store, LoadError> {
    if let Some((p, _)) = inputs.get(Event::MAX_SOURCES) {
        return Err(too_many_sources(p));
    }
    let strings = opts.strings.clone().unwrap_or_default();
    let ctx = Ctx {
        strings: strings.clone(),
        default_offset_min: opts.default_offset_min,
    };
    let parsed: Vec<_> = inputs
        .iter()
        .map(|(name, bytes)| parse_bytes(name, bytes, &ctx, opts))
        .collect();
    into_store(strings, parsed)
}

/// One store of the parsed inputs, in order; the first failure is the error.
fn into_store(
    strings: Strings,
    parsed: Vec<Result<(Source, Batch), LoadError>>,
) -> Result<Store, LoadError> {
    let mut parts = Vec::with_capacity(parsed.len());
    for r in parsed {
        let (src, batch) = r?;
        parts.push((src, into_parsed(batch)));
    }
    let last = parts
        .last()
        .map(|(s, _)| s.path.clone())
        .unwrap_or_default();
    let mut store = Store::new(strings);
    store
        .append_sources(parts)
        .map_err(|reason| refused(&last, reason))?;
    Ok(store)
}

/// A batch's events and attributes, as a store takes them.
fn into_parsed(batch: Batch) -> Parsed {
    Parsed {
        events: batch.events,
        attrs: batch.attrs,
    }
}

/// Append one parsed source to a store, in time order ([`Store::append_source`]). Fails,
/// leaving the store as it was, when it already holds [`Event::MAX_SOURCES`] sources.
pub fn absorb(store: &mut Store, src: Source, batch: Batch) -> Result<(), LoadError> {
    let path = src.path.clone();
    store
        .append_source(src, into_parsed(batch))
        .map_err(|r| refused(&path, r))
}

/// A batch that arrived live, with the name and format of where it came from.
pub struct LiveBatch {
    pub path: String,
    pub format: Format,
    pub batch: Batch,
}

/// Append live batches (each to its source, added when missing), keeping time order
/// ([`Store::merge_live`]).
///
/// Fails, leaving the store as it was, when the new sources would not fit in
/// [`Event::MAX_SOURCES`], or the string table shared with the store is full.
pub fn absorb_live(
    store: &mut Store,
    batches: impl IntoIterator<Item = LiveBatch>,
) -> Result<Grown, LoadError> {
    let mut parts = Vec::new();
    for LiveBatch {
        path,
        format,
        mut batch,
    } in batches
    {
        check_limits(&path, &batch, store.strings())?;
        fill_inherited_times(&mut batch);
        let errors = std::mem::take(&mut batch.errors);
        parts.push(LivePart {
            path,
            format,
            parsed: into_parsed(batch),
            errors,
        });
    }
    let first = parts.first().map(|p| p.path.clone());
    store.merge_live(parts).map_err(|r| {
        let path = match &r {
            Refused::TooManySources { .. } => None,
            _ => first,
        };
        refused(path.as_deref().unwrap_or("live input"), r)
    })
}

/// The size limits a parse may have gone past: the string table's, and the attribute key's.
fn check_limits(path: &str, batch: &Batch, strings: &Strings) -> Result<(), LoadError> {
    if let Some(reason) = strings.full() {
        return Err(LoadError::StringsFull {
            path: path.to_string(),
            reason,
        });
    }
    if batch.over_key_limit {
        return Err(LoadError::KeyLimit {
            path: path.to_string(),
            max: crate::model::Attr::MAX_KEY + 1,
        });
    }
    Ok(())
}

/// Detect and parse one input's bytes. The returned batch has rebased lines and sequence
/// numbers, times filled in and shifts applied.
pub fn parse_bytes(
    path: &str,
    bytes: &[u8],
    ctx: &Ctx,
    opts: &LoadOptions,
) -> Result<(Source, Batch), LoadError> {
    parse_reader(path, Reader::from_slice(path, bytes), ctx, opts)
}

/// [`parse_bytes`] of an input read as it is parsed: its format is detected from the first
/// bytes, and a line format is parsed chunk by chunk as the rest arrives.
pub fn parse_reader(
    path: &str,
    mut r: Reader,
    ctx: &Ctx,
    opts: &LoadOptions,
) -> Result<(Source, Batch), LoadError> {
    let mut head = Vec::new();
    r.read_into(&mut head, sniff::HEAD)?;
    let format = match opts.format {
        Some(f) => f,
        None => sniff::sniff(&head).map_err(|reason| LoadError::Undetectable {
            path: path.to_string(),
            reason,
        })?,
    };
    let line: Option<LineFn> = match format {
        Format::Jsonl => Some(jsonl::line),
        Format::Logfmt => Some(logfmt::line),
        Format::Plain => Some(plain::line),
        Format::Schedule => Some(schedule::line),
        Format::Otlp => {
            // OTLP JSON lines, or one document: told by the whole first line.
            while memchr::memchr(b'\n', &head).is_none() && r.read_into(&mut head, CHUNK)? > 0 {}
            first_line_is_object(&head).then_some(otlp::line as LineFn)
        }
        _ => None,
    };
    let doc: DocFn = match format {
        Format::Jaeger => jaeger::parse_doc,
        Format::Zipkin => zipkin::parse_doc,
        Format::Chrome => chrome::parse_doc,
        Format::Gorace => gorace::parse_doc,
        Format::Tsan => tsan::parse_doc,
        _ => otlp::parse_doc,
    };
    let mut batch = match line {
        _ if format == Format::Empty => Batch::new(),
        Some(line) => {
            let expected = r.expected.map(|n| n as usize);
            let spare = input::Spare::default();
            let mut chunks = LineChunks::new(&mut r, std::mem::take(&mut head), CHUNK, &spare);
            let b = parse_chunks(&mut chunks, expected, ctx, line, |c| {
                opts.advance(c.len());
                LineChunks::recycle(&spare, c);
            });
            if let Some(e) = chunks.failed.take() {
                return Err(e);
            }
            b
        }
        None => {
            r.read_rest(&mut head)?;
            opts.advance(head.len());
            parse_doc(&head, ctx, doc)
        }
    };
    let mut src = Source::new(path, format);
    if format == Format::Empty {
        src.notes.push("empty input".into());
    }
    src.bytes = r.read;
    src.gzip = r.gzip;
    if let Some(why) = r.damaged.take() {
        batch.error(0, why);
    }
    if let Some(size) = r.expected.filter(|&n| n > r.read && !r.gzip) {
        batch.note(format!(
            "the file shrank while it was read: {} of {size} bytes read (truncated in place?)",
            r.read
        ));
    }
    check_limits(path, &batch, &ctx.strings)?;
    src.jumps = batch.clock.jumps();
    fill_inherited_times(&mut batch);
    if let Some(shift) = opts.shifts.iter().find(|s| s.matches(path)) {
        src.shift_ns = shift.ns;
        for e in &mut batch.events {
            e.ts = e.ts.saturating_add(shift.ns);
        }
    }
    src.error_count = batch.error_count;
    src.errors_kept = batch.errors_kept;
    src.errors = std::mem::take(&mut batch.errors);
    src.naive_times = batch.naive_times;
    src.notes.append(&mut batch.notes);
    Ok((src, batch))
}

fn first_line_is_object(bytes: &[u8]) -> bool {
    let end = memchr::memchr(b'\n', bytes).unwrap_or(bytes.len());
    let first = String::from_utf8_lossy(&bytes[..end]);
    matches!(json::J::parse(first.trim()), Ok(json::J::Obj(_)))
}

/// Records with no time of their own take the time of the record before them (or, at the
/// start, of the first record that has one).
fn fill_inherited_times(batch: &mut Batch) {
    let first_real = batch
        .events
        .iter()
        .map(|e| e.ts)
        .find(|&t| t != INHERIT_TS)
        .unwrap_or(0);
    let mut prev = first_real;
    for e in &mut batch.events {
        if e.ts == INHERIT_TS {
            e.ts = prev;
        } else {
            prev = e.ts;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_batches_take_their_time_order_and_keep_their_attributes() {
        let ctx = Ctx::new(Strings::new());
        let batch = |times: &[i64]| {
            let text: String = times
                .iter()
                .map(|t| {
                    let ms = 1_700_000_000_000i64 + t;
                    format!("{{\"ts\":{ms},\"msg\":\"m{t}\",\"k\":{t}}}\n")
                })
                .collect();
            parse_chunk(text.as_bytes(), &ctx, jsonl::line)
        };
        let live = |path: &str, times: &[i64]| LiveBatch {
            path: path.into(),
            format: Format::Jsonl,
            batch: batch(times),
        };
        let mut store = Store::new(ctx.strings.clone());
        assert_eq!(
            absorb_live(&mut store, [live("a.log", &[10, 20, 30])]).unwrap(),
            Grown { added: 3, from: 0 }
        );
        // Out of order within a batch, and late against the store; two sources at once.
        let n = absorb_live(
            &mut store,
            [live("a.log", &[40, 15, 5]), live("b.log", &[20])],
        )
        .unwrap();
        assert_eq!(n, Grown { added: 4, from: 0 });
        // Later than everything: nothing before it moves.
        let mut later = store.clone();
        let n = absorb_live(&mut later, [live("a.log", &[50, 45])]).unwrap();
        assert_eq!(n, Grown { added: 2, from: 7 });
        assert_eq!(later.sources()[0].events, 8);
        let t = |e: &Event| e.ts / 1_000_000 - 1_700_000_000_000;
        let times: Vec<i64> = store.events().iter().map(t).collect();
        assert_eq!(times, [5, 10, 15, 20, 20, 30, 40]);
        for e in store.events() {
            let k = store.attr(e, "k").and_then(|v| v.as_f64(store.strings()));
            assert_eq!(k, Some(t(e) as f64));
        }
        assert_eq!(store.sources()[0].events, 6);
        assert_eq!(store.sources()[1].events, 1);
        // Same time: source order decides, as in a load.
        assert_eq!(store.events()[3].source(), 0);
        assert_eq!(store.events()[4].source(), 1);
    }

    #[test]
    fn sources_beyond_the_limit_are_a_load_error() {
        let ctx = Ctx::new(Strings::new());
        let mut store = Store::new(ctx.strings.clone());
        let empty = (0..Event::MAX_SOURCES)
            .map(|i| {
                (
                    Source::new(format!("s{i}"), Format::Jsonl),
                    Parsed::default(),
                )
            })
            .collect();
        store.append_sources(empty).unwrap();
        let batch = || parse_chunk(b"{\"ts\":1,\"msg\":\"m\"}\n", &ctx, jsonl::line);
        let err = absorb(&mut store, Source::new("one.log", Format::Jsonl), batch()).unwrap_err();
        assert!(matches!(err, LoadError::TooManySources { .. }), "{err}");
        assert!(err.to_string().contains("at most 65536 sources"), "{err}");
        let live = |path: &str| LiveBatch {
            path: path.into(),
            format: Format::Jsonl,
            batch: batch(),
        };
        let err = absorb_live(&mut store, [live("s1"), live("new.log")]).unwrap_err();
        assert!(matches!(err, LoadError::TooManySources { .. }), "{err}");
        assert!(store.is_empty(), "a refused merge adds nothing");
        // The last source still takes events, with its index intact.
        let last = format!("s{}", Event::MAX_SOURCES - 1);
        let grown = absorb_live(&mut store, [live(&last)]).unwrap();
        assert_eq!(grown.added, 1);
        assert_eq!(store.events()[0].source() as usize, Event::MAX_SOURCES - 1);
        assert_eq!(store.sources().len(), Event::MAX_SOURCES);
        // A load of too many inputs fails before reading any.
        let names: Vec<String> = (0..=Event::MAX_SOURCES).map(|i| format!("f{i}")).collect();
        let inputs: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
        let err = load_named_bytes(&inputs, &LoadOptions::default()).unwrap_err();
        assert!(matches!(err, LoadError::TooManySources { .. }), "{err}");
        let err = load_files(&names, &LoadOptions::default()).unwrap_err();
        assert!(matches!(err, LoadError::TooManySources { .. }), "{err}");
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("500m"), Ok(500 << 20));
        assert_eq!(parse_size("1.5GiB"), Ok(3 << 29));
        assert_eq!(parse_size("10KB"), Ok(10 << 10));
        for bad in ["", "G", "-1G", "2X", "1e30T", "nan"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn shift_matching() {
        let s: Shift = "api.log=+2h".parse().unwrap();
        assert_eq!(s.ns, 7_200_000_000_000);
        assert!(s.matches("logs/api.log"));
        assert!(s.matches("api.log"));
        assert!(!s.matches("xapi.log"));
        assert!("api.log".parse::<Shift>().is_err());
    }
}

#[cfg(test)]
mod limit_tests {
    use super::*;

    #[test]
    fn a_full_string_table_is_a_load_error_naming_the_file() {
        // Every shard holds 64 KiB of records; 1 MiB of distinct text cannot fit.
        let opts = LoadOptions {
            strings: Some(Strings::with_shard_capacity(64 << 10)),
            ..Default::default()
        };
        let text: String = (0..40_000)
            .map(|i| format!("{{\"ts\":{i},\"msg\":\"a message that is unique: {i:08}\"}}\n"))
            .collect();
        let Err(err) = load_named_bytes(&[("big.jsonl", text.as_bytes())], &opts) else {
            panic!("1.6 MB of distinct text loaded into 1 MiB");
        };
        assert!(matches!(err, LoadError::StringsFull { .. }), "{err}");
        let msg = err.to_string();
        assert!(msg.starts_with("big.jsonl: string table full"), "{msg}");
        // A small input still loads into a table of that size.
        let opts = LoadOptions {
            strings: Some(Strings::with_shard_capacity(64 << 10)),
            ..Default::default()
        };
        let store = load_named_bytes(&[("small.jsonl", &text.as_bytes()[..4000])], &opts);
        assert!(store.is_ok());
    }

    #[test]
    fn an_attribute_key_past_the_limit_is_a_load_error_naming_the_file() {
        fn line(_: &str, _: u32, ctx: &Ctx, out: &mut Batch) {
            let key = crate::model::Sym::from_usize(crate::model::Attr::MAX_KEY + 1);
            out.attr(key, Value::Int(1));
            out.push(crate::model::Event::new(crate::model::Kind::Log, 1), ctx);
        }
        use crate::model::Value;
        let ctx = Ctx::new(Strings::new());
        let batch = parse_lines(b"a\nb\n", &ctx, line);
        assert!(batch.over_key_limit);
        assert!(batch.attrs.is_empty(), "the attribute is dropped");
        let err = check_limits("keys.log", &batch, &ctx.strings).unwrap_err();
        assert!(matches!(err, LoadError::KeyLimit { .. }), "{err}");
        assert!(err.to_string().starts_with("keys.log: more than"), "{err}");
        let live = LiveBatch {
            path: "live.log".into(),
            format: Format::Jsonl,
            batch,
        };
        let mut store = Store::new(ctx.strings.clone());
        let err = absorb_live(&mut store, [live]).unwrap_err();
        assert!(matches!(err, LoadError::KeyLimit { .. }), "{err}");
        assert!(store.is_empty());
    }

    #[test]
    fn a_stream_is_cut_at_line_ends_and_parses_like_its_bytes() {
        let text: String = (0..2_000)
            .map(|i| format!("{{\"ts\":{i},\"msg\":\"{}\"}}\n", "m".repeat(i % 50)))
            .collect();
        let text = format!("{text}{{\"ts\":9999,\"msg\":\"no newline\"}}");
        let spare = input::Spare::default();
        for size in [1, 7, 100, 1 << 20] {
            let mut r = Reader::from_slice("x", text.as_bytes());
            let mut head = Vec::new();
            r.read_into(&mut head, 10).unwrap();
            let chunks: Vec<Vec<u8>> = LineChunks::new(&mut r, head, size, &spare).collect();
            assert_eq!(chunks.concat(), text.as_bytes(), "chunks of {size}");
            let (last, whole) = chunks.split_last().unwrap();
            assert!(whole.iter().all(|c| c.ends_with(b"\n") && !c.is_empty()));
            assert!(last.ends_with(b"}"));
        }
        let ctx = Ctx::new(Strings::new());
        let opts = LoadOptions::default();
        let (src, batch) = parse_bytes("x.jsonl", text.as_bytes(), &ctx, &opts).unwrap();
        assert_eq!((src.bytes, batch.events.len()), (text.len() as u64, 2_001));
        // Read from a file, past the limit: refused, naming the file.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x\x1b]0;t\x07.jsonl");
        std::fs::write(&path, &text).unwrap();
        let path = path.to_str().unwrap();
        let read = |max| parse_reader(path, Reader::open(path, max).unwrap(), &ctx, &opts);
        let (_, whole) = read(None).unwrap();
        assert_eq!(whole.events, batch.events);
        let err = read(Some(1000)).unwrap_err().to_string();
        assert!(
            err.contains("x\\x1b]0;t\\x07.jsonl: more than 1000 bytes"),
            "{err}"
        );
    }
}
