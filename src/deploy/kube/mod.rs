//! Kubernetes manifests (multi-document YAML) and kustomizations.
//!
//! Reading happens per file ([`read`]): ConfigMaps that embed a NATS config are registered in the
//! source db as embedded texts (spans point into the YAML, literal block scalars included), and
//! workloads, Services, Secrets' names, kustomize `configMapGenerator`s and `namespace:` are kept
//! as [`KubeDocs`]. [`link`] then joins them across files: a container running nats-server finds its
//! config through `--config` → volume mount → ConfigMap key; Services give DNS names (`svc`,
//! `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local`, and `<pod>.<svc>...` for the headless Service
//! of a StatefulSet); wasmCloud host and wadm containers read `env` (with `$(VAR)` expansion,
//! `fieldRef: metadata.name` = the pod name) and `envFrom` ConfigMaps. A wasmcloud-operator
//! `WasmCloudHostConfig` becomes a host plus its per-pod NATS leaf sidecar (truth §4.5 defaults).
//! Every container of one pod shares a locality (`localhost` is the pod).

mod docs;
mod link;
mod operator;

pub use docs::read;
pub use link::{expand_k8s, link, service_names, ConfigMapLoader};

use super::envfile::EnvSet;
use super::flags::Word;
use super::yaml::YNode;
use super::{FileFacts, FileKind, ReadCx};
use crate::span::{FileId, Span};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The reader of Kubernetes manifests and kustomizations.
pub struct Kubernetes;

impl super::Reader for Kubernetes {
    fn kind(&self) -> FileKind {
        FileKind::Kubernetes
    }

    /// A kustomization, or documents with `apiVersion:` and `kind:`.
    fn recognise(&self, path: &Path, text: &str) -> bool {
        let kustomization =
            path.file_name().is_some_and(|n| n.to_string_lossy().to_ascii_lowercase().starts_with("kustomization."));
        let has = |k: &str| text.lines().any(|l| l.starts_with(k));
        let k8s_shape = (has("apiVersion:") && has("kind:")) || text.contains("\nkind: ");
        let has_api = has("apiVersion:") || text.contains("\napiVersion:");
        kustomization || (k8s_shape && has_api)
    }

    fn read(&self, cx: &ReadCx, file: FileId, path: &Path) -> FileFacts {
        read(cx, file, path)
    }
}

/// Objects of Kubernetes files, joined by [`link`] once every file is read.
#[derive(Debug, Default)]
pub struct KubeDocs {
    pub config_maps: Vec<ConfigMap>,
    pub workloads: Vec<Workload>,
    pub services: Vec<Service>,
    pub host_configs: Vec<HostConfig>,
    /// `(folder, namespace)` of kustomizations that set `namespace:`.
    pub kustomize_ns: Vec<(PathBuf, String)>,
}

impl KubeDocs {
    /// Reserves exactly the room for all of `parts`.
    pub fn reserve_exact<'a>(&mut self, parts: impl Iterator<Item = &'a KubeDocs> + Clone) {
        let total = |f: fn(&KubeDocs) -> usize| parts.clone().map(f).sum::<usize>();
        self.config_maps.reserve_exact(total(|p| p.config_maps.len()));
        self.workloads.reserve_exact(total(|p| p.workloads.len()));
        self.services.reserve_exact(total(|p| p.services.len()));
        self.host_configs.reserve_exact(total(|p| p.host_configs.len()));
        self.kustomize_ns.reserve_exact(total(|p| p.kustomize_ns.len()));
    }

    /// Frees unused capacity (see [`crate::model::facts::DeployFacts::shrink_to_fit`]).
    pub fn shrink_to_fit(&mut self) {
        self.config_maps.shrink_to_fit();
        self.workloads.shrink_to_fit();
        self.services.shrink_to_fit();
        self.host_configs.shrink_to_fit();
        self.kustomize_ns.shrink_to_fit();
    }

    pub fn extend(&mut self, o: KubeDocs) {
        self.config_maps.extend(o.config_maps);
        self.workloads.extend(o.workloads);
        self.services.extend(o.services);
        self.host_configs.extend(o.host_configs);
        self.kustomize_ns.extend(o.kustomize_ns);
    }
}

/// A ConfigMap (or a kustomize-generated one): NATS configs among its keys, plain values for `envFrom`.
#[derive(Debug, Clone)]
pub struct ConfigMap {
    /// The file that declares it (a manifest or a kustomization).
    pub file: FileId,
    pub namespace: Option<String>,
    pub name: String,
    pub folder: PathBuf,
    /// Keys holding NATS configs.
    pub configs: Vec<(String, FileId)>,
    /// Other keys (for `envFrom` / `configMapKeyRef`).
    pub values: EnvSet,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub file: FileId,
    pub namespace: Option<String>,
    pub name: String,
    pub folder: PathBuf,
    pub selector: BTreeMap<String, String>,
    pub headless: bool,
}

