//! Walks the given paths and classifies each file by name and content (NATS config, compose,
//! Kubernetes, Helm values, `.env`, systemd unit, script). Reads each file once and registers it in
//! the [`SourceDb`]; parses nothing.
//!
//! The walk honours `.gitignore`/`.ignore` (even outside a git repository), skips VCS and build
//! folders (`.git`, `target`, `node_modules`...), follows symlinks and survives loops. Special files
//! (FIFOs, devices, sockets), files over [`MAX_FILE_SIZE`] and files that cannot be read (permissions,
//! deleted during the walk) become `unreadable-file` diagnostics; the walk never aborts.

pub mod findings;

use self::findings::SYMLINK_OUTSIDE_ROOT;
use crate::deploy::findings::FILE_NOT_LINTED;
use crate::diagnostic::Diagnostic;
use crate::nats::findings::{INVALID_ENCODING, UNREADABLE_FILE};
use crate::source::SourceDb;
use crate::span::{FileId, Span};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Files larger than this are not read (a deployment file is never this big).
pub const MAX_FILE_SIZE: u64 = 8 << 20;

/// Folders never entered.
const SKIP_DIRS: &[&str] =
    &[".git", ".hg", ".svn", ".jj", "target", "node_modules", ".terraform", "__pycache__", ".venv", ".tox", ".idea"];

/// What a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    /// A NATS server config or include fragment, whatever its extension.
    NatsConfig,
    Compose,
    /// Kubernetes manifests (multi-document YAML, kustomization files).
    Kubernetes,
    /// Helm values files (plain YAML) of the nats, wadm, wasmcloud-host or wasmcloud-platform charts.
    HelmValues,
    /// `.env` files.
    Env,
    Systemd,
    /// Shell scripts with `nats-server` / `wash up` / `wasmcloud` command lines.
    Script,
}

/// A classified file, registered in the source db.
#[derive(Debug, Clone)]
pub struct Discovered {
    pub path: PathBuf,
    pub file: FileId,
    pub kind: FileKind,
}

/// The result of a walk, sorted by path.
#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<Discovered>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The root display paths are relative to: the folder given, a file's folder, or the common ancestor.
pub fn scan_root(paths: &[PathBuf]) -> PathBuf {
    let dir_of = |p: &PathBuf| -> PathBuf {
        if p.is_dir() {
            p.clone()
        } else {
            p.parent().map(Path::to_path_buf).filter(|p| !p.as_os_str().is_empty()).unwrap_or_else(|| ".".into())
        }
    };
    let mut it = paths.iter();
    let Some(first) = it.next() else {
        return PathBuf::from(".");
    };
    let mut root = dir_of(first);
    for p in it {
        let d = dir_of(p);
        while !d.starts_with(&root) {
            if !root.pop() {
                return PathBuf::from(if d.is_absolute() { "/" } else { "." });
            }
        }
    }
    root
}

/// Walks `paths`, registers every classified file in `db`, and reports unreadable ones.
pub fn discover(paths: &[PathBuf], db: &SourceDb) -> Discovery {
    discover_excluding(paths, db, &[])
}

