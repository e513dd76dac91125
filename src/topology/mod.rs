//! The deployment as a graph (petgraph): server instances as nodes; cluster routes, gateways and
//! leaf connections as edges, with the bound accounts on both ends of each leaf connection.
//!
//! A server with `replicas > 1` becomes several instances (`name-0`, `name-1`, ...): routed replicas
//! form one cluster, unrouted ones (operator sidecars) are independent servers.

pub mod resolve;
pub mod spans;
pub mod url;

use crate::model::{Model, Server, ServerId};
use crate::source::SourceDb;
use crate::span::Span;
use petgraph::graph::{DiGraph, NodeIndex};
use resolve::{ListenerKind, Target};
use url::DialUrl;

/// Index into [`Topology::instances`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InstanceId(pub u32);

/// One running nats-server process.
#[derive(Debug, Clone)]
pub struct Instance {
    pub id: InstanceId,
    pub server: ServerId,
    pub replica: u32,
    /// The server's label, with `-<replica>` appended when it has several replicas.
    pub label: String,
}

/// A graph node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Server(InstanceId),
    /// Something dialed that is not in the scanned files (NGS, another site); the URL without userinfo.
    External(String),
}

/// A graph edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edge {
    /// A cluster route (one edge per connected pair, from the lower to the higher instance).
    Route,
    /// A gateway connection between two clusters.
    Gateway,
    /// A leaf connection, from the soliciting side to the accepting side: index into [`Topology::leaf_links`].
    Leaf(usize),
    /// A leaf remote that leaves the deployment: index into [`Topology::remotes`].
    LeafExternal(usize),
}

/// The account bound on the accepting side of a leaf connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HubAccount {
    Known(String),
    /// Cannot be determined from configs (creds/JWT, operator mode, unknown user); the reason.
    Unknown(String),
}

impl HubAccount {
    pub fn name(&self) -> Option<&str> {
        match self {
            HubAccount::Known(n) => Some(n),
            HubAccount::Unknown(_) => None,
        }
    }
}

/// A resolved leaf connection between two instances.
#[derive(Debug, Clone)]
pub struct LeafLink {
    /// The soliciting instance (has the remote).
    pub from: InstanceId,
    /// The accepting instance (has the leafnode listener).
    pub to: InstanceId,
    /// Index into [`Topology::remotes`].
    pub remote: usize,
    /// Account bound on the soliciting side (`account:` of the remote, default `$G`).
    pub local_account: String,
    pub hub_account: HubAccount,
    /// `hub: true` on the remote: the soliciting side acts as the hub of this connection.
    pub reversed: bool,
}

/// How one `leafnodes.remotes` entry resolved.
#[derive(Debug, Clone)]
pub struct RemoteStatus {
    pub server: ServerId,
    /// Index in the server's `leafnodes.remotes`.
    pub index: usize,
    /// Per URL of the remote: the URL span and where it lands.
    pub urls: Vec<(Span, Target)>,
    /// The URL used for the connection (the first one that lands on a leafnode listener).
    pub chosen: Option<usize>,
}

/// How one cluster route URL resolved.
#[derive(Debug, Clone)]
pub struct RouteStatus {
    pub server: ServerId,
    pub span: Span,
    pub target: Target,
}

/// Instances joined by routes.
#[derive(Debug, Clone)]
pub struct ClusterGroup {
    /// The cluster name (of the first member that sets one).
    pub name: Option<String>,
    pub members: Vec<InstanceId>,
    /// Some members were joined because they share the cluster name and their routes point at
    /// hosts outside the scanned files (docs examples: `nats-route://host_a:6222`).
    pub assumed: bool,
}

/// The topology of a [`Model`].
#[derive(Debug, Default)]
pub struct Topology {
    pub graph: DiGraph<Node, Edge>,
    pub instances: Vec<Instance>,
    /// Graph node of each instance.
    pub nodes: Vec<NodeIndex>,
    /// First instance of each server (`instances_of` gives all).
    first_instance: Vec<InstanceId>,
    pub leaf_links: Vec<LeafLink>,
    pub remotes: Vec<RemoteStatus>,
    pub routes: Vec<RouteStatus>,
    /// Route-connected groups of instances whose servers have a cluster listener.
    pub clusters: Vec<ClusterGroup>,
    /// Cluster of each instance (index into `clusters`).
    pub cluster_of: Vec<Option<usize>>,
    /// Clusters joined by gateways: the supercluster index of each cluster.
    pub supercluster_of: Vec<usize>,
    /// Leaf links at each instance (either end), indices into `leaf_links`.
    links_at: Vec<Vec<usize>>,
    /// Name and port lookup tables of the model.
    pub index: resolve::Index,
    /// Servers with a leaf remote that resolves nowhere in the scanned files (see [`Topology::leaves_scan`]).
    leaving_scan: std::sync::OnceLock<std::collections::HashSet<ServerId>>,
}

