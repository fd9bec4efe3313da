//! Layering, enforced: no module of the engine (everything under `src/` but the faces `src/ui/`,
//! `src/cli/` and `src/main.rs`) may name a face (`crate::ui`, `crate::cli`) or a terminal crate
//! (`ratatui`, `crossterm`, `syntect`). The engine's files are found by walking `src/`, so a new
//! folder is covered the day it appears. Comments and string literals are ignored.

use std::path::{Path, PathBuf};

/// Modules of the crate root that are faces: the engine may not reach them.
const FACES: [&str; 2] = ["ui", "cli"];
/// Crates that draw on or read from a terminal.
const TERMINAL_CRATES: [&str; 3] = ["ratatui", "crossterm", "syntect"];

/// `src` with comments, string literals and char literals replaced by spaces (line breaks kept,
/// so that line numbers still hold). Lifetimes stay.
fn code_only(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    let mut out = String::with_capacity(src.len());
    let blank = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    let mut i = 0;
    while i < c.len() {
        let ident_before = i > 0 && (c[i - 1].is_alphanumeric() || c[i - 1] == '_');
        // Line comment.
        if c[i] == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                blank(&mut out, c[i]);
                i += 1;
            }
            continue;
        }
        // Block comment, nested.
        if c[i] == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                } else {
                    blank(&mut out, c[i]);
                    i += 1;
                    continue;
                }
                out.push_str("  ");
                i += 2;
                if depth == 0 {
                    break;
                }
            }
            continue;
        }
        // Raw string: r"…", r#"…"#, br"…", cr"…".
        let r = if c[i] == 'r' && !ident_before {
            Some(i + 1)
        } else if (c[i] == 'b' || c[i] == 'c') && at(i + 1) == 'r' && !ident_before {
            Some(i + 2)
        } else {
            None
        };
        if let Some(mut j) = r {
            let mut hashes = 0;
            while at(j) == '#' {
                hashes += 1;
                j += 1;
            }
            if at(j) == '"' {
                let close: String = std::iter::once('"')
                    .chain(std::iter::repeat_n('#', hashes))
                    .collect();
                let rest: String = c[j + 1..].iter().collect();
                let len = rest.find(&close).map_or(c.len() - i, |k| {
                    j + 1 - i + rest[..k].chars().count() + 1 + hashes
                });
                for &ch in &c[i..i + len] {
                    blank(&mut out, ch);
                }
                i += len;
                continue;
            }
        }
        // String.
        if c[i] == '"' {
            blank(&mut out, c[i]);
            i += 1;
            while i < c.len() {
                let (ch, n) = if c[i] == '\\' { (c[i], 2) } else { (c[i], 1) };
                for k in 0..n.min(c.len() - i) {
                    blank(&mut out, c[i + k]);
                }
                i += n;
                if ch == '"' {
                    break;
                }
            }
            continue;
        }
        // Char literal ('x', '\n', '\u{1b}'); a lifetime ('a) is kept.
        if c[i] == '\'' {
            let len = if at(i + 1) == '\\' {
                // The escaped character itself may be a quote: look past it.
                c.get(i + 3..)
                    .and_then(|rest| rest.iter().position(|&ch| ch == '\''))
                    .map(|k| k + 4)
            } else if at(i + 2) == '\'' {
                Some(3)
            } else {
                None
            };
            if let Some(len) = len {
                for &ch in &c[i..(i + len).min(c.len())] {
                    blank(&mut out, ch);
                }
                i += len;
                continue;
            }
        }
        out.push(c[i]);
        i += 1;
    }
    out
}

