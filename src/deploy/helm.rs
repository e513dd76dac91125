//! Helm values files (plain YAML) of the charts wasmCloud deployments use.
//!
//! - nats chart 1.x (`config.jetstream.enabled`, `config.jetstream.merge.domain`, `config.cluster`,
//!   `config.leafnodes`), also under an umbrella chart's `nats:` key: one server (a StatefulSet of
//!   `config.cluster.replicas` pods) of release `nats` in namespace `default` (the release name is not
//!   in the values; every chart in the corpus installs it as `nats`), with the Service names
//!   `nats` and `nats-headless`. `config.jetstream.domain` is not a chart key: the domain must go
//!   through `merge`, so it is ignored like the chart ignores it.
//! - wadm chart (`wadm.config.nats.server`, `wadm.config.nats.jetstreamDomain`): one wadm.
//! - wasmcloud-host chart 1.x (`config.lattice`, `config.jetstreamDomain`, `config.leafNodeDomain`,
//!   `config.natsAddress`, `config.natsCredentialsSecret`, `config.controlTopicPrefix`, `replicas`), also
//!   under the wasmcloud-platform chart's `host:` key when `host.enabled`: a Deployment `wasmcloud-host`
//!   whose pods each run the host (`WASMCLOUD_NATS_HOST=127.0.0.1`, `WASMCLOUD_JS_DOMAIN` =
//!   `jetstreamDomain`, default `default`) and a NATS leaf sidecar (listen 127.0.0.1:4222, JetStream
//!   with domain `leafNodeDomain`, default `leaf`, one remote to `natsAddress`, default
//!   `nats://nats-headless.default.svc.cluster.local`, i.e. port 7422) (chart templates
//!   deployment.yaml, configmap.yaml, _helpers.tpl at wasmCloud v1.9.2).

use super::envfile::EnvSet;
use super::kube::service_names;
use super::nats_chart;
use super::wasmcloud::{build_host, leaf_sidecar};
use super::wasmcloud::{build_wadm, Decl};
use super::yaml::{self, YNode};
use super::{FileFacts, FileKind, ReadCx};
use crate::model::facts::{ConfigRef, DeployFacts, Launch, ServerFlags};
use crate::model::{Listener, Origin};
use crate::span::{FileId, Spanned};
use std::collections::BTreeMap;
use std::path::Path;

/// The reader of Helm values files.
pub struct HelmValues;

/// Words of the values files of the charts latticelint knows.
const HELM_HINTS: &[&str] =
    &["jetstream", "leafnodes", "wadm", "wasmcloud", "natsAddress", "jetstreamDomain", "nats:", "cluster:"];

impl super::Reader for HelmValues {
    fn kind(&self) -> FileKind {
        FileKind::HelmValues
    }

    fn recognise(&self, _path: &Path, text: &str) -> bool {
        HELM_HINTS.iter().any(|h| text.contains(h))
    }

    fn read(&self, cx: &ReadCx, file: FileId, path: &Path) -> FileFacts {
        read(cx, file, path).into()
    }
}

/// Reads one values file.
pub fn read(cx: &ReadCx, file: FileId, path: &Path) -> DeployFacts {
    let _ = path;
    let mut out = DeployFacts::default();
    let text = cx.db.get(file).text.clone();
    let (docs, _) = yaml::parse(&text, file);
    let Some(doc) = docs.first() else { return out };
    let nats_cfg = doc
        .get("config")
        .filter(|c| is_nats_config(c))
        .map(|c| (c, "config"))
        .or_else(|| doc.path(&["nats", "config"]).filter(|c| is_nats_config(c)).map(|c| (c, "nats.config")));
    if let Some((cfg, path)) = nats_cfg {
        nats_chart::check(cfg, path, &mut out.diagnostics);
        nats_release(cfg, doc, &mut out);
    }
    if let Some((cfg, replicas_node)) = host_chart(doc) {
        host_release(cfg, replicas_node, &mut out);
    }
    let wadm_cfg = doc.path(&["wadm", "config", "nats"]).or_else(|| doc.path(&["wadm", "wadm", "config", "nats"]));
    if let Some(n) = wadm_cfg {
        let mut env = EnvSet::default();
        if let Some(s) = n.get("server") {
            if let Some(v) = s.as_str() {
                env.push("WADM_NATS_SERVER", v, s.span);
            }
        }
        if let Some(d) = n.get("jetstreamDomain") {
            if let Some(v) = d.as_str() {
                env.push("WADM_JETSTREAM_DOMAIN", v, d.span);
            }
        }
        let span = doc.entry("wadm").map(|(k, _)| k.span).unwrap_or(doc.span);
        let decl = Decl {
            label: "wadm".into(),
            origin: Origin::Kubernetes { namespace: "default".into(), kind: "HelmRelease".into(), name: "wadm".into() },
            span,
            locality: "k8s:default/Deployment/wadm".into(),
            replicas: 1,
        };
        out.wadms.push(build_wadm(&decl, &env, &[]));
    }
    out
}

