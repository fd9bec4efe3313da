//! The driver: read inputs (plain or gzip), detect each format by content, parse in parallel
//! (line formats in chunks split at line boundaries), and merge everything into one [`Store`].

pub mod ordered;
pub mod sniff;

use crate::ingest::batch::{self, Batch, Ctx, INHERIT_TS};
use crate::ingest::formats::{
    chrome, gorace, jaeger, jsonl, logfmt, plain, schedule, tsan, zipkin,
};
use crate::ingest::{json, otlp};
use crate::model::{time, Event, Format, Source, Store, Strings};
use rayon::prelude::*;
use std::io::Read;

/// Size of the chunks line formats are split into for parallel parsing.
pub const CHUNK: usize = 4 << 20;

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
    /// The input is a read-only file mapping: drop each chunk's pages from memory once it is
    /// parsed (they stay in the page cache), so the input does not count against the store.
    pub release_pages: bool,
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
    #[error("{path}: {reason}")]
    Io {
        path: String,
        reason: std::io::Error,
    },
    #[error("{path}: cannot detect the format: {reason}")]
    Undetectable { path: String, reason: String },
    #[error("{path}: {reason}")]
    Invalid { path: String, reason: String },
    /// More inputs than a store can tell apart (an event names its source in 16 bits).
    #[error("{path}: too many inputs: a store holds at most {max} sources")]
    TooManySources { path: String, max: usize },
}

/// The error for a store that has no room for the source at `path`.
fn too_many_sources(path: &str) -> LoadError {
    LoadError::TooManySources {
        path: path.to_string(),
        max: Event::MAX_SOURCES,
    }
}

/// Input bytes: a read-only memory map, or a buffer (decompressed gzip, stdin, embedded data).
pub enum Input {
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

impl std::ops::Deref for Input {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Input::Mapped(m) => m,
            Input::Owned(v) => v,
        }
    }
}

/// Read a path (`-` is stdin) without modifying it; gzip is decompressed transparently.
/// Returns the bytes and whether they were gzip.
pub fn read_input(path: &str) -> Result<(Input, bool), LoadError> {
    let io = |reason| LoadError::Io {
        path: path.to_string(),
        reason,
    };
    let raw = if path == "-" {
        let mut v = Vec::new();
        std::io::stdin().read_to_end(&mut v).map_err(io)?;
        Input::Owned(v)
    } else {
        let f = std::fs::File::open(path).map_err(io)?;
        let meta = f.metadata().map_err(io)?;
        if meta.is_dir() {
            return Err(LoadError::Invalid {
                path: path.into(),
                reason: "is a directory".into(),
            });
        }
        if meta.len() == 0 {
            Input::Owned(Vec::new())
        } else {
            // SAFETY: the map is read-only; heisen never writes to its inputs. A file truncated
            // by another process while mapped can still fault, as with any mmap-based reader.
            let m = unsafe { memmap2::Mmap::map(&f) };
            match m {
                Ok(m) => Input::Mapped(m),
                Err(_) => {
                    let mut v = Vec::new();
                    std::fs::File::open(path)
                        .and_then(|mut f| f.read_to_end(&mut v))
                        .map_err(io)?;
                    Input::Owned(v)
                }
            }
        }
    };
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .map_err(|e| LoadError::Invalid {
                path: path.into(),
                reason: format!("corrupt gzip data: {e}"),
            })?;
        return Ok((Input::Owned(out), true));
    }
    Ok((raw, false))
}

/// Load files into one store, in parallel. Fails on the first input that cannot be read or
/// whose format cannot be detected; bad records inside an input are counted, not fatal.
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
        .map(|p| {
            let (input, gzip) = read_input(p)?;
            let opts = LoadOptions {
                release_pages: matches!(input, Input::Mapped(_)),
                ..opts.clone()
            };
            let (mut src, batch) = parse_bytes(p, &input, &ctx, &opts)?;
            src.gzip = gzip;
            Ok((src, batch))
        })
        .collect();
    crate::timing::mark("parsed");
    let mut store = Store::new(strings);
    for r in parsed {
        let (src, batch) = r?;
        absorb(&mut store, src, batch)?;
    }
    store.sort();
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
    let mut store = Store::new(strings);
    for (name, bytes) in inputs {
        let (src, batch) = parse_bytes(name, bytes, &ctx, opts)?;
        absorb(&mut store, src, batch)?;
    }
    store.sort();
    Ok(store)
}

