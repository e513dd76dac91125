//! Interest propagation over leaf connections (truth/jetstream-leafnodes.md §1.3-§1.6), computed
//! once per topology: which API subjects each end of each leaf connection advertises (`LS+`) and
//! the peer accepts, which links flap, and the JetStream meta groups.
//!
//! Topics are `$JS.API` (index 0) and `$JS.<d>.API` for every domain named in the deployment;
//! sets are bitsets and a worklist recomputes only the links whose inputs changed, so a hub with
//! thousands of leafs stays fast.

use super::facts::{self, has_api_import, is_sys};
use super::groups::{self, Groups};
use super::links::{ends, End};
use super::subject::matches;
use crate::model::{Model, Server};
use crate::topology::{InstanceId, Topology};
use crate::version::NatsVersion;
use std::collections::{HashMap, VecDeque};

/// A set of topic indices.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bits(Vec<u64>);

impl Bits {
    pub fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }
    pub fn get(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
    pub fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    pub fn minus(&self, other: &Bits) -> Bits {
        Bits(self.0.iter().zip(&other.0).map(|(a, b)| a & !b).collect())
    }
    pub fn intersects(&self, other: &Bits) -> bool {
        self.0.iter().zip(&other.0).any(|(a, b)| a & b != 0)
    }
    pub fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.0
            .iter()
            .enumerate()
            .flat_map(|(w, bits)| (0..64).filter(move |b| bits & (1 << b) != 0).map(move |b| w * 64 + b))
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

/// How many leaf links of an instance (in one account) deliver each topic: over all links, and over
/// the links where the instance is the hub.
#[derive(Debug, Clone, Default)]
struct Counts {
    all: Vec<u32>,
    hub: Vec<u32>,
}

/// Everything the simulator precomputes for one topology and nats-server version.
#[derive(Debug)]
pub struct State {
    pub version: NatsVersion,
    /// `None` = `$JS.API`, then each domain; a topic's index is its position.
    pub topics: Vec<Option<String>>,
    topic_index: HashMap<String, usize>,
    /// `[soliciting end, accepting end]` of every leaf link.
    pub ends: Vec<[End; 2]>,
    /// False for links that flap.
    pub up: Vec<bool>,
    pub flaps: Vec<Flap>,
    /// Topics side `k` of link `l` advertised.
    pub sent: Vec<[Bits; 2]>,
    /// Topics side `k` of link `l` advertised and the other side accepted.
    pub accepted: Vec<[Bits; 2]>,
    counts: HashMap<(u32, String), Counts>,
    pub groups: Groups,
}

pub(crate) fn side_of(topo: &Topology, l: usize, i: InstanceId) -> usize {
    if topo.leaf_links[l].from == i {
        0
    } else {
        1
    }
}

fn peer(topo: &Topology, l: usize, k: usize) -> InstanceId {
    let link = &topo.leaf_links[l];
    if k == 0 {
        link.to
    } else {
        link.from
    }
}

/// The cluster name the peer on the other side of `k` announces.
pub(crate) fn peer_cluster<'m>(model: &'m Model, topo: &Topology, l: usize, k: usize) -> Option<&'m str> {
    let s = model.server(topo.instance(peer(topo, l, k)).server);
    s.cluster.as_ref().and_then(|c| c.name.as_ref()).map(|n| n.value.as_str()).filter(|n| !n.is_empty())
}

/// The domain mapping installed in `acc` on `s` (the system account too since 2.15).
pub(crate) fn mapped_domain<'m>(s: &'m Server, acc: &str, version: NatsVersion) -> Option<&'m str> {
    if is_sys(s, acc) {
        return if version.at_least(NatsVersion::new(2, 15, 0)) && s.js_enabled() { s.js_domain() } else { None };
    }
    facts::mapped_domain(s, acc)
}

impl State {
    pub fn topic(&self, domain: Option<&str>) -> Option<usize> {
        match domain {
            Some(d) if !d.is_empty() => self.topic_index.get(d).copied(),
            _ => Some(0),
        }
    }

    pub fn subject(&self, t: usize) -> String {
        match &self.topics[t] {
            None => "$JS.API.INFO".into(),
            Some(d) => format!("$JS.{d}.API.INFO"),
        }
    }

    /// Topics instance `x` learned over its leaf links in `acc` (for route propagation).
    pub fn learned(&self, x: InstanceId, acc: &str, t: usize) -> bool {
        self.counts.get(&(x.0, acc.to_string())).is_some_and(|c| c.all[t] > 0)
    }

