//! `js-domain-shadowed`: a server reuses the domain of the JetStream it connects to and hides it.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::ServerId;
use crate::rules::Context;
use crate::topology::spans;
use std::collections::BTreeSet;

crate::declare_rule! {
    /// ## What it does
    /// Flags a JetStream server that is not a domain's home (the hub side) but reuses its domain:
    /// directly on a leaf connection to the home, or further down a chain of leaf connections.
    ///
    /// ## Why is this bad?
    /// The nearest domain mapping wins: a server with domain `d` answers `$JS.d.API` itself, so the
    /// home JetStream with the same domain is unreachable by domain from there (truth/jetstream-leafnodes.md
    /// §0 rule 3, decision table row 1, experiment t01). When the reuse sits behind a server with
    /// another domain (or without JetStream), the home receives the literal `LS+ $JS.d.API.*`
    /// interest, which violates its own outgoing block, and closes the leaf connection with a
    /// Protocol Violation at every reconnect: the link flaps (§0 rule 4, row 19, experiments t11, t11b;
    /// reported as an error).
    ///
    /// ## Example
    /// ```nats title="leaf.conf"
    /// server_name: leaf
    /// jetstream { domain: hub }   # the hub it dials also has domain hub
    /// leafnodes { remotes: [ { url: "nats-leaf://hub:7422" } ] }
    /// ```
    /// ```nats title="hub.conf"
    /// server_name: hub
    /// jetstream { domain: hub }
    /// leafnodes { listen: "hub:7422" }
    /// ```
    ///
    /// ## How to fix
    /// Give the leaf its own domain (`jetstream { domain: edge }`). If the leaf is meant to extend
    /// the hub's JetStream, bind the system account too, cluster the hub and set
    /// `extension_hint: will_extend` on the leaf.
    pub(crate) static META = {
        name: "js-domain-shadowed",
        summary: "a server reuses the JetStream domain of its hub and hides it",
        severity: Warning,
    }
}

pub(crate) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let topo = cx.topology;
    let sim = cx.simulator;
    let mut reported: BTreeSet<(ServerId, ServerId)> = BTreeSet::new();
    // A link whose hub closes it: the reusing server(s) are those answering the hub's domain from the spoke side.
    for f in &sim.flaps {
        let link = &topo.leaf_links[f.link];
        let hub = model.server(topo.instance(f.hub).server);
        let spoke_inst = if link.from == f.hub { link.to } else { link.from };
        let spoke = model.server(topo.instance(spoke_inst).server);
        let Some(domain) = f.subject.strip_prefix("$JS.").and_then(|r| r.strip_suffix(".API.INFO")) else {
            continue;
        };
        let k = if link.from == spoke_inst { 0 } else { 1 };
        let Some(acc) = sim.ends[f.link][k].account.clone() else {
            continue;
        };
        let r = sim.resolve(spoke_inst, &acc, Some(domain));
        for resp in &r.responders {
            for i in &resp.instances {
                let shadow = model.server(topo.instance(*i).server);
                if !reported.insert((shadow.id, hub.id)) {
                    continue;
                }
                let d = Diagnostic::new(
                    &META,
                    spans::domain(shadow),
                    format!(
                        "`{}` reuses JetStream domain `{domain}` of `{}` behind `{}`: `{}` closes the leaf connection from `{}` at every reconnect",
                        shadow.label, hub.label, spoke.label, hub.label, spoke.label
                    ),
                )
                .with_severity(Severity::Error)
                .with_label(format!("domain `{domain}` belongs to `{}`", hub.label))
                .with_help(format!(
                    "give `{}` its own domain: `{}` receives `LS+ {}` through `{}`, which violates its outgoing block `$JS.{domain}.API.>` (Protocol Violation), and `$JS.{domain}.API` from `{}` is answered by `{}`",
                    shadow.label, hub.label, f.subject, spoke.label, spoke.label, shadow.label
                ))
                .with_related(spans::domain(hub), format!("home of domain `{domain}`"))
                .with_related(spans::remote(spoke, topo.remotes[link.remote].index), "this leaf connection flaps".to_string());
                out.push(d);
            }
        }
    }
    // Pairs sharing an undenied system-account link: that is `js-system-account-split`.
    let split: BTreeSet<(ServerId, ServerId)> = topo
        .leaf_links
        .iter()
        .enumerate()
        .filter(|(li, _)| !sim.ends[*li][0].deny_api && !sim.ends[*li][1].deny_api)
        .map(|(_, l)| (topo.instance(l.from).server, topo.instance(l.to).server))
        .collect();
    // Direct reuse: the soliciting side has the accepting side's domain.
    for link in &topo.leaf_links {
        let (a, b) = (topo.instance(link.from), topo.instance(link.to));
        let (leaf, hub) = (model.server(a.server), model.server(b.server));
        let (Some(dl), Some(dh)) = (leaf.js_domain(), hub.js_domain()) else {
            continue;
        };
        if dl != dh || !leaf.js_enabled() || !hub.js_enabled() || a.server == b.server {
            continue;
        }
        let (ga, gb) = (sim.groups.of[a.id.0 as usize], sim.groups.of[b.id.0 as usize]);
        if ga == gb {
            continue;
        }
        if split.contains(&(a.server, b.server)) {
            continue;
        }
        if !reported.insert((leaf.id, hub.id)) {
            continue;
        }
        let d = Diagnostic::new(
            &META,
            spans::domain(leaf),
            format!(
                "`{}` reuses JetStream domain `{dl}` of its hub `{}`: `$JS.{dl}.API` from `{}` never reaches `{}`",
                leaf.label, hub.label, leaf.label, hub.label
            ),
        )
        .with_label(format!("domain `{dl}` belongs to `{}`", hub.label))
        .with_help(format!(
            "give `{}` its own domain; the nearest mapping wins, so `{}` answers `$JS.{dl}.API` itself",
            leaf.label, leaf.label
        ))
        .with_related(spans::domain(hub), format!("home of domain `{dl}`"));
        out.push(d);
    }
}
