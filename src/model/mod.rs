//! The typed model of a deployment: NATS servers, wasmCloud hosts and wadm instances, every
//! field traced to its source span.
//!
//! Servers come from NATS config files (see `server.rs` / the config lowering) and from the
//! deployment files that launch them (compose, Kubernetes, systemd, scripts: the `deploy` readers read
//! them into [`facts`]),
//! which add command-line flags, hostnames and replicas. Hosts and wadm come only from
//! deployment files. Fields that were not written carry `None`; a finding about a missing value
//! points at the owner's `span` (the place it should be written).

pub mod address;
pub mod assemble;
pub mod facts;
pub mod server;

use crate::span::{Span, Spanned};

/// Index into [`Model::servers`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServerId(pub u32);

/// Index into [`Model::hosts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HostId(pub u32);

/// The whole deployment.
#[derive(Debug, Default, Clone)]
pub struct Model {
    pub servers: Vec<Server>,
    pub hosts: Vec<Host>,
    pub wadms: Vec<Wadm>,
}

impl Model {
    pub fn server(&self, id: ServerId) -> &Server {
        &self.servers[id.0 as usize]
    }
    pub fn host(&self, id: HostId) -> &Host {
        &self.hosts[id.0 as usize]
    }
}

/// How a server, host or wadm was declared, for display and for name resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A NATS config file found on its own (no deployment file launches it).
    ConfigFile,
    /// A docker-compose service; `project` is the compose file's folder (services resolve each other by name).
    Compose { project: String, service: String },
    /// A Kubernetes workload (Deployment, StatefulSet, DaemonSet, Pod) or a wasmcloud-operator `WasmCloudHostConfig`.
    Kubernetes { namespace: String, kind: String, name: String },
    /// A systemd unit.
    Systemd { unit: String },
    /// A shell script or docs command line (`wash up ...`, `nats-server ...`).
    Script { file: String },
}

/// A listener: `host:port` as configured (host `None` = all interfaces).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    pub host: Option<String>,
    /// `-1` means a random port; `None` = the default port of that listener.
    pub port: Option<i64>,
    pub span: Span,
}

/// A NATS account defined on a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub name: Spanned<String>,
    /// `jetstream` inside the account: `Some(true)` enabled (bool/`enabled`/map), `Some(false)` disabled, `None` not set.
    pub jetstream: Option<Spanned<bool>>,
    /// User names (and nkeys) that log into this account; secrets are never stored.
    pub users: Vec<String>,
}

/// `cluster {}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    pub name: Option<Spanned<String>>,
    pub listen: Option<Listener>,
    /// Route URLs (userinfo kept as written; never printed, the report masks them).
    pub routes: Vec<Spanned<String>>,
    pub span: Span,
}

/// `gateway {}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gateway {
    pub name: Option<Spanned<String>>,
    pub listen: Option<Listener>,
    /// `(gateway name, urls)` of `gateways: [...]`.
    pub remotes: Vec<(Spanned<String>, Vec<Spanned<String>>)>,
    pub span: Span,
}

/// A user accepted on the leafnode listener and the account it binds to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeafUser {
    pub user: String,
    pub account: Option<Spanned<String>>,
}

/// `leafnodes {}` (or `leaf {}`): the accepting side plus the remotes this server dials.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LeafNodes {
    /// The leafnode listener; `None` when the server accepts no leaf connections.
    pub listen: Option<Listener>,
    /// `authorization { user, account }` single user form.
    pub auth_user: Option<LeafUser>,
    /// `authorization { account: X }`: the account every unauthenticated leaf binds to.
    pub auth_account: Option<Spanned<String>>,
    /// `authorization { users: [...] }`.
    pub auth_users: Vec<LeafUser>,
    pub remotes: Vec<LeafRemote>,
    pub span: Span,
}

/// One entry of `leafnodes { remotes: [...] }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeafRemote {
    pub urls: Vec<Spanned<String>>,
    /// The local account bound to this connection (`account:`/`local:`); `None` = `$G`.
    pub account: Option<Spanned<String>>,
    /// Path of a creds file (decides the account on the accepting side).
    pub credentials: Option<Spanned<String>>,
    pub deny_imports: Vec<Spanned<String>>,
    pub deny_exports: Vec<Spanned<String>>,
    /// `hub: true`: this side acts as the hub of the connection.
    pub hub: bool,
    pub span: Span,
}

/// `jetstream` at top level (or `-js` on the command line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JetStream {
    /// `false` for `jetstream: disabled`, `jetstream { enabled: false }`.
    pub enabled: bool,
    pub domain: Option<Spanned<String>>,
    pub extension_hint: Option<Spanned<String>>,
    pub span: Span,
}

