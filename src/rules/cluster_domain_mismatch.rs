//! `cluster-domain-mismatch`: servers of one cluster (or supercluster) with different JetStream domains.

use crate::diagnostic::Diagnostic;
use crate::model::ServerId;
use crate::rules::Context;
use crate::topology::spans;
use std::collections::{BTreeMap, BTreeSet};

crate::declare_rule! {
    /// ## What it does
    /// Flags a JetStream-enabled server whose `jetstream { domain }` differs from the other
    /// JetStream servers it is routed to (same cluster, or clusters joined by gateways).
    ///
    /// ## Why is this bad?
    /// nats-server does not enforce one domain per cluster: routes still form and one meta group
    /// forms, so the meta leader answers every request with *its* domain in the reply, and
    /// `$JS.<domain of another member>.API` gets no responders because mappings are neither applied
    /// on route ingress nor propagated over routes (truth/jetstream-leafnodes.md §0 rule 7, §1.7,
    /// decision table row 25, experiment t14). Peers with another domain show up as "Server name unknown".
    ///
    /// ## Example
    /// ```nats title="c1.conf"
    /// server_name: c1
    /// jetstream { domain: x }
    /// cluster { name: C, listen: "c1:6222", routes: [nats-route://c2:6222, nats-route://c3:6222] }
    /// ```
    /// ```nats title="c2.conf"
    /// server_name: c2
    /// jetstream { domain: x }
    /// cluster { name: C, listen: "c2:6222", routes: [nats-route://c1:6222, nats-route://c3:6222] }
    /// ```
    /// ```nats title="c3.conf"
    /// server_name: c3
    /// jetstream { domain: y }   # c1 and c2 use domain x
    /// cluster { name: C, listen: "c3:6222", routes: [nats-route://c1:6222, nats-route://c2:6222] }
    /// ```
    ///
    /// ## How to fix
    /// Give every server of the cluster the same `domain` (the docs: "every server in a cluster and
    /// super cluster needs to have the same domain name").
    pub(crate) static META = {
        name: "cluster-domain-mismatch",
        summary: "servers of one cluster have different JetStream domains",
        severity: Error,
    }
}

pub(crate) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let topo = cx.topology;
    // Supercluster -> JetStream servers in it.
    let mut by_sc: BTreeMap<usize, BTreeSet<ServerId>> = BTreeMap::new();
    for inst in &topo.instances {
        let s = cx.model.server(inst.server);
        if !s.js_enabled() {
            continue;
        }
        if let Some(c) = topo.cluster_of[inst.id.0 as usize] {
            by_sc.entry(topo.supercluster_of[c]).or_default().insert(s.id);
        }
    }
    for (sc, servers) in by_sc {
        let dom = |id: &ServerId| cx.model.server(*id).js_domain().unwrap_or("").to_string();
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for id in &servers {
            *counts.entry(dom(id)).or_default() += 1;
        }
        if counts.len() < 2 {
            continue;
        }
        // The domain most members use is taken as the intended one (ties: the first in sort order).
        let majority =
            counts.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))).map(|(d, _)| d.clone()).unwrap_or_default();
        let cluster_name = topo
            .clusters
            .iter()
            .enumerate()
            .find(|(i, _)| topo.supercluster_of[*i] == sc)
            .and_then(|(_, c)| c.name.clone())
            .unwrap_or_else(|| "(unnamed)".into());
        let show = |d: &str| {
            if d.is_empty() {
                "no domain".to_string()
            } else {
                format!("domain `{d}`")
            }
        };
        for id in &servers {
            let d = dom(id);
            if d == majority {
                continue;
            }
            let s = cx.model.server(*id);
            let mut diag = Diagnostic::new(
                &META,
                spans::domain(s),
                format!(
                    "`{}` runs JetStream {} but the rest of cluster `{cluster_name}` uses {}",
                    s.label,
                    if d.is_empty() { "without a domain".to_string() } else { format!("with domain `{d}`") },
                    show(&majority)
                ),
            )
            .with_label(format!("{} differs from the cluster", show(&d)))
            .with_help(format!(
                "set the same `jetstream {{ domain }}` on every server of cluster `{cluster_name}`: the meta leader answers for all of them and `{}` gets no responders from members with another domain",
                crate::jetstream::api_prefix(Some(&d))
            ));
            for other in servers.iter().filter(|o| dom(o) != d) {
                let o = cx.model.server(*other);
                diag = diag
                    .with_related(spans::domain(o), format!("cluster member `{}` has {}", o.label, show(&dom(other))));
            }
            out.push(diag);
        }
    }
}