/// The wasmcloud-host chart's `config` (top level, or the platform chart's `host:` when enabled) and
/// the node that sets `replicas`.
fn host_chart(doc: &YNode) -> Option<(&YNode, Option<&YNode>)> {
    let is_host_cfg = |c: &YNode| {
        c.is_map() && ["jetstreamDomain", "leafNodeDomain", "natsAddress"].iter().any(|k| c.get(k).is_some())
    };
    if let Some(c) = doc.get("config").filter(|c| is_host_cfg(c)) {
        return Some((c, doc.get("replicas")));
    }
    let host = doc.get("host")?;
    if host.path(&["enabled"]).and_then(|e| e.as_bool()) != Some(true) {
        return None;
    }
    let c = host.get("config").filter(|c| is_host_cfg(c))?;
    Some((c, host.get("replicas")))
}

/// The host Deployment and its per-pod leaf sidecar of a wasmcloud-host chart release.
fn host_release(cfg: &YNode, replicas_node: Option<&YNode>, out: &mut DeployFacts) {
    // Empty strings count as unset, as the chart's `if`/`default` do.
    let value = |k: &str| {
        cfg.get(k).and_then(|n| n.as_str().filter(|v| !v.is_empty()).map(|v| Spanned::new(v.to_string(), n.span)))
    };
    let span = cfg.span;
    let replicas = replicas_node.and_then(|r| r.as_i64()).unwrap_or(1).max(1) as u32;
    let name = "wasmcloud-host".to_string();
    let locality = format!("k8s:default/Deployment/{name}");
    let origin = Origin::Kubernetes { namespace: "default".into(), kind: "Deployment".into(), name: name.clone() };
    let decl = Decl { label: name.clone(), origin: origin.clone(), span, locality: locality.clone(), replicas };
    let mut env = EnvSet::default();
    let lattice = value("lattice").unwrap_or_else(|| Spanned::new("default".into(), span));
    env.push("WASMCLOUD_LATTICE", lattice.value, lattice.span);
    let js = value("jetstreamDomain").unwrap_or_else(|| Spanned::new("default".into(), span));
    env.push("WASMCLOUD_JS_DOMAIN", js.value, js.span);
    env.push("WASMCLOUD_NATS_HOST", "127.0.0.1", span);
    env.push("WASMCLOUD_NATS_PORT", "4222", span);
    if let Some(p) = value("controlTopicPrefix") {
        env.push("WASMCLOUD_CTL_TOPIC_PREFIX", p.value, p.span);
    }
    let mut host = build_host(&decl, &env, &[], false);
    host.ctl.defaulted = true;
    host.rpc.defaulted = true;
    let secret = cfg.path(&["natsCredentialsSecret", "name"]).and_then(|n| {
        n.as_str().filter(|v| !v.is_empty()).map(|v| Spanned::new(format!("secret:{v}/nats.creds"), n.span))
    });
    host.credentials = secret.clone();
    out.hosts.push(host);

    let leaf_domain = value("leafNodeDomain").unwrap_or_else(|| Spanned::new("leaf".into(), span));
    let address = value("natsAddress")
        .unwrap_or_else(|| Spanned::new("nats://nats-headless.default.svc.cluster.local".into(), span));
    out.launches.push(leaf_sidecar(&decl, format!("{name}-nats-leaf"), leaf_domain, address, secret));
}

fn is_nats_config(c: &YNode) -> bool {
    c.is_map() && (c.get("jetstream").is_some() || c.get("leafnodes").is_some() || c.get("cluster").is_some())
}