/// The name a user logs in with on the hub and how the hub maps it to an account.
pub fn hub_account(hub: &Server, user: Option<&str>, creds: bool) -> HubAccount {
    let ln = hub.leafnodes.as_ref();
    let leaf_users: Vec<&crate::model::LeafUser> =
        ln.map(|l| l.auth_user.iter().chain(l.auth_users.iter()).collect()).unwrap_or_default();
    let acc_of =
        |u: &crate::model::LeafUser| u.account.as_ref().map(|a| a.value.clone()).unwrap_or_else(|| "$G".into());
    let auth_account = ln.and_then(|l| l.auth_account.as_ref()).map(|a| a.value.clone());
    let server_auth = !hub.global_users.is_empty() || hub.accounts.iter().any(|a| !a.users.is_empty());
    if let Some(u) = user {
        if let Some(lu) = leaf_users.iter().find(|lu| lu.user == u) {
            return HubAccount::Known(acc_of(lu));
        }
        if !leaf_users.is_empty() {
            return HubAccount::Unknown(format!("user `{u}` is not a leafnode user of `{}`", hub.label));
        }
        if let Some(a) = hub.accounts.iter().find(|a| a.users.iter().any(|x| x == u)) {
            return HubAccount::Known(a.name.value.clone());
        }
        if hub.global_users.iter().any(|x| x == u) {
            return HubAccount::Known("$G".into());
        }
        if hub.operator_mode {
            return HubAccount::Unknown("operator mode: the account comes from the user's JWT".into());
        }
        if !server_auth {
            return HubAccount::Known(auth_account.unwrap_or_else(|| "$G".into()));
        }
        return HubAccount::Unknown(format!("user `{u}` is not defined on `{}`", hub.label));
    }
    if creds {
        if let Some(a) = auth_account {
            return HubAccount::Known(a);
        }
        // A hub without any authentication accepts the connection into `$G` whatever it presents.
        if leaf_users.is_empty() && !server_auth && !hub.operator_mode {
            return HubAccount::Known("$G".into());
        }
        return HubAccount::Unknown("credentials file: the account comes from its JWT".into());
    }
    if let Some(a) = auth_account {
        return HubAccount::Known(a);
    }
    if leaf_users.is_empty() && !server_auth && !hub.operator_mode {
        return HubAccount::Known("$G".into());
    }
    HubAccount::Unknown("no user given and the hub requires authentication".into())
}

/// True when the server runs a cluster listener (routes can form, JetStream runs clustered).
pub fn has_cluster_listener(s: &Server) -> bool {
    resolve::port_of(s, ListenerKind::Route).is_some()
}

struct UnionFind(Vec<usize>);
impl UnionFind {
    fn find(&mut self, x: usize) -> usize {
        let mut r = x;
        while self.0[r] != r {
            r = self.0[r];
        }
        let mut c = x;
        while self.0[c] != r {
            let n = self.0[c];
            self.0[c] = r;
            c = n;
        }
        r
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.0[ra.max(rb)] = ra.min(rb);
        }
    }
}

impl Topology {
    /// Builds the topology; `db` gives the folders for nearest-candidate name resolution.
    pub fn build(model: &Model, db: &SourceDb) -> Topology {
        Topology::with_index(model, resolve::Index::with_sources(model, db))
    }

    fn with_index(model: &Model, index: resolve::Index) -> Topology {
        let mut t = Topology::default();
        for s in &model.servers {
            let n = s.replicas.max(1);
            t.first_instance.push(InstanceId(t.instances.len() as u32));
            for r in 0..n {
                let id = InstanceId(t.instances.len() as u32);
                let label = if n > 1 { format!("{}-{}", s.label, r) } else { s.label.clone() };
                t.instances.push(Instance { id, server: s.id, replica: r, label });
                t.nodes.push(t.graph.add_node(Node::Server(id)));
            }
        }
        t.index = index;
        t.build_clusters(model);
        t.build_leafs(model);
        t.links_at = vec![Vec::new(); t.instances.len()];
        for (i, l) in t.leaf_links.iter().enumerate() {
            t.links_at[l.from.0 as usize].push(i);
            if l.to != l.from {
                t.links_at[l.to.0 as usize].push(i);
            }
        }
        t
    }

    /// True when `server` has a leaf remote that resolves to nothing in the scanned files (computed
    /// once: host rules ask for every host).
    pub fn leaves_scan(&self, server: ServerId) -> bool {
        self.leaving_scan
            .get_or_init(|| {
                self.remotes
                    .iter()
                    .filter(|r| {
                        r.chosen.is_none() && r.urls.iter().any(|(_, t)| matches!(t, Target::Unresolved { .. }))
                    })
                    .map(|r| r.server)
                    .collect()
            })
            .contains(&server)
    }

