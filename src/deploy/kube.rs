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

use super::envfile::EnvSet;
use super::flags::{is_nats_server_bin, nats_server_flags, parse_flags, split_words, wasmcloud_takes_value, Word};
use super::wasmcloud::{build_host, build_wadm, env_is_host, env_is_wadm, leaf_sidecar, Decl};
use super::yaml::{self, embedding_pieces, YKind, YNode};
use super::{image_repo, image_tag, is_nats_image, tag_major, ConfigRef, DeployFacts, Launch, ReadCx};
use crate::diagnostic::Diagnostic;
use crate::model::Origin;
use crate::nats::findings::SYNTAX_ERROR;
use crate::nats::include::{IncludeError, IncludeLoader, IncludeRequest, LoadedInclude};
use crate::source::{Embedding, SourceDb};
use crate::span::{FileId, Span, Spanned};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

    /// Frees unused capacity (see [`super::DeployFacts::shrink_to_fit`]).
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

/// Reads one Kubernetes file.
pub fn read(cx: &ReadCx, file: FileId, path: &Path) -> DeployFacts {
    let mut out = DeployFacts::default();
    let text = cx.db.get(file).text.clone();
    let (docs, err) = yaml::parse(&text, file);
    if let Some(e) = err {
        out.diagnostics.push(
            Diagnostic::new(&SYNTAX_ERROR, e.span, format!("invalid YAML: {}", e.message))
                .with_label("the YAML parser stops here"),
        );
    }
    let folder = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let is_kustomization =
        path.file_name().is_some_and(|n| n.to_string_lossy().to_ascii_lowercase().starts_with("kustomization."));
    for doc in &docs {
        if is_kustomization {
            read_kustomization(cx, doc, &folder, &mut out);
            continue;
        }
        let kind = doc.get("kind").and_then(|k| k.as_str()).unwrap_or("");
        let meta = doc.get("metadata");
        let name_node = meta.and_then(|m| m.get("name"));
        let name = name_node.and_then(|n| n.as_str()).unwrap_or("").to_string();
        let namespace = meta.and_then(|m| m.get("namespace")).and_then(|n| n.as_str()).map(str::to_string);
        let span = name_node.map(|n| n.span).unwrap_or(doc.span);
        match kind {
            "ConfigMap" => {
                let mut cm = ConfigMap {
                    file,
                    namespace,
                    name: name.clone(),
                    folder: folder.clone(),
                    configs: Vec::new(),
                    values: EnvSet::default(),
                };
                if let Some(data) = doc.get("data") {
                    for (k, v) in data.entries() {
                        let (Some(key), Some(val)) = (k.as_str(), v.as_str()) else {
                            continue;
                        };
                        if is_nats_key(key, val) {
                            let display = format!("{}#{}/{}", cx.db.get(file).display, name, key);
                            let emb = Embedding { parent: file, pieces: embedding_pieces(&text, v) };
                            let id = cx.db.add_embedded(display, val.to_string(), emb);
                            cm.configs.push((key.to_string(), id));
                        } else {
                            cm.values.push(key, val, v.span);
                        }
                    }
                }
                out.kube.config_maps.push(cm);
            }
            "Service" => {
                let spec = doc.get("spec");
                let selector = spec.and_then(|s| s.get("selector")).map(string_map).unwrap_or_default();
                let headless = spec.and_then(|s| s.get("clusterIP")).and_then(|c| c.as_str()) == Some("None");
                out.kube.services.push(Service { file, namespace, name, folder: folder.clone(), selector, headless });
            }
            "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Pod" | "Job" => {
                if let Some(w) = read_workload(doc, kind, name, namespace, span, &folder, file) {
                    out.kube.workloads.push(w);
                }
            }
            "WasmCloudHostConfig" => out.kube.host_configs.push(HostConfig {
                namespace,
                name,
                folder: folder.clone(),
                span,
                spec: doc.get("spec").cloned(),
            }),
            _ => {}
        }
    }
    out
}

/// A ConfigMap key holds a NATS config when its name says so or its text looks like one.
fn is_nats_key(key: &str, val: &str) -> bool {
    let k = key.to_ascii_lowercase();
    // NATS Streaming server configs embed server keys but are not run by nats-server.
    if val.lines().any(|l| l.trim_start().starts_with("streaming") && !l.starts_with(' ')) {
        return false;
    }
    if k.ends_with(".yaml") || k.ends_with(".yml") || k.ends_with(".sh") || k.ends_with(".json") && !val.contains('{') {
        return false;
    }
    (k.ends_with(".conf") && crate::discover::looks_like_nats(val, 1)) || crate::discover::looks_like_nats(val, 2)
}

