//! `js-domain-duplicate`: several independent JetStreams with one domain, reachable from one point.

use crate::diagnostic::Diagnostic;
use crate::jetstream::map::entry_accounts;
use crate::jetstream::Outcome;
use crate::model::ServerId;
use crate::rules::Context;
use crate::topology::{spans, InstanceId};
use std::collections::{BTreeMap, BTreeSet};

crate::declare_rule! {
    /// ## What it does
    /// Flags JetStream servers that share a domain without being one JetStream (not one cluster,
    /// not extended through the system account) when some server can reach more than one of them
    /// with `$JS.<domain>.API`. This includes replicas of one server (wasmcloud-operator sidecars,
    /// `hostReplicas > 1`): each pod is its own JetStream with the same `leafNodeDomain`.
    ///
    /// ## Why is this bad?
    /// Every JetStream with that domain receives the request and executes it: a single
    /// `STREAM.CREATE` from the hub created the stream on both leafs, with two replies
    /// (truth/jetstream-leafnodes.md §0 rule 3, decision table row 16, experiments t08, t08b, t23;
    /// §5 rule 3).
    ///
    /// ## Example
    /// ```nats title="leafA.conf"
    /// server_name: leafA
    /// jetstream { domain: edge }   # leafB, on the same hub, has domain edge too
    /// leafnodes { remotes: [ { url: "nats-leaf://hub:7422" } ] }
    /// ```
    /// ```nats title="leafB.conf"
    /// server_name: leafB
    /// jetstream { domain: edge }
    /// leafnodes { remotes: [ { url: "nats-leaf://hub:7422" } ] }
    /// ```
    /// ```nats title="hub.conf"
    /// server_name: hub
    /// jetstream { domain: hub }
    /// leafnodes { listen: "hub:7422" }
    /// ```
    ///
    /// ## How to fix
    /// Give each JetStream its own domain (`edge-a`, `edge-b`), or join them with routes into one
    /// cluster. For operator sidecars, avoid addressing `$JS.<leafNodeDomain>.API`.
    pub(crate) static META = {
        name: "js-domain-duplicate",
        summary: "several independent JetStreams share one domain and are reachable from one point",
        severity: Warning,
    }
}

pub(crate) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let topo = cx.topology;
    let sim = cx.simulator;
    // Domains served by at least two JetStream groups.
    let mut groups_by_domain: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for inst in &topo.instances {
        if let (Some(g), Some(d)) = (sim.groups.of[inst.id.0 as usize], model.server(inst.server).js_domain()) {
            groups_by_domain.entry(d.to_string()).or_default().insert(g);
        }
    }
    // (domain, servers answering together) -> (their labels, an entry point that sees them); keyed by id,
    // as unrelated deployments of one scan may repeat labels.
    let mut dups: BTreeMap<(String, BTreeSet<ServerId>), (Vec<String>, String)> = BTreeMap::new();
    // A request from a server with a single connection reaches what its neighbour reaches: only
    // servers joining two or more connections can see two JetStreams (keeps fleets fast). Found once,
    // with the accounts a request can come from there.
    let junctions: Vec<(InstanceId, BTreeSet<String>)> = topo
        .instances
        .iter()
        .filter(|i| topo.leaf_links_of(i.id).take(2).count() + topo.route_peers(i.id).len() >= 2)
        .map(|inst| {
            let mut accounts: BTreeSet<String> = entry_accounts(model.server(inst.server)).into_iter().collect();
            for (l, _) in topo.leaf_links_of(inst.id) {
                let k = usize::from(topo.leaf_links[l].from != inst.id);
                accounts.extend(sim.ends[l][k].account.clone());
            }
            (inst.id, accounts)
        })
        .collect();
    for (domain, _) in groups_by_domain.iter().filter(|(_, g)| g.len() > 1) {
        for (at, accounts) in &junctions {
            for acc in accounts {
                let r = sim.resolve(*at, acc, Some(domain));
                if r.outcome != Outcome::Duplicate
                    || r.racy
                    || r.responders.iter().any(|x| x.domain.as_deref() != Some(domain))
                {
                    continue;
                }
                let servers = r.responder_servers();
                let ids: BTreeSet<ServerId> =
                    r.responders.iter().flat_map(|x| x.instances.iter().map(|i| topo.instance(*i).server)).collect();
                let label = &topo.instance(*at).label;
                dups.entry((domain.clone(), ids)).or_insert((servers, format!("{label} ({acc})")));
            }
        }
    }
    let mut reported: BTreeSet<ServerId> = BTreeSet::new();
    for ((domain, ids), (servers, seen_from)) in dups {
        for id in &ids {
            if !reported.insert(*id) {
                continue;
            }
            let s = model.server(*id);
            let msg = if ids.len() == 1 && s.replicas > 1 {
                format!(
                    "domain `{domain}` is served by each of the {} replicas of `{}`, independent JetStreams",
                    s.replicas, s.label
                )
            } else {
                format!(
                    "domain `{domain}` is served by {} independent JetStreams: {}",
                    servers.len(),
                    servers.iter().map(|x| format!("`{x}`")).collect::<Vec<_>>().join(", ")
                )
            };
            let mut d = Diagnostic::new(&META, spans::domain(s), msg)
                .with_label(format!("domain `{domain}` also used elsewhere"))
                .with_help(format!(
                    "`$JS.{domain}.API` from {seen_from} is executed by every one of them; give each JetStream a unique domain or join them in one cluster"
                ));
            for other in ids.iter().filter(|o| *o != id) {
                let o = model.server(*other);
                d = d.with_related(spans::domain(o), format!("`{}` also has domain `{domain}`", o.label));
            }
            out.push(d);
        }
    }
}