/// [`discover`], skipping files whose display path matches one of the `exclude` globs.
///
/// The walk, `open`/`read` and classification run in the walker's threads (a fleet of 10,000 servers
/// has 21,000 files in 10,000 folders); files are then registered in path order, so file ids and
/// output do not depend on thread timing.
pub fn discover_excluding(paths: &[PathBuf], db: &SourceDb, exclude: &[String]) -> Discovery {
    let mut gb = globset::GlobSetBuilder::new();
    for g in exclude {
        if let Ok(glob) = globset::Glob::new(g) {
            gb.add(glob);
        }
    }
    let excluded = gb.build().unwrap_or_else(|_| globset::GlobSet::empty());
    // Files named on the command line are read as what the user asked for (see [`classify_named`]).
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

    let mut out = Discovery::default();
    let mut templates: Vec<(PathBuf, String)> = Vec::new();
    for (path, examined) in found {
        let (text, bad_utf8, kind) = match examined {
            Examined::Unreadable(reason) => {
                out.diagnostics.push(unreadable(db, &path, &reason));
                continue;
            }
            Examined::NotRead(reason) => {
                out.diagnostics.push(not_read(db, &path, reason));
                continue;
            }
            Examined::Template(text) => {
                templates.push((path, text));
                continue;
            }
            Examined::File { text, bad_utf8, kind } => (text, bad_utf8, kind),
        };
        let file = db.add(path.clone(), text);
        if let Some(target) = outside_target(&linked_out, &path) {
            out.diagnostics.push(
                Diagnostic::new(
                    &SYMLINK_OUTSIDE_ROOT,
                    Span::point(file, 0),
                    format!(
                        "`{}` is a link to `{}`, outside the scanned folder",
                        db.display_path(&path),
                        db.display_path(&target)
                    ),
                )
                .with_label("read through a symbolic link")
                .with_help("replace the link by the file itself, or lint the folder that holds the target"),
            );
        }
        if let Some(offset) = bad_utf8 {
            out.diagnostics.push(
                Diagnostic::new(
                    &INVALID_ENCODING,
                    Span::new(file, offset, offset + 3),
                    crate::nats::include::invalid_utf8_message(offset),
                )
                .with_label("not UTF-8")
                .with_help("save the file as UTF-8"),
            );
        }
        out.files.push(Discovered { path, file, kind });
    }
    out.diagnostics.extend(crate::deploy::helm_templates::skipped(db, templates));
    out
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// What the walk learned about one path; turned into files and diagnostics in path order.
enum Examined {
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
fn outside_target(linked_out: &[(PathBuf, PathBuf)], path: &Path) -> Option<PathBuf> {
    let (link, target) =
        linked_out.iter().filter(|(l, _)| path.starts_with(l)).max_by_key(|(l, _)| l.as_os_str().len())?;
    Some(match path.strip_prefix(link) {
        Ok(rest) if !rest.as_os_str().is_empty() => target.join(rest),
        _ => target.clone(),
    })
}

/// An info for a file named on the command line that latticelint does not read.
fn not_read(db: &SourceDb, path: &Path, reason: &str) -> Diagnostic {
    let file = db.add_unreadable(path.to_path_buf());
    Diagnostic::new(
        &FILE_NOT_LINTED,
        Span::point(file, 0),
        format!("`{}` is not linted: {reason}", db.display_path(path)),
    )
    .with_label("not linted")
    .with_help("name NATS configs, compose/Kubernetes YAML, Helm values, `.env`, systemd units or shell scripts")
}

/// `.conf`, YAML, `.env` and unit files: text by definition.
fn named_like_config(path: &Path) -> bool {
    matches!(kind_by_name(path), NameHint::Env | NameHint::Yaml | NameHint::Systemd)
        || path.extension().is_some_and(|e| e.eq_ignore_ascii_case("conf"))
}

fn unreadable(db: &SourceDb, path: &Path, reason: &str) -> Diagnostic {
    let file = db.add_unreadable(path.to_path_buf());
    Diagnostic::new(
        &UNREADABLE_FILE,
        Span::point(file, 0),
        format!("cannot read `{}`: {reason}", db.display_path(path)),
    )
    .with_label("not read")
    .with_help("make the file readable, or exclude it with .gitignore/.ignore")
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

/// What a file name alone says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameHint {
    Yaml,
    Env,
    Systemd,
    Script,
    /// `.conf`, `.cfg`, `.nats`, `.json`, `.txt`, no extension...: a NATS config if the content says so.
    MaybeConf,
    /// Source code, images, archives...: never read.
    Skip,
}

impl NameHint {
    fn is_candidate(self) -> bool {
        self != NameHint::Skip
    }
}

fn kind_by_name(path: &Path) -> NameHint {
    let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    if name == ".env" || name.starts_with(".env.") || ext == "env" {
        return NameHint::Env;
    }
    match ext.as_str() {
        // `.tpl`: Helm template helpers, reported with their chart's templates
        "yaml" | "yml" | "tpl" => NameHint::Yaml,
        "service" => NameHint::Systemd,
        "sh" | "bash" | "zsh" | "mk" => NameHint::Script,
        "conf" | "cfg" | "nats" | "json" | "txt" | "config" | "tmpl" | "" => {
            if name == "makefile" || name == "gnumakefile" || name == "justfile" || name == "dockerfile" {
                NameHint::Script
            } else {
                NameHint::MaybeConf
            }
        }
        _ => NameHint::Skip,
    }
}

/// Classifies a file by name and content; `None` for files latticelint does not read.
pub fn classify(path: &Path, text: &str) -> Option<FileKind> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    match kind_by_name(path) {
        NameHint::Env => Some(FileKind::Env),
        NameHint::Systemd => Some(if text.contains("[Service]") || text.contains("[Unit]") {
            FileKind::Systemd
        } else {
            return None;
        }),
        NameHint::Script => has_command_line(text).then_some(FileKind::Script),
        NameHint::Yaml => classify_yaml(&name, text),
        NameHint::MaybeConf => {
            let lname = name.to_ascii_lowercase();
            if lname.ends_with(".json") && !looks_like_nats(text, 2) {
                return None;
            }
            let strong = lname.ends_with(".conf") || lname.ends_with(".nats");
            if looks_like_nats(text, if strong { 1 } else { 2 }) {
                Some(FileKind::NatsConfig)
            } else if has_command_line(text) && !lname.ends_with(".conf") {
                Some(FileKind::Script)
            } else {
                None
            }
        }
        NameHint::Skip => None,
    }
}

/// Classifies a file named on the command line: as [`classify`], except that a text file that could
/// be a NATS config by name (`.conf`, `.cfg`, `.nats`, `.txt`, no extension...) and is no script is
/// read as one even when no line looks like a known key: an include fragment that only defines
/// variables (`ALICE_PASS: ...`) is still the config the user asked to check, as `nats-server -c` would.
pub fn classify_named(path: &Path, text: &str) -> Option<FileKind> {
    classify(path, text).or_else(|| {
        let json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
        (kind_by_name(path) == NameHint::MaybeConf && !json).then_some(FileKind::NatsConfig)
    })
}

/// A Helm template (Go template text, not YAML until rendered): a YAML or `.tmpl` file, not a values
/// file, with `{{` on a line that is not a comment. Values files may hold `{{ }}` strings (passed to
/// `tpl`) and comments quoting template defaults: they stay values.
pub fn is_helm_template(path: &Path, text: &str) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let yaml_like = [".yaml", ".yml", ".tmpl", ".tpl"].iter().any(|e| name.ends_with(e));
    yaml_like
        && !name.starts_with("values")
        && text.lines().any(|l| !l.trim_start().starts_with('#') && l.contains("{{"))
}

