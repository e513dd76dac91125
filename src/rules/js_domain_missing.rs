//! `js-domain-missing`: a JetStream without a domain behind a leaf connection to another JetStream.

use crate::diagnostic::Diagnostic;
use crate::model::ServerId;
use crate::rules::Context;
use crate::topology::resolve::Target;
use crate::topology::spans;
use std::collections::BTreeMap;

crate::declare_rule! {
    /// ## What it does
    /// Flags a JetStream-enabled server without `jetstream { domain }` that is leaf-connected to
    /// another JetStream (in the scanned files, or outside them such as NGS), unless both are one
    /// JetStream through system-account extension.
    ///
    /// A JetStream hub without a domain whose leafs have no JetStream (decision table row 7) is not
    /// flagged: the hub's own clients reach it and nothing on the leafs is known to need it. A
    /// wasmCloud host on such a leaf is reported by `host-js-domain-missing`, whose help asks for a
    /// domain on the hub.
    ///
    /// ## Why is this bad?
    /// Unprefixed `$JS.API` never crosses a leaf connection bound to a user account, so the only
    /// way to reach a JetStream across a leaf is `$JS.<domain>.API`: a JetStream without a domain
    /// cannot be addressed from the other side (truth/jetstream-leafnodes.md §0 rules 1-2, decision
    /// table rows 2, 13 and 14: "L not addressable").
    ///
    /// ## Example
    /// ```nats title="leaf.conf"
    /// server_name: leaf
    /// jetstream {}                       # no domain
    /// leafnodes { remotes: [ { url: "nats-leaf://hub:7422" } ] }   # hub has JetStream
    /// ```
    /// ```nats title="hub.conf"
    /// server_name: hub
    /// jetstream { domain: hub }
    /// leafnodes { listen: "hub:7422" }
    /// ```
    ///
    /// ## How to fix
    /// Set a domain unique in the deployment: `jetstream { domain: edge1 }`, and address it as
    /// `$JS.edge1.API` (wasmCloud: `WASMCLOUD_JS_DOMAIN`, wadm: `WADM_JETSTREAM_DOMAIN`).
    pub(crate) static META = {
        name: "js-domain-missing",
        summary: "a JetStream without a domain is leaf-connected to another JetStream",
        severity: Warning,
    }
}

pub(crate) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let topo = cx.topology;
    let sim = cx.simulator;
    // server without a domain -> (span, message) of each JetStream across a leaf connection
    let mut found: BTreeMap<ServerId, Vec<(crate::span::Span, String)>> = BTreeMap::new();
    let missing = |id: ServerId| {
        let s = model.server(id);
        s.js_enabled() && s.js_domain().is_none()
    };
    for link in &topo.leaf_links {
        let (a, b) = (topo.instance(link.from), topo.instance(link.to));
        let (sa, sb) = (model.server(a.server), model.server(b.server));
        if !sa.js_enabled() || !sb.js_enabled() || a.server == b.server {
            continue;
        }
        let same = sim.groups.of[a.id.0 as usize].is_some()
            && sim.groups.of[a.id.0 as usize] == sim.groups.of[b.id.0 as usize];
        if same {
            continue;
        }
        for (x, y) in [(sa, sb), (sb, sa)] {
            if missing(x.id) {
                let what = match y.js_domain() {
                    Some(d) => format!("leaf-connected JetStream `{}` (domain `{d}`)", y.label),
                    None => format!("leaf-connected JetStream `{}`", y.label),
                };
                found.entry(x.id).or_default().push((spans::jetstream(y), what));
            }
        }
    }
    for rs in &topo.remotes {
        if rs.chosen.is_some() || !missing(rs.server) {
            continue;
        }
        if let Some((span, Target::Unresolved { .. })) = rs.urls.first() {
            let url = model
                .server(rs.server)
                .leafnodes
                .as_ref()
                .and_then(|l| l.remotes.get(rs.index))
                .and_then(|r| r.urls.first())
                .map(|u| crate::topology::url::redact(&u.value))
                .unwrap_or_default();
            found.entry(rs.server).or_default().push((*span, format!("leaf remote `{url}` outside the scanned files")));
        }
    }
    for (id, peers) in found {
        let s = model.server(id);
        let mut d = Diagnostic::new(
            &META,
            spans::jetstream(s),
            format!("`{}` runs JetStream without a domain but is leaf-connected to other JetStreams", s.label),
        )
        .with_label("no `domain` here")
        .with_help(format!(
            "set `jetstream {{ domain: <unique name> }}` on `{}`: `$JS.API` never crosses a leaf connection, only `$JS.<domain>.API` does",
            s.label
        ));
        let mut seen = std::collections::BTreeSet::new();
        for (span, msg) in peers {
            if seen.insert(msg.clone()) {
                d = d.with_related(span, msg);
            }
        }
        out.push(d);
    }
}
