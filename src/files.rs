//! Writing files safely: every file heisen writes (sessions, repros, exports, history) is
//! written to a temporary file beside it and renamed into place. Inputs are never written.

use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where a command writes what it makes: a file (written atomically) or standard output.
#[derive(Debug, PartialEq, Eq)]
pub enum Output {
    /// `-`: standard output.
    Stdout,
    /// A file, replaced atomically.
    File(PathBuf),
}

/// Why an output cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The output is one of the inputs (the same file, through any link or path).
    #[error("{out} is the input {input}: heisen never writes its inputs; choose another output")]
    IsInput { out: String, input: String },
}

impl Output {
    /// The output named `out` (`-` is standard output), refused when it is the same file as
    /// one of `inputs` — compared by device and inode, so symlinks, hard links and other
    /// spellings of the path are caught.
    pub fn check(out: &str, inputs: &[String]) -> Result<Output, OutputError> {
        if out == "-" {
            return Ok(Output::Stdout);
        }
        if let Ok(o) = std::fs::metadata(out) {
            for input in inputs.iter().filter(|i| i.as_str() != "-") {
                if std::fs::metadata(input).is_ok_and(|i| same_file(&i, &o)) {
                    return Err(OutputError::IsInput {
                        out: crate::text::sanitize(out, true).into_owned(),
                        input: crate::text::sanitize(input, true).into_owned(),
                    });
                }
            }
        }
        Ok(Output::File(PathBuf::from(out)))
    }

    /// Write `contents`: to standard output, or atomically to the file.
    pub fn write(&self, contents: &[u8]) -> std::io::Result<()> {
        match self {
            Output::Stdout => {
                let mut w = std::io::stdout().lock();
                w.write_all(contents)?;
                w.flush()
            }
            Output::File(p) => write_atomic(p, contents),
        }
    }

    /// How to name the output in a message.
    pub fn describe(&self) -> String {
        match self {
            Output::Stdout => "standard output".into(),
            Output::File(p) => crate::text::sanitize(&p.to_string_lossy(), true).into_owned(),
        }
    }
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    false
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_that_is_an_input_is_refused_through_any_link() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.jsonl");
        std::fs::write(&input, "{}\n").unwrap();
        let inputs = vec![input.to_string_lossy().into_owned()];
        let hard = dir.path().join("hard.jsonl");
        std::fs::hard_link(&input, &hard).unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let dotted = sub.join("../in.jsonl");
        let mut refused = vec![input.clone(), hard, dotted];
        #[cfg(unix)]
        {
            let link = dir.path().join("link.jsonl");
            std::os::unix::fs::symlink(&input, &link).unwrap();
            refused.push(link);
        }
        for out in refused {
            let r = Output::check(&out.to_string_lossy(), &inputs);
            assert!(matches!(r, Err(OutputError::IsInput { .. })), "{out:?}");
        }
        let other = dir.path().join("out.jsonl");
        assert_eq!(
            Output::check(&other.to_string_lossy(), &inputs).unwrap(),
            Output::File(other)
        );
        assert_eq!(Output::check("-", &inputs).unwrap(), Output::Stdout);
        assert_eq!(std::fs::read(&input).unwrap(), b"{}\n");
    }
}