#[derive(Debug, Clone)]
pub enum EnvSource {
    Literal(String),
    /// `fieldRef.fieldPath`.
    Field(String),
    ConfigMapKey(String, String),
    /// A Secret key: the value is unknown (and never read).
    Secret(String, String),
}

#[derive(Debug, Clone)]
pub struct EnvEntry {
    pub name: String,
    pub source: EnvSource,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Container {
    pub name: String,
    pub image: String,
    pub span: Span,
    pub command: Vec<Word>,
    pub args: Vec<Word>,
    pub env: Vec<EnvEntry>,
    /// `envFrom` ConfigMap names.
    pub env_from: Vec<String>,
    /// `(volume name, mountPath, subPath)`.
    pub mounts: Vec<(String, String, Option<String>)>,
}

#[derive(Debug, Clone)]
pub struct Workload {
    pub file: FileId,
    pub namespace: Option<String>,
    pub kind: String,
    pub name: String,
    pub folder: PathBuf,
    pub span: Span,
    pub replicas: u32,
    pub labels: BTreeMap<String, String>,
    pub service_name: Option<String>,
    pub containers: Vec<Container>,
    /// `(volume name, ConfigMap name)`.
    pub volumes: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct HostConfig {
    pub namespace: Option<String>,
    pub name: String,
    pub folder: PathBuf,
    pub span: Span,
    pub spec: Option<YNode>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::facts::{ConfigRef, DeployFacts};
    use crate::source::SourceDb;

    fn read_dir(rel: &str) -> (SourceDb, DeployFacts) {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/deploy").join(rel);
        let db = SourceDb::new(root.clone());
        let mut facts = DeployFacts::default();
        let mut docs = KubeDocs::default();
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
        paths.sort();
        for p in paths {
            if p.extension().is_some_and(|e| e == "yaml") {
                let f = db.add(p.clone(), std::fs::read_to_string(&p).unwrap());
                let read = read(&ReadCx { db: &db }, f, &p);
                facts.extend(read.facts);
                docs.extend(read.kube);
            }
        }
        link(&db, &docs, &mut facts);
        (db, facts)
    }

    #[test]
    fn configmap_statefulset_service_and_hosts() {
        let (db, facts) = read_dir("kube");
        assert!(facts.diagnostics.is_empty(), "{:?}", facts.diagnostics);
        let nats = facts.launches.iter().find(|l| l.label == "nats").unwrap();
        let ConfigRef::Embedded(id) = nats.config else { panic!("{:?}", nats.config) };
        // the embedded text maps back into the YAML file
        let text = db.get(id).text.clone();
        let off = text.find("domain").unwrap();
        let loc = db.locate(Span::new(id, off, off + 6));
        assert_eq!((loc.path.as_str(), loc.line, loc.column), ("nats.yaml", 12, 7));
        assert_eq!(nats.replicas, 3);
        assert!(nats.hostnames.contains(&"nats.prod.svc.cluster.local".to_string()));
        assert!(nats.hostnames.contains(&"nats-1.nats-headless".to_string()));
        assert_eq!(nats.env.get("SERVER_NAME").map(String::as_str), Some("nats-0"));
        assert_eq!(nats.locality, "k8s:prod/StatefulSet/nats");

        let host = facts.hosts.iter().find(|h| h.label == "wasmcloud").unwrap();
        assert_eq!(host.js_domain.as_ref().unwrap().value, "hub");
        assert_eq!(host.ctl.host.value, "nats");
        assert_eq!(host.lattice.value, "from-configmap");
        assert_eq!(host.replicas, 2);
        let w = &facts.wadms[0];
        assert_eq!(w.servers[0].host.value, "nats.prod");

        // operator: host + sidecar
        let op = facts.hosts.iter().find(|h| h.label == "edge-hosts").unwrap();
        assert_eq!(op.js_domain.as_ref().unwrap().value, "default");
        assert_eq!(op.ctl.host.value, "127.0.0.1");
        assert_eq!(op.replicas, 3);
        let side = facts.launches.iter().find(|l| l.label == "edge-hosts-nats-sidecar").unwrap();
        assert_eq!(side.flags.js_domain.as_ref().unwrap().value, "custom-leaf");
        assert_eq!(side.flags.leaf_remotes[0].urls[0].value, "nats://nats.default.svc.cluster.local:7422");
        assert_eq!(side.locality, op.locality);
    }

    #[test]
    fn k8s_expansion() {
        let mut env = EnvSet::default();
        env.push("POD", "p-0", Span::default());
        assert_eq!(expand_k8s("$(POD).x", &env), "p-0.x");
        assert_eq!(expand_k8s("$$(POD)", &env), "$(POD)");
        assert_eq!(expand_k8s("$(NOPE)", &env), "$(NOPE)");
    }
}