/// Append one parsed source to a store (events not yet sorted: call `Store::sort`). Fails,
/// leaving the store as it was, when it already holds [`Event::MAX_SOURCES`] sources.
pub fn absorb(store: &mut Store, mut src: Source, mut batch: Batch) -> Result<(), LoadError> {
    if store.sources.len() >= Event::MAX_SOURCES {
        return Err(too_many_sources(&src.path));
    }
    let idx = store.sources.len() as u32;
    let base = store.attrs.len() as u32;
    // The first source's events already say source 0 and index its attributes from 0.
    if idx != 0 || base != 0 {
        for e in &mut batch.events {
            e.set_source(idx);
            e.attr_start += base;
        }
    }
    src.events = batch.events.len() as u64;
    // The first input's vectors are taken as they are: no second copy of the events.
    if store.events.is_empty() {
        store.events = std::mem::take(&mut batch.events);
    } else {
        store.events.append(&mut batch.events);
    }
    if store.attrs.is_empty() {
        store.attrs = std::mem::take(&mut batch.attrs);
    } else {
        store.attrs.append(&mut batch.attrs);
    }
    store.sources.push(src);
    Ok(())
}

/// A batch that arrived live, with the name and format of where it came from.
pub struct LiveBatch {
    pub path: String,
    pub format: Format,
    pub batch: Batch,
}

/// How a store grew: events before `from` kept their places (and so their indices).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grown {
    /// Events added.
    pub added: usize,
    /// The first index whose event may have changed.
    pub from: usize,
}

/// Append live batches (each to its source, added when missing), keeping time order. The
/// cost is that of the new events and of the stored ones later than the earliest of them,
/// not of the store.
///
/// Fails, leaving the store as it was, when the new sources would not fit in
/// [`Event::MAX_SOURCES`].
pub fn absorb_live(
    store: &mut Store,
    batches: impl IntoIterator<Item = LiveBatch>,
) -> Result<Grown, LoadError> {
    let batches: Vec<LiveBatch> = batches.into_iter().collect();
    let mut new_paths: Vec<&str> = Vec::new();
    for b in &batches {
        if !new_paths.contains(&b.path.as_str()) && !store.sources.iter().any(|s| s.path == b.path)
        {
            if store.sources.len() + new_paths.len() >= Event::MAX_SOURCES {
                return Err(too_many_sources(&b.path));
            }
            new_paths.push(&b.path);
        }
    }
    let old = store.events.len();
    for LiveBatch {
        path,
        format,
        mut batch,
    } in batches
    {
        let idx = match store.sources.iter().position(|s| s.path == path) {
            Some(i) => i,
            None => {
                store.sources.push(Source::new(path, format));
                store.sources.len() - 1
            }
        };
        fill_inherited_times(&mut batch);
        let base = store.attrs.len() as u32;
        let seq_base = store.sources[idx].events as u32;
        for e in &mut batch.events {
            e.set_source(idx as u32);
            e.attr_start += base;
            e.seq += seq_base;
        }
        let src = &mut store.sources[idx];
        src.events += batch.events.len() as u64;
        for err in std::mem::take(&mut batch.errors) {
            src.push_error(err);
        }
        store.events.append(&mut batch.events);
        store.attrs.append(&mut batch.attrs);
    }
    // Only the tail from the first place a new event goes is re-sorted: late events (clock
    // skew, batching) cost their distance from the end, not a sort of the whole store. The
    // tail is a few sorted runs (the stored events, and each batch mostly in time order),
    // which the stable sort finds and merges in about one pass.
    let first = store.events[old..].iter().map(Event::order_key).min();
    let from = first.map_or(old, |first| {
        store.events[..old].partition_point(|e| e.order_key() <= first)
    });
    store.events[from..].sort_by_key(Event::order_key);
    Ok(Grown {
        added: store.events.len() - old,
        from,
    })
}

