//! The recorder's file: one OTLP/JSON record per line, appended so that "acknowledged" always
//! means "in the file and readable", whatever kills the process.
//!
//! Each record and its newline go to the file in one `write` on a descriptor opened for
//! appending, before the request is acknowledged. A kill can therefore only tear the last,
//! unacknowledged record; [`Journal::open`] repairs such a tail before anything is appended
//! after it. How far the data is also pushed to the disk is [`Fsync`]'s choice.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// When written records are forced to the disk (`--fsync`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Fsync {
    /// Before every acknowledgement: survives a kill and a power loss, costs a disk flush per
    /// request.
    Always,
    /// In the background at most [`BATCH_INTERVAL`] after a write: survives a kill; a power
    /// loss can lose the last interval.
    Batch,
    /// Left to the operating system: survives a kill; a power loss can lose what the kernel
    /// had not written back yet (typically up to 30 s).
    Never,
}

/// How long a record waits at most for its background flush under [`Fsync::Batch`].
pub const BATCH_INTERVAL: Duration = Duration::from_millis(200);

/// An append-only record file.
pub struct Journal {
    file: Mutex<File>,
    fsync: Fsync,
    /// Written since the last background flush.
    dirty: Arc<AtomicBool>,
    /// Tells the background flusher to stop.
    stop: Arc<AtomicBool>,
}

/// What [`Journal::open`] did to the end of an existing file.
#[derive(Debug, PartialEq, Eq)]
pub enum Repair {
    /// Nothing was needed.
    None,
    /// The last record was complete but had no newline: one was added.
    Newline,
    /// The last record was torn (a write cut short, never acknowledged): its bytes were removed.
    Truncated { bytes: u64 },
}

impl Repair {
    /// A sentence for the user, or nothing when nothing was done.
    pub fn describe(&self, path: &str) -> Option<String> {
        let path = crate::text::sanitize(path, true);
        match self {
            Repair::None => None,
            Repair::Newline => Some(format!(
                "{path}: the last record had no line end; added one"
            )),
            Repair::Truncated { bytes } => Some(format!(
                "{path}: removed a torn last record ({bytes} bytes, cut short by a crash before it was acknowledged)"
            )),
        }
    }
}

impl Journal {
    /// Open (or create) `path` for appending, after repairing a torn tail.
    pub fn open(path: &str, fsync: Fsync) -> io::Result<(Journal, Repair)> {
        let mut file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(path)?;
        let repair = repair_tail(&mut file)?;
        if repair != Repair::None {
            file.sync_all()?;
        }
        let journal = Journal {
            file: Mutex::new(file),
            fsync,
            dirty: Arc::new(AtomicBool::new(false)),
            stop: Arc::new(AtomicBool::new(false)),
        };
        if fsync == Fsync::Batch {
            journal.spawn_flusher()?;
        }
        Ok((journal, repair))
    }

    /// Append one record (a line without its newline) so that it is complete in the file when
    /// this returns, and on the disk too under [`Fsync::Always`].
    pub fn append(&self, record: &str) -> io::Result<()> {
        let mut buf = Vec::with_capacity(record.len() + 1);
        buf.extend_from_slice(record.as_bytes());
        buf.push(b'\n');
        let mut f = self
            .file
            .lock()
            .map_err(|_| io::Error::other("the record file's lock is poisoned"))?;
        if let Err(e) = f.write_all(&buf) {
            // A partial write would glue the next record onto this one: cut it off again.
            let _ = repair_tail(&mut f);
            return Err(e);
        }
        match self.fsync {
            Fsync::Always => f.sync_data()?,
            Fsync::Batch => self.dirty.store(true, Ordering::Release),
            Fsync::Never => {}
        }
        Ok(())
    }

    /// Force everything written so far to the disk (at a clean stop).
    pub fn sync(&self) -> io::Result<()> {
        let f = self
            .file
            .lock()
            .map_err(|_| io::Error::other("the record file's lock is poisoned"))?;
        f.sync_data()
    }

    fn spawn_flusher(&self) -> io::Result<()> {
        let file = self
            .file
            .lock()
            .map_err(|_| io::Error::other("the record file's lock is poisoned"))?
            .try_clone()?;
        let (dirty, stop) = (self.dirty.clone(), self.stop.clone());
        std::thread::Builder::new()
            .name("heisen-fsync".into())
            .spawn(move || {
                while !stop.load(Ordering::Acquire) {
                    std::thread::sleep(BATCH_INTERVAL);
                    if dirty.swap(false, Ordering::AcqRel) {
                        let _ = file.sync_data();
                    }
                }
            })?;
        Ok(())
    }
}

