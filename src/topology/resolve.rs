//! Resolving a dialed `host:port` to a server's listener through the names the deployment defines
//! (compose service names, Kubernetes Service DNS names, pod names, listener hosts/IPs) and
//! loopback within one locality.
//!
//! Nearest candidate: one scan may hold several unrelated deployments that define the same name
//! (every nats Helm values file is `nats.default.svc.cluster.local`). A name then means the server
//! declared in the deepest folder shared with the referring file (longest common path prefix);
//! candidates at equal depth keep model order. Candidates are indexed by name, so each lookup
//! costs only the candidates of that name.

use super::url::DialUrl;
use crate::model::{Listener, Model, Server, ServerId};
use crate::source::SourceDb;
use crate::span::FileId;
use std::collections::HashMap;
use std::sync::Arc;

/// Default ports of nats-server listeners.
pub const DEFAULT_CLIENT_PORT: u16 = 4222;
pub const DEFAULT_LEAF_PORT: u16 = 7422;

/// The listener kinds a URL can land on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ListenerKind {
    Client,
    Leaf,
    Route,
    Gateway,
    Http,
}

impl ListenerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ListenerKind::Client => "client",
            ListenerKind::Leaf => "leafnode",
            ListenerKind::Route => "cluster",
            ListenerKind::Gateway => "gateway",
            ListenerKind::Http => "monitoring",
        }
    }
}

/// Where a URL lands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// On the wanted listener of `server`.
    Found { server: ServerId },
    /// On `server`, but on a listener of another kind.
    WrongPort { server: ServerId, kind: ListenerKind, port: u16 },
    /// Nowhere in this deployment (another site, NGS, a typo).
    Unresolved { reason: String },
}

fn listener_port(l: Option<&Listener>, default: Option<u16>) -> Option<u16> {
    match l {
        None => default,
        Some(l) => match l.port {
            None => default,
            Some(p) if p > 0 && p <= u16::MAX as i64 => Some(p as u16),
            Some(_) => None,
        },
    }
}

/// The port a server listens on for `kind`, `None` when it has no such listener (or a random port).
pub fn port_of(s: &Server, kind: ListenerKind) -> Option<u16> {
    match kind {
        ListenerKind::Client => listener_port(s.client.as_ref(), Some(DEFAULT_CLIENT_PORT)),
        ListenerKind::Leaf => {
            let l = s.leafnodes.as_ref()?.listen.as_ref()?;
            listener_port(Some(l), Some(DEFAULT_LEAF_PORT))
        }
        ListenerKind::Route => listener_port(s.cluster.as_ref()?.listen.as_ref(), None),
        ListenerKind::Gateway => listener_port(s.gateway.as_ref()?.listen.as_ref(), None),
        ListenerKind::Http => listener_port(s.http.as_ref(), None),
    }
}

/// Lookup tables for resolution, built once per model.
#[derive(Debug, Default, Clone)]
pub struct Index {
    by_host: HashMap<String, Vec<ServerId>>,
    by_name: HashMap<String, Vec<ServerId>>,
    /// `(locality, port)` -> servers of that locality with any listener on that port.
    by_local_port: HashMap<(String, u16), Vec<ServerId>>,
    /// Folder (path components) of each file that declares a server, host or wadm; empty without sources.
    dirs: HashMap<FileId, Arc<[Box<str>]>>,
    /// The candidate lists above with 2+ servers, sorted by the folder of each server's file: the
    /// servers under one folder are a contiguous run, found by binary search (a name like `nats`
    /// defined at 100,000 edge sites is never scanned whole per lookup).
    by_dir: HashMap<ListKey, Vec<DirServer>>,
}

/// A candidate and the folder of its declaring file.
type DirServer = (Arc<[Box<str>]>, ServerId);

/// Which candidate list a lookup uses.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum ListKey {
    Host(String),
    Name(String),
    LocalPort(String, u16),
}

const KINDS: [ListenerKind; 5] =
    [ListenerKind::Client, ListenerKind::Leaf, ListenerKind::Route, ListenerKind::Gateway, ListenerKind::Http];

impl Index {
    pub fn new(model: &Model) -> Index {
        let mut ix = Index::default();
        for s in &model.servers {
            for h in &s.hostnames {
                ix.by_host.entry(h.to_ascii_lowercase()).or_default().push(s.id);
            }
            let mut names = vec![s.label.to_ascii_lowercase()];
            if let Some(n) = &s.name {
                names.push(n.value.to_ascii_lowercase());
            }
            names.dedup();
            for n in names {
                ix.by_name.entry(n).or_default().push(s.id);
            }
            let mut ports: Vec<u16> = KINDS.iter().filter_map(|k| port_of(s, *k)).collect();
            ports.sort();
            ports.dedup();
            for p in ports {
                ix.by_local_port.entry((s.locality.clone(), p)).or_default().push(s.id);
            }
        }
        ix
    }

