//! `wash up`: the nats-server, host and wadm it starts (see the [module doc](super)).

use super::{flag_word, ScriptReader, Started};
use crate::deploy::config_in_tree;
use crate::deploy::envfile::EnvSet;
use crate::deploy::flags::{parse_flags, Flag};
use crate::deploy::shell::Word;
use crate::deploy::wasmcloud::{build_host, Decl};
use crate::model::facts::{ConfigRef, Launch, ServerFlags, UnlessListening};
use crate::model::{Endpoint, LeafRemote, Wadm};
use crate::span::{Span, Spanned};

/// The settings of the nats-server `wash up` starts; `net` is `--nats-host`/`--nats-port`.
struct WashServer {
    net: (Option<Spanned<String>>, Option<Spanned<String>>),
    domain: Option<Spanned<String>>,
    remote: Option<Spanned<String>>,
    creds: Option<Spanned<String>>,
    config: Option<Spanned<String>>,
    /// Not started when a server the script started already listens on its port.
    unless: Option<UnlessListening>,
}

impl ScriptReader<'_, '_> {
    pub(super) fn wash_up(&mut self, args: &[Word], wash_span: Span, env: &EnvSet, unknown_env: &[String]) {
        let (flags, _) = parse_flags(&args.iter().map(flag_word).collect::<Vec<_>>(), &wash_takes_value);
        // A flag whose words could not be known (command substitution, `$1`).
        let unknown_flag = |names: &[&str]| {
            flags.iter().any(|f| {
                names.contains(&f.name.as_str())
                    && args.iter().any(|a| a.unknown && a.span.start >= f.span.start && a.span.end <= f.span.end)
            })
        };
        const ROUTING: &[&str] = &[
            "nats-js-domain",
            "wasmcloud-js-domain",
            "wadm-js-domain",
            "nats-remote-url",
            "nats-host",
            "nats-port",
            "nats-config-file",
            "ctl-host",
            "ctl-port",
            "x",
            "lattice",
        ];
        const ROUTING_ENV: &[&str] = &[
            "NATS_JS_DOMAIN",
            "WASMCLOUD_JS_DOMAIN",
            "WADM_JS_DOMAIN",
            "NATS_REMOTE_URL",
            "WASMCLOUD_NATS_HOST",
            "WASMCLOUD_NATS_PORT",
            "NATS_CONFIG",
            "WASMCLOUD_CTL_HOST",
            "WASMCLOUD_CTL_PORT",
            "WASMCLOUD_LATTICE",
        ];
        if unknown_flag(ROUTING) || unknown_env.iter().any(|n| ROUTING_ENV.contains(&n.as_str())) {
            return;
        }
        let setting = |names: &[&str], var: &str| -> Option<Spanned<String>> {
            flags
                .iter()
                .rev()
                .find(|f| names.contains(&f.name.as_str()))
                .and_then(|f| f.value.clone())
                .or_else(|| env.value(var).map(|v| Spanned::new(v.value.clone(), v.span)))
                .filter(|v| !v.value.is_empty())
        };
        let present = |name: &str, var: &str| {
            flags.iter().any(|f| f.name == name && f.value.as_ref().map_or(true, |v| truthy(&v.value)))
                || env.value(var).is_some_and(|v| truthy(&v.value))
        };
        // One model per distinct setup (`up:` and `up-detached:` targets differ only in `-d`).
        let mut key: Vec<String> = flags
            .iter()
            .filter(|f| !matches!(f.name.as_str(), "d" | "detached" | "detach" | "multi-local"))
            .map(|f| format!("{}={}", f.name, f.value.as_ref().map_or("", |v| v.value.as_str())))
            .chain(ROUTING_ENV.iter().filter_map(|n| env.value(n).map(|v| format!("{n}={}", v.value))))
            .collect();
        key.sort();
        if !self.seen.insert(format!("wash up\0{}", key.join("\0"))) {
            return;
        }
        let host = setting(&["nats-host"], "WASMCLOUD_NATS_HOST");
        let port = setting(&["nats-port"], "WASMCLOUD_NATS_PORT");
        let port_n = port.as_ref().and_then(|p| p.value.trim().parse::<u16>().ok()).unwrap_or(4222);
        let remote = setting(&["nats-remote-url"], "NATS_REMOTE_URL");
        let creds = setting(&["nats-credsfile"], "NATS_CREDSFILE");
        let config = setting(&["nats-config-file"], "NATS_CONFIG");
        let connect_only = present("nats-connect-only", "NATS_CONNECT_ONLY");
        // wash connects to a nats-server the script started on that port: known now when its port
        // is, decided by the model when its config sets it.
        let reachable = self.started.iter().any(|s| matches!(s, Started::Port(p) if *p == port_n));
        if remote.is_some() || (!connect_only && !reachable) {
            let by_config: Vec<usize> = self
                .started
                .iter()
                .filter_map(|s| if let Started::ByConfig(i) = s { Some(*i) } else { None })
                .collect();
            let unless = (remote.is_none() && !by_config.is_empty())
                .then_some(UnlessListening { port: port_n, launches: by_config });
            let domain = setting(&["nats-js-domain"], "NATS_JS_DOMAIN");
            let net = (host.clone(), port.clone());
            self.wash_server(WashServer { net, domain, remote, creds: creds.clone(), config, unless }, wash_span, env);
        }
        // The host: wash passes its settings on as the host's own (credsfile flags renamed).
        let host_flags: Vec<Flag> = flags
            .iter()
            .cloned()
            .map(|mut f| {
                if let Some(which) = f.name.strip_suffix("-credsfile").filter(|w| matches!(*w, "ctl" | "rpc")) {
                    f.name = format!("{which}-creds");
                }
                f
            })
            .collect();
        let mut host_env = env.clone();
        for which in ["CTL", "RPC"] {
            if let Some(v) = env.value(&format!("WASMCLOUD_{which}_CREDSFILE")) {
                host_env.push(format!("WASMCLOUD_{which}_CREDS"), v.value.clone(), v.span);
            }
        }
        let decl = self.decl(wash_span, "wash up");
        let decl = Decl { span: wash_span, ..decl };
        self.out.hosts.push(build_host(&decl, &host_env, &host_flags, false));
        if !present("disable-wadm", "") {
            let endpoint = Endpoint {
                host: host.clone().unwrap_or_else(|| Spanned::new("127.0.0.1".into(), wash_span)),
                port: Spanned::new(port_n, port.as_ref().map_or(wash_span, |p| p.span)),
                defaulted: host.is_none() && port.is_none(),
            };
            self.out.wadms.push(Wadm {
                label: decl.label.clone(),
                origin: decl.origin.clone(),
                span: wash_span,
                js_domain: setting(&["wadm-js-domain"], "WADM_JS_DOMAIN"),
                servers: vec![endpoint],
                credentials: creds,
                locality: self.locality.clone(),
            });
        }
    }

