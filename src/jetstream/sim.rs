//! The simulator proper: interest fixpoint, flapping links, and walking one request.

use super::facts::{self, account_js, has_api_import, is_sys};
use super::groups::{self, Groups};
use super::links::{ends, End};
use super::{api_prefix, Outcome, Resolution, Responder};
use crate::model::{Model, Server};
use crate::topology::{InstanceId, Topology};
use crate::version::NatsVersion;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// A representative subject: `$JS.API.INFO` or `$JS.<d>.API.INFO`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Topic {
    Api,
    Domain(String),
}

impl Topic {
    pub fn subject(&self) -> String {
        match self {
            Topic::Api => "$JS.API.INFO".into(),
            Topic::Domain(d) => format!("$JS.{d}.API.INFO"),
        }
    }
    fn prefix(&self) -> String {
        match self {
            Topic::Api => api_prefix(None),
            Topic::Domain(d) => api_prefix(Some(d)),
        }
    }
}

/// Why a leaf connection keeps being closed by its hub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flap {
    pub link: usize,
    /// The hub-side instance that closes the connection.
    pub hub: InstanceId,
    /// The `LS+` subject it rejects (e.g. `$JS.hub.API.INFO`).
    pub subject: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Via {
    Client,
    Leaf(usize),
    Route,
}

enum Reply {
    Answer,
    Silent,
    Error,
}

/// A deployment's JetStream routing, ready to answer requests.
pub struct Simulator<'a> {
    pub model: &'a Model,
    pub topo: &'a Topology,
    pub version: NatsVersion,
    /// `[soliciting end, accepting end]` of every leaf link.
    pub ends: Vec<[End; 2]>,
    /// False for links that flap.
    pub up: Vec<bool>,
    pub flaps: Vec<Flap>,
    /// Topics side `k` of link `l` advertised and the other side accepted.
    accepted: Vec<[BTreeSet<Topic>; 2]>,
    /// Topics side `k` of link `l` advertised (before the peer's rejection).
    sent_cache: Vec<[BTreeSet<Topic>; 2]>,
    pub groups: Groups,
}

fn side_of(topo: &Topology, l: usize, i: InstanceId) -> usize {
    if topo.leaf_links[l].from == i {
        0
    } else {
        1
    }
}

impl<'a> Simulator<'a> {
    pub fn new(model: &'a Model, topo: &'a Topology, version: NatsVersion) -> Self {
        let ends: Vec<[End; 2]> = topo
            .leaf_links
            .iter()
            .map(|l| {
                let (a, b) = ends(model, topo, l, version);
                [a, b]
            })
            .collect();
        let n = topo.leaf_links.len();
        let mut sim = Simulator {
            model,
            topo,
            version,
            ends,
            up: vec![true; n],
            flaps: Vec::new(),
            accepted: vec![Default::default(); n],
            sent_cache: vec![Default::default(); n],
            groups: Groups::default(),
        };
        let universe = sim.universe();
        loop {
            sim.interest(&universe);
            let flaps = sim.find_flaps();
            if flaps.is_empty() {
                break;
            }
            for f in flaps {
                sim.up[f.link] = false;
                sim.flaps.push(f);
            }
        }
        sim.groups = groups::build(model, topo, &sim.ends, &sim.up);
        sim
    }