fn string_map(n: &YNode) -> BTreeMap<String, String> {
    n.entries()
        .into_iter()
        .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.as_str().unwrap_or("").to_string())))
        .collect()
}

fn read_kustomization(cx: &ReadCx, doc: &YNode, folder: &Path, out: &mut DeployFacts) {
    if let Some(ns) = doc.get("namespace").and_then(|n| n.as_str()) {
        out.kube.kustomize_ns.push((folder.to_path_buf(), ns.to_string()));
    }
    for gen in doc.get("configMapGenerator").map(|g| g.as_seq()).unwrap_or(&[]) {
        let Some(name) = gen.get("name").and_then(|n| n.as_str()) else {
            continue;
        };
        let mut cm = ConfigMap {
            file: doc.span.file,
            namespace: gen.get("namespace").and_then(|n| n.as_str()).map(str::to_string),
            name: name.to_string(),
            folder: folder.to_path_buf(),
            configs: Vec::new(),
            values: EnvSet::default(),
        };
        for f in gen.get("files").map(|f| f.as_seq()).unwrap_or(&[]) {
            let Some(spec) = f.as_str() else { continue };
            let (key, rel) = spec.split_once('=').unwrap_or_else(|| (spec.rsplit('/').next().unwrap_or(spec), spec));
            let p = super::normalize_join(folder, rel);
            if let Some(id) = cx.load(&p) {
                cm.configs.push((key.to_string(), id));
            }
        }
        for l in gen.get("literals").map(|f| f.as_seq()).unwrap_or(&[]) {
            if let Some((k, v)) = l.as_str().and_then(|s| s.split_once('=')) {
                cm.values.push(k, v, l.span);
            }
        }
        out.kube.config_maps.push(cm);
    }
}

fn words(node: Option<&YNode>, file: FileId) -> Vec<Word> {
    let Some(node) = node else { return Vec::new() };
    match &node.kind {
        YKind::Seq(items) => {
            items.iter().filter_map(|i| i.as_str().map(|s| Spanned::new(s.to_string(), i.span))).collect()
        }
        YKind::Scalar(s, _) => split_words(s, file, node.span.start as usize),
        _ => Vec::new(),
    }
}

