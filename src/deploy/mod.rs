//! Deployment files other than NATS configs: docker-compose, Kubernetes, Helm values, `.env`,
//! systemd units and scripts.
//!
//! Each reader turns one file into [`DeployFacts`]: the nats-server processes it launches
//! ([`Launch`]: which config file, command-line flags, hostnames, replicas, locality), the
//! wasmCloud hosts and wadm instances it runs (already typed as [`crate::model::Host`] /
//! [`crate::model::Wadm`], defaults filled in per truth/jetstream-leafnodes.md §4), and NATS
//! configs embedded in it (Kubernetes ConfigMaps). [`crate::model::assemble`] combines them with
//! the parsed NATS configs.

pub mod compose;
pub mod envfile;
pub mod findings;
pub mod flags;
pub mod helm;
pub mod helm_templates;
pub mod kube;
pub mod nats_chart;
pub mod script;
pub mod shell;
pub mod systemd;
pub mod wasmcloud;
pub mod yaml;

use crate::diagnostic::Diagnostic;
use crate::model::{Host, LeafRemote, Listener, Origin, Wadm};
use crate::span::{FileId, Span, Spanned};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Which config file a launched nats-server reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigRef {
    /// No config (flags only).
    None,
    /// A file of the scanned tree.
    File(PathBuf),
    /// A NATS config embedded in a YAML file (ConfigMap key), registered in the source db.
    Embedded(FileId),
    /// A path that maps to no file of the tree (written value kept for messages).
    Unresolved(Spanned<String>),
}

/// Server settings given outside the config (command-line flags, operator/chart fixed values).
/// They override the config, like nats-server's flags do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerFlags {
    /// `-js`/`--jetstream` (span of the flag).
    pub jetstream: Option<Spanned<bool>>,
    /// A JetStream domain set outside a config file (wash's generated config, operator sidecar).
    pub js_domain: Option<Spanned<String>>,
    pub store_dir: Option<Spanned<String>>,
    /// `-a/--addr/--net`.
    pub addr: Option<Spanned<String>>,
    /// `-p/--port`.
    pub port: Option<Spanned<i64>>,
    /// `-n/--name/--server_name`.
    pub name: Option<Spanned<String>>,
    /// `-m/--http_port`.
    pub http_port: Option<Spanned<i64>>,
    pub cluster_name: Option<Spanned<String>>,
    /// `--cluster`/`--cluster_listen` URL.
    pub cluster_listen: Option<Spanned<String>>,
    /// `--routes` (comma-separated, split).
    pub routes: Vec<Spanned<String>>,
    /// Leafnode listener set outside a config (wash, charts).
    pub leaf_listen: Option<Listener>,
    /// Leaf remotes set outside a config (wash `--nats-remote-url`, operator sidecar).
    pub leaf_remotes: Vec<LeafRemote>,
    /// `-c/--config` value as written.
    pub config_arg: Option<Spanned<String>>,
}

/// One nats-server process (or a set of identical replicas) started by a deployment file.
#[derive(Debug, Clone)]
pub struct Launch {
    pub origin: Origin,
    pub label: String,
    /// Where it is declared (service name, workload, ExecStart, command line).
    pub span: Span,
    pub config: ConfigRef,
    pub flags: ServerFlags,
    /// Environment visible to the server (for `$VAR` in its config).
    pub env: BTreeMap<String, String>,
    pub hostnames: Vec<String>,
    pub locality: String,
    pub replicas: u32,
}

/// What one deployment file contributes.
#[derive(Default)]
pub struct DeployFacts {
    pub launches: Vec<Launch>,
    pub hosts: Vec<Host>,
    pub wadms: Vec<Wadm>,
    /// NATS configs embedded in this file (not launched by anything seen here), registered in the db.
    pub embedded: Vec<FileId>,
    /// Extra hostnames for servers (Kubernetes Services): `(selector workload name, names)`.
    pub services: Vec<ServiceNames>,
    pub diagnostics: Vec<Diagnostic>,
    /// Kubernetes objects, joined across files by [`kube::link`].
    pub kube: kube::KubeDocs,
    /// Embedded configs that need their own include loader and config path (ConfigMap siblings).
    pub include_loaders: Vec<(FileId, PathBuf, std::sync::Arc<dyn crate::nats::include::IncludeLoader>)>,
}