/// A token of code: an identifier or a punctuation mark (`::` is one), with its line.
fn tokens(code: &str) -> Vec<(String, usize)> {
    let mut toks = Vec::new();
    let mut line = 1;
    let mut it = code.chars().peekable();
    while let Some(ch) = it.next() {
        if ch == '\n' {
            line += 1;
        } else if ch.is_alphanumeric() || ch == '_' {
            let mut word = ch.to_string();
            while let Some(&n) = it.peek().filter(|n| n.is_alphanumeric() || **n == '_') {
                word.push(n);
                it.next();
            }
            toks.push((word, line));
        } else if ch == ':' && it.peek() == Some(&':') {
            it.next();
            toks.push(("::".into(), line));
        } else if !ch.is_whitespace() {
            toks.push((ch.to_string(), line));
        }
    }
    toks
}

/// The module path of a file under `src/` (`src/lib.rs` → [], `src/live/follow.rs` →
/// [live, follow], `src/live/mod.rs` → [live]).
fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// What in `src` (a file whose module path is `module`) names a face or a terminal crate, as
/// `line: what`. `super` beyond the file's own depth counts as the crate root (an inline
/// `mod tests` adds a level this does not see), so the check errs towards reporting.
fn violations(src: &str, module: &[String]) -> Vec<String> {
    let toks = tokens(&code_only(src));
    let t = |i: usize| toks.get(i).map_or("", |(s, _)| s.as_str());
    let mut found = Vec::new();
    for (i, (tok, line)) in toks.iter().enumerate() {
        if TERMINAL_CRATES.contains(&tok.as_str()) {
            found.push(format!("{line}: {tok}"));
            continue;
        }
        let starts_path =
            matches!(tok.as_str(), "crate" | "super" | "self") && (i == 0 || t(i - 1) != "::");
        if !starts_path {
            continue;
        }
        // How deep below the crate root the path is after its `crate`/`self`/`super`s.
        let mut depth = match tok.as_str() {
            "crate" => 0,
            "self" => module.len(),
            _ => module.len().saturating_sub(1),
        };
        let mut j = i + 1;
        while t(j) == "::" && t(j + 1) == "super" {
            depth = depth.saturating_sub(1);
            j += 2;
        }
        if depth != 0 || t(j) != "::" {
            continue;
        }
        // The names the path takes from the crate root: one, or each item of a `{…}` group.
        let mut first_names = Vec::new();
        if t(j + 1) == "{" {
            let (mut level, mut k, mut item_start) = (0, j + 1, true);
            while k < toks.len() {
                match t(k) {
                    "{" => level += 1,
                    "}" => {
                        level -= 1;
                        if level == 0 {
                            break;
                        }
                    }
                    "," if level == 1 => {
                        item_start = true;
                        k += 1;
                        continue;
                    }
                    name if level == 1 && item_start => first_names.push(name),
                    _ => {}
                }
                item_start = false;
                k += 1;
            }
        } else {
            first_names.push(t(j + 1));
        }
        for name in first_names {
            if FACES.contains(&name) {
                found.push(format!("{line}: crate::{name}"));
            }
        }
    }
    found
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read src")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Whether a file (relative to `src/`) belongs to a face.
fn is_face(rel: &Path) -> bool {
    rel == Path::new("main.rs")
        || FACES
            .iter()
            .any(|f| rel.starts_with(f) || rel == Path::new(&format!("{f}.rs")))
}

#[test]
fn the_engine_names_no_face_and_no_terminal_crate() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut checked_dirs = std::collections::BTreeSet::new();
    let mut found = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).expect("under src");
        if is_face(rel) {
            continue;
        }
        if rel.components().count() > 1 {
            checked_dirs.insert(
                rel.iter()
                    .next()
                    .expect("dir")
                    .to_string_lossy()
                    .to_string(),
            );
        }
        let text = std::fs::read_to_string(f).expect("read");
        for v in violations(&text, &module_path(rel)) {
            found.push(format!("src/{}:{v}", rel.display()));
        }
    }
    // The walk found the engine's folders (new ones join by themselves).
    for dir in ["model", "ingest", "query", "analysis", "replay", "live"] {
        assert!(
            checked_dirs.contains(dir),
            "src/{dir} not checked: {checked_dirs:?}"
        );
    }
    assert!(!checked_dirs.contains("ui") && !checked_dirs.contains("cli"));
    assert_eq!(found, Vec::<String>::new(), "the engine reaches a face");
}

