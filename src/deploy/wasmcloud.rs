//! wasmCloud 1.x host and wadm settings from environment variables and flags, with the defaults
//! of truth/jetstream-leafnodes.md §4.2 (host, `src/main.rs` @ v1.9.2) and §4.3 (wadm config.rs).
//! A defaulted value's span is the place the setting should be written (the host's declaration).

use super::envfile::EnvSet;
use super::flags::Flag;
use crate::model::{Endpoint, Host, HostId, Origin, Wadm};
use crate::span::{Span, Spanned};

/// Where a host or wadm is declared.
#[derive(Debug, Clone)]
pub struct Decl {
    pub label: String,
    pub origin: Origin,
    /// The declaration (service name, container, command line): anchor for defaulted values.
    pub span: Span,
    pub locality: String,
    pub replicas: u32,
}

/// Environment variables that only a wasmCloud host reads.
const HOST_VARS: &[&str] = &[
    "WASMCLOUD_LATTICE",
    "WASMCLOUD_NATS_HOST",
    "WASMCLOUD_NATS_PORT",
    "WASMCLOUD_CTL_HOST",
    "WASMCLOUD_CTL_PORT",
    "WASMCLOUD_RPC_HOST",
    "WASMCLOUD_RPC_PORT",
    "WASMCLOUD_JS_DOMAIN",
    "WASMCLOUD_LATTICE_PREFIX",
    "WASMCLOUD_CLUSTER_SEED",
    "WASMCLOUD_HOST_SEED",
    "WASMCLOUD_CTL_TOPIC_PREFIX",
];

/// True when `env` configures a wasmCloud host.
pub fn env_is_host(env: &EnvSet) -> bool {
    env.vars.iter().any(|v| HOST_VARS.contains(&v.name.as_str()))
}

/// True when `env` configures wadm.
pub fn env_is_wadm(env: &EnvSet) -> bool {
    env.vars.iter().any(|v| v.name.starts_with("WADM_"))
}

/// A value from a flag (any of `names`) or, failing that, an environment variable (any of `vars`).
fn setting(flags: &[Flag], names: &[&str], env: &EnvSet, vars: &[&str]) -> Option<Spanned<String>> {
    if let Some(f) = flags.iter().rev().find(|f| names.contains(&f.name.as_str())) {
        if let Some(v) = &f.value {
            if !v.value.is_empty() {
                return Some(v.clone());
            }
        }
    }
    vars.iter().find_map(|n| env.value(n)).map(|v| Spanned::new(v.value.clone(), v.span))
}

fn endpoint(host: Option<Spanned<String>>, port: Option<Spanned<String>>, fallback: &Endpoint) -> Endpoint {
    let (host_v, host_d) = match host {
        Some(h) => (Spanned::new(crate::model::address::strip_url(&h.value).to_string(), h.span), false),
        None => (fallback.host.clone(), fallback.defaulted),
    };
    let (port_v, port_d) = match port.and_then(|p| p.value.trim().parse::<u16>().ok().map(|n| Spanned::new(n, p.span)))
    {
        Some(p) => (p, false),
        None => (fallback.port.clone(), fallback.defaulted),
    };
    Endpoint { host: host_v, port: port_v, defaulted: host_d && port_d }
}

