//! Joining the Kubernetes objects of every file: a container running nats-server finds its config
//! through `--config` → volume mount → ConfigMap key, Services give DNS names, host and wadm
//! containers get their environment (`env`, `envFrom`, `$(VAR)`).

use super::{operator::operator_host, ConfigMap, Container, EnvSource, KubeDocs, Workload};
use crate::deploy::envfile::EnvSet;
use crate::deploy::flags::{is_nats_server_bin, nats_server_flags, parse_flags, wasmcloud_takes_value, Word};
use crate::deploy::wasmcloud::{build_host, build_wadm, env_is_host, env_is_wadm, Decl};
use crate::deploy::{image_repo, image_tag, is_nats_image, tag_major};
use crate::model::facts::{ConfigRef, DeployFacts, Launch};
use crate::model::Origin;
use crate::nats::include::{IncludeError, IncludeLoader, IncludeRequest, LoadedInclude};
use crate::source::SourceDb;
use crate::span::{FileId, Spanned};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
                    unless_listening: None,
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