    fn server(&self, i: InstanceId) -> &'a Server {
        self.model.server(self.topo.instance(i).server)
    }

    fn peer(&self, l: usize, k: usize) -> InstanceId {
        let link = &self.topo.leaf_links[l];
        if k == 0 {
            link.to
        } else {
            link.from
        }
    }

    /// The cluster name the peer on side `1 - k` of link `l` announces (empty = none).
    fn peer_cluster(&self, l: usize, k: usize) -> Option<&'a str> {
        let s = self.server(self.peer(l, k));
        s.cluster
            .as_ref()
            .and_then(|c| c.name.as_ref())
            .map(|n| n.value.as_str())
            .filter(|n| !n.is_empty())
    }

    /// Every domain named anywhere, plus the unprefixed API.
    fn universe(&self) -> Vec<Topic> {
        let mut d: BTreeSet<String> = BTreeSet::new();
        for s in &self.model.servers {
            if let Some(x) = s.js_domain() {
                d.insert(x.to_string());
            }
            for (_, v) in &s.default_js_domain {
                if !v.value.is_empty() {
                    d.insert(v.value.clone());
                }
            }
        }
        std::iter::once(Topic::Api)
            .chain(d.into_iter().map(Topic::Domain))
            .collect()
    }

    /// The domain mapping installed in `acc` on `s` (the system account too since 2.15).
    fn mapped_domain(&self, s: &'a Server, acc: &str) -> Option<&'a str> {
        if is_sys(s, acc) {
            return if self.version.at_least(NatsVersion::new(2, 15, 0)) && s.js_enabled() {
                s.js_domain()
            } else {
                None
            };
        }
        facts::mapped_domain(s, acc)
    }

    /// Local interest sources of `acc` on `s` that a leaf connection advertises.
    fn local_topic(&self, s: &'a Server, acc: &str, t: &Topic) -> bool {
        match t {
            Topic::Api => {
                if is_sys(s, acc) {
                    s.js_enabled()
                } else {
                    has_api_import(s, acc)
                }
            }
            Topic::Domain(d) => self.mapped_domain(s, acc) == Some(d.as_str()),
        }
    }

    /// Topics instance `x` learned over its leaf links in `acc` (accepted from peers), optionally only from links where `x` is the hub.
    fn leaf_learned(
        &self,
        x: InstanceId,
        acc: &str,
        except: Option<usize>,
        only_hub_links: bool,
        to_cluster: Option<&str>,
    ) -> BTreeSet<Topic> {
        let mut out = BTreeSet::new();
        for (l, _) in self.topo.leaf_links_of(x) {
            if Some(l) == except || !self.up[l] {
                continue;
            }
            let k = side_of(self.topo, l, x);
            // Cluster wide no echo: interest is not sent back to the cluster it came from.
            if to_cluster.is_some() && self.peer_cluster(l, k) == to_cluster {
                continue;
            }
            let end = &self.ends[l][k];
            if end.account.as_deref() != Some(acc) || (only_hub_links && end.spoke) {
                continue;
            }
            out.extend(self.accepted[l][1 - k].iter().cloned());
        }
        out
    }

    #[allow(clippy::needless_range_loop)]
    fn interest(&mut self, universe: &[Topic]) {
        let n = self.topo.leaf_links.len();
        let mut sent: Vec<[BTreeSet<Topic>; 2]> = vec![Default::default(); n];
        self.accepted = vec![Default::default(); n];
        loop {
            let mut changed = false;
            for l in 0..n {
                if !self.up[l] {
                    continue;
                }
                for k in 0..2 {
                    let link = &self.topo.leaf_links[l];
                    let x = if k == 0 { link.from } else { link.to };
                    let end = &self.ends[l][k];
                    let Some(acc) = end.account.clone() else {
                        continue;
                    };
                    let s = self.server(x);
                    let mut topics = BTreeSet::new();
                    for t in universe {
                        // Service imports and mappings are filtered by the sub deny on the spoke side only.
                        if self.local_topic(s, &acc, t)
                            && !(end.spoke && end.sub_denies(&t.subject()))
                        {
                            topics.insert(t.clone());
                        }
                    }
                    // A spoke connection forwards only interest from non-spoke leafs (and local clients).
                    let to_cluster = self.peer_cluster(l, k);
                    for t in self.leaf_learned(x, &acc, Some(l), end.spoke, to_cluster) {
                        if !end.sub_denies(&t.subject()) {
                            topics.insert(t);
                        }
                    }
                    // A hub connection also forwards what cluster peers learned from their leafs.
                    if !end.spoke {
                        for w in self
                            .topo
                            .route_peers(x)
                            .into_iter()
                            .chain(self.topo.gateway_peers(x))
                        {
                            for t in self.leaf_learned(w, &acc, None, false, to_cluster) {
                                if !end.sub_denies(&t.subject()) {
                                    topics.insert(t);
                                }
                            }
                        }
                    }
                    if topics != sent[l][k] {
                        let other = &self.ends[l][1 - k];
                        self.accepted[l][k] = topics
                            .iter()
                            .filter(|t| !other.pub_denies(&t.subject()))
                            .cloned()
                            .collect();
                        sent[l][k] = topics;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        self.sent_cache = sent;
    }
}

impl<'a> Simulator<'a> {
    /// Links whose hub side receives a literal `LS+` it denies: it closes them (Protocol Violation).
    fn find_flaps(&self) -> Vec<Flap> {
        let mut out = Vec::new();
        for l in 0..self.topo.leaf_links.len() {
            if !self.up[l] {
                continue;
            }
            let h = if self.ends[l][0].spoke { 1 } else { 0 };
            if self.ends[l][h].spoke {
                continue;
            }
            if let Some(t) = self.sent_cache[l][1 - h]
                .iter()
                .find(|t| self.ends[l][h].pub_denies(&t.subject()))
            {
                let link = &self.topo.leaf_links[l];
                let hub = if h == 0 { link.from } else { link.to };
                out.push(Flap {
                    link: l,
                    hub,
                    subject: t.subject(),
                });
            }
        }
        out
    }

    /// Topics side `k` of link `l` advertised and the other side accepted.
    pub fn advertised(&self, l: usize, k: usize) -> impl Iterator<Item = String> + '_ {
        self.accepted[l][k].iter().map(|t| t.prefix())
    }

    /// Resolves a request from the first instance of a server.
    pub fn resolve_server(
        &self,
        server: crate::model::ServerId,
        account: &str,
        domain: Option<&str>,
    ) -> Resolution {
        self.resolve(self.topo.first_instance(server), account, domain)
    }

    /// Who answers `$JS.API.*` (`domain = None`) or `$JS.<domain>.API.*` sent by a client of
    /// instance `from` logged into `account`.
    pub fn resolve(&self, from: InstanceId, account: &str, domain: Option<&str>) -> Resolution {
        let topic = match domain {
            Some(d) if !d.is_empty() => Topic::Domain(d.to_string()),
            _ => Topic::Api,
        };
        let start_label = self.topo.instance(from).label.clone();
        type Item = (InstanceId, String, Topic, Via, String, Option<String>);
        let mut queue: VecDeque<Item> = VecDeque::new();
        let mut seen: BTreeSet<(InstanceId, String, Topic)> = BTreeSet::new();
        queue.push_back((
            from,
            account.to_string(),
            topic.clone(),
            Via::Client,
            format!("{start_label}({account})"),
            None,
        ));
        // group index -> (reply, path)
        let mut replies: BTreeMap<usize, (Reply, String)> = BTreeMap::new();
        let mut delivered = false;
        while let Some((x, acc, t, via, path, origin)) = queue.pop_front() {
            if !seen.insert((x, acc.clone(), t.clone())) {
                continue;
            }
            let s = self.server(x);
            let xl = &self.topo.instance(x).label;
            let mut t = t;
            let mut path = path;
            if via != Via::Route {
                if let Topic::Domain(d) = &t {
                    if self.mapped_domain(s, &acc) == Some(d.as_str()) {
                        path.push_str(&format!("; `{}` mapped to `$JS.API` at {xl}", t.prefix()));
                        delivered |= self.handle_api(x, &acc, &path, &mut replies);
                        continue;
                    }
                } else if let Some(def) = facts::default_mapping(s, &acc) {
                    path.push_str(&format!(
                        "; default_js_domain maps `$JS.API` to `$JS.{def}.API` at {xl}"
                    ));
                    t = Topic::Domain(def.to_string());
                } else if has_api_import(s, &acc) || (is_sys(s, &acc) && via == Via::Client) {
                    delivered |= self.handle_api(x, &acc, &path, &mut replies);
                }
            }
            let subject = t.subject();
            for (l, _) in self.topo.leaf_links_of(x) {
                if !self.up[l] || via == Via::Leaf(l) {
                    continue;
                }
                let k = side_of(self.topo, l, x);
                let end = &self.ends[l][k];
                if end.account.as_deref() != Some(acc.as_str()) || end.pub_denies(&subject) {
                    continue;
                }
                if !self.accepted[l][1 - k].contains(&t) {
                    continue;
                }
                // Cluster wide no echo: never back into the cluster the message came from.
                if origin.is_some() && self.peer_cluster(l, k) == origin.as_deref() {
                    continue;
                }
                let peer = self.peer(l, k);
                let Some(peer_acc) = self.ends[l][1 - k].account.clone() else {
                    continue;
                };
                delivered = true;
                let p = format!("{path} -> {}({peer_acc})", self.topo.instance(peer).label);
                let sender_cluster = self
                    .server(x)
                    .cluster
                    .as_ref()
                    .and_then(|c| c.name.as_ref())
                    .map(|n| n.value.clone());
                queue.push_back((peer, peer_acc, t.clone(), Via::Leaf(l), p, sender_cluster));
            }
            if via != Via::Route {
                for w in self
                    .topo
                    .route_peers(x)
                    .into_iter()
                    .chain(self.topo.gateway_peers(x))
                {
                    if self.leaf_learned(w, &acc, None, false, None).contains(&t) {
                        delivered = true;
                        let p = format!(
                            "{path} => {}({acc}) over a route",
                            self.topo.instance(w).label
                        );
                        queue.push_back((w, acc.clone(), t.clone(), Via::Route, p, origin.clone()));
                    }
                }
            }
        }
        self.summarize(from, account, &topic, replies, delivered)
    }

    /// An unprefixed request reached the `$JS.API.>` service import (or the JetStream API
    /// subscriptions) of `acc` on `x`: it enters the system account, where every JetStream
    /// reachable over undenied system-account links executes it. Returns true if delivered anywhere.
    fn handle_api(
        &self,
        x: InstanceId,
        acc: &str,
        path: &str,
        replies: &mut BTreeMap<usize, (Reply, String)>,
    ) -> bool {
        let mut reached: Vec<(InstanceId, String)> = Vec::new();
        let mut seen = BTreeSet::new();
        let mut queue = VecDeque::from([(x, path.to_string())]);
        while let Some((y, p)) = queue.pop_front() {
            if !seen.insert(y) {
                continue;
            }
            let ys = self.server(y);
            if ys.js_enabled() {
                reached.push((y, p.clone()));
            }
            let Some(sys) = facts::sys_account(ys) else {
                continue;
            };
            for (l, _) in self.topo.leaf_links_of(y) {
                if !self.up[l] {
                    continue;
                }
                let k = side_of(self.topo, l, y);
                let peer = self.peer(l, k);
                let (a, b) = (&self.ends[l][k], &self.ends[l][1 - k]);
                let peer_sys = facts::sys_account(self.server(peer));
                if a.account.as_deref() != Some(sys)
                    || b.account.as_deref().is_none()
                    || b.account.as_deref() != peer_sys
                {
                    continue;
                }
                if a.pub_denies("$JS.API.INFO") || b.sub_denies("$JS.API.INFO") {
                    continue;
                }
                queue.push_back((
                    peer,
                    format!(
                        "{p} -> {}({}) over the shared system account",
                        self.topo.instance(peer).label,
                        b.account.as_deref().unwrap_or("")
                    ),
                ));
            }
            for w in self
                .topo
                .route_peers(y)
                .into_iter()
                .chain(self.topo.gateway_peers(y))
            {
                queue.push_back((w, p.clone()));
            }
        }
        let mut any = false;
        for (y, p) in reached {
            let Some(g) = self.groups.of[y.0 as usize] else {
                continue;
            };
            if replies.contains_key(&g) {
                continue;
            }
            any = true;
            let ys = self.server(y);
            let reply = match account_js(ys, acc) {
                Some(false) => {
                    let has_leaf = self.topo.leaf_links_of(y).any(|(l, _)| {
                        self.ends[l][side_of(self.topo, l, y)].account.as_deref() == Some(acc)
                    });
                    if has_leaf {
                        Reply::Silent
                    } else {
                        Reply::Error
                    }
                }
                _ => Reply::Answer,
            };
            replies.insert(g, (reply, p));
        }
        any
    }

    fn responder(&self, g: usize) -> Responder {
        let grp = &self.groups.list[g];
        let mut servers: Vec<String> = grp
            .leaders
            .iter()
            .map(|i| self.topo.instance(*i).label.clone())
            .collect();
        servers.sort();
        let first = grp.leaders[0];
        let names: BTreeSet<Option<String>> = grp
            .leaders
            .iter()
            .map(|i| {
                self.topo.cluster_of[i.0 as usize].and_then(|c| self.topo.clusters[c].name.clone())
            })
            .collect();
        let label = if grp.leaders.len() == 1 {
            servers[0].clone()
        } else if names.len() == 1 && names.iter().all(|n| n.is_some()) {
            names.into_iter().flatten().next().unwrap_or_default()
        } else if names.iter().all(|n| n.is_some()) {
            format!(
                "supercluster {}",
                names.into_iter().flatten().collect::<Vec<_>>().join(",")
            )
        } else {
            servers.join("|")
        };
        let domain = self.server(first).js_domain().map(str::to_string);
        Responder {
            label,
            servers,
            instances: grp.leaders.clone(),
            domain,
        }
    }

    fn summarize(
        &self,
        from: InstanceId,
        account: &str,
        topic: &Topic,
        replies: BTreeMap<usize, (Reply, String)>,
        delivered: bool,
    ) -> Resolution {
        let from_l = &self.topo.instance(from).label;
        let prefix = topic.prefix();
        let answers: Vec<usize> = replies
            .iter()
            .filter(|(_, (r, _))| matches!(r, Reply::Answer))
            .map(|(g, _)| *g)
            .collect();
        let errors: Vec<usize> = replies
            .iter()
            .filter(|(_, (r, _))| matches!(r, Reply::Error))
            .map(|(g, _)| *g)
            .collect();
        let paths: Vec<String> = replies.values().map(|(_, p)| p.clone()).collect();
        let mut racy = false;
        let (outcome, groups, why) = if answers.len() >= 2 {
            // Both execute: through the system account the requester sees a race of replies.
            racy = replies
                .values()
                .any(|(_, p)| p.contains("shared system account"));
            (
                Outcome::Duplicate,
                answers.clone(),
                format!(
                    "`{prefix}` from {from_l} in `{account}` is executed by {} JetStreams",
                    answers.len()
                ),
            )
        } else if answers.len() == 1 {
            (
                Outcome::Answered,
                answers.clone(),
                format!("`{prefix}` from {from_l} in `{account}` is answered"),
            )
        } else if !errors.is_empty() {
            (
                Outcome::Error,
                errors.clone(),
                format!("JetStream is not enabled for account `{account}` (error 10039)"),
            )
        } else if delivered {
            let why = if replies.is_empty() {
                format!(
                    "`{prefix}` from {from_l} in `{account}` is delivered but no JetStream replies"
                )
            } else {
                format!("account `{account}` has no JetStream there and has leaf connections: the server stays silent")
            };
            (Outcome::Timeout, Vec::new(), why)
        } else {
            (
                Outcome::NoResponders,
                Vec::new(),
                format!("nothing has interest in `{prefix}` for account `{account}` at {from_l}"),
            )
        };
        // The system account's domain-prefixed requests time out since 2.15 (§0 rule 8).
        let outcome = if outcome == Outcome::NoResponders
            && matches!(topic, Topic::Domain(_))
            && is_sys(self.server(from), account)
            && self.version.at_least(NatsVersion::new(2, 15, 0))
        {
            Outcome::Timeout
        } else {
            outcome
        };
        let mut responders: Vec<Responder> =
            groups.into_iter().map(|g| self.responder(g)).collect();
        responders.sort_by(|a, b| a.label.cmp(&b.label));
        Resolution {
            outcome,
            responders,
            racy,
            paths,
            why,
        }
    }
}