    pub fn compute(model: &Model, topo: &Topology, version: NatsVersion) -> State {
        let mut topics: Vec<Option<String>> = vec![None];
        let mut domains: std::collections::BTreeSet<String> = Default::default();
        for s in &model.servers {
            if let Some(d) = s.js_domain() {
                domains.insert(d.to_string());
            }
            for (_, v) in &s.default_js_domain {
                if !v.value.is_empty() {
                    domains.insert(v.value.clone());
                }
            }
        }
        topics.extend(domains.into_iter().map(Some));
        let topic_index = topics.iter().enumerate().filter_map(|(i, t)| t.clone().map(|d| (d, i))).collect();
        let ends_v: Vec<[End; 2]> = topo
            .leaf_links
            .iter()
            .map(|l| {
                let (a, b) = ends(model, topo, l, version);
                [a, b]
            })
            .collect();
        let n = topo.leaf_links.len();
        let mut st = State {
            version,
            topics,
            topic_index,
            ends: ends_v,
            up: vec![true; n],
            flaps: Vec::new(),
            sent: Vec::new(),
            accepted: Vec::new(),
            counts: HashMap::new(),
            groups: Groups::default(),
        };
        loop {
            st.propagate(model, topo);
            let flaps = st.find_flaps(topo);
            if flaps.is_empty() {
                break;
            }
            for f in flaps {
                st.up[f.link] = false;
                st.flaps.push(f);
            }
        }
        st.groups = groups::build(model, topo, &st.ends, &st.up);
        st
    }

    /// Topics whose subject the end denies (pub or sub), as a bitset.
    fn mask(&self, end: &End, sub: bool) -> Bits {
        let mut m = Bits::new(self.topics.len());
        if end.deny_api {
            m.set(0);
        }
        if !sub {
            if let Some(i) = end.block_domain.as_deref().and_then(|d| self.topic_index.get(d)) {
                m.set(*i);
            }
        }
        let user = if sub { &end.user_sub_deny } else { &end.user_pub_deny };
        if !user.is_empty() {
            for t in 0..self.topics.len() {
                let subj = self.subject(t);
                if user.iter().any(|p| matches(p, &subj)) {
                    m.set(t);
                }
            }
        }
        m
    }