/// Detect and parse one input's bytes. The returned batch has rebased lines and sequence
/// numbers, times filled in and shifts applied.
pub fn parse_bytes(
    path: &str,
    bytes: &[u8],
    ctx: &Ctx,
    opts: &LoadOptions,
) -> Result<(Source, Batch), LoadError> {
    let head = &bytes[..bytes.len().min(sniff::HEAD)];
    let format = match opts.format {
        Some(f) => f,
        None => sniff::sniff(head).map_err(|reason| LoadError::Undetectable {
            path: path.to_string(),
            reason,
        })?,
    };
    let mut src = Source::new(path, format);
    src.bytes = bytes.len() as u64;
    let mut batch = match format {
        Format::Empty => {
            src.notes.push("empty input".into());
            Batch::new()
        }
        Format::Jsonl => parse_lines_with(bytes, ctx, jsonl::line, opts),
        Format::Logfmt => parse_lines_with(bytes, ctx, logfmt::line, opts),
        Format::Plain => parse_lines_with(bytes, ctx, plain::line, opts),
        Format::Schedule => parse_lines_with(bytes, ctx, schedule::line, opts),
        Format::Otlp if first_line_is_object(bytes) => {
            parse_lines_with(bytes, ctx, otlp::line, opts)
        }
        Format::Otlp => {
            opts.advance(bytes.len());
            parse_doc(bytes, ctx, otlp::parse_doc)
        }
        Format::Jaeger => parse_doc(bytes, ctx, jaeger::parse_doc),
        Format::Zipkin => parse_doc(bytes, ctx, zipkin::parse_doc),
        Format::Chrome => parse_doc(bytes, ctx, chrome::parse_doc),
        Format::Gorace => parse_doc(bytes, ctx, gorace::parse_doc),
        Format::Tsan => parse_doc(bytes, ctx, tsan::parse_doc),
    };
    src.jumps = batch.clock.jumps();
    if !matches!(
        format,
        Format::Jsonl | Format::Logfmt | Format::Plain | Format::Schedule | Format::Otlp
    ) {
        opts.advance(bytes.len());
    }
    fill_inherited_times(&mut batch);
    if let Some(shift) = opts.shifts.iter().find(|s| s.matches(path)) {
        src.shift_ns = shift.ns;
        for e in &mut batch.events {
            e.ts = e.ts.saturating_add(shift.ns);
        }
    }
    src.error_count = batch.error_count;
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

/// A parser of one line: text without its newline, 1-based line number.
pub type LineFn = fn(&str, u32, &Ctx, &mut Batch);

/// A parser of a whole document.
pub type DocFn = fn(&str, &Ctx, &mut Batch);

/// Parse a whole document (invalid UTF-8 is replaced and reported).
pub fn parse_doc(bytes: &[u8], ctx: &Ctx, f: DocFn) -> Batch {
    let mut b = Batch::new();
    match std::str::from_utf8(bytes) {
        Ok(s) => f(s, ctx, &mut b),
        Err(e) => {
            b.error(
                json::line_of(
                    &String::from_utf8_lossy(&bytes[..e.valid_up_to()]),
                    e.valid_up_to(),
                ),
                "invalid UTF-8 (bytes replaced with U+FFFD)",
            );
            f(&String::from_utf8_lossy(bytes), ctx, &mut b);
        }
    }
    b.finish(ctx);
    // A document's events are in document order (line formats are followed as merged).
    b.clock.feed(&b.events);
    b
}

/// Split at line boundaries into chunks of about [`CHUNK`] bytes.
pub fn split_chunks(bytes: &[u8], size: usize) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        let mut end = (start + size).min(bytes.len());
        if end < bytes.len() {
            end = match memchr::memchr(b'\n', &bytes[end..]) {
                Some(i) => end + i + 1,
                None => bytes.len(),
            };
        }
        out.push(&bytes[start..end]);
        start = end;
    }
    out
}

/// Parse a line format in parallel chunks and merge the batches in order.
pub fn parse_lines(bytes: &[u8], ctx: &Ctx, f: LineFn) -> Batch {
    parse_lines_with(bytes, ctx, f, &LoadOptions::default())
}

fn parse_lines_with(bytes: &[u8], ctx: &Ctx, f: LineFn, opts: &LoadOptions) -> Batch {
    parse_lines_in(bytes, ctx, f, opts, CHUNK)
}

/// [`parse_lines_with`] in chunks of about `chunk` bytes.
fn parse_lines_in(bytes: &[u8], ctx: &Ctx, f: LineFn, opts: &LoadOptions, chunk: usize) -> Batch {
    let chunks = split_chunks(bytes, chunk);
    // A few chunks per thread may wait to be appended: their batches are all that exists
    // beside the result, and their memory is reused by the chunks after them.
    let threads = rayon::current_num_threads().max(1);
    let ahead = 4 * threads;
    let parse = |chunk: &&[u8]| {
        let b = parse_chunk(chunk, ctx, f);
        opts.advance(chunk.len());
        if opts.release_pages {
            release_pages(chunk);
        }
        b
    };
    let append = |m: &mut Merger, i: usize, b: Batch| {
        m.push(b);
        // After the first few chunks, room for the whole input at the rate seen so far.
        if i + 1 == ahead.min(chunks.len()) {
            let done = chunks[..=i].iter().map(|c| c.len()).sum::<usize>();
            if done < bytes.len() {
                m.reserve_for(bytes.len() as f64 / done as f64);
            }
        }
    };
    let merged = ordered::run(&chunks, ahead, Merger::new(ctx), parse, append);
    crate::timing::mark("chunks parsed");
    merged.finish()
}

