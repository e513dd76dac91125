//! `host-js-domain-mismatch`: hosts of one lattice keep their lattice data in different JetStreams.

use super::host_analysis::{components, hosts};
use crate::diagnostic::Diagnostic;
use crate::jetstream::{Outcome, Simulator};
use crate::rules::Context;
use std::collections::BTreeMap;

/// (connected component, lattice, ctl prefix, account) → (host index, responders).
type Groups = BTreeMap<(usize, String, String, String), Vec<(usize, Vec<String>)>>;

crate::declare_rule! {
    /// ## What it does
    /// Groups wasmCloud hosts that share a lattice (same `WASMCLOUD_LATTICE`, ctl topic prefix and
    /// NATS account, in one connected deployment) and flags hosts whose lattice-data requests are
    /// answered by a different JetStream than the other hosts'.
    ///
    /// ## Why is this bad?
    /// Links and config are written by one host into *its* `LATTICEDATA`/`CONFIGDATA` bucket and
    /// read by every host from *its own*: hosts with different JetStream homes see different links
    /// and config, silently (truth/jetstream-leafnodes.md §4.1, §5 rule 2).
    ///
    /// ## Example
    /// ```yaml title="docker-compose.yml"
    /// host-a: { environment: { WASMCLOUD_NATS_HOST: edge, WASMCLOUD_JS_DOMAIN: hub } }
    /// host-b: { environment: { WASMCLOUD_NATS_HOST: edge, WASMCLOUD_JS_DOMAIN: edge } }
    /// ```
    ///
    /// ## How to fix
    /// Give every host of the lattice the same `WASMCLOUD_JS_DOMAIN`, naming one JetStream they all reach.
    pub(crate) static META = {
        name: "host-js-domain-mismatch",
        summary: "hosts of one lattice keep their lattice data in different JetStreams",
        severity: Error,
    }
}

pub(crate) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    if cx.model.hosts.len() < 2 {
        return;
    }
    let sim = Simulator::new(cx.model, cx.topology, cx.settings.nats_version);
    let comp = components(cx.topology);
    let views = hosts(cx, &sim);
    // (component, lattice, prefix, account) -> hosts with an answering home
    let mut groups: Groups = BTreeMap::new();
    for (i, v) in views.iter().enumerate() {
        let (Some(entry), Some(acc), Some(res)) = (v.entry, &v.account, &v.home) else {
            continue;
        };
        if !matches!(res.outcome, Outcome::Answered | Outcome::Duplicate) {
            continue;
        }
        let key = (comp[entry.0 as usize], v.host.lattice.value.clone(), v.host.ctl_topic_prefix.clone(), acc.clone());
        groups.entry(key).or_default().push((i, res.responder_servers()));
    }
    for ((_, lattice, _, _), members) in groups {
        // The reference is the JetStream most hosts of the lattice reach (the earliest on a tie).
        let count = |h: &Vec<String>| members.iter().filter(|(_, x)| x == h).count();
        let reference = members.iter().max_by_key(|(i, h)| (count(h), std::cmp::Reverse(*i)));
        let Some((first, first_home)) = reference.cloned() else {
            continue;
        };
        for (i, home) in members.iter() {
            if *home == first_home {
                continue;
            }
            let (v, f) = (&views[*i], &views[first]);
            let span = v.host.js_domain.as_ref().map(|d| d.span).unwrap_or(v.host.span);
            let fdom = f.host.js_domain.as_ref().map(|d| d.value.as_str());
            let mut d = Diagnostic::new(
                META.name,
                span,
                format!(
                    "hosts of lattice `{lattice}` use different JetStreams: `{}` reaches `{}`, `{}` reaches `{}`",
                    v.host.label,
                    home.join("`, `"),
                    f.host.label,
                    first_home.join("`, `")
                ),
            )
            .with_label(match &v.host.js_domain {
                Some(d) => format!("domain `{}` here", d.value),
                None => "no `WASMCLOUD_JS_DOMAIN` here".to_string(),
            })
            .with_related(
                f.host.js_domain.as_ref().map(|d| d.span).unwrap_or(f.host.span),
                format!("host `{}` of the same lattice", f.host.label),
            )
            .with_help(match fdom {
                Some(d) => format!("set `WASMCLOUD_JS_DOMAIN={d}` on every host of lattice `{lattice}` so they share one JetStream"),
                None => format!("give every host of lattice `{lattice}` the same `WASMCLOUD_JS_DOMAIN`, naming one JetStream they all reach"),
            });
            if let Some(s) = v.server {
                let s = cx.model.server(s);
                d = d.with_related(s.span, format!("host `{}` connects to server `{}`", v.host.label, s.label));
            }
            out.push(d);
        }
    }
}
