//! `cluster-name-collision`: unrouted servers sharing a cluster name behind one hub (or with the hub).

use crate::diagnostic::Diagnostic;
use crate::model::ServerId;
use crate::rules::Context;
use crate::topology::spans;
use crate::topology::InstanceId;
use std::collections::{BTreeMap, BTreeSet, HashMap};

crate::declare_rule! {
    /// ## What it does
    /// Flags servers that announce the same cluster name without being routed together when they
    /// leaf-connect to one hub (or the hub itself has that name), and servers that share a cluster
    /// name and a JetStream domain but never form the cluster (no cluster listener, or routes that
    /// do not join them).
    ///
    /// ## Why is this bad?
    /// A leaf connection carries the spoke's cluster name. The hub never sends a message or interest
    /// that came from cluster `X` back to another leaf connection of cluster `X` ("cluster wide no
    /// echo", nats-server client.go / leafnode.go `remoteCluster`), so two unrouted servers with one
    /// cluster name cannot reach each other through the hub, and `$JS.<domain>.API` requests between
    /// them get no responders. A leaf with the hub's own cluster name is refused
    /// (`ErrLeafNodeHasSameClusterName`) and retries every 30 s. Servers that share a name and a
    /// domain but are not routed are separate JetStreams claiming one domain
    /// (truth/jetstream-leafnodes.md §0 rule 3, §5 rule 3).
    ///
    /// ## Example
    /// ```nats title="store1.conf"
    /// server_name: store1
    /// cluster { name: stores }          # store2 uses the same name, with no routes between the two
    /// leafnodes { remotes: [ { url: "nats-leaf://hub:7422" } ] }
    /// ```
    /// ```nats title="store2.conf"
    /// server_name: store2
    /// cluster { name: stores }
    /// leafnodes { remotes: [ { url: "nats-leaf://hub:7422" } ] }
    /// ```
    /// ```nats title="hub.conf"
    /// server_name: hub
    /// leafnodes { listen: "hub:7422" }
    /// ```
    ///
    /// ## How to fix
    /// Give each unrouted server its own cluster name (or none), or route them into one real cluster.
    pub(crate) static META = {
        name: "cluster-name-collision",
        summary: "unrouted servers share a cluster name behind one hub",
        severity: Warning,
    }
}

fn cluster_name<'a>(cx: &Context<'a>, id: ServerId) -> Option<&'a str> {
    cx.model
        .server(id)
        .cluster
        .as_ref()
        .and_then(|c| c.name.as_ref())
        .map(|n| n.value.as_str())
        .filter(|n| !n.is_empty())
}

pub(crate) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let topo = cx.topology;
    let model = cx.model;
    // The "route group" of an instance: its cluster, or itself when it has none.
    let group = |i: InstanceId| topo.cluster_of[i.0 as usize].map(|c| c as i64).unwrap_or(-(i.0 as i64) - 1);
    let mut reported: BTreeSet<ServerId> = BTreeSet::new();
    // 1. Leafs announcing the hub's own cluster name.
    for link in &topo.leaf_links {
        let (a, b) = (topo.instance(link.from), topo.instance(link.to));
        if let (Some(na), Some(nb)) = (cluster_name(cx, a.server), cluster_name(cx, b.server)) {
            if na == nb && group(a.id) != group(b.id) && reported.insert(a.server) {
                let (sa, sb) = (model.server(a.server), model.server(b.server));
                out.push(
                    Diagnostic::new(
                        &META,
                        spans::cluster_name(sa),
                        format!("`{}` has the cluster name `{na}` of its hub `{}`", sa.label, sb.label),
                    )
                    .with_label("same cluster name as the hub")
                    .with_help("the hub refuses leaf connections with its own cluster name; rename this cluster")
                    .with_related(spans::cluster_name(sb), format!("cluster `{nb}` of `{}`", sb.label)),
                );
            }
        }
    }
    // 2. Unrouted spokes with one cluster name behind one hub group.
    let mut behind: BTreeMap<(i64, String), BTreeMap<i64, InstanceId>> = BTreeMap::new();
    for link in &topo.leaf_links {
        let (a, b) = (topo.instance(link.from), topo.instance(link.to));
        if let Some(n) = cluster_name(cx, a.server) {
            behind.entry((group(b.id), n.to_string())).or_default().entry(group(a.id)).or_insert(a.id);
        }
    }
    for ((_, name), spokes) in behind {
        if spokes.len() < 2 {
            continue;
        }
        let insts: Vec<InstanceId> = spokes.values().copied().collect();
        let hub = topo
            .leaf_links
            .iter()
            .find(|l| l.from == insts[0])
            .map(|l| topo.instance(l.to).label.clone())
            .unwrap_or_default();
        for &i in &insts {
            let s = model.server(topo.instance(i).server);
            if !reported.insert(s.id) {
                continue;
            }
            let mut d = Diagnostic::new(
                &META,
                spans::cluster_name(s),
                format!("`{}` and {} other unrouted server(s) announce cluster name `{name}` to `{hub}`", topo.instance(i).label, insts.len() - 1),
            )
            .with_label(format!("cluster `{name}` is not routed to its namesakes"))
            .with_help(format!("`{hub}` never forwards messages or interest from one leaf of cluster `{name}` to another; give each server its own cluster name or route them together"));
            for &o in insts.iter().filter(|o| **o != i) {
                let os = model.server(topo.instance(o).server);
                d = d.with_related(
                    spans::cluster_name(os),
                    format!("`{}` also announces `{name}`", topo.instance(o).label),
                );
            }
            out.push(d);
        }
    }
    // 3. Same cluster name and JetStream domain, never routed together.
    let mut by_name: BTreeMap<(String, String), BTreeMap<i64, InstanceId>> = BTreeMap::new();
    for inst in &topo.instances {
        let s = model.server(inst.server);
        if let (Some(n), Some(d), true) = (cluster_name(cx, s.id), s.js_domain(), s.js_enabled()) {
            by_name.entry((n.to_string(), d.to_string())).or_default().entry(group(inst.id)).or_insert(inst.id);
        }
    }
    let comp = super::host_analysis::components(topo);
    for ((name, domain), members) in by_name {
        if members.len() < 2 {
            continue;
        }
        for insts in related(cx, &comp, members.values().copied().collect()) {
            report_unjoined(cx, &insts, &name, &domain, &mut reported, out);
        }
    }
}

