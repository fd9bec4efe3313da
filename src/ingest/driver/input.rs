//! Reading an input as a stream of bytes: a regular file, a FIFO, a pipe, a device, stdin, or
//! bytes in memory, with gzip decompressed on the way. Nothing is memory-mapped, so a file
//! truncated while it is read (`logrotate copytruncate`) only ends early.

use super::LoadError;
use std::io::Read;

/// How long a FIFO that no process writes to is waited for before it is refused.
pub const FIFO_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// An input's bytes, read in pieces: see [`Reader::read_into`].
pub struct Reader<'a> {
    path: String,
    inner: Box<dyn Read + Send + 'a>,
    /// Whether the input is gzip (decompressed here).
    pub gzip: bool,
    /// How many bytes are expected: the size of a regular, uncompressed file.
    pub expected: Option<u64>,
    /// Bytes read so far (decompressed).
    pub read: u64,
    /// At most this many bytes may be read (`--max-input`).
    max: Option<u64>,
    /// Why the input ended early, though bytes were kept (damaged gzip data): the load counts
    /// it as one error.
    pub damaged: Option<String>,
}

impl<'a> Reader<'a> {
    /// Bytes in memory, read as they are (no decompression).
    pub fn from_slice(path: &str, bytes: &'a [u8]) -> Reader<'a> {
        Reader {
            path: path.to_string(),
            inner: Box::new(bytes),
            gzip: false,
            expected: Some(bytes.len() as u64),
            read: 0,
            max: None,
            damaged: None,
        }
    }

    /// Open `path` (`-` is stdin) without modifying it, reading at most `max` bytes after
    /// decompression. Anything that is not a regular file is read as a stream; a directory is
    /// refused, and so is a FIFO that no process opens for writing within [`FIFO_WAIT`].
    pub fn open(path: &str, max: Option<u64>) -> Result<Reader<'static>, LoadError> {
        let io = |reason| LoadError::Io {
            path: path.to_string(),
            reason,
        };
        // A regular file's first bytes are read in place, so that the file itself is the
        // reader (it reads into uninitialised buffers; a chain would clear them first).
        let mut magic = Vec::with_capacity(2);
        let (raw, expected): (Box<dyn Read + Send>, _) = if path == "-" {
            (Box::new(std::io::stdin()), None)
        } else {
            use std::os::unix::fs::FileTypeExt;
            let kind = std::fs::metadata(path).map_err(io)?.file_type();
            if kind.is_dir() {
                return Err(LoadError::Invalid {
                    path: path.into(),
                    reason: "is a directory".into(),
                });
            }
            if kind.is_fifo() {
                (open_fifo(path, FIFO_WAIT).map_err(io)?, None)
            } else {
                use std::os::unix::fs::FileExt;
                let f = std::fs::File::open(path).map_err(io)?;
                let meta = f.metadata().map_err(io)?;
                if meta.is_file() {
                    let mut two = [0u8; 2];
                    let n = f.read_at(&mut two, 0).map_err(io)?;
                    magic.extend_from_slice(&two[..n]);
                }
                // `/proc` files say 0 bytes and are read to their end all the same.
                let size = Some(meta.len()).filter(|_| meta.is_file());
                (Box::new(f), size)
            }
        };
        let mut r = Reader {
            path: path.to_string(),
            inner: raw,
            gzip: false,
            expected,
            read: 0,
            max,
            damaged: None,
        };
        if r.expected.is_none() {
            // A stream: its first bytes are read, then put back in front of the rest.
            (&mut r.inner).take(2).read_to_end(&mut magic).map_err(io)?;
            r.inner = Box::new(std::io::Cursor::new(magic.clone()).chain(r.inner));
        }
        if magic == [0x1f, 0x8b] {
            r.inner = Box::new(flate2::read::MultiGzDecoder::new(r.inner));
            r.gzip = true;
            r.expected = None;
        }
        Ok(r)
    }

    /// Append up to `n` bytes to `buf`, fewer only at the end of the input; returns how many.
    /// Damaged gzip data ends the input (see [`Reader::damaged`]); going past `--max-input` is
    /// an error.
    pub fn read_into(&mut self, buf: &mut Vec<u8>, n: usize) -> Result<usize, LoadError> {
        if self.damaged.is_some() {
            return Ok(0);
        }
        let room = self
            .max
            .map_or(u64::MAX, |m| (m + 1).saturating_sub(self.read));
        let before = buf.len();
        let res = (&mut self.inner)
            .take((n as u64).min(room))
            .read_to_end(buf);
        let got = buf.len() - before;
        self.read += got as u64;
        if let Some(max) = self.max.filter(|&m| self.read > m) {
            return Err(LoadError::TooLarge {
                path: self.path.clone(),
                max,
            });
        }
        match res {
            Ok(_) => Ok(got),
            Err(e) if self.gzip && is_corrupt(&e) => {
                self.damaged = Some(format!(
                    "corrupt gzip data after {} decompressed bytes ({e}): the rest is skipped",
                    self.read
                ));
                Ok(got)
            }
            Err(reason) => Err(LoadError::Io {
                path: self.path.clone(),
                reason,
            }),
        }
    }