fn classify_yaml(name: &str, text: &str) -> Option<FileKind> {
    let lname = name.to_ascii_lowercase();
    if is_helm_template(Path::new(name), text) {
        return None; // Helm template: not YAML until rendered (reported by `file-not-linted`)
    }
    if crate::deploy::compose::looks_like_compose(name, text) {
        return Some(FileKind::Compose);
    }
    let has = |k: &str| text.lines().any(|l| l.starts_with(k));
    let k8s_shape = (has("apiVersion:") && has("kind:")) || text.contains("\nkind: ");
    let has_api = has("apiVersion:") || text.contains("\napiVersion:");
    if lname.starts_with("kustomization.") || (k8s_shape && has_api) {
        return Some(FileKind::Kubernetes);
    }
    const HELM_HINTS: &[&str] =
        &["jetstream", "leafnodes", "wadm", "wasmcloud", "natsAddress", "jetstreamDomain", "nats:", "cluster:"];
    if HELM_HINTS.iter().any(|h| text.contains(h)) {
        return Some(FileKind::HelmValues);
    }
    None
}

/// Top-level keys of a NATS config (and of include fragments).
const NATS_KEYS: &[&str] = &[
    "listen",
    "port",
    "host",
    "net",
    "server_name",
    "jetstream",
    "leafnodes",
    "leaf",
    "cluster",
    "gateway",
    "gateways",
    "accounts",
    "include",
    "authorization",
    "http",
    "http_port",
    "monitor_port",
    "https_port",
    "websocket",
    "mqtt",
    "system_account",
    "operator",
    "resolver",
    "resolver_preload",
    "routes",
    "remotes",
    "users",
    "no_auth_user",
    "default_js_domain",
    "store_dir",
    "max_payload",
    "max_connections",
    "pid_file",
    "lame_duck_duration",
    "debug",
    "trace",
    "logtime",
    "log_file",
    "tls",
    "server_tags",
    "no_sys_acc",
    "client_advertise",
    "ping_interval",
    "write_deadline",
    "domain",
    "max_file_store",
    "max_memory_store",
    "mappings",
];

