//! `js-system-account-split`: a shared system account with equal domains but two JetStreams.

use crate::diagnostic::Diagnostic;
use crate::model::ServerId;
use crate::rules::Context;
use crate::topology::spans;
use std::collections::BTreeSet;

crate::declare_rule! {
    /// ## What it does
    /// Flags a leaf connection that binds the system account on both ends between two JetStream
    /// servers with equal domains (including both without a domain) that do not actually join one
    /// meta group: both are standalone, the hub is not clustered, or the leaf is standalone without
    /// `extension_hint: will_extend`.
    ///
    /// ## Why is this bad?
    /// With a shared system account and equal domains nats-server installs no JetStream denies on the
    /// system-account connection, so both JetStreams' API subscriptions see every request that
    /// enters the system account: both execute it (a `STREAM.CREATE` ran on both servers) and the
    /// requester sees a race of replies (truth/jetstream-leafnodes.md §0 rule 5, §1.5, decision table
    /// rows 3-4, experiments t03, t03b, t22; §5 rule 4).
    ///
    /// ## Example
    /// ```nats title="leaf.conf"
    /// server_name: leaf
    /// jetstream { domain: core }   # the standalone hub also has domain core
    /// accounts { ACC: { jetstream: enabled }, SYS: {} }
    /// system_account: SYS
    /// leafnodes { remotes: [
    ///   { url: "nats-leaf://acc:pw@hub:7422", account: ACC }
    ///   { url: "nats-leaf://sys:pw@hub:7422", account: SYS }
    /// ] }
    /// ```
    /// ```nats title="hub.conf"
    /// server_name: hub
    /// jetstream { domain: core }
    /// accounts {
    ///   ACC: { users: [ { user: acc, password: pw } ], jetstream: enabled }
    ///   SYS: { users: [ { user: sys, password: pw } ] }
    /// }
    /// system_account: SYS
    /// leafnodes { listen: "hub:7422" }
    /// ```
    ///
    /// ## How to fix
    /// Either give the two servers different domains (then the system account is denied JetStream
    /// traffic and each JetStream is addressed by its domain), or extend the hub's JetStream for real:
    /// run the hub clustered and set `extension_hint: will_extend` on the leaf.
    pub(crate) static META = {
        name: "js-system-account-split",
        summary: "a shared system account with equal domains makes two JetStreams execute every request",
        severity: Error,
    }
}

pub(crate) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let topo = cx.topology;
    let sim = cx.simulator;
    let mut reported: BTreeSet<(ServerId, ServerId)> = BTreeSet::new();
    for (li, link) in topo.leaf_links.iter().enumerate() {
        let [a, b] = &sim.ends[li];
        if a.deny_api || b.deny_api || !sim.up[li] {
            continue;
        }
        let (ia, ib) = (topo.instance(link.from), topo.instance(link.to));
        let (leaf, hub) = (model.server(ia.server), model.server(ib.server));
        if !leaf.js_enabled() || !hub.js_enabled() {
            continue;
        }
        let sys = crate::jetstream::facts::sys_account;
        if a.account.as_deref() != sys(leaf) || b.account.as_deref() != sys(hub) {
            continue;
        }
        let (ga, gb) = (sim.groups.of[ia.id.0 as usize], sim.groups.of[ib.id.0 as usize]);
        if ga == gb || !reported.insert((leaf.id, hub.id)) {
            continue;
        }
        let domain = match leaf.js_domain() {
            Some(d) => format!("the same JetStream domain `{d}`"),
            None => "no JetStream domain on either side".to_string(),
        };
        let why = if !crate::jetstream::facts::clustered(hub) {
            format!("`{}` is not clustered", hub.label)
        } else {
            format!("`{}` is standalone without `extension_hint: will_extend`", leaf.label)
        };
        let idx = topo.remotes[link.remote].index;
        let d = Diagnostic::new(
            &META,
            spans::domain(leaf),
            format!(
                "`{}` and `{}` share the system account with {domain} but stay two JetStreams ({why})",
                leaf.label, hub.label
            ),
        )
        .with_label("both JetStreams execute every `$JS.API` request".to_string())
        .with_help(format!(
            "give `{}` and `{}` different domains, or cluster `{}` and set `extension_hint: will_extend` on `{}`",
            leaf.label, hub.label, hub.label, leaf.label
        ))
        .with_related(spans::remote_account(leaf, idx), "binds the system account".to_string())
        .with_related(spans::domain(hub), format!("JetStream of `{}`", hub.label));
        out.push(d);
    }
}
