//! The walk: every file below the given paths, read once in the walker's threads and classified
//! ([`super::classify`]); what it finds is registered in path order by [`super::discover_excluding`].

use super::classify::{classify, classify_named, is_helm_template, kind_by_name, named_like_config};
use crate::deploy::FileKind;
use crate::source::SourceDb;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Files larger than this are not read (a deployment file is never this big).
pub const MAX_FILE_SIZE: u64 = 8 << 20;

/// Folders never entered.
const SKIP_DIRS: &[&str] =
    &[".git", ".hg", ".svn", ".jj", "target", "node_modules", ".terraform", "__pycache__", ".venv", ".tox", ".idea"];

/// What the walk found, sorted by path: `(path, what it is)`, and the symbolic links (files or
/// folders) met whose target is outside the scanned root: `(link, target)`.
pub(super) struct Walked {
    pub found: Vec<(PathBuf, Examined)>,
    pub linked_out: Vec<(PathBuf, PathBuf)>,
}

/// Walks `paths` (honouring `.gitignore`/`.ignore`, skipping [`SKIP_DIRS`]), reading and classifying
/// every file whose display path matches none of the `exclude` globs.
pub(super) fn walk(paths: &[PathBuf], db: &SourceDb, exclude: &[String]) -> Walked {
    let mut gb = globset::GlobSetBuilder::new();
    for g in exclude {
        if let Ok(glob) = globset::Glob::new(g) {
            gb.add(glob);
        }
    }
    let excluded = gb.build().unwrap_or_else(|_| globset::GlobSet::empty());
    // Files named on the command line are read as what the user asked for (see [`super::classify::classify_named`]).
    let named: HashSet<PathBuf> = paths.iter().filter(|p| p.is_file()).cloned().collect();
    let canon_root = db.canonical_or_same(db.root());
    let found: Mutex<Vec<(PathBuf, Examined)>> = Mutex::new(Vec::new());
    // Symbolic links (files or folders) met in the walk whose target is outside the scanned root: `(link, target)`.
    let linked_out: Mutex<Vec<(PathBuf, PathBuf)>> = Mutex::new(Vec::new());
    let walker = Walker { db, excluded: &excluded, named: &named, canon_root: &canon_root };
    for root in paths {
        if !root.exists() && std::fs::symlink_metadata(root).is_err() {
            lock(&found).push((root.clone(), Examined::Unreadable("no such file or folder".into())));
            continue;
        }
        let mut wb = ignore::WalkBuilder::new(root);
        wb.hidden(false).follow_links(true).require_git(false).git_global(false).parents(true).filter_entry(|e| {
            !(e.depth() > 0
                && e.file_type().is_some_and(|t| t.is_dir())
                && SKIP_DIRS.iter().any(|s| e.file_name() == *s))
        });
        wb.build_parallel().run(|| {
            let (found, linked_out, walker) = (&found, &linked_out, &walker);
            Box::new(move |entry| {
                if let Some((path, examined, link)) = walker.visit(entry) {
                    if let Some(link) = link {
                        lock(linked_out).push(link);
                    }
                    if let Some(examined) = examined {
                        lock(found).push((path, examined));
                    }
                }
                ignore::WalkState::Continue
            })
        });
    }
    let mut found = found.into_inner().unwrap_or_else(|e| e.into_inner());
    let linked_out = linked_out.into_inner().unwrap_or_else(|e| e.into_inner());
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found.dedup_by(|a, b| a.0 == b.0);
    Walked { found, linked_out }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// What the walk learned about one path; turned into files and diagnostics in path order.
pub(super) enum Examined {
    Unreadable(String),
    /// Named on the command line but not linted, and why.
    NotRead(&'static str),
    /// A Helm template (reported with its chart, not linted).
    Template(String),
    File {
        text: String,
        bad_utf8: Option<usize>,
        kind: FileKind,
    },
}

/// What every walker thread shares.
struct Walker<'a> {
    db: &'a SourceDb,
    excluded: &'a globset::GlobSet,
    named: &'a HashSet<PathBuf>,
    canon_root: &'a Path,
}

/// `(path, what it is, a link out of the root)` for one walked entry.
type Visited = (PathBuf, Option<Examined>, Option<(PathBuf, PathBuf)>);

impl Walker<'_> {
    /// Examines one walk entry; `None` for folders and errors that say nothing (symlink loops).
    fn visit(&self, entry: Result<ignore::DirEntry, ignore::Error>) -> Option<Visited> {
        let e = match entry {
            Ok(e) => e,
            // Symlink loops are skipped silently; other errors name a path when they can.
            Err(err) if is_loop(&err) => return None,
            Err(err) => return error_path(&err).map(|p| (p, Some(Examined::Unreadable(err_reason(&err))), None)),
        };
        let mut link = None;
        if e.depth() > 0 && e.path_is_symlink() {
            if let Ok(target) = std::fs::canonicalize(e.path()) {
                if !target.starts_with(self.canon_root) {
                    link = Some((e.path().to_path_buf(), target));
                }
            }
        }
        let file_type = e.file_type();
        if file_type.is_some_and(|t| t.is_dir()) {
            return link.map(|l| (e.path().to_path_buf(), None, Some(l)));
        }
        let path = e.into_path();
        let examined = self.examine(&path, file_type.is_some_and(|t| t.is_file()));
        Some((path, examined, link))
    }

    /// Reads and classifies one file. `regular`: the walk saw a regular file (no `stat` needed to skip it).
    fn examine(&self, path: &Path, regular: bool) -> Option<Examined> {
        if !self.excluded.is_empty() && self.excluded.is_match(self.db.display_path(path)) {
            return None;
        }
        let explicit = self.named.contains(path);
        if !regular {
            // FIFOs, devices, sockets and dangling links are reported whatever their name.
            return Some(Examined::Unreadable(match std::fs::metadata(path) {
                Ok(m) if m.is_file() => return self.read(path, explicit),
                Ok(m) => special_reason(&m),
                Err(err) => io_reason(&err),
            }));
        }
        self.read(path, explicit)
    }

    fn read(&self, path: &Path, explicit: bool) -> Option<Examined> {
        if !kind_by_name(path).is_candidate() {
            return explicit.then_some(Examined::NotRead("its extension is not one of a deployment file"));
        }
        let bytes = match read_regular(path) {
            Ok(b) => b,
            Err(reason) => return Some(Examined::Unreadable(reason)),
        };
        if bytes.contains(&0) {
            // A binary; worth a word only when its name says it is a config file.
            return (named_like_config(path) || explicit)
                .then(|| Examined::Unreadable("it contains NUL bytes, so it is not a text file".into()));
        }
        let (text, bad_utf8) = match String::from_utf8(bytes) {
            Ok(t) => (t, None),
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(offset))
            }
        };
        let kind = if explicit { classify_named(path, &text) } else { classify(path, &text) };
        match kind {
            Some(kind) => Some(Examined::File { text, bad_utf8, kind }),
            None if is_helm_template(path, &text) => Some(Examined::Template(text)),
            None if explicit => Some(Examined::NotRead("its content matches no file kind latticelint reads")),
            None => None,
        }
    }
}