/// Builds a host. `legacy` accepts pre-1.0 names (`NATS_HOST`, `WASMCLOUD_LATTICE_PREFIX` as lattice).
pub fn build_host(decl: &Decl, env: &EnvSet, flags: &[Flag], legacy: bool) -> Host {
    let lattice_vars: &[&str] =
        if legacy { &["WASMCLOUD_LATTICE", "WASMCLOUD_LATTICE_PREFIX"] } else { &["WASMCLOUD_LATTICE"] };
    let lattice = setting(flags, &["x", "lattice"], env, lattice_vars)
        .unwrap_or_else(|| Spanned::new("default".to_string(), decl.span));
    let js_domain = setting(flags, &["js-domain", "wasmcloud-js-domain"], env, &["WASMCLOUD_JS_DOMAIN"]);
    let host_vars: &[&str] = if legacy { &["WASMCLOUD_NATS_HOST", "NATS_HOST"] } else { &["WASMCLOUD_NATS_HOST"] };
    let port_vars: &[&str] = if legacy { &["WASMCLOUD_NATS_PORT", "NATS_PORT"] } else { &["WASMCLOUD_NATS_PORT"] };
    let default = Endpoint {
        host: Spanned::new("127.0.0.1".to_string(), decl.span),
        port: Spanned::new(4222, decl.span),
        defaulted: true,
    };
    let nats = endpoint(
        setting(flags, &["nats-host"], env, host_vars),
        setting(flags, &["nats-port"], env, port_vars),
        &default,
    );
    let ctl = endpoint(
        setting(flags, &["ctl-host"], env, &["WASMCLOUD_CTL_HOST"]),
        setting(flags, &["ctl-port"], env, &["WASMCLOUD_CTL_PORT"]),
        &nats,
    );
    let rpc = endpoint(
        setting(flags, &["rpc-host"], env, &["WASMCLOUD_RPC_HOST"]),
        setting(flags, &["rpc-port"], env, &["WASMCLOUD_RPC_PORT"]),
        &nats,
    );
    let credentials = credential(flags, env, "ctl").or_else(|| credential(flags, env, "nats"));
    let ctl_topic_prefix = setting(flags, &["ctl-topic-prefix"], env, &["WASMCLOUD_CTL_TOPIC_PREFIX"])
        .map(|s| s.value)
        .unwrap_or_else(|| "wasmbus.ctl".into());
    Host {
        id: HostId(0),
        label: decl.label.clone(),
        origin: decl.origin.clone(),
        span: decl.span,
        lattice,
        js_domain,
        ctl,
        rpc,
        credentials,
        ctl_topic_prefix,
        locality: decl.locality.clone(),
        replicas: decl.replicas.max(1),
        sidecar: None,
    }
}

/// The credential setting of one connection (`ctl` or `nats`): a creds path, or for JWT/seed the
/// variable or flag name (never the secret itself).
fn credential(flags: &[Flag], env: &EnvSet, which: &str) -> Option<Spanned<String>> {
    let up = which.to_ascii_uppercase();
    if let Some(c) = setting(flags, &[&format!("{which}-creds")], env, &[&format!("WASMCLOUD_{up}_CREDS")]) {
        return Some(c);
    }
    for kind in ["JWT", "SEED"] {
        let var = format!("WASMCLOUD_{up}_{kind}");
        let flag = format!("{which}-{}", kind.to_ascii_lowercase());
        if let Some(f) = flags.iter().find(|f| f.name == flag) {
            return Some(Spanned::new(format!("--{flag}"), f.span));
        }
        if let Some(v) = env.value(&var) {
            return Some(Spanned::new(var, v.span));
        }
    }
    None
}

/// The NATS leaf sidecar beside every host pod of the wasmcloud-operator and the wasmcloud-host chart:
/// JetStream with domain `leaf_domain`, clients on 127.0.0.1:4222, one leaf remote to `url` (in `$G` on the
/// hub unless `credentials` say otherwise). `decl` is the host's declaration; `label` names the sidecar.
pub fn leaf_sidecar(
    decl: &Decl,
    label: String,
    leaf_domain: Spanned<String>,
    url: Spanned<String>,
    credentials: Option<Spanned<String>>,
) -> crate::model::facts::Launch {
    let span = decl.span;
    let remote_span = url.span;
    let flags = crate::model::facts::ServerFlags {
        jetstream: Some(Spanned::new(true, span)),
        js_domain: Some(leaf_domain),
        addr: Some(Spanned::new("127.0.0.1".into(), span)),
        port: Some(Spanned::new(4222, span)),
        leaf_remotes: vec![crate::model::LeafRemote {
            urls: vec![url],
            account: None,
            credentials,
            deny_imports: Vec::new(),
            deny_exports: Vec::new(),
            hub: false,
            span: remote_span,
        }],
        ..Default::default()
    };
    crate::model::facts::Launch {
        origin: decl.origin.clone(),
        label,
        span,
        config: crate::model::facts::ConfigRef::None,
        flags,
        env: std::collections::BTreeMap::new(),
        hostnames: Vec::new(),
        locality: decl.locality.clone(),
        replicas: decl.replicas,
        unless_listening: None,
    }
}