fn read_workload(
    doc: &YNode,
    kind: &str,
    name: String,
    namespace: Option<String>,
    span: Span,
    folder: &Path,
    file: FileId,
) -> Option<Workload> {
    let spec = doc.get("spec")?;
    let (pod_meta, pod_spec) = if kind == "Pod" {
        (doc.get("metadata"), Some(spec))
    } else {
        let t = spec.get("template");
        (t.and_then(|t| t.get("metadata")), t.and_then(|t| t.get("spec")))
    };
    let pod_spec = pod_spec?;
    let replicas = match kind {
        "Deployment" | "StatefulSet" | "ReplicaSet" => {
            spec.get("replicas").and_then(|r| r.as_i64()).unwrap_or(1).max(0) as u32
        }
        _ => 1,
    };
    let labels = pod_meta.and_then(|m| m.get("labels")).map(string_map).unwrap_or_default();
    let mut containers = Vec::new();
    for c in pod_spec.get("containers").map(|c| c.as_seq()).unwrap_or(&[]) {
        let cname = c.get("name");
        let mut env = Vec::new();
        for e in c.get("env").map(|e| e.as_seq()).unwrap_or(&[]) {
            let Some(n) = e.get("name").and_then(|n| n.as_str()) else {
                continue;
            };
            let (source, sp) = if let Some(v) = e.get("value") {
                (EnvSource::Literal(v.as_str().unwrap_or("").to_string()), v.span)
            } else if let Some(vf) = e.get("valueFrom") {
                let s = if let Some(f) = vf.path(&["fieldRef", "fieldPath"]).and_then(|f| f.as_str()) {
                    EnvSource::Field(f.to_string())
                } else if let Some(r) = vf.get("configMapKeyRef") {
                    EnvSource::ConfigMapKey(
                        r.get("name").and_then(|n| n.as_str()).unwrap_or("").into(),
                        r.get("key").and_then(|n| n.as_str()).unwrap_or("").into(),
                    )
                } else if let Some(r) = vf.get("secretKeyRef") {
                    EnvSource::Secret(
                        r.get("name").and_then(|n| n.as_str()).unwrap_or("").into(),
                        r.get("key").and_then(|n| n.as_str()).unwrap_or("").into(),
                    )
                } else {
                    continue;
                };
                (s, vf.span)
            } else {
                (EnvSource::Literal(String::new()), e.span)
            };
            env.push(EnvEntry { name: n.to_string(), source, span: sp });
        }
        let env_from = c
            .get("envFrom")
            .map(|e| e.as_seq())
            .unwrap_or(&[])
            .iter()
            .filter_map(|e| e.path(&["configMapRef", "name"]).and_then(|n| n.as_str()).map(str::to_string))
            .collect();
        let mounts = c
            .get("volumeMounts")
            .map(|e| e.as_seq())
            .unwrap_or(&[])
            .iter()
            .filter_map(|m| {
                Some((
                    m.get("name")?.as_str()?.to_string(),
                    m.get("mountPath")?.as_str()?.to_string(),
                    m.get("subPath").and_then(|s| s.as_str()).map(str::to_string),
                ))
            })
            .collect();
        containers.push(Container {
            name: cname.and_then(|n| n.as_str()).unwrap_or("").to_string(),
            image: c.get("image").and_then(|i| i.as_str()).unwrap_or("").to_string(),
            span: cname.map(|n| n.span).unwrap_or(c.span),
            command: words(c.get("command"), file),
            args: words(c.get("args"), file),
            env,
            env_from,
            mounts,
        });
    }
    let volumes = pod_spec
        .get("volumes")
        .map(|v| v.as_seq())
        .unwrap_or(&[])
        .iter()
        .filter_map(|v| {
            Some((v.get("name")?.as_str()?.to_string(), v.path(&["configMap", "name"])?.as_str()?.to_string()))
        })
        .collect();
    Some(Workload {
        file,
        namespace,
        kind: kind.to_string(),
        name,
        folder: folder.to_path_buf(),
        span,
        replicas,
        labels,
        service_name: spec.get("serviceName").and_then(|s| s.as_str()).map(str::to_string),
        containers,
        volumes,
    })
}

/// The namespace of an object: its own, else the nearest kustomization's, else `default`.
fn namespace_of(own: &Option<String>, folder: &Path, kust: &[(PathBuf, String)]) -> String {
    if let Some(ns) = own {
        return ns.clone();
    }
    kust.iter()
        .filter(|(f, _)| folder.starts_with(f))
        .max_by_key(|(f, _)| f.components().count())
        .map(|(_, ns)| ns.clone())
        .unwrap_or_else(|| "default".into())
}

/// DNS names of a Service in `ns`.
pub fn service_names(svc: &str, ns: &str) -> Vec<String> {
    vec![svc.to_string(), format!("{svc}.{ns}"), format!("{svc}.{ns}.svc"), format!("{svc}.{ns}.svc.cluster.local")]
}

/// Reads includes of an embedded config from its ConfigMap's other keys (they share the mount folder).
#[derive(Debug)]
pub struct ConfigMapLoader {
    pub dir: PathBuf,
    pub keys: Vec<(String, FileId)>,
}

impl IncludeLoader for ConfigMapLoader {
    fn load(&self, db: &SourceDb, req: &IncludeRequest) -> Result<LoadedInclude, IncludeError> {
        let _ = db;
        let name = req.resolved.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if req.resolved.parent() == Some(self.dir.as_path()) {
            if let Some((k, f)) = self.keys.iter().find(|(k, _)| *k == name) {
                return Ok(LoadedInclude {
                    file: *f,
                    identity: format!("configmap:{}/{k}", self.dir.display()),
                    warning: None,
                });
            }
        }
        Err(IncludeError { reason: format!("open {}: no such file or directory", req.resolved.display()) })
    }
}