impl Drop for Journal {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Ok(f) = self.file.get_mut() {
            let _ = f.sync_data();
        }
    }
}

/// Make the file end at a record boundary: a complete last record without its newline gets
/// one, a torn one is cut off.
fn repair_tail(file: &mut File) -> io::Result<Repair> {
    let len = file.seek(SeekFrom::End(0))?;
    if len == 0 {
        return Ok(Repair::None);
    }
    let last_nl = find_last_newline(file, len)?;
    let tail_start = last_nl.map_or(0, |p| p + 1);
    if tail_start == len {
        return Ok(Repair::None);
    }
    let mut tail = Vec::new();
    file.seek(SeekFrom::Start(tail_start))?;
    Read::by_ref(file)
        .take(len - tail_start)
        .read_to_end(&mut tail)?;
    let complete = serde_json::from_slice::<serde::de::IgnoredAny>(&tail).is_ok();
    if complete {
        file.write_all(b"\n")?;
        Ok(Repair::Newline)
    } else {
        file.set_len(tail_start)?;
        Ok(Repair::Truncated {
            bytes: len - tail_start,
        })
    }
}

/// The offset of the last `\n` in the first `len` bytes, read backwards in blocks.
fn find_last_newline(file: &mut File, len: u64) -> io::Result<Option<u64>> {
    const BLOCK: u64 = 64 << 10;
    let mut end = len;
    let mut buf = vec![0u8; BLOCK as usize];
    while end > 0 {
        let start = end.saturating_sub(BLOCK);
        let n = (end - start) as usize;
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut buf[..n])?;
        if let Some(i) = memchr::memrchr(b'\n', &buf[..n]) {
            return Ok(Some(start + i as u64));
        }
        end = start;
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reopen(content: &[u8]) -> (Repair, Vec<u8>) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("rec.jsonl");
        std::fs::write(&p, content).unwrap();
        let path = p.to_str().unwrap();
        let (j, r) = Journal::open(path, Fsync::Never).unwrap();
        j.append("{\"next\":1}").unwrap();
        drop(j);
        (r, std::fs::read(&p).unwrap())
    }

    #[test]
    fn a_torn_record_is_cut_off_before_the_next_append() {
        let (r, out) = reopen(b"{\"a\":1}\n{\"b\":[1,2");
        assert_eq!(r, Repair::Truncated { bytes: 9 });
        assert_eq!(out, b"{\"a\":1}\n{\"next\":1}\n");
    }

    #[test]
    fn a_complete_record_without_newline_gets_one() {
        let (r, out) = reopen(b"{\"a\":1}\n{\"b\":2}");
        assert_eq!(r, Repair::Newline);
        assert_eq!(out, b"{\"a\":1}\n{\"b\":2}\n{\"next\":1}\n");
    }

    #[test]
    fn a_clean_or_new_file_is_left_alone() {
        assert_eq!(reopen(b"{\"a\":1}\n").0, Repair::None);
        assert_eq!(reopen(b"").0, Repair::None);
        // A file of one torn record and nothing else.
        let (r, out) = reopen(b"{\"torn");
        assert_eq!(r, Repair::Truncated { bytes: 6 });
        assert_eq!(out, b"{\"next\":1}\n");
    }

    #[test]
    fn the_last_newline_is_found_across_blocks() {
        let mut big = b"{\"a\":1}\n".to_vec();
        big.extend(std::iter::repeat_n(b'x', 200_000));
        let (r, out) = reopen(&big);
        assert_eq!(r, Repair::Truncated { bytes: 200_000 });
        assert_eq!(out, b"{\"a\":1}\n{\"next\":1}\n");
    }

    #[test]
    fn every_policy_appends_whole_lines() {
        for policy in [Fsync::Always, Fsync::Batch, Fsync::Never] {
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join("r.jsonl");
            let (j, _) = Journal::open(p.to_str().unwrap(), policy).unwrap();
            j.append("{\"x\":1}").unwrap();
            j.append("{\"x\":2}").unwrap();
            j.sync().unwrap();
            assert_eq!(std::fs::read(&p).unwrap(), b"{\"x\":1}\n{\"x\":2}\n");
        }
    }
}