    /// [`Index::new`] that also knows the folder of every declaring file, for nearest-candidate choice.
    pub fn with_sources(model: &Model, db: &SourceDb) -> Index {
        let mut ix = Index::new(model);
        let files = model
            .servers
            .iter()
            .map(|s| s.span.file)
            .chain(model.hosts.iter().flat_map(|h| [h.span.file, h.ctl.host.span.file]))
            .chain(
                model
                    .wadms
                    .iter()
                    .flat_map(|w| std::iter::once(w.span.file).chain(w.servers.iter().map(|e| e.host.span.file))),
            );
        for f in files {
            if ix.dirs.contains_key(&f) || f.0 as usize >= db.len() {
                continue;
            }
            let path = db.get(f).path.clone();
            let comps: Vec<Box<str>> = path
                .parent()
                .map(|p| p.components().map(|c| c.as_os_str().to_string_lossy().into()).collect())
                .unwrap_or_default();
            ix.dirs.insert(f, comps.into());
        }
        if !ix.dirs.is_empty() {
            let lists = ix
                .by_host
                .iter()
                .map(|(k, v)| (ListKey::Host(k.clone()), v))
                .chain(ix.by_name.iter().map(|(k, v)| (ListKey::Name(k.clone()), v)))
                .chain(ix.by_local_port.iter().map(|((l, p), v)| (ListKey::LocalPort(l.clone(), *p), v)));
            let mut by_dir = HashMap::new();
            for (key, list) in lists {
                if list.len() < 2 {
                    continue;
                }
                let mut sorted: Vec<DirServer> = list
                    .iter()
                    .map(|c| (ix.dirs.get(&model.server(*c).span.file).cloned().unwrap_or_else(|| Arc::from([])), *c))
                    .collect();
                sorted.sort_by(|a, b| a.0.cmp(&b.0));
                by_dir.insert(key, sorted);
            }
            ix.by_dir = by_dir;
        }
        ix
    }

    /// The folder (path components) of a declaring file, when sources were given.
    pub fn dir(&self, file: FileId) -> Option<&[Box<str>]> {
        self.dirs.get(&file).map(|d| &d[..])
    }

    /// Number of leading folder components `a` and `b` share (0 when either is unknown).
    pub fn shared_depth(&self, a: FileId, b: FileId) -> usize {
        match (self.dirs.get(&a), self.dirs.get(&b)) {
            (Some(x), Some(y)) => x.iter().zip(y.iter()).take_while(|(p, q)| p == q).count(),
            _ => 0,
        }
    }

    /// Servers that the host name of a URL dialed from `locality` on `port` may mean.
    pub fn candidates(&self, locality: &str, host: &str, port: u16) -> Vec<ServerId> {
        self.list(locality, host, port).map(|(_, v)| v.to_vec()).unwrap_or_default()
    }

    /// The candidate list a lookup uses and its key (model order).
    fn list(&self, locality: &str, host: &str, port: u16) -> Option<(ListKey, &[ServerId])> {
        let host = host.to_ascii_lowercase();
        if super::url::is_loopback_host(&host) {
            let key = (locality.to_string(), port);
            return self.by_local_port.get(&key).map(|v| (ListKey::LocalPort(key.0, key.1), v.as_slice()));
        }
        if let Some(v) = self.by_host.get(&host) {
            return Some((ListKey::Host(host), v));
        }
        // `nats-0.nats-headless.ns.svc...`: a pod of a StatefulSet behind a headless Service.
        if let Some((rest, v)) = host.split_once('.').and_then(|(_, rest)| self.by_host.get(rest).map(|v| (rest, v))) {
            return Some((ListKey::Host(rest.to_string()), v));
        }
        // A server name used as a host name (docs examples).
        self.by_name.get(&host).map(|v| (ListKey::Name(host.clone()), v.as_slice()))
    }

    /// The candidates of a lookup grouped by the depth of the folder they share with `near`, deepest
    /// first, model order within a group (what sorting every candidate by shared depth gives), and
    /// whether `from` is among them. Groups are materialized only when tried.
    fn tiers(
        &self,
        model: &Model,
        (locality, host, port): (&str, &str, u16),
        near: Option<FileId>,
        from: Option<ServerId>,
    ) -> (bool, Vec<Tier<'_>>) {
        let Some((key, list)) = self.list(locality, host, port) else {
            return (false, Vec::new());
        };
        // Lists are in model order (ascending ids).
        let names_self = from.is_some_and(|f| list.binary_search(&f).is_ok());
        let near_dir = near.and_then(|n| self.dir(n));
        let (Some(d), Some(sorted)) = (near_dir, self.by_dir.get(&key)) else {
            // One candidate, or no folders known: sort by shared depth directly.
            let mut cands: Vec<(usize, ServerId)> = list
                .iter()
                .map(|c| (near.map_or(0, |n| self.shared_depth(n, model.server(*c).span.file)), *c))
                .collect();
            cands.sort_by_key(|(depth, _)| std::cmp::Reverse(*depth));
            let tiers = cands.chunk_by(|a, b| a.0 == b.0).map(|t| Tier::Owned(t.iter().map(|(_, c)| *c).collect()));
            return (names_self, tiers.collect());
        };
        // The servers whose folder starts with `d[..k]` are one run of `sorted`.
        let range = |k: usize| {
            let p = &d[..k];
            let lo = sorted.partition_point(|c| &c.0[..] < p);
            let hi = lo + sorted[lo..].partition_point(|c| c.0.starts_with(p));
            (lo, hi)
        };
        let mut out = Vec::new();
        let mut inner: Option<(usize, usize)> = None;
        for k in (0..=d.len()).rev() {
            let (lo, hi) = range(k);
            match inner {
                None if hi > lo => out.push(Tier::Run(&sorted[lo..hi], &[])),
                Some((ilo, ihi)) if hi - lo > ihi - ilo => out.push(Tier::Run(&sorted[lo..ilo], &sorted[ihi..hi])),
                _ => continue,
            }
            inner = Some((lo, hi));
        }
        (names_self, out)
    }
}

