//! The wasmcloud-operator's `WasmCloudHostConfig` (truth §4.5 defaults).

use super::HostConfig;
use crate::deploy::envfile::EnvSet;
use crate::deploy::wasmcloud::{build_host, leaf_sidecar, Decl};
use crate::model::facts::DeployFacts;
use crate::model::Origin;
use crate::span::Spanned;

/// A `WasmCloudHostConfig`: the host (`WASMCLOUD_JS_DOMAIN` = `jetstreamDomain`, default `default`;
/// NATS at the pod's sidecar 127.0.0.1:4222) and the sidecar (JetStream on, domain `leafNodeDomain`,
/// default `leaf`; one leaf remote to `natsAddress:natsLeafnodePort`, default
/// `nats://nats.default.svc.cluster.local:7422`, with the `secretName` creds; `hostReplicas` pods).
pub(super) fn operator_host(hc: &HostConfig, ns: &str, out: &mut DeployFacts) {
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