/// Joins the Kubernetes objects of every file into launches, hosts and wadm.
pub fn link(db: &SourceDb, docs: &KubeDocs, out: &mut DeployFacts) {
    let kust = &docs.kustomize_ns;
    let mut cms: CmIndex = HashMap::new();
    for cm in &docs.config_maps {
        let ns = namespace_of(&cm.namespace, &cm.folder, kust);
        cms.entry((ns, cm.name.clone())).or_default().push(cm);
        // Includes between keys of one ConfigMap.
        if !cm.configs.is_empty() {
            let dir = PathBuf::from(format!("/configmap/{}", cm.name));
            let loader: Arc<dyn IncludeLoader> =
                Arc::new(ConfigMapLoader { dir: dir.clone(), keys: cm.configs.clone() });
            for (k, f) in &cm.configs {
                if db.get(*f).embedding.is_some() {
                    out.embedded.push(*f);
                    out.include_loaders.push((*f, dir.join(k), loader.clone()));
                }
            }
        }
    }
    for w in &docs.workloads {
        let ns = namespace_of(&w.namespace, &w.folder, kust);
        let locality = format!("k8s:{ns}/{}/{}", w.kind, w.name);
        let origin = Origin::Kubernetes { namespace: ns.clone(), kind: w.kind.clone(), name: w.name.clone() };
        let mut hostnames = Vec::new();
        for s in &docs.services {
            let sns = namespace_of(&s.namespace, &s.folder, kust);
            if sns != ns
                || s.selector.is_empty()
                || !s.selector.iter().all(|(k, v)| w.labels.get(k) == Some(v))
                || !(s.file == w.file || s.folder.starts_with(&w.folder) || w.folder.starts_with(&s.folder))
            {
                continue;
            }
            hostnames.extend(service_names(&s.name, &ns));
            if s.headless && w.kind == "StatefulSet" && w.service_name.as_deref() == Some(s.name.as_str()) {
                for i in 0..w.replicas.max(1) {
                    hostnames.extend(service_names(&format!("{}-{i}.{}", w.name, s.name), &ns));
                }
            }
        }
        hostnames.push(w.name.clone());
        let pod_name = if w.kind == "StatefulSet" { format!("{}-0", w.name) } else { w.name.clone() };
        for c in &w.containers {
            let env = container_env(c, w, &cms, &ns, &pod_name);
            let expand = |ws: &[Word]| -> Vec<Word> {
                ws.iter().map(|x| Spanned::new(expand_k8s(&x.value, &env), x.span)).collect()
            };
            let mut argv = expand(&c.command);
            argv.extend(expand(&c.args));
            let nats_pos = argv.iter().position(|x| is_nats_server_bin(&x.value));
            let label = if w.containers.len() > 1 { format!("{}/{}", w.name, c.name) } else { w.name.clone() };
            // `-sl` (signal) invocations (preStop hooks) and the config reloader are not servers.
            if is_nats_image(&c.image) || nats_pos.is_some() {
                let args: Vec<Word> = match nats_pos {
                    Some(p) => argv[p + 1..].to_vec(),
                    None if c.command.is_empty() => expand(&c.args),
                    None => argv.clone(),
                };
                let flags = nats_server_flags(&args);
                let config_path = flags.config_arg.as_ref().map(|c| c.value.clone()).or_else(|| {
                    (c.command.is_empty() && c.args.is_empty()).then(|| "/etc/nats/nats-server.conf".to_string())
                });
                let config = match &config_path {
                    Some(p) => match mount_lookup(c, w, &cms, &ns, p) {
                        Some(id) => {
                            if db.get(id).embedding.is_some() {
                                ConfigRef::Embedded(id)
                            } else {
                                ConfigRef::File(db.get(id).path.clone())
                            }
                        }
                        None => match &flags.config_arg {
                            Some(a) => ConfigRef::Unresolved(a.clone()),
                            None => ConfigRef::None,
                        },
                    },
                    None => ConfigRef::None,
                };
                out.launches.push(Launch {
                    origin: origin.clone(),
                    label: w.name.clone(),
                    span: w.span,
                    config,
                    flags,
                    env: env.to_map(),
                    hostnames: hostnames.clone(),
                    locality: locality.clone(),
                    replicas: w.replicas,
                });
                continue;
            }
            let repo = image_repo(&c.image);
            let decl =
                Decl { label, origin: origin.clone(), span: c.span, locality: locality.clone(), replicas: w.replicas };
            let (flags, _) = parse_flags(&argv, &wasmcloud_takes_value);
            let is_wadm = repo.ends_with("wadm") || (env_is_wadm(&env) && !env_is_host(&env));
            let is_host = !is_wadm
                && (repo == "wasmcloud/wasmcloud"
                    || repo.ends_with("wasmcloud_host")
                    || repo == "wasmcloud"
                    || env_is_host(&env)
                    || argv.first().is_some_and(|a| a.value.rsplit('/').next() == Some("wasmcloud")));
            if is_wadm {
                out.wadms.push(build_wadm(&decl, &env, &flags));
            } else if is_host && !is_v2_runtime(&argv) {
                let legacy = tag_major(&image_tag(&c.image)) == Some(0) || repo.ends_with("wasmcloud_host");
                out.hosts.push(build_host(&decl, &env, &flags, legacy));
            }
        }
    }
    for hc in &docs.host_configs {
        let ns = namespace_of(&hc.namespace, &hc.folder, kust);
        operator_host(hc, &ns, out);
    }
}

