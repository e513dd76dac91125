//! Combines parsed NATS configs with the deployment files that launch them into one [`Model`].
//!
//! - A config launched by a deployment file (compose service, Kubernetes workload, systemd unit,
//!   script) becomes one server per launch; the launch's command-line flags override the config
//!   (as nats-server does), and it gives the hostnames, replicas and locality.
//! - A config nobody launches becomes a server of its own ([`Origin::ConfigFile`]), local to its folder.
//! - Include fragments (files included by another config) are never servers.
//! - **Versions of one server are folded** (`Server::variants`): among config files nobody launches,
//!   in the same folder, two files are versions of one server when they set the same explicit client
//!   port (not `-1`/`0`; when both use a random client port: the same explicit cluster port), do not
//!   disagree on the cluster port, and either set the same `server_name`
//!   or have related file names (one stem's `_`/`-`/`.` separated words start with the other's, or both
//!   share their first two words: `srv_a.conf`/`srv_a_leaf.conf`, `srv_a_1.conf`/`srv_a_4.conf`,
//!   `seed.conf`/`seed_tls.conf`). The first file by path is the server; the others are its variants.
//!   Reload steps and alternative configs of one node (nats-server's test fixtures) are written this way.

use crate::model::facts::{ConfigRef, DeployFacts, Launch, ServerFlags};
use crate::model::{Cluster, HostId, Listener, Model, Origin, Server, ServerId};
use crate::nats::ParsedConfig;
use crate::source::SourceDb;
use crate::span::{FileId, Span};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Turns a parsed config into a server (NATS keys only; deployment context is added by [`assemble`]).
pub fn lower(parsed: &ParsedConfig, db: &SourceDb) -> Server {
    super::server::lower(parsed, db)
}

/// One launch's config, parsed with the launch's environment and lowered.
pub struct Launched {
    pub server: Server,
    /// Files the config read through `include` (fragments, not servers of their own).
    pub includes: Vec<FileId>,
    /// The findings of the parse with the launch's environment (taken by the pipeline for the
    /// config's first launch).
    pub diagnostics: Vec<crate::diagnostic::Diagnostic>,
}

/// A config file parsed on its own (no launch environment), lowered.
pub struct Lowered {
    pub file: FileId,
    pub server: Server,
    /// Files the config read through `include`.
    pub includes: Vec<FileId>,
}

/// Builds the model from every config file parsed on its own (`standalone`, one per file), the
/// launches whose environment needed a parse of their own (`launched`, by index into
/// `facts.launches`; the others use their file's standalone server), and the deployment facts.
/// `file_of_launch` names each launch's config file.
pub fn assemble(
    db: &SourceDb,
    standalone: Vec<Lowered>,
    mut launched: HashMap<usize, Launched>,
    facts: DeployFacts,
    file_of_launch: &HashMap<usize, FileId>,
) -> Model {
    let mut model = Model::default();
    let fragments: HashSet<FileId> = standalone
        .iter()
        .flat_map(|c| c.includes.iter())
        .chain(launched.values().flat_map(|l| l.includes.iter()))
        .copied()
        .collect();

    // A launch without its own parse starts from its file's plain server: moved out for the file's
    // last such launch (a launched file is never a lone server), cloned for the others.
    let mut standalone = standalone;
    let index: HashMap<FileId, usize> = standalone.iter().enumerate().map(|(k, c)| (c.file, k)).collect();
    let mut plain_uses: HashMap<usize, usize> = HashMap::new();
    for (i, f) in file_of_launch {
        if let (false, Some(&k)) = (launched.contains_key(i), index.get(f)) {
            *plain_uses.entry(k).or_default() += 1;
        }
    }
    let mut servers: Vec<Server> = Vec::with_capacity(facts.launches.len());
    // The server of each launch, `None` for a launch that did not happen (see [`crate::model::facts::UnlessListening`]).
    let mut server_of_launch: Vec<Option<usize>> = Vec::with_capacity(facts.launches.len());
    for (i, launch) in facts.launches.iter().enumerate() {
        if let Some(cond) = &launch.unless_listening {
            let taken = cond.launches.iter().filter_map(|&j| server_of_launch.get(j).copied().flatten()).any(|k| {
                let port = servers[k].client.as_ref().and_then(|l| l.port);
                port.and_then(|p| u16::try_from(p).ok()).unwrap_or(4222) == cond.port
            });
            if taken {
                server_of_launch.push(None);
                continue;
            }
        }
        let base = match launched.remove(&i) {
            Some(own) => Some(own.server),
            None => file_of_launch.get(&i).and_then(|f| index.get(f)).map(|&k| {
                let left = plain_uses.get_mut(&k).expect("counted above");
                *left -= 1;
                if *left == 0 {
                    std::mem::replace(&mut standalone[k].server, empty_server(launch.span))
                } else {
                    standalone[k].server.clone()
                }
            }),
        };
        server_of_launch.push(Some(servers.len()));
        servers.push(from_launch(launch, base, db));
    }
    let launched_files: HashSet<FileId> = file_of_launch
        .iter()
        .filter(|(i, _)| server_of_launch.get(**i).is_some_and(Option::is_some))
        .map(|(_, f)| *f)
        .collect();
    let lone: Vec<Lowered> =
        standalone.into_iter().filter(|c| !fragments.contains(&c.file) && !launched_files.contains(&c.file)).collect();
    servers.extend(fold_variants(lone, db));

    let ranks = db.display_ranks();
    sort_by_source(&mut servers, db, &ranks, |s| (s.span, s.label.as_str()));
    for (i, s) in servers.iter_mut().enumerate() {
        s.id = ServerId(i as u32);
    }
    model.servers = servers;

    let mut hosts = facts.hosts;
    sort_by_source(&mut hosts, db, &ranks, |h| (h.span, h.label.as_str()));
    for (i, h) in hosts.iter_mut().enumerate() {
        h.id = HostId(i as u32);
    }
    model.hosts = hosts;
    let mut wadms = facts.wadms;
    sort_by_source(&mut wadms, db, &ranks, |w| (w.span, w.label.as_str()));
    model.wadms = wadms;
    link_sidecars(&mut model);
    model
}

