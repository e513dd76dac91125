//! Deployment files other than NATS configs: docker-compose, Kubernetes, Helm values, `.env`,
//! systemd units and scripts.
//!
//! Every kind of file has one [`Reader`]: it recognises the file by content (discovery asks it) and
//! reads it into facts ([`crate::model::facts`]): the nats-server processes it launches (which
//! config file, command-line flags, environment, hostnames, replicas, locality), the wasmCloud hosts
//! and wadm instances it runs (already typed as [`crate::model::Host`] / [`crate::model::Wadm`],
//! defaults filled in per truth/jetstream-leafnodes.md §4), and NATS configs embedded in it
//! (Kubernetes ConfigMaps). Readers only read: they never parse a NATS config; the pipeline parses
//! the configs the facts name and [`crate::model::assemble`] combines both.

pub mod command;
pub mod compose;
pub mod envfile;
pub mod findings;
pub mod flags;
pub mod helm;
pub mod helm_templates;
pub mod kube;
pub mod nats_chart;
pub mod nats_conf;
pub mod script;
pub mod shell;
pub mod systemd;
pub mod wasmcloud;
pub mod yaml;

use crate::model::facts::{ConfigRef, DeployFacts};
use crate::span::{FileId, Spanned};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// What a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    /// A NATS server config or include fragment, whatever its extension (parsed by the pipeline).
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

/// What one file contributes: its facts, and the Kubernetes objects that are joined across files
/// ([`kube::link`]) once every file is read.
#[derive(Default)]
pub struct FileFacts {
    pub facts: DeployFacts,
    pub kube: kube::KubeDocs,
}

impl From<DeployFacts> for FileFacts {
    fn from(facts: DeployFacts) -> FileFacts {
        FileFacts { facts, kube: kube::KubeDocs::default() }
    }
}

/// One kind of deployment file.
pub trait Reader: Sync {
    /// The kind of file this reader reads.
    fn kind(&self) -> FileKind;
    /// True when `text`, of a file whose name fits this kind, is such a file.
    fn recognise(&self, path: &Path, text: &str) -> bool;
    /// The facts of one file of this kind, registered in `cx.db` as `file`.
    fn read(&self, cx: &ReadCx, file: FileId, path: &Path) -> FileFacts;
}

/// The reader of every kind of deployment file (NATS configs have none: the pipeline parses them).
pub fn reader(kind: FileKind) -> Option<&'static dyn Reader> {
    Some(match kind {
        FileKind::Compose => &compose::Compose,
        FileKind::Kubernetes => &kube::Kubernetes,
        FileKind::HelmValues => &helm::HelmValues,
        FileKind::Env => &envfile::EnvFile,
        FileKind::Systemd => &systemd::Systemd,
        FileKind::Script => &script::Script,
        FileKind::NatsConfig => return None,
    })
}

/// Reads every deployment file (in parallel, merged in the given order) and joins the Kubernetes
/// objects of all of them.
pub fn read_all<'p>(cx: &ReadCx, files: impl ParallelIterator<Item = (FileId, &'p Path, FileKind)>) -> DeployFacts {
    let per_file: Vec<FileFacts> = files
        .filter_map(|(file, path, kind)| {
            let reader = reader(kind)?;
            // A panic while reading one file becomes an internal-error finding for it; the run goes on.
            let mut read =
                crate::guard::per_file(cx.db, file, || reader.read(cx, file, path)).unwrap_or_else(|failed| {
                    FileFacts::from(DeployFacts { diagnostics: vec![*failed], ..DeployFacts::default() })
                });
            read.facts.shrink_to_fit();
            read.kube.shrink_to_fit();
            Some(read)
        })
        .collect();
    let mut kube = kube::KubeDocs::default();
    kube.reserve_exact(per_file.iter().map(|p| &p.kube));
    let mut facts = DeployFacts::default();
    let (parts, docs): (Vec<DeployFacts>, Vec<kube::KubeDocs>) =
        per_file.into_iter().map(|p| (p.facts, p.kube)).unzip();
    facts.reserve_exact(&parts);
    for p in parts {
        facts.extend(p);
    }
    for d in docs {
        kube.extend(d);
    }
    kube::link(cx.db, &kube, &mut facts);
    facts
}

