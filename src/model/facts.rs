//! What deployment files say, before any NATS config is parsed: the facts readers
//! (the `deploy` module) produce and [`super::assemble`] combines with the parsed configs.
//!
//! A fact names a config file (and the environment to parse it with) instead of holding a parse:
//! the pipeline parses every config the facts name.

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

/// A launch that happens only when no earlier launch of the same file already listens on a client
/// port (`wash up` connects to a nats-server the script started instead of starting its own). The
/// ports of `launches` come from their configs, so the condition is decided once they are parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnlessListening {
    pub port: u16,
    /// Indexes into the same [`DeployFacts::launches`] (kept right by [`DeployFacts::extend`]).
    pub launches: Vec<usize>,
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
    /// Started only when no earlier launch listens on that port; `None`: always started.
    pub unless_listening: Option<UnlessListening>,
}

/// An embedded config that resolves `include`s with its own loader (ConfigMap keys include their
/// siblings), parsed as if it were at `path`.
pub type IncludeLoaderFact = (FileId, PathBuf, std::sync::Arc<dyn crate::nats::include::IncludeLoader>);

/// What the deployment files of a run contribute.
#[derive(Default)]
pub struct DeployFacts {
    pub launches: Vec<Launch>,
    pub hosts: Vec<Host>,
    pub wadms: Vec<Wadm>,
    /// NATS configs embedded in deployment files (not launched by anything), registered in the db.
    pub embedded: Vec<FileId>,
    pub diagnostics: Vec<Diagnostic>,
    /// Embedded configs that need their own include loader and config path (ConfigMap siblings).
    pub include_loaders: Vec<IncludeLoaderFact>,
}

impl DeployFacts {
    /// The facts of every file, in order, in one value. Each list is allocated once at its final
    /// size (a fleet has 10^5 launches of 700 bytes each; growing by doubling would copy them and
    /// leave up to half the capacity unused).
    pub fn merge(parts: Vec<DeployFacts>) -> DeployFacts {
        let mut all = DeployFacts::default();
        all.reserve_exact(&parts);
        for p in parts {
            all.extend(p);
        }
        all
    }

    /// Reserves exactly the room for all of `parts`.
    pub fn reserve_exact(&mut self, parts: &[DeployFacts]) {
        let total = |f: fn(&DeployFacts) -> usize| parts.iter().map(f).sum::<usize>();
        self.launches.reserve_exact(total(|p| p.launches.len()));
        self.hosts.reserve_exact(total(|p| p.hosts.len()));
        self.wadms.reserve_exact(total(|p| p.wadms.len()));
        self.embedded.reserve_exact(total(|p| p.embedded.len()));
        self.diagnostics.reserve_exact(total(|p| p.diagnostics.len()));
        self.include_loaders.reserve_exact(total(|p| p.include_loaders.len()));
    }

    /// Frees unused capacity: a file's facts are built by `push`, which reserves room for four
    /// launches or hosts where a file declares one.
    pub fn shrink_to_fit(&mut self) {
        self.launches.shrink_to_fit();
        self.hosts.shrink_to_fit();
        self.wadms.shrink_to_fit();
        self.embedded.shrink_to_fit();
        self.diagnostics.shrink_to_fit();
        self.include_loaders.shrink_to_fit();
    }

    /// Appends `other`; launch indexes in `other`'s conditions are shifted to stay right.
    pub fn extend(&mut self, other: DeployFacts) {
        let offset = self.launches.len();
        self.launches.extend(other.launches.into_iter().map(|mut l| {
            if let Some(u) = &mut l.unless_listening {
                u.launches.iter_mut().for_each(|i| *i += offset);
            }
            l
        }));
        self.hosts.extend(other.hosts);
        self.wadms.extend(other.wadms);
        self.embedded.extend(other.embedded);
        self.diagnostics.extend(other.diagnostics);
        self.include_loaders.extend(other.include_loaders);
    }
}
