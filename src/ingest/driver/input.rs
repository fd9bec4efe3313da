//! Input bytes: a read-only file mapping whose pages can be given back once parsed, or a
//! buffer (decompressed gzip, stdin, embedded data).

use super::LoadError;
use std::io::Read;

/// Input bytes: a read-only memory map, or a buffer.
pub enum Input {
    Mapped(Mapped),
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

impl Input {
    /// Give back the memory of the whole pages inside `part` when this input is a file
    /// mapping and `part` lies inside it (see [`Mapped::release`]); otherwise nothing happens.
    pub fn release(&self, part: &[u8]) {
        if let Input::Mapped(m) = self {
            m.release(part);
        }
    }
}

/// A read-only mapping of a whole file. Its pages can be dropped from the resident set once
/// parsed: they stay in the page cache and are read again from the file if touched, so the
/// bytes seen through the mapping never change.
pub struct Mapped {
    map: memmap2::Mmap,
}

impl Mapped {
    /// Map `file` read-only.
    ///
    /// # Safety
    /// The file must not be truncated or rewritten while the mapping lives (its bytes are
    /// borrowed as `&[u8]`, which must not change).
    pub unsafe fn map(file: &std::fs::File) -> std::io::Result<Mapped> {
        // SAFETY: the caller's contract is memmap2's.
        let map = unsafe { memmap2::Mmap::map(file) }?;
        Ok(Mapped { map })
    }

    /// Tell the kernel this process no longer needs the whole pages inside `part`: they leave
    /// the resident set (the file stays in the page cache) and are read again from the file
    /// if touched. Bytes of `part` outside this mapping are left alone.
    pub fn release(&self, part: &[u8]) {
        const PAGE: usize = 4096;
        let map = self.map.as_ptr() as usize;
        let (lo, hi) = (part.as_ptr() as usize, part.as_ptr() as usize + part.len());
        let start = lo.max(map).next_multiple_of(PAGE);
        let end = hi.min(map + self.map.len()) / PAGE * PAGE;
        if end > start {
            // SAFETY: `start..end` lies inside this live, read-only, file-backed mapping
            // (clamped above); MADV_DONTNEED on such a mapping only drops pages that are
            // re-read from the file on access, so no byte visible through it changes.
            unsafe {
                libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED);
            }
        }
    }
}

impl std::ops::Deref for Mapped {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.map
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
            // SAFETY: heisen never writes to its inputs. A file truncated or rewritten by
            // another process while mapped can still fault or change under the reader, the
            // risk every mmap-based reader (ripgrep, lnav) accepts for speed.
            match unsafe { Mapped::map(&f) } {
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