    fn propagate(&mut self, model: &Model, topo: &Topology) {
        let n = topo.leaf_links.len();
        let nt = self.topics.len();
        self.sent = vec![[Bits::new(nt), Bits::new(nt)]; n];
        self.accepted = vec![[Bits::new(nt), Bits::new(nt)]; n];
        self.counts.clear();
        let pub_mask: Vec<[Bits; 2]> =
            self.ends.iter().map(|e| [self.mask(&e[0], false), self.mask(&e[1], false)]).collect();
        let sub_mask: Vec<[Bits; 2]> =
            self.ends.iter().map(|e| [self.mask(&e[0], true), self.mask(&e[1], true)]).collect();
        // Local sources: service imports and mappings, filtered by the sub deny on the spoke side only.
        let mut local: Vec<[Bits; 2]> = vec![[Bits::new(nt), Bits::new(nt)]; n];
        for l in 0..n {
            for k in 0..2 {
                let link = &topo.leaf_links[l];
                let x = if k == 0 { link.from } else { link.to };
                let end = &self.ends[l][k];
                let Some(acc) = end.account.as_deref() else {
                    continue;
                };
                let s = model.server(topo.instance(x).server);
                let api = if is_sys(s, acc) { s.js_enabled() } else { has_api_import(s, acc) };
                if api {
                    local[l][k].set(0);
                }
                if let Some(i) = mapped_domain(s, acc, self.version).and_then(|d| self.topic_index.get(d)) {
                    local[l][k].set(*i);
                }
                if end.spoke {
                    local[l][k] = local[l][k].minus(&sub_mask[l][k]);
                }
            }
        }
        let mut queue: VecDeque<(usize, usize)> =
            (0..n).flat_map(|l| [(l, 0), (l, 1)]).filter(|(l, _)| self.up[*l]).collect();
        let mut queued = vec![[true, true]; n];
        while let Some((l, k)) = queue.pop_front() {
            queued[l][k] = false;
            let link = &topo.leaf_links[l];
            let x = if k == 0 { link.from } else { link.to };
            let end = &self.ends[l][k];
            let Some(acc) = end.account.clone() else {
                continue;
            };
            let mut bits = local[l][k].clone();
            let to_cluster = peer_cluster(model, topo, l, k);
            let own = &self.accepted[l][1 - k];
            if to_cluster.is_none() {
                if let Some(c) = self.counts.get(&(x.0, acc.clone())) {
                    for t in 0..nt {
                        let have = if end.spoke { c.hub[t] } else { c.all[t] - own.get(t) as u32 };
                        if have > 0 {
                            bits.set(t);
                        }
                    }
                }
            } else {
                // Cluster wide no echo: skip interest that came from the peer's own cluster.
                for (l2, _) in topo.leaf_links_of(x) {
                    if l2 == l || !self.up[l2] {
                        continue;
                    }
                    let k2 = side_of(topo, l2, x);
                    let e2 = &self.ends[l2][k2];
                    if e2.account.as_deref() != Some(acc.as_str())
                        || (end.spoke && e2.spoke)
                        || peer_cluster(model, topo, l2, k2) == to_cluster
                    {
                        continue;
                    }
                    for t in self.accepted[l2][1 - k2].ones() {
                        bits.set(t);
                    }
                }
            }
            if !end.spoke {
                for w in topo.route_peers(x).into_iter().chain(topo.gateway_peers(x)) {
                    if let Some(c) = self.counts.get(&(w.0, acc.clone())) {
                        for t in 0..nt {
                            if c.all[t] > 0 {
                                bits.set(t);
                            }
                        }
                    }
                }
            }
            // Learned plain subscriptions are filtered by the sub deny on both sides.
            let learned = bits.minus(&local[l][k]).minus(&sub_mask[l][k]);
            let mut bits = local[l][k].clone();
            for t in learned.ones() {
                bits.set(t);
            }
            if bits == self.sent[l][k] {
                continue;
            }
            let new_acc = bits.minus(&pub_mask[l][1 - k]);
            self.sent[l][k] = bits;
            if new_acc == self.accepted[l][k] {
                continue;
            }
            // Update the receiver's counts and requeue the links whose advertisements depend on them.
            let y = peer(topo, l, k);
            let yend = &self.ends[l][1 - k];
            let Some(yacc) = yend.account.clone() else {
                self.accepted[l][k] = new_acc;
                continue;
            };
            // Counts matter only where interest can be forwarded: instances with another link or a route.
            let fan_out = topo.leaf_links_of(y).nth(1).is_some()
                || !topo.route_peers(y).is_empty()
                || !topo.gateway_peers(y).is_empty();
            if fan_out {
                let c = self
                    .counts
                    .entry((y.0, yacc.clone()))
                    .or_insert_with(|| Counts { all: vec![0; nt], hub: vec![0; nt] });
                let changed = Bits(self.accepted[l][k].0.iter().zip(&new_acc.0).map(|(a, b)| a ^ b).collect());
                for t in changed.ones() {
                    let d: i64 = if new_acc.get(t) { 1 } else { -1 };
                    c.all[t] = (c.all[t] as i64 + d) as u32;
                    if !yend.spoke {
                        c.hub[t] = (c.hub[t] as i64 + d) as u32;
                    }
                }
            }
            self.accepted[l][k] = new_acc;
            let mut requeue = |inst: InstanceId, skip: Option<usize>, queue: &mut VecDeque<(usize, usize)>| {
                for (l2, _) in topo.leaf_links_of(inst) {
                    if Some(l2) == skip || !self.up[l2] {
                        continue;
                    }
                    let k2 = side_of(topo, l2, inst);
                    if self.ends[l2][k2].account.as_deref() == Some(yacc.as_str()) && !queued[l2][k2] {
                        queued[l2][k2] = true;
                        queue.push_back((l2, k2));
                    }
                }
            };
            requeue(y, Some(l), &mut queue);
            for w in topo.route_peers(y).into_iter().chain(topo.gateway_peers(y)) {
                requeue(w, None, &mut queue);
            }
        }
    }

    /// Links whose hub side receives a literal `LS+` it denies: it closes them (Protocol Violation).
    fn find_flaps(&self, topo: &Topology) -> Vec<Flap> {
        let mut out = Vec::new();
        for l in 0..topo.leaf_links.len() {
            if !self.up[l] {
                continue;
            }
            let h = if self.ends[l][0].spoke { 1 } else { 0 };
            if self.ends[l][h].spoke {
                continue;
            }
            let pm = self.mask(&self.ends[l][h], false);
            if let Some(t) = self.sent[l][1 - h].ones().find(|t| pm.get(*t)) {
                let link = &topo.leaf_links[l];
                let hub = if h == 0 { link.from } else { link.to };
                out.push(Flap { link: l, hub, subject: self.subject(t) });
            }
        }
        out
    }
}