/// True when at least `min` lines start with a NATS key followed by `:`, `=`, `{`, `[` or a value.
pub fn looks_like_nats(text: &str, min: usize) -> bool {
    let mut score = 0;
    let mut foreign = 0;
    for line in text.lines().take(400) {
        let t = line.trim_start().trim_start_matches(['"', '\'']);
        if t.starts_with("server {") || t.starts_with("location ") || t.starts_with("<") || t.starts_with("[") {
            foreign += 1;
        }
        let key_len = t.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'$').count();
        if key_len == 0 {
            continue;
        }
        let key = &t[..key_len];
        let rest = t[key_len..].trim_start_matches(['"', '\'']);
        let sep = rest.trim_start().chars().next();
        let kv = matches!(sep, Some(':' | '=' | '{' | '['))
            || (rest.starts_with(' ') && sep.is_some() && key != "include")
            || (key == "include" && rest.starts_with(' '));
        if kv && NATS_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key)) {
            score += 1;
            if score >= min && foreign == 0 {
                return true;
            }
        }
    }
    score >= min && foreign * 4 < score
}

/// True when the text runs `nats-server`, `wash up` or the `wasmcloud` host at the start of a command.
pub fn has_command_line(text: &str) -> bool {
    text.lines().any(|l| command_start(l).is_some())
}