/// Candidates sharing one folder depth with the referring file.
enum Tier<'a> {
    Owned(Vec<ServerId>),
    /// Two runs of the folder-sorted list (around the deeper tiers).
    Run(&'a [DirServer], &'a [DirServer]),
}

impl Tier<'_> {
    /// The servers, in model order.
    fn ids(&self) -> Vec<ServerId> {
        match self {
            Tier::Owned(v) => v.clone(),
            Tier::Run(a, b) => {
                let mut v: Vec<ServerId> = a.iter().chain(b.iter()).map(|(_, c)| *c).collect();
                v.sort();
                v
            }
        }
    }
}
/// Resolves `url` dialed by a client/server in `locality` (excluding `from` itself) to a listener
/// of kind `want` (builds an [`Index`]; use [`resolve_in`] for many lookups).
pub fn resolve(model: &Model, locality: &str, from: Option<ServerId>, url: &DialUrl, want: ListenerKind) -> Target {
    resolve_in(&Index::new(model), model, locality, from, url, want)
}

/// [`resolve`] with a prebuilt index; the referring file is the declaration of `from`.
pub fn resolve_in(
    index: &Index,
    model: &Model,
    locality: &str,
    from: Option<ServerId>,
    url: &DialUrl,
    want: ListenerKind,
) -> Target {
    let near = from.map(|f| model.server(f).span.file);
    resolve_near(index, model, locality, from, near, url, want)
}

/// [`resolve_in`] for a URL written in file `near` (a host's or wadm's setting): among servers that
/// define the same name, those in the deepest folder shared with `near` are tried first.
pub fn resolve_near(
    index: &Index,
    model: &Model,
    locality: &str,
    from: Option<ServerId>,
    near: Option<FileId>,
    url: &DialUrl,
    want: ListenerKind,
) -> Target {
    let default_port = match want {
        ListenerKind::Leaf => Some(DEFAULT_LEAF_PORT),
        ListenerKind::Client => Some(DEFAULT_CLIENT_PORT),
        _ => None,
    };
    let Some(port) = url.port.or(default_port) else {
        return Target::Unresolved { reason: format!("`{}` has no port", url.redacted()) };
    };
    // Deepest shared folder first; model order within one depth.
    let (names_self, mut tiers) = index.tiers(model, (locality, &url.host, port), near, from);
    // A name the dialing server itself carries means itself and its folder-mates, never a namesake
    // elsewhere (`from` is always in the deepest tier: it shares its whole folder with itself).
    if names_self {
        tiers.truncate(1);
    }
    let mut any = false;
    for tier in &tiers {
        let mut ids = tier.ids();
        ids.retain(|c| Some(*c) != from);
        if ids.is_empty() {
            continue;
        }
        any = true;
        if let Some(t) = pick(model, &ids, url, port, want) {
            return t;
        }
    }
    if !any {
        if let (true, Some(f), ListenerKind::Route) = (names_self, from, want) {
            // A route to one's own name (StatefulSet peers behind one Service, a seed listing itself).
            if port_of(model.server(f), want) == Some(port) {
                return Target::Found { server: f };
            }
        }
        let reason = if url.is_loopback() {
            format!("no other server of this machine listens on `{}`", url.redacted())
        } else {
            format!("no server in the scanned files is reachable as `{}`", url.host)
        };
        return Target::Unresolved { reason };
    }
    Target::Unresolved { reason: format!("no {} listener on port {} of `{}`", want.as_str(), port, url.host) }
}

/// Where `url` lands among equally near candidates, `None` when none of them fits.
fn pick(model: &Model, cands: &[ServerId], url: &DialUrl, port: u16, want: ListenerKind) -> Option<Target> {
    for &c in cands {
        if port_of(model.server(c), want) == Some(port) {
            return Some(Target::Found { server: c });
        }
    }
    for &c in cands {
        for kind in
            [ListenerKind::Client, ListenerKind::Route, ListenerKind::Gateway, ListenerKind::Http, ListenerKind::Leaf]
        {
            if kind != want && port_of(model.server(c), kind) == Some(port) {
                return Some(Target::WrongPort { server: c, kind, port });
            }
        }
    }
    // A name that designates exactly one server with such a listener: a Service may remap ports.
    if !url.is_loopback() && cands.len() == 1 && port_of(model.server(cands[0]), want).is_some() {
        return Some(Target::Found { server: cands[0] });
    }
    None
}
