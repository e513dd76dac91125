//! `include` resolution: where nats-server looks (`filepath.Join(dir(including file), path)`,
//! so absolute paths land *under* the directory) and how the text is read. Reading goes through
//! an [`IncludeLoader`] so configs embedded in other files (a Kubernetes ConfigMap) can resolve
//! includes against their siblings instead of the filesystem.

use super::chars::decode_go_lossy_owned;
use crate::source::SourceDb;
use crate::span::FileId;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Largest config file read (a bigger one, `/dev/zero`, or a FIFO is refused, not read).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// One `include` to resolve.
#[derive(Debug)]
pub struct IncludeRequest<'a> {
    /// The file holding the directive.
    pub including: FileId,
    /// The path nats-server would know the including file by (see `ParseOptions::config_path`).
    pub including_path: &'a Path,
    /// The path exactly as written after `include`.
    pub written: &'a str,
    /// What nats-server opens: `filepath.Join(filepath.Dir(including_path), written)`.
    pub resolved: PathBuf,
}

/// A loaded include.
#[derive(Debug, Clone)]
pub struct LoadedInclude {
    pub file: FileId,
    /// Identity used for cycle detection (canonical path, ConfigMap key...).
    pub identity: String,
    /// A warning to report at the directive (e.g. invalid UTF-8), if any.
    pub warning: Option<String>,
}

/// Why an include could not be read; `reason` reads like Go's error (`open /x: no such file or directory`).
#[derive(Debug, Clone)]
pub struct IncludeError {
    pub reason: String,
}

/// Reads include files. The default, [`FsLoader`], reads the filesystem; embedders supply their own.
pub trait IncludeLoader: Send + Sync {
    /// Registers the included text in `db` (reusing an existing entry where possible) and returns it.
    fn load(&self, db: &SourceDb, req: &IncludeRequest) -> Result<LoadedInclude, IncludeError>;
}

/// Reads includes from disk with the safety checks of [`read_config_file`].
#[derive(Debug, Default, Clone, Copy)]
pub struct FsLoader;

impl IncludeLoader for FsLoader {
    fn load(&self, db: &SourceDb, req: &IncludeRequest) -> Result<LoadedInclude, IncludeError> {
        let path = &req.resolved;
        let identity = db.canonical_or_same(path).to_string_lossy().into_owned();
        if let Some(file) = db.find(path) {
            return Ok(LoadedInclude { file, identity, warning: None });
        }
        let (text, bad) = read_config_file(path)?;
        let file = db.add(path.clone(), text);
        Ok(LoadedInclude { file, identity, warning: bad.map(invalid_utf8_message) })
    }
}

/// Message for a file with invalid UTF-8 at byte `offset`.
pub fn invalid_utf8_message(offset: usize) -> String {
    format!("invalid UTF-8 at byte {offset}; each invalid byte is read as U+FFFD")
}

/// Reads a config file like `os.ReadFile`, refusing folders, devices, FIFOs and files over
/// [`MAX_FILE_BYTES`] instead of hanging. Returns the text (invalid UTF-8 replaced byte by byte)
/// and the offset of the first invalid byte.
pub fn read_config_file(path: &Path) -> Result<(Arc<str>, Option<usize>), IncludeError> {
    let shown = path.display();
    let meta =
        std::fs::metadata(path).map_err(|e| IncludeError { reason: format!("open {shown}: {}", io_reason(&e)) })?;
    if meta.is_dir() {
        return Err(IncludeError { reason: format!("read {shown}: is a directory") });
    }
    if !meta.is_file() {
        return Err(IncludeError { reason: format!("read {shown}: not a regular file (device, FIFO or socket)") });
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(IncludeError { reason: format!("read {shown}: larger than {MAX_FILE_BYTES} bytes") });
    }
    let mut f =
        std::fs::File::open(path).map_err(|e| IncludeError { reason: format!("open {shown}: {}", io_reason(&e)) })?;
    let read_err = |e: std::io::Error| IncludeError { reason: format!("read {shown}: {}", io_reason(&e)) };
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    if let Some(text) = read_exact_size(&mut f, meta.len() as usize, &mut bytes).map_err(read_err)? {
        return Ok(text);
    }
    // The file changed size since `metadata` (or is not UTF-8): read the rest and decode with a copy.
    f.take(MAX_FILE_BYTES + 1 - bytes.len() as u64).read_to_end(&mut bytes).map_err(read_err)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(IncludeError { reason: format!("read {shown}: larger than {MAX_FILE_BYTES} bytes") });
    }
    let (text, bad) = decode_go_lossy_owned(bytes);
    Ok((Arc::from(text), bad))
}

