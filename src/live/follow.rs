//! Following a growing file: new complete lines are parsed as they arrive; a partial last line
//! waits for its newline; a file that is rotated (renamed and recreated) is drained and then
//! reopened; a truncated file is read again from its start. Nothing is lost or read twice.

use crate::ingest::{self, sniff, Batch, Ctx, LineFn};
use crate::model::Format;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;

/// One followed file.
pub struct Follower {
    pub path: String,
    file: Option<File>,
    inode: u64,
    offset: u64,
    partial: Vec<u8>,
    lineno: u32,
    parser: Option<LineFn>,
    pub format: Option<Format>,
    /// The first bytes of the file, to tell a rewrite of the same length from no change.
    head: Vec<u8>,
    mtime: Option<std::time::SystemTime>,
    /// Where to start on the first open: the bytes an earlier read (the initial load) took.
    resume_at: Option<u64>,
    /// The earlier read ended inside a line (which it parsed): the rest of that line is not a
    /// record of its own and is skipped.
    skip_partial: bool,
}

/// How many leading bytes identify a file's content.
const HEAD: usize = 256;

/// The line parser for a format that can be followed.
pub fn line_parser(f: Format) -> Option<LineFn> {
    Some(match f {
        Format::Jsonl => ingest::jsonl::line,
        Format::Logfmt => ingest::logfmt::line,
        Format::Plain => ingest::plain::line,
        Format::Schedule => ingest::schedule::line,
        Format::Otlp => ingest::otlp::line,
        _ => return None,
    })
}

impl Follower {
    /// Follow `path` from its start (the file may not exist yet).
    pub fn new(path: &str) -> Follower {
        Follower {
            path: path.to_string(),
            file: None,
            inode: 0,
            offset: 0,
            partial: Vec::new(),
            lineno: 0,
            parser: None,
            format: None,
            head: Vec::new(),
            mtime: None,
            resume_at: None,
            skip_partial: false,
        }
    }

    /// Follow `path` from byte `from` on, where an earlier read of it (the initial load, which
    /// took its first `from` bytes) stopped, parsing lines as `format`: nothing written between
    /// the two reads is lost or read twice, and lines keep their numbers.
    pub fn resume(path: &str, from: u64, format: Format) -> Follower {
        let mut f = Follower::new(path);
        f.resume_at = Some(from);
        f.format = Some(format);
        f.parser = line_parser(format);
        f
    }

    /// Start at `from` in the file just opened: count the lines before it, keep its head.
    fn seek_resumed(&mut self, from: u64) -> std::io::Result<()> {
        let Some(f) = self.file.as_mut() else {
            return Ok(());
        };
        if f.metadata()?.len() < from {
            // Truncated since the earlier read: everything in it is new.
            return Ok(());
        }
        let (mut lines, mut left, mut last) = (0u32, from, b'\n');
        let mut buf = vec![0u8; 1 << 20];
        while left > 0 {
            let n = f.read(&mut buf[..left.min(1 << 20) as usize])?;
            if n == 0 {
                break;
            }
            lines += memchr::memchr_iter(b'\n', &buf[..n]).count() as u32;
            last = buf[n - 1];
            left -= n as u64;
        }
        f.seek(SeekFrom::Start(from))?;
        self.offset = from;
        self.lineno = lines + u32::from(last != b'\n');
        self.skip_partial = last != b'\n';
        self.head = self.read_head();
        self.head.truncate(from.min(HEAD as u64) as usize);
        Ok(())
    }

    fn read_head(&self) -> Vec<u8> {
        let mut buf = vec![0u8; HEAD];
        let n = File::open(&self.path)
            .and_then(|mut f| f.read(&mut buf))
            .unwrap_or(0);
        buf.truncate(n);
        buf
    }

