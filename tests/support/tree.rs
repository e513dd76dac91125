//! Deployment trees on disk for tests that lint through `pipeline::lint`: the repository's
//! fixtures, or files a test writes into a temporary folder; and the text a finding points at.
#![allow(dead_code)]

use latticelint::pipeline::Outcome;
use latticelint::span::Span;
use std::path::{Path, PathBuf};

/// A folder of the repository's `fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    super::require::repo_root().join("fixtures").join(rel)
}

/// A temporary folder holding `files` (`(relative path, text)`; parent folders are created).
pub fn write_tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    for (rel, text) in files {
        let path = dir.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folder");
        }
        std::fs::write(&path, text).expect("write file");
    }
    dir
}

/// The files of `dir` (not recursive) whose extension is `ext`, sorted.
pub fn files_with_extension(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}

/// The text of the line a span of the run starts on.
pub fn line_of(out: &Outcome, span: Span) -> String {
    let f = out.db.get(span.file);
    let start = span.start as usize;
    let begin = f.text[..start].rfind('\n').map_or(0, |i| i + 1);
    let end = f.text[start..].find('\n').map_or(f.text.len(), |i| i + start);
    f.text[begin..end].to_string()
}