/// wasmCloud 2.x `wash host` runtimes have no lattice or JetStream domain setting.
fn is_v2_runtime(argv: &[Word]) -> bool {
    argv.iter().any(|a| a.value.starts_with("--scheduler-nats-url") || a.value.starts_with("--data-nats-url"))
}

type CmIndex<'a> = HashMap<(String, String), Vec<&'a ConfigMap>>;

/// The ConfigMap `name` of namespace `ns` a workload means: the one in its own file, else the one in
/// the nearest folder (unrelated folders of a scanned tree may reuse names).
fn nearest<'a>(cms: &CmIndex<'a>, ns: &str, name: &str, w: &Workload) -> Option<&'a ConfigMap> {
    let list = cms.get(&(ns.to_string(), name.to_string()))?;
    if let Some(cm) = list.iter().find(|cm| cm.file == w.file) {
        return Some(cm);
    }
    let shared = |cm: &ConfigMap| -> usize {
        cm.folder.components().zip(w.folder.components()).take_while(|(a, b)| a == b).count()
    };
    let best = list.iter().copied().max_by_key(|cm| (shared(cm), std::cmp::Reverse(cm.folder.components().count())))?;
    (best.folder.starts_with(&w.folder) || w.folder.starts_with(&best.folder)).then_some(best)
}

/// The file a container sees at `path` through its ConfigMap volume mounts.
fn mount_lookup(c: &Container, w: &Workload, cms: &CmIndex, ns: &str, path: &str) -> Option<FileId> {
    for (vol, mount, sub) in &c.mounts {
        let Some((_, cm_name)) = w.volumes.iter().find(|(v, _)| v == vol) else {
            continue;
        };
        let Some(cm) = nearest(cms, ns, cm_name, w) else {
            continue;
        };
        let mount = mount.trim_end_matches('/');
        let key = match sub {
            Some(s) if path == mount => s.as_str(),
            None => match path.strip_prefix(mount).and_then(|r| r.strip_prefix('/')) {
                Some(k) => k,
                None => continue,
            },
            _ => continue,
        };
        if let Some((_, f)) = cm.configs.iter().find(|(k, _)| k == key) {
            return Some(*f);
        }
    }
    None
}

/// A container's environment: `envFrom` ConfigMaps, then `env` (later wins); `$(VAR)` expanded,
/// `metadata.name` = the pod name; Secret values are unknown and recorded by name only.
fn container_env(c: &Container, w: &Workload, cms: &CmIndex, ns: &str, pod: &str) -> EnvSet {
    let mut env = EnvSet::default();
    for name in &c.env_from {
        if let Some(cm) = nearest(cms, ns, name, w) {
            env.extend(&cm.values);
        }
    }
    for e in &c.env {
        let value = match &e.source {
            EnvSource::Literal(v) => expand_k8s(v, &env),
            EnvSource::Field(f) if f == "metadata.name" => pod.to_string(),
            EnvSource::Field(f) if f == "metadata.namespace" => ns.to_string(),
            EnvSource::Field(_) => String::new(),
            EnvSource::ConfigMapKey(cm, key) => {
                nearest(cms, ns, cm, w).and_then(|m| m.values.get(key)).map(|v| v.value.clone()).unwrap_or_default()
            }
            EnvSource::Secret(s, k) => format!("secret:{s}/{k}"),
        };
        env.push(e.name.clone(), value, e.span);
    }
    env
}

