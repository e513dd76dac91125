//! The one owner of file text. Every [`Span`] points into a file registered here.
//!
//! Files are added while parsing (includes, embedded configs), possibly from several threads,
//! so the database uses interior mutability and hands out `Arc<SourceFile>`s.

use crate::span::{FileId, Span};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

/// Where an embedded text (a NATS config inside a YAML block scalar, a compose `command:`) sits in its parent file.
#[derive(Debug, Clone)]
pub struct Embedding {
    /// The real file that holds the text.
    pub parent: FileId,
    /// For each piece of the embedded text: `(offset in embedded text, offset in parent)`, sorted by the first.
    /// An offset `o` maps to `parent_off + (o - embedded_off)` using the last piece with `embedded_off <= o`.
    pub pieces: Vec<(u32, u32)>,
}

/// One file's text and what is needed to turn offsets into line/column.
#[derive(Debug)]
pub struct SourceFile {
    /// The path used to read the file (absolute or as given on the command line).
    pub path: PathBuf,
    /// The path shown to users: relative to the scanned root, with `/` separators.
    pub display: String,
    pub text: Arc<str>,
    /// Byte offset of the start of each line (line 1 starts at 0). Lines end at `\n`. Computed on
    /// first use: most files of a fleet never have a finding to locate.
    line_starts: std::sync::OnceLock<Vec<u32>>,
    /// Set when this text is embedded in another file.
    pub embedding: Option<Embedding>,
}

impl SourceFile {
    pub fn new(path: PathBuf, display: String, text: Arc<str>, embedding: Option<Embedding>) -> Self {
        SourceFile { path, display, text, line_starts: std::sync::OnceLock::new(), embedding }
    }

    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0).chain(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i as u32 + 1)).collect()
        })
    }

    /// 1-based line and 1-based column (in characters) of a byte offset of this file's own text.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let offset = offset.min(self.text.len() as u32);
        let line_starts = self.line_starts();
        let line = match line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = line_starts[line] as usize;
        let mut end = offset as usize;
        while end > start && !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let col = self.text[start..end].chars().count() as u32 + 1;
        (line as u32 + 1, col)
    }

    /// The text of a 1-based line, without its line terminator.
    pub fn line_text(&self, line: u32) -> &str {
        let i = (line.max(1) - 1) as usize;
        let line_starts = self.line_starts();
        if i >= line_starts.len() {
            return "";
        }
        let start = line_starts[i] as usize;
        let end = line_starts.get(i + 1).map(|e| *e as usize).unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }
}

/// A location resolved for display: file, 1-based line/column of start and end.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub file: FileId,
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

/// `path` made absolute with `.` and `..` resolved lexically (no file system access).
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to `base`, both normalised, with `..` steps when `path` is outside `base`.
fn relative_to(path: &Path, base: &Path) -> Option<PathBuf> {
    let (p, b) = (normalize(path), normalize(base));
    let common = p.components().zip(b.components()).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return None;
    }
    let mut out = PathBuf::new();
    for _ in b.components().skip(common) {
        out.push("..");
    }
    for c in p.components().skip(common) {
        out.push(c);
    }
    Some(out)
}

/// All files of a run. Cheap to share between threads.
#[derive(Debug, Default)]
pub struct SourceDb {
    files: RwLock<Vec<Arc<SourceFile>>>,
    /// First non-embedded file registered for each path, so [`SourceDb::find`] is O(1) (fleets have 10^5 files).
    /// A table of ids hashed by their file's path, so no path is stored twice (10^5 paths).
    by_path: RwLock<hashbrown::HashTable<FileId>>,
    path_hasher: std::hash::RandomState,
    /// Memo of [`SourceDb::canonical`] (`None`: the path does not resolve).
    canonical: RwLock<HashMap<PathBuf, Option<PathBuf>>>,
    root: PathBuf,
}