    fn open(&mut self) -> std::io::Result<bool> {
        // Only a regular file can be followed (a FIFO would block in `open`, and has no
        // offsets to resume from or rotations to notice): anything else is refused.
        if std::fs::metadata(&self.path).is_ok_and(|m| !m.is_file()) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::Unsupported,
                format!(
                    "{}: only regular files can be followed (read a FIFO, pipe or device without --follow)",
                    crate::text::sanitize(&self.path, true)
                ),
            ));
        }
        match File::open(&self.path) {
            Ok(f) => {
                self.inode = f.metadata()?.ino();
                self.file = Some(f);
                self.offset = 0;
                self.partial.clear();
                self.head.clear();
                if let Some(from) = self.resume_at.take() {
                    self.seek_resumed(from)?;
                }
                Ok(true)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    fn drain(&mut self, ctx: &Ctx, out: &mut Batch) -> std::io::Result<()> {
        let Some(f) = self.file.as_mut() else {
            return Ok(());
        };
        let mut buf = Vec::new();
        f.read_to_end(&mut buf)?;
        if self.head.len() < HEAD && !buf.is_empty() {
            let take = (HEAD - self.head.len()).min(buf.len());
            if self.offset as usize == self.head.len() {
                self.head.extend_from_slice(&buf[..take]);
            }
        }
        self.offset += buf.len() as u64;
        self.partial.extend_from_slice(&buf);
        if self.skip_partial {
            match memchr::memchr(b'\n', &self.partial) {
                Some(nl) => {
                    self.partial.drain(..=nl);
                    self.skip_partial = false;
                }
                None => self.partial.clear(),
            }
        }
        let Some(last_nl) = memchr::memrchr(b'\n', &self.partial) else {
            return Ok(());
        };
        let complete: Vec<u8> = self.partial.drain(..=last_nl).collect();
        if self.parser.is_none() {
            let format = sniff::sniff(&complete).unwrap_or(Format::Plain);
            if format != Format::Empty {
                self.format = Some(format);
                self.parser = line_parser(format);
                if self.parser.is_none() {
                    out.error(
                        0,
                        format!(
                            "{} files cannot be followed (not a line format)",
                            format.as_str()
                        ),
                    );
                    self.parser = Some(|_, _, _, _| {});
                }
            }
        }
        let Some(parse) = self.parser else {
            return Ok(());
        };
        for raw in complete.split(|&c| c == b'\n') {
            if raw.is_empty() && self.lineno > 0 {
                continue;
            }
            self.lineno += 1;
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            if raw.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let text = String::from_utf8_lossy(raw);
            parse(&text, self.lineno, ctx, out);
        }
        Ok(())
    }

    /// Read what arrived since the last poll.
    pub fn poll(&mut self, ctx: &Ctx) -> std::io::Result<Batch> {
        let mut out = Batch::new();
        if self.file.is_none() && !self.open()? {
            return Ok(out);
        }
        self.drain(ctx, &mut out)?;
        let meta = std::fs::metadata(&self.path).ok();
        let rotated = meta.as_ref().is_some_and(|m| m.ino() != self.inode);
        let same = meta.as_ref().filter(|m| m.ino() == self.inode);
        let mtime = same.and_then(|m| m.modified().ok());
        let shrunk = same.is_some_and(|m| m.len() < self.offset);
        // Rewritten to the same length or longer: modified, yet the first bytes differ.
        let rewritten = !shrunk
            && mtime.is_some()
            && mtime != self.mtime
            && self.mtime.is_some()
            && !self.head.is_empty()
            && !self.read_head().starts_with(&self.head);
        let truncated = shrunk || rewritten;
        if mtime.is_some() {
            self.mtime = mtime;
        }
        // Rotated: the old file is drained above; continue with the new one.
        if rotated && self.open()? {
            self.lineno = 0;
            self.drain(ctx, &mut out)?;
        }
        // Truncated in place: start again from the beginning.
        if truncated {
            if let Some(f) = self.file.as_mut() {
                f.seek(SeekFrom::Start(0))?;
            }
            self.offset = 0;
            self.partial.clear();
            self.head.clear();
            self.lineno = 0;
            self.drain(ctx, &mut out)?;
        }
        out.finish(ctx);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Strings;
    use std::io::Write;

    fn msgs(ctx: &Ctx, b: &Batch) -> Vec<String> {
        b.events
            .iter()
            .map(|e| ctx.strings.resolve(e.msg.unwrap()).to_string())
            .collect()
    }

    #[test]
    fn resumed_where_the_load_stopped_nothing_is_lost_or_read_twice() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("app.log");
        let ps = p.to_string_lossy().to_string();
        let ctx = Ctx::new(Strings::new());
        let line = |m: &str| format!("{{\"ts\":1700000000000,\"msg\":\"{m}\"}}\n");
        let mut w = std::fs::File::create(&p).unwrap();
        w.write_all((line("a") + &line("b")).as_bytes()).unwrap();
        let loaded = std::fs::metadata(&p).unwrap().len();
        // Written after the load read the file, before the follower starts.
        w.write_all(line("c").as_bytes()).unwrap();
        let mut f = Follower::resume(&ps, loaded, Format::Jsonl);
        let b = f.poll(&ctx).unwrap();
        assert_eq!(msgs(&ctx, &b), ["c"]);
        assert_eq!(b.events[0].line, 3);
        w.write_all(line("d").as_bytes()).unwrap();
        assert_eq!(msgs(&ctx, &f.poll(&ctx).unwrap()), ["d"]);
        // The load ended inside a line (and parsed what it had): its rest is not a record.
        let q = dir.path().join("partial.log");
        let mut w = std::fs::File::create(&q).unwrap();
        w.write_all((line("a") + &line("b")[..10]).as_bytes())
            .unwrap();
        let loaded = std::fs::metadata(&q).unwrap().len();
        w.write_all((line("b")[10..].to_string() + &line("c")).as_bytes())
            .unwrap();
        let mut f = Follower::resume(&q.to_string_lossy(), loaded, Format::Jsonl);
        let b = f.poll(&ctx).unwrap();
        assert_eq!(msgs(&ctx, &b), ["c"]);
        assert_eq!(b.events[0].line, 3);
        assert_eq!(b.error_count, 0);
    }

    #[test]
    fn what_is_not_a_regular_file_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).unwrap();
        // SAFETY: mkfifo reads one NUL-terminated path that outlives the call.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let ctx = Ctx::new(Strings::new());
        for path in [
            fifo.to_string_lossy().into_owned(),
            dir.path().to_string_lossy().into_owned(),
        ] {
            let e = Follower::new(&path).poll(&ctx).unwrap_err();
            assert_eq!(e.kind(), std::io::ErrorKind::Unsupported, "{path}");
            assert!(e.to_string().contains("only regular files"), "{e}");
        }
    }

    #[test]
    fn append_partial_rotate_truncate() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("app.log");
        let ps = p.to_string_lossy().to_string();
        let ctx = Ctx::new(Strings::new());
        let mut f = Follower::new(&ps);
        assert!(
            f.poll(&ctx).unwrap().events.is_empty(),
            "missing file: nothing yet"
        );
        let line = |m: &str| format!("{{\"ts\":1700000000000,\"msg\":\"{m}\"}}\n");
        let mut w = std::fs::File::create(&p).unwrap();
        w.write_all(line("a").as_bytes()).unwrap();
        w.write_all(&line("b").as_bytes()[..10]).unwrap(); // partial line
        assert_eq!(msgs(&ctx, &f.poll(&ctx).unwrap()), ["a"]);
        w.write_all(&line("b").as_bytes()[10..]).unwrap();
        w.write_all(line("c").as_bytes()).unwrap();
        assert_eq!(msgs(&ctx, &f.poll(&ctx).unwrap()), ["b", "c"]);
        // rotation: a last line lands in the old file, then a new file appears
        w.write_all(line("d").as_bytes()).unwrap();
        std::fs::rename(&p, dir.path().join("app.log.1")).unwrap();
        let mut w2 = std::fs::File::create(&p).unwrap();
        w2.write_all(line("e").as_bytes()).unwrap();
        assert_eq!(msgs(&ctx, &f.poll(&ctx).unwrap()), ["d", "e"]);
        // truncation
        w2.set_len(0).unwrap();
        let mut w3 = std::fs::OpenOptions::new().write(true).open(&p).unwrap();
        w3.write_all(line("f").as_bytes()).unwrap();
        assert_eq!(msgs(&ctx, &f.poll(&ctx).unwrap()), ["f"]);
        assert!(
            f.poll(&ctx).unwrap().events.is_empty(),
            "nothing read twice"
        );
    }
}
