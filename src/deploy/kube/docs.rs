//! Reading one Kubernetes file into its objects: ConfigMaps (NATS configs embedded as texts of
//! their own), Services, workloads, `WasmCloudHostConfig`s and kustomizations.

use super::{ConfigMap, Container, EnvEntry, EnvSource, HostConfig, Service, Workload};
use crate::deploy::envfile::EnvSet;
use crate::deploy::flags::Word;
use crate::deploy::nats_conf::looks_like_nats;
use crate::deploy::shell::split_words;
use crate::deploy::yaml::{self, embedding_pieces, YKind, YNode};
use crate::deploy::{FileFacts, ReadCx};
use crate::source::Embedding;
use crate::span::{FileId, Span, Spanned};
use std::collections::BTreeMap;
use std::path::Path;

/// Reads one Kubernetes file.
pub fn read(cx: &ReadCx, file: FileId, path: &Path) -> FileFacts {
    let mut out = FileFacts::default();
    let text = cx.db.get(file).text.clone();
    let docs = yaml::parse_reporting(&text, file, &mut out.facts.diagnostics);
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
    (k.ends_with(".conf") && looks_like_nats(val, 1)) || looks_like_nats(val, 2)
}

fn string_map(n: &YNode) -> BTreeMap<String, String> {
    n.entries()
        .into_iter()
        .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.as_str().unwrap_or("").to_string())))
        .collect()
}

fn read_kustomization(cx: &ReadCx, doc: &YNode, folder: &Path, out: &mut FileFacts) {
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
            let p = crate::deploy::normalize_join(folder, rel);
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
