//! `host-js-domain-missing`: a host without a JetStream domain on a server with no JetStream for it.

use super::host_analysis::{list, working_domains};
use crate::diagnostic::Diagnostic;
use crate::jetstream::Outcome;
use crate::rules::Context;

crate::declare_rule! {
    /// ## What it does
    /// Flags a wasmCloud host without `WASMCLOUD_JS_DOMAIN` whose server has no JetStream of its
    /// own for the host's account, so its unprefixed `$JS.API` / `$KV.` requests get no answer.
    ///
    /// ## Why is this bad?
    /// Without a domain the host uses `$JS.API`, which never crosses a leaf connection bound to a
    /// user account (truth/jetstream-leafnodes.md §0 rule 1, §4.1): a host on a leaf without
    /// JetStream cannot reach the hub's JetStream and fails to start.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.yml"
    /// services:
    ///   hub: { image: nats, command: -c /etc/nats/hub.conf, volumes: ["./hub.conf:/etc/nats/hub.conf"] }
    ///   leaf: { image: nats, command: -c /etc/nats/leaf.conf, volumes: ["./leaf.conf:/etc/nats/leaf.conf"] }
    ///   host:
    ///     image: ghcr.io/wasmcloud/wasmcloud:1.9.2
    ///     environment:
    ///       WASMCLOUD_NATS_HOST: leaf      # `leaf` has no JetStream; the hub has domain `hub`
    /// ```
    /// ```nats title="hub.conf"
    /// server_name: hub
    /// jetstream { domain: hub }
    /// leafnodes { listen: "hub:7422" }
    /// ```
    /// ```nats title="leaf.conf"
    /// server_name: leaf
    /// leafnodes { remotes: [ { url: "nats-leaf://hub:7422" } ] }
    /// ```
    ///
    /// ## How to fix
    /// Set `WASMCLOUD_JS_DOMAIN` to the domain of the JetStream the lattice uses (the help names the
    /// ones that answer), or enable JetStream for the account on the host's server.
    pub(crate) static META = {
        name: "host-js-domain-missing",
        summary: "a wasmCloud host without a JetStream domain connects to a server with no JetStream for it",
        severity: Warning,
    }
}

pub(crate) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    if cx.model.hosts.is_empty() {
        return;
    }
    let sim = cx.simulator;
    let comp = super::host_analysis::components(cx.topology);
    for v in cx.hosts {
        if v.host.js_domain.is_some() {
            continue;
        }
        let (Some(res), Some(server)) = (&v.home, v.server) else {
            continue;
        };
        if !matches!(res.outcome, Outcome::NoResponders | Outcome::Timeout | Outcome::Error) {
            continue;
        }
        if super::host_analysis::leaves_scan(cx, server) {
            continue; // the answer may come from outside the scanned files
        }
        let s = cx.model.server(server);
        let acc = v.account.clone().unwrap_or_default();
        let works = working_domains(cx, sim, v);
        let mut d = Diagnostic::new(
            &META,
            v.host.span,
            format!(
                "host `{}` sets no JetStream domain and server `{}` has no JetStream for account `{acc}` ({})",
                v.host.label,
                s.label,
                res.outcome.as_str()
            ),
        )
        .with_label("no `WASMCLOUD_JS_DOMAIN`: lattice data goes to `$JS.API`")
        .with_related(s.span, format!("the host connects to server `{}`: {}", s.label, res.why));
        // A connected JetStream without a domain cannot be addressed across a leaf (decision table row 7):
        // the fix is on that server.
        let nodomain_js = v.entry.and_then(|e| {
            let c = comp[e.0 as usize];
            cx.topology
                .instances
                .iter()
                .filter(|i| comp[i.id.0 as usize] == c && i.server != server)
                .map(|i| cx.model.server(i.server))
                .find(|o| o.js_enabled() && o.js_domain().is_none())
        });
        d = d.with_help(match (works.as_slice(), nodomain_js) {
            ([], Some(hub)) => format!(
                "no domain leads from `{}` to a JetStream: `{}` runs JetStream without a domain, which `$JS.API` never reaches across a leaf; give it one (`jetstream {{ domain: <name> }}`) and set `WASMCLOUD_JS_DOMAIN` to it, or enable JetStream for account `{acc}` on server `{}`",
                s.label, hub.label, s.label
            ),
            ([], None) => format!("enable JetStream for account `{acc}` on server `{}`, or set `WASMCLOUD_JS_DOMAIN` to the domain of the lattice's JetStream", s.label),
            ([one], _) => format!("set `WASMCLOUD_JS_DOMAIN={one}`"),
            (many, _) => format!("set `WASMCLOUD_JS_DOMAIN` to the lattice's JetStream domain, one of {}", list(many)),
        });
        out.push(d);
    }
}