/// Reads a regular file of at most [`MAX_FILE_SIZE`] bytes: one `open` (non-blocking, so a FIFO
/// swapped in after the walk cannot hang it), one `fstat`, then the reads. The error is a reason.
fn read_regular(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let file = opts.open(path).map_err(|e| io_reason(&e))?;
    let meta = file.metadata().map_err(|e| io_reason(&e))?;
    if !meta.is_file() {
        return Err(special_reason(&meta));
    }
    if meta.len() > MAX_FILE_SIZE {
        return Err(format!("it is {} bytes, over the {} byte limit", meta.len(), MAX_FILE_SIZE));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    file.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes).map_err(|e| io_reason(&e))?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(format!("it grew over the {MAX_FILE_SIZE} byte limit while it was read"));
    }
    Ok(bytes)
}

/// Where `path` really is when it is, or lies under, a link to outside the scanned root.
pub(super) fn outside_target(linked_out: &[(PathBuf, PathBuf)], path: &Path) -> Option<PathBuf> {
    let (link, target) =
        linked_out.iter().filter(|(l, _)| path.starts_with(l)).max_by_key(|(l, _)| l.as_os_str().len())?;
    Some(match path.strip_prefix(link) {
        Ok(rest) if !rest.as_os_str().is_empty() => target.join(rest),
        _ => target.clone(),
    })
}

fn special_reason(meta: &std::fs::Metadata) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "it is a FIFO (named pipe), not a regular file".into();
        }
        if t.is_char_device() || t.is_block_device() {
            return "it is a device, not a regular file".into();
        }
        if t.is_socket() {
            return "it is a socket, not a regular file".into();
        }
    }
    let _ = meta;
    "it is not a regular file".into()
}

fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "it disappeared during the scan".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => err.to_string().to_lowercase(),
    }
}

fn is_loop(err: &ignore::Error) -> bool {
    match err {
        ignore::Error::Loop { .. } => true,
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => is_loop(err),
        ignore::Error::Partial(errs) => errs.iter().all(is_loop),
        _ => false,
    }
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => error_path(err),
        _ => None,
    }
}

fn err_reason(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => err_reason(err),
        ignore::Error::Io(e) => io_reason(e),
        other => other.to_string().to_lowercase(),
    }
}
