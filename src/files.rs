//! Writing files safely: every file heisen writes (sessions, repros, exports, history) is
//! written to a temporary file beside it and renamed into place. Inputs are never written.

use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;

/// Write a file atomically: a temporary file in the same directory, synced, then a rename.
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The sha256 of a file's bytes (after reading it read-only), as hex.
pub fn sha256_file(path: &str) -> std::io::Result<String> {
    let bytes = std::fs::read(path)?;
    Ok(crate::ingest::ids::to_hex(&Sha256::digest(&bytes)))
}