    /// Read to the end of the input, appending to `buf`.
    pub fn read_rest(&mut self, buf: &mut Vec<u8>) -> Result<(), LoadError> {
        while self.read_into(buf, 8 << 20)? > 0 {}
        Ok(())
    }
}

/// Whether a decompression error means damaged data (rather than a failing device).
fn is_corrupt(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(e.kind(), InvalidInput | InvalidData | UnexpectedEof)
}

/// Open a FIFO for reading without blocking in `open` while no process writes to it: wait at
/// most `wait` for a writer (or for data), then read it like a pipe.
fn open_fifo(path: &str, wait: std::time::Duration) -> std::io::Result<Box<dyn Read + Send>> {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    let fd = f.as_raw_fd();
    let deadline = std::time::Instant::now() + wait;
    let mut first = [0u8; 1];
    // Without blocking, a read gives data, "would block" (a writer is there, silent), or the
    // end (no writer now): then wait for one to come.
    let got = loop {
        match f.read(&mut first) {
            Ok(0) => {}
            Ok(n) => break n,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break 0,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!(
                    "a FIFO that no process writes to (waited {} s)",
                    wait.as_secs()
                ),
            ));
        }
        let mut p = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = left.as_millis().clamp(1, 1000) as libc::c_int;
        // SAFETY: `p` is one valid pollfd for an open descriptor, borrowed for the call.
        unsafe { libc::poll(&mut p, 1, ms) };
        if p.revents & libc::POLLHUP != 0 {
            // A writer came and went: whatever it wrote is read, then the end.
            break 0;
        }
    };
    // SAFETY: `fd` is open (owned by `f`); clearing O_NONBLOCK changes no memory.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags < 0 || libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) < 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(Box::new(
        std::io::Cursor::new(first[..got].to_vec()).chain(f),
    ))
}

/// Buffers of parsed chunks, to read the next chunks into.
pub type Spare = std::sync::Mutex<Vec<Vec<u8>>>;

/// An input read as chunks of whole lines, of about `size` bytes (longer when one line is):
/// the pieces [`super::chunks::parse_chunks`] parses in parallel. Buffers given back with
/// [`LineChunks::recycle`] are read into again. A read error ends the chunks and is kept in
/// [`LineChunks::failed`].
pub struct LineChunks<'r, 'a> {
    reader: &'r mut Reader<'a>,
    /// Bytes read past the last line boundary handed out.
    carry: Vec<u8>,
    size: usize,
    spare: &'r Spare,
    /// The error that ended the chunks early.
    pub failed: Option<LoadError>,
}

impl<'r, 'a> LineChunks<'r, 'a> {
    /// Chunks of `reader` after `head`, the bytes already read from it, read into the
    /// buffers of `spare` when there are some.
    pub fn new(reader: &'r mut Reader<'a>, head: Vec<u8>, size: usize, spare: &'r Spare) -> Self {
        LineChunks {
            reader,
            carry: head,
            size,
            spare,
            failed: None,
        }
    }

    /// Keep a parsed chunk's buffer for a later chunk.
    pub fn recycle(spare: &Spare, mut buf: Vec<u8>) {
        buf.clear();
        spare
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(buf);
    }

    fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, LoadError> {
        let mut buf = self
            .spare
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop()
            .unwrap_or_default();
        buf.reserve(self.size + self.carry.len());
        buf.append(&mut self.carry);
        let mut want = self.size;
        // Bytes known to hold no newline (a line longer than a chunk grows it).
        let mut searched = 0;
        loop {
            if buf.len() < want {
                let n = want - buf.len();
                if self.reader.read_into(&mut buf, n)? < n {
                    // The end: the last line, with or without its newline, goes too.
                    return Ok((!buf.is_empty()).then_some(buf));
                }
            }
            if let Some(i) = memchr::memrchr(b'\n', &buf[searched..]) {
                let cut = searched + i + 1;
                self.carry.extend_from_slice(&buf[cut..]);
                buf.truncate(cut);
                return Ok(Some(buf));
            }
            searched = buf.len();
            want = buf.len() + self.size;
        }
    }
}

impl Iterator for LineChunks<'_, '_> {
    type Item = Vec<u8>;
    fn next(&mut self) -> Option<Vec<u8>> {
        if self.failed.is_some() {
            return None;
        }
        self.next_chunk().unwrap_or_else(|e| {
            self.failed = Some(e);
            None
        })
    }
}