impl SourceDb {
    /// A database whose display paths are relative to `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        SourceDb { root: root.into(), ..SourceDb::default() }
    }

    /// `std::fs::canonicalize(path)`, memoized for the run and per folder: a new path costs one
    /// `lstat` (plus its folder's, once) instead of a `readlink` per component. A 10,000-server fleet
    /// made 147,000 failing `readlink` calls before. `None` when the path does not resolve.
    pub fn canonical(&self, path: &Path) -> Option<PathBuf> {
        if let Some(c) = self.canonical.read().expect("source db poisoned").get(path) {
            return c.clone();
        }
        let resolved = self.resolve_canonical(path);
        self.canonical.write().expect("source db poisoned").insert(path.to_path_buf(), resolved.clone());
        resolved
    }

    /// Each file's position in display-path order (files with equal display paths share one), so
    /// that sorting by display path compares integers. Files are mostly registered in path order, so
    /// the sort behind it is nearly linear.
    pub fn display_ranks(&self) -> Vec<u32> {
        let files = self.files.read().expect("source db poisoned");
        let mut order: Vec<u32> = (0..files.len() as u32).collect();
        order.sort_by(|a, b| files[*a as usize].display.cmp(&files[*b as usize].display));
        let mut ranks = vec![0u32; files.len()];
        let mut rank = 0u32;
        for (i, f) in order.iter().enumerate() {
            if i > 0 && files[order[i - 1] as usize].display != files[*f as usize].display {
                rank += 1;
            }
            ranks[*f as usize] = rank;
        }
        ranks
    }

    /// Frees the memo of [`SourceDb::canonical`] (the pipeline needs no more paths resolved after
    /// parsing; later calls resolve again).
    pub fn forget_canonical(&self) {
        *self.canonical.write().expect("source db poisoned") = HashMap::new();
    }

    /// [`SourceDb::canonical`] or, when the path does not resolve, the path itself.
    pub fn canonical_or_same(&self, path: &Path) -> PathBuf {
        self.canonical(path).unwrap_or_else(|| path.to_path_buf())
    }

    fn resolve_canonical(&self, path: &Path) -> Option<PathBuf> {
        use std::path::Component;
        let plain =
            path.is_absolute() && path.components().all(|c| matches!(c, Component::RootDir | Component::Normal(_)));
        let (true, Some(parent), Some(name)) = (plain, path.parent(), path.file_name()) else {
            return std::fs::canonicalize(path).ok();
        };
        // An entry that is not a link resolves to its resolved folder plus its name.
        if std::fs::symlink_metadata(path).ok()?.file_type().is_symlink() {
            return std::fs::canonicalize(path).ok();
        }
        Some(self.canonical(parent)?.join(name))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The display path for `path`: relative to the root when inside it, `/` separators.
    /// A file outside the root is shown with `..` (`../shared/auth.conf`).
    pub fn display_path(&self, path: &Path) -> String {
        let rel = match path.strip_prefix(&self.root) {
            Ok(rel) => rel.to_path_buf(),
            Err(_) => relative_to(path, &self.root).unwrap_or_else(|| path.to_path_buf()),
        };
        let s = rel.to_string_lossy().replace('\\', "/");
        if s.is_empty() {
            path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| ".".into())
        } else {
            s
        }
    }

    /// Registers a file's text; returns its id. The same path may be added more than once
    /// (an include read from two parents); use [`SourceDb::find`] to reuse.
    pub fn add(&self, path: PathBuf, text: impl Into<Arc<str>>) -> FileId {
        let display = self.display_path(&path);
        self.add_file(SourceFile::new(path, display, text.into(), None))
    }

    /// Registers an empty text for a file that could not be read, so diagnostics can point at it.
    /// [`SourceDb::find`] never returns it: an `include` of that path must fail, not read "".
    pub fn add_unreadable(&self, path: PathBuf) -> FileId {
        let display = self.display_path(&path);
        let mut files = self.files.write().expect("source db poisoned");
        files.push(Arc::new(SourceFile::new(path, display, Arc::from(""), None)));
        FileId(files.len() as u32 - 1)
    }

    /// Registers text embedded in another file.
    pub fn add_embedded(&self, display: String, text: impl Into<Arc<str>>, embedding: Embedding) -> FileId {
        let parent_path = self.get(embedding.parent).path.clone();
        self.add_file(SourceFile::new(parent_path, display, text.into(), Some(embedding)))
    }

    fn add_file(&self, file: SourceFile) -> FileId {
        use std::hash::BuildHasher;
        let real = file.embedding.is_none();
        let mut files = self.files.write().expect("source db poisoned");
        files.push(Arc::new(file));
        let id = FileId(files.len() as u32 - 1);
        if real {
            // Taken while `files` is held, so the first registration of a path wins.
            let path_of = |f: &FileId| files[f.0 as usize].path.as_path();
            let hash = |f: &FileId| self.path_hasher.hash_one(path_of(f));
            let mut table = self.by_path.write().expect("source db poisoned");
            if table.find(hash(&id), |f| path_of(f) == path_of(&id)).is_none() {
                table.insert_unique(hash(&id), id, hash);
            }
        }
        id
    }

    /// The first registered, non-embedded file read from `path`.
    pub fn find(&self, path: &Path) -> Option<FileId> {
        use std::hash::BuildHasher;
        let files = self.files.read().expect("source db poisoned");
        let table = self.by_path.read().expect("source db poisoned");
        table.find(self.path_hasher.hash_one(path), |f| files[f.0 as usize].path == path).copied()
    }

    pub fn get(&self, id: FileId) -> Arc<SourceFile> {
        self.files.read().expect("source db poisoned")[id.0 as usize].clone()
    }

    pub fn len(&self) -> usize {
        self.files.read().expect("source db poisoned").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Maps a span in an embedded text to the real file that holds it (identity for real files).
    pub fn real_span(&self, span: Span) -> Span {
        let file = self.get(span.file);
        match &file.embedding {
            None => span,
            Some(e) => {
                let map = |o: u32| -> u32 {
                    let i = match e.pieces.binary_search_by_key(&o, |p| p.0) {
                        Ok(i) => i,
                        Err(0) => 0,
                        Err(i) => i - 1,
                    };
                    match e.pieces.get(i) {
                        Some((eo, po)) => po + o.saturating_sub(*eo),
                        None => o,
                    }
                };
                let inner = Span { file: e.parent, start: map(span.start), end: map(span.end) };
                self.real_span(inner)
            }
        }
    }

    /// File, line and column of a span, resolved through embeddings.
    pub fn locate(&self, span: Span) -> Location {
        let real = self.real_span(span);
        let file = self.get(real.file);
        let (line, column) = file.line_col(real.start);
        let (end_line, end_column) = file.line_col(real.end);
        Location { file: real.file, path: file.display.clone(), line, column, end_line, end_column }
    }
}