/// DNS names a Kubernetes Service gives to the pods of a workload.
#[derive(Debug, Clone)]
pub struct ServiceNames {
    pub namespace: String,
    /// Labels the Service selects.
    pub selector: BTreeMap<String, String>,
    pub names: Vec<String>,
    /// Headless Service: pod DNS names `<pod>.<svc>` exist.
    pub headless: bool,
    pub service: String,
}

impl DeployFacts {
    /// The facts of every file, in order, in one value. Each list is allocated once at its final
    /// size (a fleet has 10^5 launches of 700 bytes each; growing by doubling would copy them and
    /// leave up to half the capacity unused).
    pub fn merge(parts: Vec<DeployFacts>) -> DeployFacts {
        let mut all = DeployFacts::default();
        let total = |f: fn(&DeployFacts) -> usize| parts.iter().map(f).sum::<usize>();
        all.launches.reserve_exact(total(|p| p.launches.len()));
        all.hosts.reserve_exact(total(|p| p.hosts.len()));
        all.wadms.reserve_exact(total(|p| p.wadms.len()));
        all.embedded.reserve_exact(total(|p| p.embedded.len()));
        all.services.reserve_exact(total(|p| p.services.len()));
        all.diagnostics.reserve_exact(total(|p| p.diagnostics.len()));
        all.include_loaders.reserve_exact(total(|p| p.include_loaders.len()));
        all.kube.reserve_exact(parts.iter().map(|p| &p.kube));
        for p in parts {
            all.extend(p);
        }
        all
    }

    /// Frees unused capacity: a file's facts are built by `push`, which reserves room for four
    /// launches or hosts where a file declares one.
    pub fn shrink_to_fit(&mut self) {
        self.launches.shrink_to_fit();
        self.hosts.shrink_to_fit();
        self.wadms.shrink_to_fit();
        self.embedded.shrink_to_fit();
        self.services.shrink_to_fit();
        self.diagnostics.shrink_to_fit();
        self.include_loaders.shrink_to_fit();
        self.kube.shrink_to_fit();
    }

    pub fn extend(&mut self, other: DeployFacts) {
        self.launches.extend(other.launches);
        self.hosts.extend(other.hosts);
        self.wadms.extend(other.wadms);
        self.embedded.extend(other.embedded);
        self.services.extend(other.services);
        self.diagnostics.extend(other.diagnostics);
        self.kube.extend(other.kube);
        self.include_loaders.extend(other.include_loaders);
    }
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
    pub fn load(&self, path: &std::path::Path) -> Option<FileId> {
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
pub fn normalize_join(base: &std::path::Path, rel: &str) -> PathBuf {
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

/// Maps a path inside a container to a file of the tree through bind mounts `(host source, container target)`;
/// `base` is the folder host sources are relative to.
pub fn resolve_mount(base: &std::path::Path, mounts: &[(String, String)], inner: &str) -> Option<PathBuf> {
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
            if p.is_file() && best.as_ref().map_or(true, |(l, _)| dst.len() > *l) {
                best = Some((dst.len(), p));
            }
        }
    }
    best.map(|(_, p)| p)
}

/// Reads one deployment file of the given kind.
pub fn read(cx: &ReadCx, file: FileId, path: &std::path::Path, kind: crate::discover::FileKind) -> DeployFacts {
    use crate::discover::FileKind;
    let mut facts = match kind {
        FileKind::Compose => compose::read(cx, file, path),
        FileKind::Kubernetes => kube::read(cx, file, path),
        FileKind::HelmValues => helm::read(cx, file, path),
        FileKind::Systemd => systemd::read(cx, file, path),
        FileKind::Script => script::read(cx, file, path),
        FileKind::Env | FileKind::NatsConfig => DeployFacts::default(),
    };
    facts.shrink_to_fit();
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

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