    /// The nats-server `wash up` starts (see the module doc).
    fn wash_server(&mut self, server: WashServer, wash_span: Span, env: &EnvSet) {
        let WashServer { net, domain, remote, creds, config, unless } = server;
        let (host, port) = net;
        let mut sf = ServerFlags {
            jetstream: Some(Spanned::new(true, wash_span)),
            addr: Some(host.unwrap_or_else(|| Spanned::new("127.0.0.1".into(), wash_span))),
            port: Some(match port.as_ref().and_then(|p| p.value.trim().parse::<i64>().ok().map(|n| (n, p.span))) {
                Some((n, s)) => Spanned::new(n, s),
                None => Spanned::new(4222, wash_span),
            }),
            ..ServerFlags::default()
        };
        let config_ref = match &config {
            Some(c) => {
                sf.config_arg = Some(c.clone());
                config_in_tree(self.cx.db.root(), self.dir, Some(c))
            }
            None => {
                // wash's generated config: a domain (default `core`) and the remote, if any
                sf.js_domain = Some(domain.unwrap_or_else(|| Spanned::new("core".into(), wash_span)));
                if let Some(url) = remote {
                    sf.leaf_remotes.push(LeafRemote {
                        span: url.span,
                        urls: vec![url],
                        account: None,
                        credentials: creds,
                        deny_imports: Vec::new(),
                        deny_exports: Vec::new(),
                        hub: false,
                    });
                }
                ConfigRef::None
            }
        };
        self.started.push(Started::Port(sf.port.as_ref().and_then(|p| u16::try_from(p.value).ok()).unwrap_or(4222)));
        let decl = self.decl(wash_span, "wash up");
        self.out.launches.push(Launch {
            origin: decl.origin,
            label: decl.label,
            span: wash_span,
            config: config_ref,
            flags: sf,
            env: env.to_map(),
            hostnames: Vec::new(),
            locality: self.locality.clone(),
            replicas: 1,
            unless_listening: unless,
        });
    }
}

/// clap's reading of a boolean from the environment (`FalseyValueParser`).
fn truthy(v: &str) -> bool {
    !matches!(v.trim().to_ascii_lowercase().as_str(), "" | "0" | "false" | "f" | "no" | "n" | "off")
}

/// `wash up` flags that take a value (its boolean flags listed; everything else takes one).
pub fn wash_takes_value(name: &str) -> bool {
    !matches!(
        name,
        "d" | "detached"
            | "detach"
            | "h"
            | "help"
            | "nats-connect-only"
            | "disable-wadm"
            | "multi-local"
            | "wasmcloud-start-only"
            | "allow-latest"
            | "rpc-tls"
            | "ctl-tls"
            | "rpc-tls-first"
            | "ctl-tls-first"
            | "config-service-enabled"
            | "enable-structured-logging"
            | "enable-ipv6"
    )
}