/// Sorts by where each item is declared (display path of the real file, offset), then label; stable.
/// `ranks` is [`SourceDb::display_ranks`]: integer keys, and the items (a `Server` is 1 KB) are moved
/// once instead of being swapped by the sort.
fn sort_by_source<T>(items: &mut Vec<T>, db: &SourceDb, ranks: &[u32], at: impl Fn(&T) -> (Span, &str)) {
    let mut keys: Vec<(u32, u32, usize)> = items
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let real = db.real_span(at(x).0);
            (ranks[real.file.0 as usize], real.start, i)
        })
        .collect();
    keys.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)).then_with(|| at(&items[a.2]).1.cmp(at(&items[b.2]).1)));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(keys.iter().map(|k| slots[k.2].take().expect("each index once")));
}

/// Hosts whose ctl endpoint is their pod's own sidecar (same locality, loopback) get `sidecar` set.
fn link_sidecars(model: &mut Model) {
    let mut by_locality: HashMap<&str, Vec<ServerId>> = HashMap::new();
    for s in &model.servers {
        by_locality.entry(s.locality.as_str()).or_default().push(s.id);
    }
    let found: Vec<Option<ServerId>> = model
        .hosts
        .iter()
        .map(|h| {
            if !matches!(h.origin, Origin::Kubernetes { .. }) || !is_loopback(&h.ctl.host.value) {
                return None;
            }
            // Pod localities (`k8s:ns/kind/name`) repeat across unrelated files of one scan: the
            // sidecar declared in the host's own file wins.
            let ids = by_locality.get(h.locality.as_str())?;
            let same_file = ids.iter().copied().find(|s| model.servers[s.0 as usize].span.file == h.span.file);
            same_file.or_else(|| ids.first().copied())
        })
        .collect();
    for (h, s) in model.hosts.iter_mut().zip(found) {
        h.sidecar = s;
    }
}

/// A host that means the host's own machine (none written counts as one).
fn is_loopback(host: &str) -> bool {
    host.is_empty() || crate::model::address::is_loopback_host(host)
}