/// Byte offset within `line` where a `nats-server`/`wash up`/`wasmcloud` command starts.
pub fn command_start(line: &str) -> Option<usize> {
    let t = line.trim_start();
    if t.starts_with('#') {
        return None;
    }
    // Makefile recipe markers (`@`, `-`, `+`) before the command.
    let r = t.trim_start_matches(['@', '+']);
    let r = if r.starts_with("-") && !r.starts_with("--") { r[1..].trim_start() } else { r };
    let mut off = line.len() - r.len();
    let mut rest = r;
    loop {
        let before = rest.len();
        for prefix in ["$ ", "sudo ", "exec ", "nohup ", "command ", "env ", "then ", "do ", "else ", "time "] {
            if let Some(r) = rest.strip_prefix(prefix) {
                off += prefix.len();
                rest = r.trim_start();
                off += r.len() - rest.len();
            }
        }
        // `NAME=value` assignments before the command
        let first = rest.split_whitespace().next().unwrap_or("");
        if let Some((name, _)) = first.split_once('=') {
            if !name.is_empty()
                && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
                && !first.contains(['"', '\''])
            {
                let r = rest[first.len()..].trim_start();
                off += rest.len() - r.len();
                rest = r;
            }
        }
        if rest.len() == before {
            break;
        }
    }
    let word = rest.split_whitespace().next()?;
    let base = word.rsplit('/').next().unwrap_or(word);
    let ok = match base {
        "nats-server" => true,
        "wash" => rest.split_whitespace().nth(1) == Some("up"),
        "wasmcloud" => true,
        // `docker run ... nats:2.10 -js`, wasmCloud host or wadm containers
        "docker" | "podman" | "nerdctl" => {
            rest.split_whitespace().nth(1) == Some("run")
                && ["nats", "wasmcloud", "wadm"].iter().any(|w| rest.to_ascii_lowercase().contains(w))
        }
        _ => false,
    };
    ok.then_some(off)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_by_content() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(classify(&p("a/server.txt"), "port: 4222\njetstream { domain: x }\n"), Some(FileKind::NatsConfig));
        assert_eq!(classify(&p("a/users.conf"), "users = [\n {user: a}\n]\n"), Some(FileKind::NatsConfig));
        assert_eq!(classify(&p("a/nginx.conf"), "server {\n  location / {}\n}\n"), None);
        assert_eq!(classify(&p("a/notes.txt"), "hello world\n"), None);
        assert_eq!(classify(&p("a/x.yaml"), "services:\n  nats:\n    image: nats\n"), Some(FileKind::Compose));
        assert_eq!(
            classify(&p("a/x.yaml"), "apiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: Service\n"),
            Some(FileKind::Kubernetes)
        );
        assert_eq!(
            classify(&p("a/values.yaml"), "config:\n  jetstream:\n    enabled: true\n"),
            Some(FileKind::HelmValues)
        );
        assert_eq!(classify(&p("a/t.yaml"), "a: {{ .Values.x }}\n"), None);
        assert_eq!(classify(&p("a/.env"), "A=1\n"), Some(FileKind::Env));
        assert_eq!(classify(&p("a/run.sh"), "#!/bin/sh\nexec nats-server -c x.conf\n"), Some(FileKind::Script));
        assert_eq!(classify(&p("a/run.sh"), "#!/bin/sh\necho hi\n"), None);
        assert_eq!(
            classify(&p("a/run.sh"), "docker run -d --name nats -p 4222:4222 nats -js\n"),
            Some(FileKind::Script)
        );
        assert_eq!(classify(&p("a/run.sh"), "docker run -d postgres\n"), None);
        assert_eq!(classify(&p("a/up.sh"), "D=x NATS_JS_DOMAIN=$D wash up -d\n"), Some(FileKind::Script));
        assert_eq!(classify(&p("a/Makefile"), "up:\n\t@wash up --nats-js-domain edge\n"), Some(FileKind::Script));
        assert_eq!(
            classify(&p("a/start"), "#!/usr/bin/env bash\nexec nats-server -c hub.conf\n"),
            Some(FileKind::Script)
        );
        assert_eq!(
            classify(&p("a/nats.service"), "[Unit]\n[Service]\nExecStart=/usr/bin/nats-server\n"),
            Some(FileKind::Systemd)
        );
        assert_eq!(classify(&p("a/main.go"), "port: 4222"), None);
    }

    #[test]
    fn walk_skips_ignored_and_reports_special_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::create_dir_all(root.join("node_modules/x")).unwrap();
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join(".git/config.conf"), "port: 1\n").unwrap();
        std::fs::write(root.join("node_modules/x/a.conf"), "port: 1\n").unwrap();
        std::fs::write(root.join("sub/a.conf"), "port: 4222\n").unwrap();
        std::fs::write(root.join("sub/ignored.conf"), "port: 4222\n").unwrap();
        std::fs::write(root.join(".gitignore"), "ignored.conf\n").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root, root.join("sub/loop")).unwrap();
            std::os::unix::fs::symlink("/dev/zero", root.join("zero.conf")).unwrap();
            let fifo = root.join("pipe.conf");
            let _ = std::process::Command::new("mkfifo").arg(&fifo).status();
        }
        let db = SourceDb::new(root);
        let d = discover(&[root.to_path_buf()], &db);
        let names: Vec<String> = d.files.iter().map(|f| db.get(f.file).display.clone()).collect();
        assert_eq!(names, vec!["sub/a.conf".to_string()]);
        #[cfg(unix)]
        {
            let msgs: Vec<&str> = d.diagnostics.iter().map(|d| d.message.as_str()).collect();
            assert!(msgs.iter().any(|m| m.contains("zero.conf") && m.contains("device")), "{msgs:?}");
            if root.join("pipe.conf").exists() {
                assert!(msgs.iter().any(|m| m.contains("pipe.conf") && m.contains("FIFO")), "{msgs:?}");
            }
            assert!(d.diagnostics.iter().all(|d| d.rule == "unreadable-file"));
        }
    }

    #[test]
    fn unreadable_file_is_a_diagnostic() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("locked.conf");
        std::fs::write(&f, "port: 4222\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o000)).unwrap();
            let db = SourceDb::new(dir.path());
            let d = discover(&[dir.path().to_path_buf()], &db);
            // root can read anything; only assert when permissions bite
            if std::fs::read(&f).is_err() {
                assert_eq!(d.diagnostics.len(), 1);
                assert!(d.diagnostics[0].message.contains("permission denied"));
            }
            let missing = discover(&[dir.path().join("nope")], &db);
            assert_eq!(missing.diagnostics.len(), 1);
        }
    }
}