/// Builds a wadm instance (`-d`/`WADM_JETSTREAM_DOMAIN`, `-s`/`WADM_NATS_SERVER`, default `127.0.0.1:4222`).
pub fn build_wadm(decl: &Decl, env: &EnvSet, flags: &[Flag]) -> Wadm {
    let js_domain = setting(flags, &["d"], env, &["WADM_JETSTREAM_DOMAIN"]);
    let servers = match setting(flags, &["s", "nats-server"], env, &["WADM_NATS_SERVER"]) {
        Some(s) => super::flags::split_list(&s)
            .into_iter()
            .map(|part| {
                let (h, p) = crate::model::address::host_and_port(&part.value);
                Endpoint {
                    host: Spanned::new(h, part.span),
                    port: Spanned::new(p.unwrap_or(4222), part.span),
                    defaulted: false,
                }
            })
            .collect(),
        None => vec![Endpoint {
            host: Spanned::new("127.0.0.1".into(), decl.span),
            port: Spanned::new(4222, decl.span),
            defaulted: true,
        }],
    };
    let credentials = setting(flags, &["nats-creds-file"], env, &["WADM_NATS_CREDS_FILE"]).or_else(|| {
        ["WADM_NATS_JWT", "WADM_NATS_NKEY"]
            .iter()
            .find_map(|n| env.value(n).map(|v| Spanned::new(n.to_string(), v.span)))
    });
    Wadm {
        label: decl.label.clone(),
        origin: decl.origin.clone(),
        span: decl.span,
        js_domain,
        servers,
        credentials,
        locality: decl.locality.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::FileId;

    fn decl() -> Decl {
        Decl {
            label: "h".into(),
            origin: Origin::Script { file: "x".into() },
            span: Span::new(FileId(0), 0, 1),
            locality: "l".into(),
            replicas: 1,
        }
    }

    fn sp(a: usize) -> Span {
        Span::new(FileId(0), a, a + 1)
    }

    #[test]
    fn host_defaults_and_fallbacks() {
        let h = build_host(&decl(), &EnvSet::default(), &[], false);
        assert_eq!(h.lattice.value, "default");
        assert_eq!(h.ctl.host.value, "127.0.0.1");
        assert_eq!(h.ctl.port.value, 4222);
        assert!(h.ctl.defaulted);
        assert!(h.js_domain.is_none());
        assert_eq!(h.ctl_topic_prefix, "wasmbus.ctl");

        let mut env = EnvSet::default();
        env.push("WASMCLOUD_NATS_HOST", "nats", sp(10));
        env.push("WASMCLOUD_RPC_PORT", "5222", sp(20));
        env.push("WASMCLOUD_JS_DOMAIN", "core", sp(30));
        env.push("WASMCLOUD_CTL_SEED", "SUxxxx", sp(40));
        let h = build_host(&decl(), &env, &[], false);
        assert_eq!(h.ctl.host.value, "nats");
        assert_eq!(h.ctl.host.span, sp(10));
        assert!(!h.ctl.defaulted);
        assert_eq!(h.rpc.port.value, 5222);
        assert_eq!(h.js_domain.as_ref().unwrap().value, "core");
        // the secret is never stored, only the variable's name
        assert_eq!(h.credentials.as_ref().unwrap().value, "WASMCLOUD_CTL_SEED");

        let mut env = EnvSet::default();
        env.push("NATS_HOST", "nats-leaf-a", sp(1));
        env.push("WASMCLOUD_LATTICE_PREFIX", "east", sp(2));
        assert_eq!(build_host(&decl(), &env, &[], false).ctl.host.value, "127.0.0.1");
        let h = build_host(&decl(), &env, &[], true);
        assert_eq!(h.ctl.host.value, "nats-leaf-a");
        assert_eq!(h.lattice.value, "east");
    }

    #[test]
    fn wadm_servers() {
        let mut env = EnvSet::default();
        env.push("WADM_NATS_SERVER", "nats://a:4223,b", sp(0));
        env.push("WADM_JETSTREAM_DOMAIN", "default", sp(5));
        let w = build_wadm(&decl(), &env, &[]);
        assert_eq!(w.servers.len(), 2);
        assert_eq!((w.servers[0].host.value.as_str(), w.servers[0].port.value), ("a", 4223));
        assert_eq!((w.servers[1].host.value.as_str(), w.servers[1].port.value), ("b", 4222));
        assert_eq!(w.js_domain.unwrap().value, "default");
        let w = build_wadm(&decl(), &EnvSet::default(), &[]);
        assert!(w.servers[0].defaulted);
    }
}