/// A server for one launch: the lowered config (or an empty server) with the launch's flags applied.
fn from_launch(launch: &Launch, base: Option<Server>, db: &SourceDb) -> Server {
    let mut s = base.unwrap_or_else(|| empty_server(launch.span));
    s.origin = launch.origin.clone();
    s.span = launch.span;
    if let ConfigRef::Embedded(f) = &launch.config {
        s.config = Some(*f);
    }
    apply_flags(&mut s, &launch.flags);
    s.hostnames = launch.hostnames.clone();
    s.locality = launch.locality.clone();
    s.replicas = launch.replicas.max(1);
    s.label = s.name.as_ref().map(|n| n.value.clone()).unwrap_or_else(|| launch.label.clone());
    let _ = db;
    s
}

/// A server with nothing configured (every listener at its default), declared at `span`.
pub fn empty_server(span: Span) -> Server {
    Server {
        id: ServerId(0),
        name: None,
        label: String::new(),
        origin: Origin::ConfigFile,
        config: None,
        span,
        hostnames: Vec::new(),
        locality: String::new(),
        replicas: 1,
        client: None,
        http: None,
        cluster: None,
        gateway: None,
        leafnodes: None,
        accounts: Vec::new(),
        global_users: Vec::new(),
        system_account: None,
        no_system_account: false,
        no_auth_user: None,
        operator_mode: false,
        jetstream: None,
        default_js_domain: Vec::new(),
        variants: Vec::new(),
    }
}

/// Command-line flags override the config, as in nats-server (`-js` turns JetStream on and keeps the
/// config's domain; `-p`/`-a` replace the client listener; `--routes` replaces the routes).
pub fn apply_flags(s: &mut Server, f: &ServerFlags) {
    if let Some(js) = &f.jetstream {
        match &mut s.jetstream {
            Some(j) => j.enabled = js.value,
            None => {
                s.jetstream = Some(crate::model::JetStream {
                    enabled: js.value,
                    domain: None,
                    extension_hint: None,
                    span: js.span,
                })
            }
        }
    }
    if let Some(d) = &f.js_domain {
        let j = s.jetstream.get_or_insert(crate::model::JetStream {
            enabled: true,
            domain: None,
            extension_hint: None,
            span: d.span,
        });
        j.domain = Some(d.clone());
    }
    if f.port.is_some() || f.addr.is_some() {
        let span = f.port.as_ref().map(|p| p.span).or(f.addr.as_ref().map(|a| a.span)).unwrap_or(s.span);
        let l = s.client.get_or_insert(Listener { host: None, port: None, span });
        if let Some(p) = &f.port {
            l.port = Some(p.value);
            l.span = p.span;
        }
        if let Some(a) = &f.addr {
            l.host = Some(a.value.clone());
        }
    }
    if let Some(m) = &f.http_port {
        s.http = Some(Listener { host: None, port: Some(m.value), span: m.span });
    }
    if let Some(n) = &f.name {
        s.name = Some(n.clone());
    }
    if f.cluster_name.is_some() || f.cluster_listen.is_some() || !f.routes.is_empty() {
        let span = f
            .cluster_listen
            .as_ref()
            .or(f.cluster_name.as_ref())
            .map(|c| c.span)
            .or(f.routes.first().map(|r| r.span))
            .unwrap_or(s.span);
        let c =
            s.cluster.get_or_insert_with(|| Box::new(Cluster { name: None, listen: None, routes: Vec::new(), span }));
        if let Some(n) = &f.cluster_name {
            c.name = Some(n.clone());
        }
        if let Some(l) = &f.cluster_listen {
            let (h, p) = crate::model::address::host_and_port(&l.value);
            c.listen = Some(Listener { host: Some(h), port: p.map(i64::from), span: l.span });
        }
        if !f.routes.is_empty() {
            c.routes = f.routes.clone();
        }
    }
    if f.leaf_listen.is_some() || !f.leaf_remotes.is_empty() {
        let span = f.leaf_listen.as_ref().map(|l| l.span).or(f.leaf_remotes.first().map(|r| r.span)).unwrap_or(s.span);
        let ln = s.leafnodes.get_or_insert(crate::model::LeafNodes { span, ..Default::default() });
        if let Some(l) = &f.leaf_listen {
            ln.listen = Some(l.clone());
        }
        ln.remotes.extend(f.leaf_remotes.iter().cloned());
    }
}