/// The image's repository name without registry and tag: `ghcr.io/wasmcloud/wadm:v1` → `wasmcloud/wadm`.
pub fn image_repo(image: &str) -> String {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last_slash = no_digest.rfind('/').map(|i| i + 1).unwrap_or(0);
    let repo = match no_digest[last_slash..].find(':') {
        Some(i) => &no_digest[..last_slash + i],
        None => no_digest,
    };
    let mut parts: Vec<&str> = repo.split('/').collect();
    if parts.len() > 1 && (parts[0].contains('.') || parts[0].contains(':') || parts[0] == "localhost") {
        parts.remove(0);
    }
    if parts.first() == Some(&"library") {
        parts.remove(0);
    }
    parts.join("/").to_ascii_lowercase()
}

/// The image tag (`latest` when none).
pub fn image_tag(image: &str) -> String {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last_slash = no_digest.rfind('/').map(|i| i + 1).unwrap_or(0);
    match no_digest[last_slash..].find(':') {
        Some(i) => no_digest[last_slash + i + 1..].to_string(),
        None => "latest".into(),
    }
}

/// True for images of nats-server itself (`nats`, `nats:2.10-alpine`, `library/nats`, `nats-server`).
pub fn is_nats_image(image: &str) -> bool {
    let repo = image_repo(image);
    let last = repo.rsplit('/').next().unwrap_or("");
    matches!(last, "nats" | "nats-server")
}

/// Major version of an image tag (`0.81.0` → 0, `v1.2` → 1), `None` for `latest` or non-numeric tags.
pub fn tag_major(tag: &str) -> Option<u32> {
    tag.trim_start_matches('v').split(['.', '-']).next()?.parse().ok()
}

/// What readers may use: the source db (to register files they read, e.g. `env_file:`) and the scan root.
pub struct ReadCx<'a> {
    pub db: &'a crate::source::SourceDb,
}

/// Largest file a reader loads on its own (`env_file:`, `EnvironmentFile=`).
pub const MAX_AUX_FILE: u64 = 1 << 20;

impl ReadCx<'_> {
    /// The file at `path`, reusing the db's copy or reading it (regular files only, size-capped).
    pub fn load(&self, path: &Path) -> Option<FileId> {
        if let Some(id) = self.db.find(path) {
            return Some(id);
        }
        let meta = std::fs::metadata(path).ok()?;
        if !meta.is_file() || meta.len() > MAX_AUX_FILE {
            return None;
        }
        let bytes = std::fs::read(path).ok()?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        Some(self.db.add(path.to_path_buf(), text))
    }
}