/// Reads a file of `len` bytes straight into the shared text the [`SourceDb`] keeps, so a big
/// config is never copied from a `String` into an `Arc<str>`. Returns `None`, with what was read
/// left in `fallback`, when the file is not exactly `len` bytes or not valid UTF-8.
fn read_exact_size(
    f: &mut std::fs::File,
    len: usize,
    fallback: &mut Vec<u8>,
) -> std::io::Result<Option<(Arc<str>, Option<usize>)>> {
    // One allocation of exactly `len` bytes (`Take<Repeat>` has a trusted length).
    let mut shared: Arc<[u8]> = std::iter::repeat(0u8).take(len).collect();
    let buf = Arc::get_mut(&mut shared).expect("just made, not shared");
    let mut filled = 0;
    while filled < len {
        match f.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let mut probe = [0u8; 1];
    let at_end = filled == len
        && loop {
            match f.read(&mut probe) {
                Ok(n) => break n == 0,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        };
    if !at_end || std::str::from_utf8(&shared).is_err() {
        fallback.extend_from_slice(&shared[..filled]);
        if filled == len && !at_end {
            fallback.push(probe[0]);
        }
        return Ok(None);
    }
    // SAFETY: the bytes were just checked to be UTF-8, and `str` has the layout of `[u8]`.
    let text = unsafe { Arc::from_raw(Arc::into_raw(shared) as *const str) };
    Ok(Some((text, None)))
}

/// Go-like wording of an I/O error (`no such file or directory`, `permission denied`).
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            // Rust appends " (os error N)"; Go does not.
            let s = s.split(" (os error").next().unwrap_or(&s).to_string();
            let mut c = s.chars();
            match c.next() {
                Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
                None => s,
            }
        }
    }
}

/// Go `filepath.Dir`.
pub fn go_dir(p: &Path) -> PathBuf {
    let s = p.to_string_lossy();
    let dir = match s.rfind('/') {
        Some(i) => &s[..=i],
        None => "",
    };
    PathBuf::from(go_clean(dir))
}

/// Go `filepath.Join(dir, elem)`: joins with `/` even when `elem` is absolute, then cleans.
pub fn go_join(dir: &Path, elem: &str) -> PathBuf {
    let d = dir.to_string_lossy();
    let joined = match (d.is_empty(), elem.is_empty()) {
        (true, true) => return PathBuf::new(),
        (true, false) => elem.to_string(),
        (false, true) => d.to_string(),
        (false, false) => format!("{d}/{elem}"),
    };
    PathBuf::from(go_clean(&joined))
}

/// Go `filepath.Clean` (Unix): lexical, `..` removes the previous element.
pub fn go_clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|l| *l != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            _ => out.push(part),
        }
    }
    let body = out.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".into(),
        (false, false) => body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_like_go() {
        assert_eq!(go_join(Path::new("/a/b"), "/tmp/x.conf"), PathBuf::from("/a/b/tmp/x.conf"));
        assert_eq!(go_join(Path::new("/a/b"), "../x.conf"), PathBuf::from("/a/x.conf"));
        assert_eq!(go_join(Path::new("."), "x.conf"), PathBuf::from("x.conf"));
        assert_eq!(go_join(Path::new("/a"), ""), PathBuf::from("/a"));
        assert_eq!(go_dir(Path::new("x.conf")), PathBuf::from("."));
        assert_eq!(go_dir(Path::new("/a/b/c.conf")), PathBuf::from("/a/b"));
        assert_eq!(go_clean("/../a//b/./c/.."), "/a/b");
        assert_eq!(go_clean("../../a"), "../../a");
    }
}