/// Tell the kernel this process no longer needs the whole pages inside `bytes`, which must
/// lie in a read-only file mapping: they leave the resident set (the file stays in the page
/// cache) and would be read again from the file if touched.
fn release_pages(bytes: &[u8]) {
    const PAGE: usize = 4096;
    let start = (bytes.as_ptr() as usize).next_multiple_of(PAGE);
    let end = (bytes.as_ptr() as usize + bytes.len()) / PAGE * PAGE;
    if end > start {
        // SAFETY: the range is inside a live, read-only, file-backed mapping (the caller's
        // contract); MADV_DONTNEED on such a mapping only drops pages that are re-read on
        // access, so no data visible through `bytes` changes.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED);
        }
    }
}

/// Parse the lines of one chunk, with line numbers relative to the chunk.
pub fn parse_chunk(chunk: &[u8], ctx: &Ctx, f: LineFn) -> Batch {
    let mut b = Batch::deferring();
    b.events.reserve(chunk.len() / 160);
    b.attrs.reserve(chunk.len() / 40);
    let mut lineno = 0u32;
    let mut start = 0usize;
    // Most chunks are clean text: checked once here, their lines need no check of their own.
    let text = std::str::from_utf8(chunk)
        .ok()
        .filter(|_| memchr::memchr(0, chunk).is_none());
    let ends = memchr::memchr_iter(b'\n', chunk).chain(std::iter::once(chunk.len()));
    for end in ends {
        let (a, z) = (start, end);
        start = end + 1;
        lineno += 1;
        let z = if z > a && chunk[z - 1] == b'\r' {
            z - 1
        } else {
            z
        };
        let raw = &chunk[a..z];
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if let Some(text) = text {
            // `a` and `z` sit next to ASCII bytes (or the ends), so on character boundaries.
            f(&text[a..z], lineno, ctx, &mut b);
            continue;
        }
        if memchr::memchr(0, raw).is_some() {
            // A torn or preallocated page: not text, and not a continuation of the record above.
            b.error(lineno, "binary data (NUL bytes); line skipped");
            continue;
        }
        match std::str::from_utf8(raw) {
            Ok(s) => f(s, lineno, ctx, &mut b),
            Err(_) => {
                b.error(lineno, "invalid UTF-8 (bytes replaced with U+FFFD)");
                f(&String::from_utf8_lossy(raw), lineno, ctx, &mut b);
            }
        }
    }
    // The piece after a final newline is empty: it is not a line.
    b.lines = if chunk.ends_with(b"\n") {
        lineno - 1
    } else {
        lineno
    };
    b.finish(ctx);
    b
}

/// Merge chunk batches (in order) into one, rebasing line, sequence and attribute indexes.
pub fn merge_batches(batches: Vec<Batch>, ctx: &Ctx) -> Batch {
    let mut merged = Merger::new(ctx);
    for b in batches {
        merged.push(b);
    }
    merged.finish()
}

/// Appends chunk batches in file order into one batch.
struct Merger<'c> {
    ctx: &'c Ctx,
    out: Batch,
    line_base: u32,
}

impl<'c> Merger<'c> {
    fn new(ctx: &'c Ctx) -> Self {
        Merger {
            ctx,
            out: Batch::new(),
            line_base: 0,
        }
    }

    /// Append the next chunk's batch; its vectors are freed here.
    fn push(&mut self, mut b: Batch) {
        let (out, line_base) = (&mut self.out, self.line_base);
        for (line, text) in std::mem::take(&mut b.leading) {
            match out.events.last_mut() {
                Some(last) => batch::append_msg(last, &format!("\n{text}"), self.ctx, None),
                None => out.error(
                    line + line_base,
                    "text before the first record (not a record, and no record above to attach it to)",
                ),
            }
        }
        for mut err in std::mem::take(&mut b.errors) {
            if err.line > 0 {
                err.line += line_base;
            }
            if out.errors.len() < crate::model::store::KEPT_ERRORS {
                out.errors.push(err);
            }
        }
        out.error_count += b.error_count;
        out.naive_times += b.naive_times;
        for n in std::mem::take(&mut b.notes) {
            out.note(n);
        }
        let before = out.events.len();
        if out.events.is_empty() && out.attrs.is_empty() {
            out.events = std::mem::take(&mut b.events);
            out.attrs = std::mem::take(&mut b.attrs);
        } else {
            let (seq_base, attr_base) = (out.events.len() as u32, out.attrs.len() as u32);
            out.events.extend(b.events.iter().map(|e| {
                let mut e = e.clone();
                if e.line > 0 {
                    e.line += line_base;
                }
                e.seq += seq_base;
                e.attr_start += attr_base;
                e
            }));
            out.attrs.extend_from_slice(&b.attrs);
        }
        // In file order, and still in cache.
        out.clock.feed(&out.events[before..]);
        self.line_base += b.lines;
        out.lines = self.line_base;
    }