/// Kubernetes `$(VAR)` expansion (`$$(VAR)` escapes); unknown references stay as written.
pub fn expand_k8s(s: &str, env: &EnvSet) -> String {
    if !s.contains("$(") {
        return s.to_string();
    }
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("$(") {
        if i > 0 && rest.as_bytes()[i - 1] == b'$' {
            out.push_str(&rest[..i - 1]);
            out.push_str("$(");
            rest = &rest[i + 2..];
            continue;
        }
        out.push_str(&rest[..i]);
        match rest[i + 2..].find(')') {
            Some(j) => {
                let name = &rest[i + 2..i + 2 + j];
                match env.get(name) {
                    Some(v) => out.push_str(&v.value),
                    None => out.push_str(&rest[i..i + 3 + j]),
                }
                rest = &rest[i + 3 + j..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A `WasmCloudHostConfig`: the host (`WASMCLOUD_JS_DOMAIN` = `jetstreamDomain`, default `default`;
/// NATS at the pod's sidecar 127.0.0.1:4222) and the sidecar (JetStream on, domain `leafNodeDomain`,
/// default `leaf`; one leaf remote to `natsAddress:natsLeafnodePort`, default
/// `nats://nats.default.svc.cluster.local:7422`, with the `secretName` creds; `hostReplicas` pods).
fn operator_host(hc: &HostConfig, ns: &str, out: &mut DeployFacts) {
    let spec = hc.spec.as_ref();
    let get = |k: &str| spec.and_then(|s| s.get(k));
    let spanned = |k: &str, default: &str| -> Spanned<String> {
        match get(k).and_then(|n| n.as_str().map(|v| (v.to_string(), n.span))) {
            Some((v, sp)) => Spanned::new(v, sp),
            None => Spanned::new(default.to_string(), hc.span),
        }
    };
    let daemonset =
        spec.and_then(|s| s.path(&["schedulingOptions", "daemonset"])).and_then(|d| d.as_bool()) == Some(true);
    let replicas = if daemonset { 1 } else { get("hostReplicas").and_then(|r| r.as_i64()).unwrap_or(1).max(0) as u32 };
    let locality = format!("k8s:{ns}/WasmCloudHostConfig/{}", hc.name);
    let origin =
        Origin::Kubernetes { namespace: ns.to_string(), kind: "WasmCloudHostConfig".into(), name: hc.name.clone() };
    let mut env = EnvSet::default();
    let lattice = spanned("lattice", "default");
    env.push("WASMCLOUD_LATTICE", lattice.value.clone(), lattice.span);
    let js = spanned("jetstreamDomain", "default");
    env.push("WASMCLOUD_JS_DOMAIN", js.value.clone(), js.span);
    env.push("WASMCLOUD_NATS_HOST", "127.0.0.1", hc.span);
    env.push("WASMCLOUD_NATS_PORT", "4222", hc.span);
    if let Some(p) = get("controlTopicPrefix").and_then(|n| n.as_str().map(|v| (v.to_string(), n.span))) {
        env.push("WASMCLOUD_CTL_TOPIC_PREFIX", p.0, p.1);
    }
    let decl =
        Decl { label: hc.name.clone(), origin: origin.clone(), span: hc.span, locality: locality.clone(), replicas };
    let mut host = build_host(&decl, &env, &[], false);
    host.ctl.defaulted = true;
    host.rpc.defaulted = true;
    let secret =
        get("secretName").and_then(|n| n.as_str().map(|v| Spanned::new(format!("secret:{v}/nats.creds"), n.span)));
    host.credentials = secret.clone();
    out.hosts.push(host);

    let leaf_domain = spanned("leafNodeDomain", "leaf");
    let address = spanned("natsAddress", "nats://nats.default.svc.cluster.local");
    let port = get("natsLeafnodePort").and_then(|n| n.as_i64()).unwrap_or(7422);
    let url = format!("{}:{port}", address.value.trim_end_matches('/'));
    let url = Spanned::new(url, address.span);
    out.launches.push(leaf_sidecar(&decl, format!("{}-nats-sidecar", hc.name), leaf_domain, url, secret));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_dir(rel: &str) -> (SourceDb, DeployFacts) {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/deploy").join(rel);
        let db = SourceDb::new(root.clone());
        let mut facts = DeployFacts::default();
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
        paths.sort();
        for p in paths {
            if p.extension().is_some_and(|e| e == "yaml") {
                let f = db.add(p.clone(), std::fs::read_to_string(&p).unwrap());
                facts.extend(read(&ReadCx { db: &db }, f, &p));
            }
        }
        let docs = std::mem::take(&mut facts.kube);
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