/// Splits namesakes into deployments: instances connected in the topology, or declared in one folder,
/// belong together; unrelated deployments of one scan (two Helm values files) are never compared.
fn related(cx: &Context, comp: &[usize], insts: Vec<InstanceId>) -> Vec<Vec<InstanceId>> {
    let topo = cx.topology;
    let dir = |i: InstanceId| topo.index.dir(cx.model.server(topo.instance(i).server).span.file);
    let mut parent: Vec<usize> = (0..insts.len()).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    let mut by_comp: HashMap<usize, usize> = HashMap::new();
    let mut by_dir: HashMap<&[Box<str>], usize> = HashMap::new();
    for (k, &i) in insts.iter().enumerate() {
        let mut firsts = vec![*by_comp.entry(comp[i.0 as usize]).or_insert(k)];
        if let Some(d) = dir(i) {
            firsts.push(*by_dir.entry(d).or_insert(k));
        }
        for f in firsts {
            let (a, b) = (find(&mut parent, f), find(&mut parent, k));
            parent[a.max(b)] = a.min(b);
        }
    }
    let mut groups: BTreeMap<usize, Vec<InstanceId>> = BTreeMap::new();
    for (k, &i) in insts.iter().enumerate() {
        let r = find(&mut parent, k);
        groups.entry(r).or_default().push(i);
    }
    groups.into_values().filter(|g| g.len() > 1).collect()
}

fn report_unjoined(
    cx: &Context,
    insts: &[InstanceId],
    name: &str,
    domain: &str,
    reported: &mut BTreeSet<ServerId>,
    out: &mut Vec<Diagnostic>,
) {
    let (topo, model) = (cx.topology, cx.model);
    {
        for &i in insts {
            let s = model.server(topo.instance(i).server);
            if !reported.insert(s.id) {
                continue;
            }
            let formed = crate::topology::has_cluster_listener(s);
            let why = if formed {
                "routes do not join them"
            } else {
                "no cluster listener is configured, so routes never form"
            };
            let mut d = Diagnostic::new(
                &META,
                spans::cluster_name(s),
                format!(
                    "servers named as cluster `{name}` with JetStream domain `{domain}` are not one cluster: {why}"
                ),
            )
            .with_label(format!("`{}` is alone in cluster `{name}`", topo.instance(i).label))
            .with_help(
                "set a cluster `listen`/`port` and routes that reach every member, so one JetStream serves the domain",
            );
            for &o in insts.iter().filter(|o| **o != i) {
                let os = model.server(topo.instance(o).server);
                d = d.with_related(
                    spans::cluster_name(os),
                    format!("`{}` also claims cluster `{name}`", topo.instance(o).label),
                );
            }
            out.push(d);
        }
    }
}
