//! The simulator proper: walking one request through the precomputed interest ([`State`]).

use super::facts::{self, account_js, has_api_import, is_sys};
use super::interest::{mapped_domain, peer_cluster, side_of, State};
use super::{api_prefix, Outcome, Resolution, Responder};
use crate::model::{Model, Server};
use crate::topology::{InstanceId, Topology};
use crate::version::NatsVersion;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

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

/// A deployment's JetStream routing, ready to answer requests. Dereferences to the precomputed
/// [`State`] (leaf ends, flapping links, meta groups). The pipeline builds it once per run and
/// keeps its state in the outcome (`pipeline::Outcome::simulator`).
pub struct Simulator<'a> {
    pub model: &'a Model,
    pub topo: &'a Topology,
    pub version: NatsVersion,
    state: Arc<State>,
}

impl std::ops::Deref for Simulator<'_> {
    type Target = State;
    fn deref(&self) -> &State {
        &self.state
    }
}

impl<'a> Simulator<'a> {
    /// Computes the state of `model`'s routing for nats-server `version`.
    pub fn new(model: &'a Model, topo: &'a Topology, version: NatsVersion) -> Self {
        let _t = crate::timings::phase("simulator");
        let state = Arc::new(State::compute(model, topo, version));
        Simulator { model, topo, version, state }
    }

    /// A simulator over a state computed before for the same model, topology and version.
    pub fn with_state(model: &'a Model, topo: &'a Topology, version: NatsVersion, state: Arc<State>) -> Self {
        Simulator { model, topo, version, state }
    }