/// Joins `rel` to `base` and removes `.`/`..` components without touching the file system.
pub fn normalize_join(base: &Path, rel: &str) -> PathBuf {
    use std::path::Component;
    let joined = base.join(rel);
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The locality of files in `display`'s folder (same rule as standalone configs).
pub fn folder_locality(display: &str) -> String {
    match display.rfind('/') {
        Some(i) => display[..i].to_string(),
        None => ".".to_string(),
    }
}

/// A path written in a unit or script, mapped into the scanned tree `root`: as written (relative to
/// `dir`), else the same file name in `dir`. An absolute path names a file of the target machine,
/// so it counts as written only inside the scanned tree (never a file of the machine running latticelint).
pub fn tree_path(root: &Path, dir: &Path, written: &str) -> Option<PathBuf> {
    let direct = normalize_join(dir, written);
    if in_tree(root, written, &direct) && direct.is_file() {
        return Some(direct);
    }
    let name = Path::new(written).file_name()?;
    let beside = dir.join(name);
    beside.is_file().then_some(beside)
}

/// The config a `-c` argument names, looked up in the tree ([`tree_path`]).
pub fn config_in_tree(root: &Path, dir: &Path, arg: Option<&Spanned<String>>) -> ConfigRef {
    match arg {
        Some(c) => match tree_path(root, dir, &c.value) {
            Some(p) => ConfigRef::File(p),
            None => ConfigRef::Unresolved(c.clone()),
        },
        None => ConfigRef::None,
    }
}

/// The config of a nats-server container: the `-c` argument through the bind mounts, else (when the
/// container is given no arguments) the image's default (`--config /etc/nats/nats-server.conf`, or
/// `nats-server.conf` in the scratch image) if a mount provides it.
pub fn container_config(
    root: &Path,
    base: &Path,
    mounts: &[(String, String)],
    arg: Option<&Spanned<String>>,
    no_arguments: bool,
) -> ConfigRef {
    match arg {
        Some(c) => match resolve_mount(root, base, mounts, &c.value) {
            Some(p) => ConfigRef::File(p),
            None => ConfigRef::Unresolved(c.clone()),
        },
        None if no_arguments => ["/etc/nats/nats-server.conf", "/nats-server.conf"]
            .iter()
            .find_map(|p| resolve_mount(root, base, mounts, p))
            .map(ConfigRef::File)
            .unwrap_or(ConfigRef::None),
        None => ConfigRef::None,
    }
}

/// True when `resolved` (the file `written` names) may be read: a relative path is the deployment's own
/// file, an absolute one is a path of the target machine and counts only inside the scanned `root`.
pub fn in_tree(root: &Path, written: &str, resolved: &Path) -> bool {
    !Path::new(written).is_absolute() || resolved.starts_with(root)
}

/// Maps a path inside a container to a file of the tree `root` through bind mounts `(host source,
/// container target)`; `base` is the folder host sources are relative to.
pub fn resolve_mount(root: &Path, base: &Path, mounts: &[(String, String)], inner: &str) -> Option<PathBuf> {
    let inner = inner.trim_end_matches('/');
    let mut best: Option<(usize, PathBuf)> = None;
    for (src, dst) in mounts {
        let dst = dst.trim_end_matches('/');
        let rest = if inner == dst { Some("") } else { inner.strip_prefix(dst).and_then(|r| r.strip_prefix('/')) };
        if let Some(rest) = rest {
            let mut p = normalize_join(base, src);
            if !rest.is_empty() {
                p = p.join(rest);
            }
            if in_tree(root, src, &p) && p.is_file() && best.as_ref().map_or(true, |(l, _)| dst.len() > *l) {
                best = Some((dst.len(), p));
            }
        }
    }
    best.map(|(_, p)| p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_paths_are_read_only_inside_the_tree() {
        let outside = tempfile::tempdir().unwrap();
        let tree = tempfile::tempdir().unwrap();
        let conf = outside.path().join("nats.conf");
        std::fs::write(&conf, "port: 4222\n").unwrap();
        let written = conf.to_string_lossy().into_owned();
        // a path of the target machine that happens to exist here is not read
        assert_eq!(tree_path(tree.path(), tree.path(), &written), None);
        assert_eq!(tree_path(outside.path(), tree.path(), &written), Some(conf.clone()));
        // the file of that name beside the unit is
        std::fs::write(tree.path().join("nats.conf"), "port: 4222\n").unwrap();
        assert_eq!(tree_path(tree.path(), tree.path(), &written), Some(tree.path().join("nats.conf")));
        let mounts = vec![(written.clone(), "/etc/nats/nats-server.conf".to_string())];
        assert_eq!(resolve_mount(tree.path(), tree.path(), &mounts, "/etc/nats/nats-server.conf"), None);
    }

    #[test]
    fn image_names() {
        assert_eq!(image_repo("ghcr.io/wasmcloud/wadm:latest"), "wasmcloud/wadm");
        assert_eq!(image_repo("nats:2.10-alpine"), "nats");
        assert_eq!(image_repo("docker.io/library/nats"), "nats");
        assert!(is_nats_image("nats:2.9.16-alpine"));
        assert!(!is_nats_image("natsio/nats-box"));
        assert!(!is_nats_image("natsio/nats-server-config-reloader:0.16"));
        assert_eq!(image_tag("wasmcloud/wasmcloud:0.81.0"), "0.81.0");
        assert_eq!(tag_major("0.81.0"), Some(0));
        assert_eq!(tag_major("latest"), None);
    }
}
