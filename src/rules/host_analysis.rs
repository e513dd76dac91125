//! Shared by the host rules (`host-*`, `js-home-unreachable`): for each wasmCloud host, the server
//! its control connection reaches, its account, and which JetStream answers its lattice-data
//! requests (`$JS.<d>.API` with `WASMCLOUD_JS_DOMAIN`, `$JS.API`/`$KV.` without), per
//! truth/jetstream-leafnodes.md §4.1 and §5 rule 1. Not a rule itself.

use crate::jetstream::clients::{host_entry, server_at_in};
use crate::jetstream::{Outcome, Resolution, Simulator};
use crate::model::{Host, Model, ServerId};
use crate::rules::Context;
use crate::topology::{InstanceId, Node, Topology};
use std::collections::BTreeSet;

/// What a host's control connection reaches.
pub struct HostView<'a> {
    pub host: &'a Host,
    /// The server the ctl connection lands on (the pod's sidecar for operator hosts).
    pub server: Option<ServerId>,
    pub entry: Option<InstanceId>,
    /// The account it logs into; `None` when it cannot be told from the files.
    pub account: Option<String>,
    /// Who answers `$JS.<domain>.API` (or `$JS.API`) from there, when server and account are known.
    pub home: Option<Resolution>,
}

/// One view per host, in model order.
pub(crate) fn hosts<'a>(model: &'a Model, topology: &'a Topology, sim: &Simulator) -> Vec<HostView<'a>> {
    model
        .hosts
        .iter()
        .map(|h| {
            let server = h.sidecar.or_else(|| server_at_in(model, &topology.index, &h.locality, &h.ctl));
            let entry = host_entry(model, topology, h);
            let (entry_id, account) = match entry {
                Some((i, a)) => (Some(i), a),
                None => (None, None),
            };
            let home = match (entry_id, &account) {
                (Some(i), Some(a)) => Some(sim.resolve(i, a, h.js_domain.as_ref().map(|d| d.value.as_str()))),
                _ => None,
            };
            HostView { host: h, server, entry: entry_id, account, home }
        })
        .collect()
}

/// Every JetStream domain some server declares, sorted.
pub(crate) fn declared_domains(model: &Model) -> BTreeSet<String> {
    model.servers.iter().filter(|s| s.js_enabled()).filter_map(|s| s.js_domain().map(str::to_string)).collect()
}

/// At most this many domains are named in one finding's help (a fleet declares thousands).
pub(crate) const LISTED: usize = 5;

/// At most this many declared domains, nearest first, are tried for one finding's help, so that the
/// help costs the same in a fleet of 100,000 servers as in a lab of three.
pub(crate) const TRIED: usize = 64;

/// Up to [`LISTED`] domains that would get exactly one answer from the host's entry point, chosen
/// nearest first among [`TRIED`] ([`domains_near`]) and sorted by name.
pub(crate) fn working_domains(cx: &Context, sim: &Simulator, v: &HostView) -> Vec<String> {
    let (Some(entry), Some(acc)) = (v.entry, &v.account) else {
        return Vec::new();
    };
    let mut works: Vec<String> = domains_near(cx, entry, TRIED)
        .into_iter()
        .filter(|d| sim.resolve(entry, acc, Some(d)).outcome == Outcome::Answered)
        .take(LISTED)
        .collect();
    works.sort();
    works
}

/// The JetStream domains declared by servers connected to `entry` (through routes, gateways or leaf
/// connections, in either direction), nearest first (breadth-first, ties by graph order), each once,
/// at most `limit`.
pub(crate) fn domains_near(cx: &Context, entry: InstanceId, limit: usize) -> Vec<String> {
    let graph = &cx.topology.graph;
    let start = cx.topology.nodes[entry.0 as usize];
    let mut seen = vec![false; graph.node_count()];
    seen[start.index()] = true;
    let mut queue = std::collections::VecDeque::from([start]);
    let mut out: Vec<String> = Vec::new();
    while let Some(n) = queue.pop_front() {
        if let Node::Server(i) = &graph[n] {
            let s = cx.model.server(cx.topology.instance(*i).server);
            if let (true, Some(d)) = (s.js_enabled(), s.js_domain()) {
                if !out.iter().any(|o| o == d) {
                    out.push(d.to_string());
                    if out.len() >= limit {
                        break;
                    }
                }
            }
        }
        let mut next: Vec<_> = graph.neighbors_undirected(n).filter(|m| !seen[m.index()]).collect();
        next.sort();
        next.dedup();
        for m in next {
            seen[m.index()] = true;
            queue.push_back(m);
        }
    }
    out
}

/// The weakly connected component of every instance (hosts of unrelated deployments are never compared).
pub(crate) fn components(topo: &Topology) -> Vec<usize> {
    let n = topo.instances.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    let node_to_inst: std::collections::HashMap<petgraph::graph::NodeIndex, usize> =
        topo.nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    for e in topo.graph.raw_edges() {
        if let (Some(&a), Some(&b)) = (node_to_inst.get(&e.source()), node_to_inst.get(&e.target())) {
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            if ra != rb {
                parent[ra] = rb;
            }
        }
    }
    (0..n).map(|i| find(&mut parent, i)).collect()
}

/// `a`, `b` and `c` → "`a`, `b`, `c`".
pub(crate) fn list(items: &[String]) -> String {
    items.iter().map(|d| format!("`{d}`")).collect::<Vec<_>>().join(", ")
}

/// True when `server` has a leaf remote that resolves to nothing in the scanned files.
pub(crate) fn leaves_scan(cx: &Context, server: ServerId) -> bool {
    cx.topology.leaves_scan(server)
}
