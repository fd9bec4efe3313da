//! Line formats in parallel: the input split into chunks at line boundaries, each chunk
//! parsed on its own, and the chunk batches merged in file order (lines, sequence numbers
//! and attribute indexes rebased). Whole documents are parsed in one piece.

use crate::ingest::batch::{self, Batch, Ctx};
use crate::ingest::json;

/// Size of the chunks line formats are split into for parallel parsing.
pub const CHUNK: usize = 4 << 20;

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
            b.error_kept(
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
    parse_lines_in(bytes, ctx, f, |_| {}, CHUNK)
}

/// [`parse_lines`] in chunks of about `chunk` bytes, calling `done` with each chunk once it
/// is parsed (for progress).
pub fn parse_lines_in(
    bytes: &[u8],
    ctx: &Ctx,
    f: LineFn,
    done: impl Fn(&[u8]) + Sync,
    chunk: usize,
) -> Batch {
    let chunks = split_chunks(bytes, chunk);
    parse_chunks(chunks.into_iter(), Some(bytes.len()), ctx, f, done)
}

/// Parse a line format from `chunks` (each ends at a line boundary, in file order) in
/// parallel, and merge the batches in order; `done` gets each chunk once it is parsed.
/// `expected` (the input's size, when known) lets the result be allocated once.
pub fn parse_chunks<C: AsRef<[u8]> + Send>(
    chunks: impl Iterator<Item = C> + Send,
    expected: Option<usize>,
    ctx: &Ctx,
    f: LineFn,
    done: impl Fn(C) + Sync,
) -> Batch {
    // A few chunks per thread may wait to be appended: their batches are all that exists
    // beside the result, and their memory is reused by the chunks after them.
    let threads = rayon::current_num_threads().max(1);
    let ahead = 4 * threads;
    let parse = |chunk: C| {
        let bytes = chunk.as_ref();
        let b = parse_chunk(bytes, ctx, f);
        let n = bytes.len();
        done(chunk);
        (b, n)
    };
    let append = |(m, seen): &mut (Merger, usize), i: usize, (b, n): (Batch, usize)| {
        m.push(b);
        *seen += n;
        // After the first few chunks, room for the whole input at the rate seen so far.
        if let Some(total) = expected.filter(|&t| i + 1 == ahead && *seen < t) {
            m.reserve_for(total as f64 / *seen as f64);
        }
    };
    let (merged, _) = super::ordered::run(chunks, ahead, (Merger::new(ctx), 0), parse, append);
    crate::timing::mark("chunks parsed");
    merged.finish()
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
    // Lines that end with CR alone (classic Mac OS): no LF in the chunk, but CRs.
    let cr_only = memchr::memchr(b'\n', chunk).is_none() && memchr::memchr(b'\r', chunk).is_some();
    let eol = if cr_only { b'\r' } else { b'\n' };
    if cr_only {
        b.note("lines end with CR alone (classic Mac OS): split at each CR");
    }
    let ends = memchr::memchr_iter(eol, chunk).chain(std::iter::once(chunk.len()));
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
                b.error_kept(lineno, "invalid UTF-8 (bytes replaced with U+FFFD)");
                f(&String::from_utf8_lossy(raw), lineno, ctx, &mut b);
            }
        }
    }
    // The piece after a final newline is empty: it is not a line.
    b.lines = if chunk.ends_with(&[eol]) {
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
        out.errors_kept += b.errors_kept;
        out.over_key_limit |= b.over_key_limit;
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
    use crate::ingest::formats::jsonl;
    use crate::model::Strings;

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
            let piped = parse_lines_in(text.as_bytes(), &ctx, jsonl::line, |_| {}, size);
            assert_eq!(one.events, piped.events, "chunks of {size}");
            assert_eq!(one.attrs, piped.attrs, "chunks of {size}");
            assert_eq!(one.lines, piped.lines, "chunks of {size}");
        }
    }
}