/// Standalone configs → servers, folding versions of one server (see the module doc).
fn fold_variants(configs: Vec<Lowered>, db: &SourceDb) -> Vec<Server> {
    let mut items: Vec<(String, String, Server)> = configs
        .into_iter()
        .map(|c| {
            let f = db.get(c.file);
            let display = f.display.clone();
            let (folder, stem) = match display.rfind('/') {
                Some(i) => (display[..i].to_string(), display[i + 1..].to_string()),
                None => (String::new(), display.clone()),
            };
            let stem = stem.split('.').next().unwrap_or("").to_string();
            let mut s = c.server;
            s.origin = Origin::ConfigFile;
            s.config = Some(c.file);
            s.locality = format!("dir:{folder}");
            s.label = s.name.as_ref().map(|n| n.value.clone()).unwrap_or_else(|| display.clone());
            (display, stem, s)
        })
        .collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    // Group by (folder, explicit client port); then fold within each group.
    let mut groups: BTreeMap<(String, &str, i64), Vec<usize>> = BTreeMap::new();
    for (i, (display, _, s)) in items.iter().enumerate() {
        let client = s.client.as_ref().and_then(|l| l.port).filter(|p| *p > 0);
        let key = match (client, cluster_port(s)) {
            (Some(p), _) => Some(("client", p)),
            (None, Some(p)) => Some(("cluster", p)),
            _ => None,
        };
        if let Some((kind, p)) = key {
            let folder = display.rsplit_once('/').map(|(f, _)| f.to_string()).unwrap_or_default();
            groups.entry((folder, kind, p)).or_default().push(i);
        }
    }
    let mut folded_into: HashMap<usize, usize> = HashMap::new();
    for members in groups.values() {
        for (k, &i) in members.iter().enumerate() {
            if folded_into.contains_key(&i) {
                continue;
            }
            for &j in &members[k + 1..] {
                if folded_into.contains_key(&j) {
                    continue;
                }
                if same_server(&items[i].1, &items[i].2, &items[j].1, &items[j].2) {
                    folded_into.insert(j, i);
                }
            }
        }
    }
    let mut variants: HashMap<usize, Vec<FileId>> = HashMap::new();
    for (j, i) in &folded_into {
        if let Some(f) = items[*j].2.config {
            variants.entry(*i).or_default().push(f);
        }
    }
    let mut out = Vec::new();
    for (i, (_, _, mut s)) in items.into_iter().enumerate() {
        if folded_into.contains_key(&i) {
            continue;
        }
        if let Some(mut v) = variants.remove(&i) {
            v.sort_by_key(|f| db.get(*f).display.clone());
            s.variants = v;
        }
        out.push(s);
    }
    out
}

fn cluster_port(s: &Server) -> Option<i64> {
    s.cluster.as_ref().and_then(|c| c.listen.as_ref()).and_then(|l| l.port).filter(|p| *p > 0)
}

/// Two configs (same folder, same client port) are versions of one server.
fn same_server(stem_a: &str, a: &Server, stem_b: &str, b: &Server) -> bool {
    if let (Some(x), Some(y)) = (cluster_port(a), cluster_port(b)) {
        if x != y {
            return false;
        }
    }
    match (&a.name, &b.name) {
        (Some(x), Some(y)) if x.value == y.value => return true,
        (Some(x), Some(y)) if x.value != y.value => return false,
        _ => {}
    }
    related_stems(stem_a, stem_b)
}

/// `srv_a` ~ `srv_a_leaf`, `srv_a_1` ~ `srv_a_4`, `seed` ~ `seed_tls`; `srv_a` ≁ `srv_b`.
pub fn related_stems(a: &str, b: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.split(['_', '-', '.']).filter(|w| !w.is_empty()).map(|w| w.to_ascii_lowercase()).collect()
    };
    let (wa, wb) = (words(a), words(b));
    if wa.is_empty() || wb.is_empty() {
        return false;
    }
    let (short, long) = if wa.len() <= wb.len() { (&wa, &wb) } else { (&wb, &wa) };
    if long.starts_with(short) {
        return true;
    }
    wa.len() >= 2 && wb.len() >= 2 && wa[..2] == wb[..2]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems() {
        assert!(related_stems("srv_a", "srv_a_leaf"));
        assert!(related_stems("srv_a_1", "srv_a_4"));
        assert!(related_stems("seed", "seed_tls"));
        assert!(!related_stems("srv_a", "srv_b"));
        assert!(!related_stems("srv_a_1", "srv_b_1"));
        assert!(!related_stems("hub", "leaf"));
    }
}