    /// Every instance of a server.
    pub fn instances_of(&self, server: ServerId) -> impl Iterator<Item = &Instance> {
        let first = self.first_instance.get(server.0 as usize).map(|i| i.0 as usize).unwrap_or(self.instances.len());
        self.instances[first..].iter().take_while(move |i| i.server == server)
    }

    /// The first instance of a server (the one a Service name reaches for routing purposes).
    pub fn first_instance(&self, server: ServerId) -> InstanceId {
        self.first_instance[server.0 as usize]
    }

    pub fn instance(&self, id: InstanceId) -> &Instance {
        &self.instances[id.0 as usize]
    }

    /// Other instances routed to this one (same cluster).
    pub fn route_peers(&self, id: InstanceId) -> Vec<InstanceId> {
        match self.cluster_of[id.0 as usize] {
            Some(c) => self.clusters[c].members.iter().copied().filter(|m| *m != id).collect(),
            None => Vec::new(),
        }
    }

    /// Instances of other clusters of the same supercluster (reached over gateways).
    pub fn gateway_peers(&self, id: InstanceId) -> Vec<InstanceId> {
        let Some(c) = self.cluster_of[id.0 as usize] else {
            return Vec::new();
        };
        let sc = self.supercluster_of[c];
        self.clusters
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != c && self.supercluster_of[*i] == sc)
            .flat_map(|(_, g)| g.members.iter().copied())
            .collect()
    }

    /// Leaf links with this instance on either end.
    pub fn leaf_links_of(&self, id: InstanceId) -> impl Iterator<Item = (usize, &LeafLink)> {
        self.links_at
            .get(id.0 as usize)
            .map(|v| v.as_slice())
            .unwrap_or(&[])
            .iter()
            .map(move |l| (*l, &self.leaf_links[*l]))
    }

    fn build_clusters(&mut self, model: &Model) {
        let mut uf = UnionFind((0..self.instances.len()).collect());
        for s in &model.servers {
            let Some(c) = &s.cluster else { continue };
            if !has_cluster_listener(s) {
                continue;
            }
            let insts: Vec<usize> = self.instances_of(s.id).map(|i| i.id.0 as usize).collect();
            if !c.routes.is_empty() {
                for w in insts.windows(2) {
                    uf.union(w[0], w[1]);
                }
            }
            for r in &c.routes {
                let target = match DialUrl::parse(&r.value) {
                    Some(u) => {
                        resolve::resolve_in(&self.index, model, &s.locality, Some(s.id), &u, ListenerKind::Route)
                    }
                    None => Target::Unresolved { reason: "not a URL".into() },
                };
                if let Target::Found { server } = &target {
                    if has_cluster_listener(model.server(*server)) {
                        let other = self.first_instance(*server).0 as usize;
                        for &i in &insts {
                            uf.union(i, other);
                        }
                    }
                }
                self.routes.push(RouteStatus { server: s.id, span: r.span, target });
            }
        }
        // Servers sharing a cluster name whose routes all point outside the scanned files are
        // taken to be one cluster deployed on hosts the files do not name.
        let mut assumed: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
        for s in &model.servers {
            let Some(c) = &s.cluster else { continue };
            let Some(name) = c.name.as_ref().map(|n| n.value.clone()).filter(|n| !n.is_empty()) else {
                continue;
            };
            let mine: Vec<&RouteStatus> = self.routes.iter().filter(|r| r.server == s.id).collect();
            if has_cluster_listener(s)
                && !mine.is_empty()
                && mine.iter().all(|r| matches!(r.target, Target::Unresolved { .. }))
            {
                assumed.entry(name).or_default().push(self.first_instance(s.id).0 as usize);
            }
        }
        let mut assumed_roots = std::collections::BTreeSet::new();
        for members in assumed.values().filter(|m| m.len() > 1) {
            for w in members.windows(2) {
                uf.union(w[0], w[1]);
            }
            assumed_roots.insert(members[0]);
        }
        let assumed_roots: std::collections::BTreeSet<usize> = assumed_roots.into_iter().map(|r| uf.find(r)).collect();
        let mut root_to_cluster = std::collections::BTreeMap::new();
        self.cluster_of = vec![None; self.instances.len()];
        for i in 0..self.instances.len() {
            let s = model.server(self.instances[i].server);
            if !has_cluster_listener(s) {
                continue;
            }
            let root = uf.find(i);
            let idx = *root_to_cluster.entry(root).or_insert_with(|| {
                self.clusters.push(ClusterGroup {
                    name: None,
                    members: Vec::new(),
                    assumed: assumed_roots.contains(&root),
                });
                self.clusters.len() - 1
            });
            self.clusters[idx].members.push(InstanceId(i as u32));
            if self.clusters[idx].name.is_none() {
                self.clusters[idx].name = s.cluster.as_ref().and_then(|c| c.name.as_ref()).map(|n| n.value.clone());
            }
            self.cluster_of[i] = Some(idx);
        }
        for g in &self.clusters {
            for (a, &x) in g.members.iter().enumerate() {
                for &y in &g.members[a + 1..] {
                    self.graph.add_edge(self.nodes[x.0 as usize], self.nodes[y.0 as usize], Edge::Route);
                }
            }
        }
        // Gateways: clusters whose servers name each other's gateway listeners.
        let mut guf = UnionFind((0..self.clusters.len()).collect());
        for s in &model.servers {
            let Some(g) = &s.gateway else { continue };
            let Some(from_c) = self.cluster_of[self.first_instance(s.id).0 as usize] else {
                continue;
            };
            for (_, urls) in &g.remotes {
                for u in urls {
                    let Some(d) = DialUrl::parse(&u.value) else {
                        continue;
                    };
                    if let Target::Found { server } =
                        resolve::resolve_in(&self.index, model, &s.locality, Some(s.id), &d, ListenerKind::Gateway)
                    {
                        let to = self.first_instance(server);
                        if let Some(to_c) = self.cluster_of[to.0 as usize] {
                            if to_c != from_c {
                                guf.union(from_c, to_c);
                                self.graph.add_edge(
                                    self.nodes[self.first_instance(s.id).0 as usize],
                                    self.nodes[to.0 as usize],
                                    Edge::Gateway,
                                );
                            }
                        }
                    }
                }
            }
        }
        self.supercluster_of = (0..self.clusters.len()).map(|c| guf.find(c)).collect();
    }

    fn build_leafs(&mut self, model: &Model) {
        let mut externals: std::collections::BTreeMap<String, NodeIndex> = Default::default();
        for s in &model.servers {
            let Some(ln) = &s.leafnodes else { continue };
            for (ri, r) in ln.remotes.iter().enumerate() {
                let mut urls = Vec::new();
                let mut chosen = None;
                let mut parsed = Vec::new();
                for (ui, u) in r.urls.iter().enumerate() {
                    let d = DialUrl::parse(&u.value);
                    let target = match &d {
                        Some(d) => {
                            resolve::resolve_in(&self.index, model, &s.locality, Some(s.id), d, ListenerKind::Leaf)
                        }
                        None => Target::Unresolved { reason: "not a URL".into() },
                    };
                    if chosen.is_none() && matches!(target, Target::Found { .. }) {
                        chosen = Some(ui);
                    }
                    urls.push((u.span, target));
                    parsed.push(d);
                }
                let remote_idx = self.remotes.len();
                let local_account = r.account.as_ref().map(|a| a.value.clone()).unwrap_or_else(|| "$G".into());
                match chosen {
                    Some(ui) => {
                        let Target::Found { server: hub } = urls[ui].1 else { unreachable!() };
                        let user = parsed[ui].as_ref().and_then(|d| d.user.clone());
                        let hub_acc = hub_account(model.server(hub), user.as_deref(), r.credentials.is_some());
                        let to = self.first_instance(hub);
                        let froms: Vec<InstanceId> = self.instances_of(s.id).map(|i| i.id).collect();
                        for from in froms {
                            let idx = self.leaf_links.len();
                            self.leaf_links.push(LeafLink {
                                from,
                                to,
                                remote: remote_idx,
                                local_account: local_account.clone(),
                                hub_account: hub_acc.clone(),
                                reversed: r.hub,
                            });
                            self.graph.add_edge(
                                self.nodes[from.0 as usize],
                                self.nodes[to.0 as usize],
                                Edge::Leaf(idx),
                            );
                        }
                    }
                    None => {
                        let name = parsed
                            .iter()
                            .flatten()
                            .next()
                            .map(|d| d.redacted())
                            .unwrap_or_else(|| "(unparsable remote)".to_string());
                        let node =
                            *externals.entry(name.clone()).or_insert_with(|| self.graph.add_node(Node::External(name)));
                        let froms: Vec<InstanceId> = self.instances_of(s.id).map(|i| i.id).collect();
                        for from in froms {
                            self.graph.add_edge(self.nodes[from.0 as usize], node, Edge::LeafExternal(remote_idx));
                        }
                    }
                }
                self.remotes.push(RemoteStatus { server: s.id, index: ri, urls, chosen });
            }
        }
    }
}