fn check(src: &str, file: &str) -> Vec<String> {
    violations(src, &module_path(Path::new(file)))
}

#[test]
fn the_checker_reports_faces_and_terminal_crates() {
    assert_eq!(
        check("use crate::ui::app::App;", "model/store.rs"),
        ["1: crate::ui"]
    );
    assert_eq!(
        check("fn f() {}\nuse crate :: cli :: common;", "query/mod.rs"),
        ["2: crate::cli"]
    );
    assert_eq!(
        check(
            "use crate::{model::{Store, Event}, ui::theme};",
            "ops/load.rs"
        ),
        ["1: crate::ui"]
    );
    assert_eq!(
        check("let l = ratatui::text::Line::from(x);", "export/chrome.rs"),
        ["1: ratatui"]
    );
    assert_eq!(check("use crossterm::event;", "lib.rs"), ["1: crossterm"]);
    assert_eq!(check("extern crate syntect;", "text.rs"), ["1: syntect"]);
    assert_eq!(check("pub use self::ui::x;", "lib.rs"), ["1: crate::ui"]);
    // `super` climbs to the crate root from a folder's mod.rs or a top-level file ...
    assert_eq!(
        check("use super::ui::app;", "live/mod.rs"),
        ["1: crate::ui"]
    );
    assert_eq!(check("use super::cli::x;", "stats.rs"), ["1: crate::cli"]);
    assert_eq!(
        check("use super::super::ui::app;", "live/follow.rs"),
        ["1: crate::ui"]
    );
    // ... but one level up from a file in a folder is that folder.
    assert_eq!(
        check("use super::ui::x;", "live/follow.rs"),
        Vec::<String>::new()
    );
    // A path to a face after a char literal and a lifetime that look like quotes.
    assert_eq!(
        check(
            "let q = '\"'; fn f<'a>(x: &'a str) -> crate::ui::X {}",
            "query/lexer.rs"
        ),
        ["1: crate::ui"]
    );
}

#[test]
fn the_checker_ignores_comments_strings_and_lookalikes() {
    let clean = [
        "// use crate::ui::App;",
        "/// Drawn by ratatui in `crate::ui`.",
        "/* crate::ui /* nested */ ratatui */ fn f() {}",
        r#"let s = "crate::ui and crossterm";"#,
        r##"let s = r#"syntect "crate::cli""#;"##,
        r#"let s = "escaped \" crate::ui";"#,
        "let c = '\\''; // crate::ui",
        "let c = ['\\'', '\\u{1b}', '\"']; let s = \"crate::ui\";",
        "use crate::uikit::Thing; use crate::model::ui; use crate::client::X;",
        "let ratatui_like = 1; let my_crossterm = 2;",
        "use crate::{model, query::{ast, ui}};",
    ];
    for src in clean {
        assert_eq!(check(src, "model/store.rs"), Vec::<String>::new(), "{src}");
    }
    // Line numbers survive what was blanked.
    assert_eq!(
        check("/* a\nb */ \"x\ny\"\nuse crate::ui;", "model/mod.rs"),
        ["4: crate::ui"]
    );
}

#[test]
fn faces_are_recognised_by_path() {
    assert!(is_face(Path::new("main.rs")));
    assert!(is_face(Path::new("ui/view/list.rs")));
    assert!(is_face(Path::new("cli/mod.rs")));
    assert!(!is_face(Path::new("ops/mod.rs")));
    assert!(is_face(Path::new("ui.rs")));
    assert!(!is_face(Path::new("uikit.rs")));
    assert_eq!(module_path(Path::new("lib.rs")), Vec::<String>::new());
    assert_eq!(module_path(Path::new("live/mod.rs")), ["live"]);
    assert_eq!(module_path(Path::new("live/follow.rs")), ["live", "follow"]);
}