    /// Reserve room for `factor` times what is merged so far (with a little slack): the
    /// vectors then fill in place instead of growing by reallocation, whose copies would
    /// briefly hold the events twice.
    fn reserve_for(&mut self, factor: f64) {
        let grow = |n: usize| ((n as f64 * factor * 1.02) as usize + 1024).saturating_sub(n);
        let out = &mut self.out;
        out.events.reserve_exact(grow(out.events.len()));
        out.attrs.reserve_exact(grow(out.attrs.len()));
    }

    fn finish(self) -> Batch {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_parse_equals_single_chunk() {
        let mut text = String::new();
        for i in 0..500 {
            text.push_str(&format!(
                "{{\"ts\":{},\"level\":\"info\",\"msg\":\"m{i}\",\"k\":{i}}}\n",
                1_700_000_000_000i64 + i
            ));
            if i % 7 == 0 {
                text.push_str("  at stack frame\n");
            }
        }
        let ctx = Ctx::new(Strings::new());
        let one = parse_chunk(text.as_bytes(), &ctx, jsonl::line);
        let many = merge_batches(
            split_chunks(text.as_bytes(), 300)
                .into_iter()
                .map(|c| parse_chunk(c, &ctx, jsonl::line))
                .collect(),
            &ctx,
        );
        assert_eq!(one.events, many.events);
        assert_eq!(one.attrs, many.attrs);
        assert_eq!(many.events.len(), 500);
        assert_eq!(many.events[499].line, text.lines().count() as u32);
        // The same through the parallel, pipelined path, in chunks of several sizes.
        for size in [1, 300, 4096] {
            let piped = parse_lines_in(
                text.as_bytes(),
                &ctx,
                jsonl::line,
                &LoadOptions::default(),
                size,
            );
            assert_eq!(one.events, piped.events, "chunks of {size}");
            assert_eq!(one.attrs, piped.attrs, "chunks of {size}");
            assert_eq!(one.lines, piped.lines, "chunks of {size}");
        }
    }

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
        let n = absorb_live(&mut store, [live("a.log", &[50, 45])]).unwrap();
        assert_eq!(n, Grown { added: 2, from: 7 });
        store.events.truncate(7);
        store.sources[0].events -= 2;
        let t = |e: &Event| e.ts / 1_000_000 - 1_700_000_000_000;
        let times: Vec<i64> = store.events.iter().map(t).collect();
        assert_eq!(times, [5, 10, 15, 20, 20, 30, 40]);
        for e in &store.events {
            let k = store.attr(e, "k").and_then(|v| v.as_f64(&store.strings));
            assert_eq!(k, Some(t(e) as f64));
        }
        assert_eq!(store.sources[0].events, 6);
        assert_eq!(store.sources[1].events, 1);
        // Same time: source order decides, as in a load.
        assert_eq!(store.events[3].source(), 0);
        assert_eq!(store.events[4].source(), 1);
    }

    #[test]
    fn sources_beyond_the_limit_are_a_load_error() {
        let ctx = Ctx::new(Strings::new());
        let mut store = Store::new(ctx.strings.clone());
        store.sources = (0..Event::MAX_SOURCES)
            .map(|i| Source::new(format!("s{i}"), Format::Jsonl))
            .collect();
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
        assert!(store.events.is_empty(), "a refused merge adds nothing");
        // The last source still takes events, with its index intact.
        let last = format!("s{}", Event::MAX_SOURCES - 1);
        let grown = absorb_live(&mut store, [live(&last)]).unwrap();
        assert_eq!(grown.added, 1);
        assert_eq!(store.events[0].source() as usize, Event::MAX_SOURCES - 1);
        assert_eq!(store.sources.len(), Event::MAX_SOURCES);
        // A load of too many inputs fails before reading any.
        let names: Vec<String> = (0..=Event::MAX_SOURCES).map(|i| format!("f{i}")).collect();
        let inputs: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
        let err = load_named_bytes(&inputs, &LoadOptions::default()).unwrap_err();
        assert!(matches!(err, LoadError::TooManySources { .. }), "{err}");
        let err = load_files(&names, &LoadOptions::default()).unwrap_err();
        assert!(matches!(err, LoadError::TooManySources { .. }), "{err}");
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