    /// The precomputed state, to rebuild the simulator later ([`Simulator::with_state`]).
    pub fn state(&self) -> Arc<State> {
        self.state.clone()
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

    /// The API prefixes side `k` of link `l` advertised and the other side accepted.
    pub fn advertised(&self, l: usize, k: usize) -> Vec<String> {
        self.accepted_topics(self.model, self.topo, l, k)
            .into_iter()
            .map(|t| api_prefix(self.topics[t].as_deref()))
            .collect()
    }

    /// Resolves a request from the first instance of a server.
    pub fn resolve_server(&self, server: crate::model::ServerId, account: &str, domain: Option<&str>) -> Resolution {
        self.resolve(self.topo.first_instance(server), account, domain)
    }

    /// Who answers `$JS.API.*` (`domain = None`) or `$JS.<domain>.API.*` sent by a client of
    /// instance `from` logged into `account`.
    pub fn resolve(&self, from: InstanceId, account: &str, domain: Option<&str>) -> Resolution {
        let topic = match domain {
            Some(d) if !d.is_empty() => Topic::Domain(d.to_string()),
            _ => Topic::Api,
        };
        // A domain nobody serves has no topic index: nothing can have interest in it.
        let idx = |t: &Topic| match t {
            Topic::Api => Some(0),
            Topic::Domain(d) => self.topic(Some(d)),
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
                    if mapped_domain(s, &acc, self.version) == Some(d.as_str()) {
                        path.push_str(&format!("; `{}` mapped to `$JS.API` at {xl}", t.prefix()));
                        delivered |= self.handle_api(x, &acc, &path, &mut replies);
                        continue;
                    }
                } else if let Some(def) = facts::default_mapping(s, &acc) {
                    path.push_str(&format!("; default_js_domain maps `$JS.API` to `$JS.{def}.API` at {xl}"));
                    t = Topic::Domain(def.to_string());
                } else if has_api_import(s, &acc) || (is_sys(s, &acc) && via == Via::Client) {
                    delivered |= self.handle_api(x, &acc, &path, &mut replies);
                }
            }
            let subject = t.subject();
            let ti = idx(&t);
            // A hub's links are many: only those whose far side wants the topic are looked at (the
            // same links, in the same order, as the full scan below would pass).
            let indexed = ti.and_then(|i| self.links_accepting(x, i));
            let links: Box<dyn Iterator<Item = usize>> = match (ti, indexed) {
                (None, _) => Box::new(std::iter::empty()),
                (Some(_), Some(ls)) => Box::new(ls.iter().map(|l| *l as usize)),
                (Some(_), None) => Box::new(self.topo.leaf_links_of(x).map(|(l, _)| l)),
            };
            for l in links {
                if !self.up[l] || via == Via::Leaf(l) {
                    continue;
                }
                let k = side_of(self.topo, l, x);
                let end = &self.ends[l][k];
                if end.account.as_deref() != Some(acc.as_str()) || end.pub_denies(&subject) {
                    continue;
                }
                if !ti.is_some_and(|i| self.accepts(self.model, self.topo, l, 1 - k, i)) {
                    continue;
                }
                // Cluster wide no echo: never back into the cluster the message came from.
                if origin.is_some() && peer_cluster(self.model, self.topo, l, k) == origin.as_deref() {
                    continue;
                }
                let peer = self.peer(l, k);
                let Some(peer_acc) = self.ends[l][1 - k].account.clone() else {
                    continue;
                };
                delivered = true;
                let p = format!("{path} -> {}({peer_acc})", self.topo.instance(peer).label);
                let sender_cluster =
                    self.server(x).cluster.as_ref().and_then(|c| c.name.as_ref()).map(|n| n.value.clone());
                queue.push_back((peer, peer_acc, t.clone(), Via::Leaf(l), p, sender_cluster));
            }
            if via != Via::Route {
                for w in self.topo.route_peers(x).into_iter().chain(self.topo.gateway_peers(x)) {
                    if ti.is_some_and(|i| self.learned(w, &acc, i)) {
                        delivered = true;
                        let p = format!("{path} => {}({acc}) over a route", self.topo.instance(w).label);
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
    fn handle_api(&self, x: InstanceId, acc: &str, path: &str, replies: &mut BTreeMap<usize, (Reply, String)>) -> bool {
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
            // The links bound to the system account on this side (a hub has thousands of others).
            for &l in &self.sys_links[y.0 as usize] {
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
            for w in self.topo.route_peers(y).into_iter().chain(self.topo.gateway_peers(y)) {
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
                    let has_leaf = self
                        .topo
                        .leaf_links_of(y)
                        .any(|(l, _)| self.ends[l][side_of(self.topo, l, y)].account.as_deref() == Some(acc));
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
        let mut servers: Vec<String> = grp.leaders.iter().map(|i| self.topo.instance(*i).label.clone()).collect();
        servers.sort();
        let first = grp.leaders[0];
        let names: BTreeSet<Option<String>> = grp
            .leaders
            .iter()
            .map(|i| self.topo.cluster_of[i.0 as usize].and_then(|c| self.topo.clusters[c].name.clone()))
            .collect();
        let label = if grp.leaders.len() == 1 {
            servers[0].clone()
        } else if names.len() == 1 && names.iter().all(|n| n.is_some()) {
            names.into_iter().flatten().next().unwrap_or_default()
        } else if names.iter().all(|n| n.is_some()) {
            format!("supercluster {}", names.into_iter().flatten().collect::<Vec<_>>().join(","))
        } else {
            servers.join("|")
        };
        let domain = self.server(first).js_domain().map(str::to_string);
        Responder { label, servers, instances: grp.leaders.clone(), domain }
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
        let answers: Vec<usize> =
            replies.iter().filter(|(_, (r, _))| matches!(r, Reply::Answer)).map(|(g, _)| *g).collect();
        let errors: Vec<usize> =
            replies.iter().filter(|(_, (r, _))| matches!(r, Reply::Error)).map(|(g, _)| *g).collect();
        let paths: Vec<String> = replies.values().map(|(_, p)| p.clone()).collect();
        let mut racy = false;
        let (outcome, groups, why) = if answers.len() >= 2 {
            // Both execute: through the system account the requester sees a race of replies.
            racy = replies.values().any(|(_, p)| p.contains("shared system account"));
            (
                Outcome::Duplicate,
                answers.clone(),
                format!("`{prefix}` from {from_l} in `{account}` is executed by {} JetStreams", answers.len()),
            )
        } else if answers.len() == 1 {
            (Outcome::Answered, answers.clone(), format!("`{prefix}` from {from_l} in `{account}` is answered"))
        } else if !errors.is_empty() {
            (Outcome::Error, errors.clone(), format!("JetStream is not enabled for account `{account}` (error 10039)"))
        } else if delivered {
            let why = if replies.is_empty() {
                format!("`{prefix}` from {from_l} in `{account}` is delivered but no JetStream replies")
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
        let mut responders: Vec<Responder> = groups.into_iter().map(|g| self.responder(g)).collect();
        responders.sort_by(|a, b| a.label.cmp(&b.label));
        Resolution { outcome, responders, racy, paths, why }
    }
}

/// A representative subject: `$JS.API.INFO` or `$JS.<d>.API.INFO`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Topic {
    Api,
    Domain(String),
}

impl Topic {
    fn subject(&self) -> String {
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