/// One NATS server (or a set of identical replicas of one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub id: ServerId,
    /// `server_name` (or `--name`/`-n`).
    pub name: Option<Spanned<String>>,
    /// Name shown in output: `server_name`, else compose service / workload name, else the config path.
    pub label: String,
    pub origin: Origin,
    /// The main config file, when there is one.
    pub config: Option<crate::span::FileId>,
    /// Where the server is declared (config file start, compose service, workload); anchor for findings about missing values.
    pub span: Span,
    /// Names under which others reach this server: compose service name, Kubernetes Service DNS names
    /// (`svc`, `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local`), pod names of a StatefulSet, `host` of its listeners.
    pub hostnames: Vec<String>,
    /// Grouping key within which `localhost`/`127.0.0.1` refer to the same machine (a compose project or pod counts as
    /// separate; plain config files in one folder share the folder as a key).
    pub locality: String,
    /// Replica count (StatefulSet/Deployment replicas, operator `hostReplicas`); 1 when unknown.
    pub replicas: u32,
    pub client: Option<Listener>,
    pub http: Option<Listener>,
    /// Boxed, like `gateway`: most servers of a fleet have neither, and a `Server` is kept per launch.
    pub cluster: Option<Box<Cluster>>,
    pub gateway: Option<Box<Gateway>>,
    pub leafnodes: Option<LeafNodes>,
    pub accounts: Vec<Account>,
    /// Users of top-level `authorization {}` (they log into `$G`).
    pub global_users: Vec<String>,
    pub system_account: Option<Spanned<String>>,
    pub no_system_account: bool,
    /// `no_auth_user`: the user a client without credentials logs in as.
    pub no_auth_user: Option<Spanned<String>>,
    /// Operator (JWT) mode: accounts are not in the config.
    pub operator_mode: bool,
    pub jetstream: Option<JetStream>,
    /// `default_js_domain { ACCOUNT: domain }`.
    pub default_js_domain: Vec<(Spanned<String>, Spanned<String>)>,
    /// Other files that are versions of this same server (reload steps, alternatives) folded into it.
    pub variants: Vec<crate::span::FileId>,
}

impl Server {
    /// Frees the unused capacity of its lists: they are built by `push`, which reserves room for
    /// four leaf remotes or accounts where a config has one (a fleet holds 10^5 servers).
    pub fn shrink_to_fit(&mut self) {
        self.hostnames.shrink_to_fit();
        self.accounts.shrink_to_fit();
        for a in &mut self.accounts {
            a.users.shrink_to_fit();
        }
        self.global_users.shrink_to_fit();
        self.default_js_domain.shrink_to_fit();
        self.variants.shrink_to_fit();
        if let Some(c) = &mut self.cluster {
            c.routes.shrink_to_fit();
        }
        if let Some(g) = &mut self.gateway {
            g.remotes.shrink_to_fit();
        }
        if let Some(l) = &mut self.leafnodes {
            l.auth_users.shrink_to_fit();
            l.remotes.shrink_to_fit();
            for r in &mut l.remotes {
                r.urls.shrink_to_fit();
            }
        }
    }

    /// JetStream is on (present and enabled).
    pub fn js_enabled(&self) -> bool {
        self.jetstream.as_ref().is_some_and(|j| j.enabled)
    }

    /// The JetStream domain, `None` when unset or empty.
    pub fn js_domain(&self) -> Option<&str> {
        self.jetstream.as_ref().and_then(|j| j.domain.as_ref()).map(|d| d.value.as_str()).filter(|d| !d.is_empty())
    }

    pub fn account(&self, name: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.name.value == name)
    }
}

/// A `host:port` a client dials, with where each part was set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub host: Spanned<String>,
    pub port: Spanned<u16>,
    /// True when neither part was written and wasmCloud's defaults apply.
    pub defaulted: bool,
}

/// A wasmCloud 1.x host (or a set of replicas of one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host {
    pub id: HostId,
    pub label: String,
    pub origin: Origin,
    /// Where the host is declared (compose service, container, WasmCloudHostConfig, command line).
    pub span: Span,
    /// `WASMCLOUD_LATTICE` (default `default`).
    pub lattice: Spanned<String>,
    /// `WASMCLOUD_JS_DOMAIN` / `--js-domain`; `None` = unprefixed `$JS.API`.
    pub js_domain: Option<Spanned<String>>,
    /// The control connection (JetStream runs on it): `WASMCLOUD_CTL_HOST/PORT`, falling back to `WASMCLOUD_NATS_HOST/PORT`.
    pub ctl: Endpoint,
    pub rpc: Endpoint,
    /// Creds/JWT/seed setting (path or variable name only; never the secret), which decides the account.
    pub credentials: Option<Spanned<String>>,
    /// `WASMCLOUD_CTL_TOPIC_PREFIX` (default `wasmbus.ctl`).
    pub ctl_topic_prefix: String,
    pub locality: String,
    pub replicas: u32,
    /// The per-pod NATS sidecar the host talks to (wasmcloud-operator, host Helm chart).
    pub sidecar: Option<ServerId>,
}

/// A wadm instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wadm {
    pub label: String,
    pub origin: Origin,
    pub span: Span,
    /// `WADM_JETSTREAM_DOMAIN` / `-d`.
    pub js_domain: Option<Spanned<String>>,
    /// `WADM_NATS_SERVER` / `-s` (default `127.0.0.1:4222`); a comma-separated list is split.
    pub servers: Vec<Endpoint>,
    pub credentials: Option<Spanned<String>>,
    pub locality: String,
}
