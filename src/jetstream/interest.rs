//! Interest propagation over leaf connections (truth/jetstream-leafnodes.md §1.3-§1.6), computed
//! once per topology: which API subjects each end of each leaf connection advertises (`LS+`) and
//! the peer accepts, which links flap, and the JetStream meta groups.
//!
//! Topics are `$JS.API` (index 0) and `$JS.<d>.API` for every domain named in the deployment. Every
//! step is a monotone per-topic boolean function, so the fixpoint is computed topic by topic with a
//! worklist of `(link, side, topic)`: work is proportional to the interest that actually moves, not to
//! links × topics. An end whose peer forwards nothing (one leaf link, no routes or gateways: an edge
//! leaf) is not stored: what a hub advertises to each of its 100,000 leafs is evaluated on demand from
//! the hub's counts ([`State::accepts`]).

use super::facts::{self, has_api_import, is_sys};
use super::groups::{self, Groups};
use super::links::{ends, End};
use super::subject::matches;
use crate::model::{Model, Server};
use crate::topology::{InstanceId, Topology};
use crate::version::NatsVersion;
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::Arc;

/// Why a leaf connection keeps being closed by its hub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flap {
    pub link: usize,
    /// The hub-side instance that closes the connection.
    pub hub: InstanceId,
    /// The `LS+` subject it rejects (e.g. `$JS.hub.API.INFO`).
    pub subject: String,
}

/// How many leaf links of an instance (in one account) deliver a topic: over all links, and over the
/// links where the instance is the hub (absent = 0).
#[derive(Debug, Clone, Default)]
struct Counts {
    all: HashMap<u32, u32>,
    hub: HashMap<u32, u32>,
}

impl Counts {
    fn all(&self, t: u32) -> u32 {
        self.all.get(&t).copied().unwrap_or(0)
    }
    fn hub(&self, t: u32) -> u32 {
        self.hub.get(&t).copied().unwrap_or(0)
    }
}

fn bump(m: &mut HashMap<u32, u32>, t: u32, up: bool) {
    let c = m.entry(t).or_insert(0);
    *c = if up { *c + 1 } else { c.saturating_sub(1) };
    if *c == 0 {
        m.remove(&t);
    }
}

/// The topics an end denies (pub or sub).
#[derive(Debug, Clone, Default)]
struct Mask {
    /// `$JS.API` (topic 0).
    api: bool,
    /// The end's own domain (pub only).
    domain: Option<u32>,
    /// Topics matched by the user's deny patterns, sorted (shared between ends with the same patterns).
    user: Arc<Vec<u32>>,
}