fn nats_release(cfg: &YNode, doc: &YNode, out: &mut DeployFacts) {
    let enabled = |k: &str| cfg.path(&[k, "enabled"]).and_then(|e| e.as_bool()).unwrap_or(false);
    let span = cfg.span;
    let mut flags = ServerFlags::default();
    if enabled("jetstream") {
        let e = cfg.path(&["jetstream", "enabled"]).map(|n| n.span).unwrap_or(span);
        flags.jetstream = Some(Spanned::new(true, e));
        if let Some(d) = cfg.path(&["jetstream", "merge", "domain"]) {
            if let Some(v) = d.as_str() {
                flags.js_domain = Some(Spanned::new(v.to_string(), d.span));
            }
        }
    }
    let replicas = if enabled("cluster") {
        cfg.path(&["cluster", "replicas"]).and_then(|r| r.as_i64()).unwrap_or(3).max(1) as u32
    } else {
        1
    };
    if enabled("cluster") {
        let s = cfg.path(&["cluster", "enabled"]).map(|n| n.span).unwrap_or(span);
        flags.cluster_name = Some(Spanned::new("nats".into(), s));
        flags.cluster_listen = Some(Spanned::new("0.0.0.0:6222".into(), s));
        flags.routes = (0..replicas).map(|i| Spanned::new(format!("nats://nats-{i}.nats-headless:6222"), s)).collect();
    }
    if enabled("leafnodes") {
        let s = cfg.path(&["leafnodes", "enabled"]).map(|n| n.span).unwrap_or(span);
        let port = cfg.path(&["leafnodes", "port"]).and_then(|p| p.as_i64()).unwrap_or(7422);
        flags.leaf_listen = Some(Listener { host: None, port: Some(port), span: s });
    }
    let mut hostnames = service_names("nats", "default");
    hostnames.extend(service_names("nats-headless", "default"));
    for i in 0..replicas {
        hostnames.extend(service_names(&format!("nats-{i}.nats-headless"), "default"));
    }
    let decl_span = doc.entry("config").or_else(|| doc.entry("nats")).map(|(k, _)| k.span).unwrap_or(span);
    out.launches.push(Launch {
        origin: Origin::Kubernetes { namespace: "default".into(), kind: "HelmRelease".into(), name: "nats".into() },
        label: "nats".into(),
        span: decl_span,
        config: ConfigRef::None,
        flags,
        env: BTreeMap::new(),
        hostnames,
        locality: "k8s:default/StatefulSet/nats".into(),
        replicas,
        unless_listening: None,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceDb;
    use std::path::PathBuf;

    #[test]
    fn nats_and_wadm_values() {
        let db = SourceDb::new("/v");
        let text = "config:\n  cluster:\n    enabled: true\n    replicas: 3\n  leafnodes:\n    enabled: true\n  jetstream:\n    enabled: true\n    merge:\n      domain: default\nwadm:\n  config:\n    nats:\n      server: nats.default.svc.cluster.local:4222\n";
        let f = db.add(PathBuf::from("/v/values.yaml"), text);
        let facts = read(&ReadCx { db: &db }, f, Path::new("/v/values.yaml"));
        let l = &facts.launches[0];
        assert_eq!(l.replicas, 3);
        assert_eq!(l.flags.js_domain.as_ref().unwrap().value, "default");
        assert_eq!(l.flags.leaf_listen.as_ref().unwrap().port, Some(7422));
        assert!(l.hostnames.contains(&"nats.default.svc.cluster.local".to_string()));
        assert_eq!(facts.wadms[0].servers[0].host.value, "nats.default.svc.cluster.local");
        assert!(facts.wadms[0].js_domain.is_none());
        // `config.jetstream.domain` is not a chart key
        let f = db.add(PathBuf::from("/v/b.yaml"), "config:\n  jetstream:\n    enabled: true\n    domain: x\n");
        let facts = read(&ReadCx { db: &db }, f, Path::new("/v/b.yaml"));
        assert!(facts.launches[0].flags.js_domain.is_none());
    }

    #[test]
    fn wasmcloud_host_chart_values() {
        let db = SourceDb::new("/v");
        let text = "replicas: 2\nconfig:\n  lattice: \"default\"\n  jetstreamDomain: \"default\"\n  leafNodeDomain: \"leaf\"\n  natsAddress: \"\"\n  controlTopicPrefix: \"\"\n";
        let f = db.add(PathBuf::from("/v/values.yaml"), text);
        let facts = read(&ReadCx { db: &db }, f, Path::new("/v/values.yaml"));
        let h = &facts.hosts[0];
        assert_eq!(h.js_domain.as_ref().map(|d| d.value.as_str()), Some("default"));
        assert_eq!(&text[h.js_domain.as_ref().unwrap().span.start as usize..][..9], "\"default\"");
        assert_eq!((h.ctl.host.value.as_str(), h.ctl.port.value), ("127.0.0.1", 4222));
        assert_eq!(h.ctl_topic_prefix, "wasmbus.ctl", "an empty prefix is the default");
        assert_eq!(h.replicas, 2);
        let side = &facts.launches[0];
        assert_eq!(side.replicas, 2);
        assert_eq!(side.locality, h.locality);
        assert_eq!(side.flags.js_domain.as_ref().unwrap().value, "leaf");
        assert_eq!(side.flags.leaf_remotes[0].urls[0].value, "nats://nats-headless.default.svc.cluster.local");
        // The platform chart's `host:` only when enabled.
        let f = db.add(PathBuf::from("/v/p.yaml"), "host:\n  enabled: false\n  config:\n    jetstreamDomain: x\n");
        assert!(read(&ReadCx { db: &db }, f, Path::new("/v/p.yaml")).hosts.is_empty());
        let f = db.add(PathBuf::from("/v/q.yaml"), "host:\n  enabled: true\n  config:\n    jetstreamDomain: x\n");
        let facts = read(&ReadCx { db: &db }, f, Path::new("/v/q.yaml"));
        assert_eq!(facts.hosts[0].js_domain.as_ref().unwrap().value, "x");
    }
}