impl Mask {
    fn has(&self, t: u32) -> bool {
        (self.api && t == 0) || self.domain == Some(t) || self.user.binary_search(&t).is_ok()
    }
    /// The denied topics in ascending order.
    fn sorted(&self) -> Vec<u32> {
        let mut v: Vec<u32> = self.user.to_vec();
        v.extend(self.api.then_some(0));
        v.extend(self.domain);
        v.sort_unstable();
        v.dedup();
        v
    }
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
    /// Account of each end, interned.
    end_acc: Vec<[Option<u32>; 2]>,
    accounts: HashMap<String, u32>,
    /// Ends evaluated on demand: the peer has no other link, route or gateway to forward interest to.
    lazy: Vec<[bool; 2]>,
    /// Whether an instance forwards interest (a second leaf link, a route or a gateway): counts kept.
    fan_out: Vec<bool>,
    /// Route and gateway peers of each instance.
    peers: Vec<Vec<InstanceId>>,
    /// Stored (non-lazy) ends at each instance: `(link, side)`.
    stored_at: Vec<Vec<(usize, usize)>>,
    /// Leaf links of each instance bound to its system account on its side (and up).
    pub(crate) sys_links: Vec<Vec<usize>>,
    /// Topics each end sources itself (service imports, mappings), after the spoke's sub deny.
    local: Vec<[Vec<u32>; 2]>,
    pub_mask: Vec<[Mask; 2]>,
    sub_mask: Vec<[Mask; 2]>,
    /// Topics side `k` of link `l` advertised (stored ends only).
    sent: Vec<[BTreeSet<u32>; 2]>,
    /// Topics side `k` of link `l` advertised and the other side accepted (stored ends only).
    accepted: Vec<[BTreeSet<u32>; 2]>,
    /// `(instance, topic)` → the leaf links at that instance (ascending) whose far side advertised the
    /// topic and the instance's side accepted it: what a request for the topic may cross. Complete
    /// for instances that fan out (their links' far ends are all stored); a hub has 10^5 links.
    accepting: HashMap<(u32, u32), Vec<u32>>,
    counts: HashMap<(u32, u32), Counts>,
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

fn at(topo: &Topology, l: usize, k: usize) -> InstanceId {
    let link = &topo.leaf_links[l];
    if k == 0 {
        link.from
    } else {
        link.to
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
        self.accounts.get(acc).and_then(|a| self.counts.get(&(x.0, *a))).is_some_and(|c| c.all(t as u32) > 0)
    }

    fn index_accepting(&self, topo: &Topology) -> HashMap<(u32, u32), Vec<u32>> {
        let mut index: HashMap<(u32, u32), Vec<u32>> = HashMap::new();
        for (l, sides) in self.accepted.iter().enumerate() {
            for (j, topics) in sides.iter().enumerate() {
                let x = at(topo, l, 1 - j);
                if side_of(topo, l, x) != 1 - j {
                    continue; // a link from an instance to itself is crossed from side 0 only
                }
                for t in topics {
                    index.entry((x.0, *t)).or_default().push(l as u32);
                }
            }
        }
        for links in index.values_mut() {
            links.sort_unstable();
            links.dedup();
        }
        index
    }

    /// The leaf links at `x` that a request for topic `t` may cross (far side advertised `t`, ascending),
    /// when `x` fans out; `None` otherwise (its single link is checked directly).
    pub(crate) fn links_accepting(&self, x: InstanceId, t: usize) -> Option<&[u32]> {
        if !self.fan_out[x.0 as usize] {
            return None;
        }
        Some(self.accepting.get(&(x.0, t as u32)).map_or(&[], Vec::as_slice))
    }

    /// Whether side `k` of link `l` advertised topic `t` and the other side accepted it.
    pub fn accepts(&self, model: &Model, topo: &Topology, l: usize, k: usize, t: usize) -> bool {
        let t = t as u32;
        if self.lazy[l][k] {
            self.gather(model, topo, l, k, t) && !self.pub_mask[l][1 - k].has(t)
        } else {
            self.accepted[l][k].contains(&t)
        }
    }

    /// The topics side `k` of link `l` advertised and the other side accepted, ascending.
    pub fn accepted_topics(&self, model: &Model, topo: &Topology, l: usize, k: usize) -> Vec<usize> {
        if self.lazy[l][k] {
            (0..self.topics.len()).filter(|t| self.accepts(model, topo, l, k, *t)).collect()
        } else {
            self.accepted[l][k].iter().map(|t| *t as usize).collect()
        }
    }

    fn sends(&self, model: &Model, topo: &Topology, l: usize, k: usize, t: u32) -> bool {
        if self.lazy[l][k] {
            self.gather(model, topo, l, k, t)
        } else {
            self.sent[l][k].contains(&t)
        }
    }

    /// Whether side `k` of link `l` advertises `t` given what the other stored ends hold now: its
    /// own sources, plus (unless its sub deny filters it) what its instance learned elsewhere.
    fn gather(&self, model: &Model, topo: &Topology, l: usize, k: usize, t: u32) -> bool {
        if !self.up[l] {
            return false;
        }
        let Some(acc) = self.end_acc[l][k] else {
            return false;
        };
        if self.local[l][k].contains(&t) {
            return true;
        }
        if self.sub_mask[l][k].has(t) {
            return false;
        }
        let end = &self.ends[l][k];
        let x = at(topo, l, k);
        let to_cluster = peer_cluster(model, topo, l, k);
        if to_cluster.is_none() {
            if let Some(c) = self.counts.get(&(x.0, acc)) {
                // Counts exist only where `x` forwards interest, so the end towards `x` is stored.
                let have = if end.spoke { c.hub(t) } else { c.all(t) - self.accepted[l][1 - k].contains(&t) as u32 };
                if have > 0 {
                    return true;
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
                if self.end_acc[l2][k2] != Some(acc)
                    || (end.spoke && e2.spoke)
                    || peer_cluster(model, topo, l2, k2) == to_cluster
                {
                    continue;
                }
                // `x` has two links here: the end towards it is stored.
                if self.accepted[l2][1 - k2].contains(&t) {
                    return true;
                }
            }
        }
        if !end.spoke {
            for w in &self.peers[x.0 as usize] {
                if self.counts.get(&(w.0, acc)).is_some_and(|c| c.all(t) > 0) {
                    return true;
                }
            }
        }
        false
    }

    pub fn compute(model: &Model, topo: &Topology, version: NatsVersion) -> State {
        let mut topics: Vec<Option<String>> = vec![None];
        let mut domains: BTreeSet<String> = Default::default();
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
        let topic_index: HashMap<String, usize> =
            topics.iter().enumerate().filter_map(|(i, t)| t.clone().map(|d| (d, i))).collect();
        let ends_v: Vec<[End; 2]> = topo
            .leaf_links
            .iter()
            .map(|l| {
                let (a, b) = ends(model, topo, l, version);
                [a, b]
            })
            .collect();
        let n = topo.leaf_links.len();
        let ni = topo.instances.len();
        let mut accounts: HashMap<String, u32> = HashMap::new();
        let end_acc: Vec<[Option<u32>; 2]> = ends_v
            .iter()
            .map(|e| {
                let mut id = |a: &Option<String>| {
                    a.as_ref().map(|a| {
                        let next = accounts.len() as u32;
                        *accounts.entry(a.clone()).or_insert(next)
                    })
                };
                [id(&e[0].account), id(&e[1].account)]
            })
            .collect();
        let peers: Vec<Vec<InstanceId>> = topo
            .instances
            .iter()
            .map(|i| topo.route_peers(i.id).into_iter().chain(topo.gateway_peers(i.id)).collect())
            .collect();
        let fan_out: Vec<bool> = topo
            .instances
            .iter()
            .map(|i| topo.leaf_links_of(i.id).nth(1).is_some() || !peers[i.id.0 as usize].is_empty())
            .collect();
        let lazy: Vec<[bool; 2]> =
            (0..n).map(|l| [!fan_out[peer(topo, l, 0).0 as usize], !fan_out[peer(topo, l, 1).0 as usize]]).collect();
        let mut stored_at: Vec<Vec<(usize, usize)>> = vec![Vec::new(); ni];
        for i in &topo.instances {
            for (l, _) in topo.leaf_links_of(i.id) {
                let k = side_of(topo, l, i.id);
                if !lazy[l][k] {
                    stored_at[i.id.0 as usize].push((l, k));
                }
            }
        }
        let mut st = State {
            version,
            topics,
            topic_index,
            ends: ends_v,
            up: vec![true; n],
            flaps: Vec::new(),
            end_acc,
            accounts,
            lazy,
            fan_out,
            peers,
            stored_at,
            sys_links: Vec::new(),
            local: Vec::new(),
            pub_mask: Vec::new(),
            sub_mask: Vec::new(),
            sent: Vec::new(),
            accepted: Vec::new(),
            accepting: HashMap::new(),
            counts: HashMap::new(),
            groups: Groups::default(),
        };
        let mut cache: HashMap<Vec<String>, Arc<Vec<u32>>> = HashMap::new();
        let t = crate::timings::phase("sim-setup");
        st.pub_mask = (0..n).map(|l| [0, 1].map(|k| st.mask(&st.ends[l][k], false, &mut cache))).collect();
        st.sub_mask = (0..n).map(|l| [0, 1].map(|k| st.mask(&st.ends[l][k], true, &mut cache))).collect();
        st.local = (0..n).map(|l| [0, 1].map(|k| st.local_topics(model, topo, l, k))).collect();
        drop(t);
        let t = crate::timings::phase("sim-fixpoint");
        loop {
            st.propagate(model, topo);
            let flaps = st.find_flaps(model, topo);
            if flaps.is_empty() {
                break;
            }
            for f in flaps {
                st.up[f.link] = false;
                st.flaps.push(f);
            }
        }
        st.sys_links = topo
            .instances
            .iter()
            .map(|i| {
                let Some(sys) = facts::sys_account(model.server(i.server)) else {
                    return Vec::new();
                };
                topo.leaf_links_of(i.id)
                    .map(|(l, _)| l)
                    .filter(|l| st.up[*l] && st.ends[*l][side_of(topo, *l, i.id)].account.as_deref() == Some(sys))
                    .collect()
            })
            .collect();
        st.accepting = st.index_accepting(topo);
        drop(t);
        let _t = crate::timings::phase("sim-groups");
        st.groups = groups::build(model, topo, &st.ends, &st.up);
        st
    }

    /// Topics whose subject the end denies (pub or sub).
    fn mask(&self, end: &End, sub: bool, cache: &mut HashMap<Vec<String>, Arc<Vec<u32>>>) -> Mask {
        let domain = if sub {
            None
        } else {
            end.block_domain.as_deref().and_then(|d| self.topic_index.get(d)).map(|i| *i as u32)
        };
        let user = if sub { &end.user_sub_deny } else { &end.user_pub_deny };
        let user = if user.is_empty() {
            Arc::default()
        } else {
            cache
                .entry(user.clone())
                .or_insert_with(|| {
                    let hit = |t: &u32| {
                        let subj = self.subject(*t as usize);
                        user.iter().any(|p| matches(p, &subj))
                    };
                    Arc::new((0..self.topics.len() as u32).filter(hit).collect())
                })
                .clone()
        };
        Mask { api: end.deny_api, domain, user }
    }

    /// Local sources of side `k` of link `l`: service imports and mappings, filtered by the sub deny
    /// on the spoke side only.
    fn local_topics(&self, model: &Model, topo: &Topology, l: usize, k: usize) -> Vec<u32> {
        let end = &self.ends[l][k];
        let Some(acc) = end.account.as_deref() else {
            return Vec::new();
        };
        let s = model.server(topo.instance(at(topo, l, k)).server);
        let mut v = Vec::new();
        let api = if is_sys(s, acc) { s.js_enabled() } else { has_api_import(s, acc) };
        if api {
            v.push(0);
        }
        if let Some(i) = mapped_domain(s, acc, self.version).and_then(|d| self.topic_index.get(d)) {
            v.push(*i as u32);
        }
        v.sort_unstable();
        v.dedup();
        if end.spoke {
            v.retain(|t| !self.sub_mask[l][k].has(*t));
        }
        v
    }

    /// The least fixpoint of the advertisements over the links that are up, topic by topic.
    fn propagate(&mut self, model: &Model, topo: &Topology) {
        let n = topo.leaf_links.len();
        self.sent = vec![[BTreeSet::new(), BTreeSet::new()]; n];
        self.accepted = vec![[BTreeSet::new(), BTreeSet::new()]; n];
        self.counts.clear();
        let mut queue: VecDeque<(usize, usize, u32)> = VecDeque::new();
        let mut queued: HashSet<(usize, usize, u32)> = HashSet::new();
        for l in 0..n {
            for k in 0..2 {
                if self.up[l] && !self.lazy[l][k] {
                    for &t in &self.local[l][k] {
                        queued.insert((l, k, t));
                        queue.push_back((l, k, t));
                    }
                }
            }
        }
        while let Some((l, k, t)) = queue.pop_front() {
            queued.remove(&(l, k, t));
            let s = self.gather(model, topo, l, k, t);
            if s == self.sent[l][k].contains(&t) {
                continue;
            }
            if s {
                self.sent[l][k].insert(t);
            } else {
                self.sent[l][k].remove(&t);
            }
            let a = s && !self.pub_mask[l][1 - k].has(t);
            if a == self.accepted[l][k].contains(&t) {
                continue;
            }
            if a {
                self.accepted[l][k].insert(t);
            } else {
                self.accepted[l][k].remove(&t);
            }
            // Update the receiver's counts and requeue the stored ends whose advertisements depend on them.
            let y = peer(topo, l, k);
            let Some(yacc) = self.end_acc[l][1 - k] else {
                continue;
            };
            if self.fan_out[y.0 as usize] {
                let c = self.counts.entry((y.0, yacc)).or_default();
                bump(&mut c.all, t, a);
                if !self.ends[l][1 - k].spoke {
                    bump(&mut c.hub, t, a);
                }
            }
            let mut requeue = |inst: InstanceId, skip: Option<usize>| {
                for &(l2, k2) in &self.stored_at[inst.0 as usize] {
                    if Some(l2) == skip || !self.up[l2] || self.end_acc[l2][k2] != Some(yacc) {
                        continue;
                    }
                    if queued.insert((l2, k2, t)) {
                        queue.push_back((l2, k2, t));
                    }
                }
            };
            requeue(y, Some(l));
            for w in &self.peers[y.0 as usize] {
                requeue(*w, None);
            }
        }
    }

    /// Links whose hub side receives a literal `LS+` it denies: it closes them (Protocol Violation).
    fn find_flaps(&self, model: &Model, topo: &Topology) -> Vec<Flap> {
        let mut out = Vec::new();
        for l in 0..topo.leaf_links.len() {
            if !self.up[l] {
                continue;
            }
            let h = if self.ends[l][0].spoke { 1 } else { 0 };
            if self.ends[l][h].spoke {
                continue;
            }
            let pm = &self.pub_mask[l][h];
            let first = if self.lazy[l][1 - h] {
                pm.sorted().into_iter().find(|t| self.sends(model, topo, l, 1 - h, *t))
            } else {
                self.sent[l][1 - h].iter().copied().find(|t| pm.has(*t))
            };
            if let Some(t) = first {
                let link = &topo.leaf_links[l];
                let hub = if h == 0 { link.from } else { link.to };
                out.push(Flap { link: l, hub, subject: self.subject(t as usize) });
            }
        }
        out
    }
}
