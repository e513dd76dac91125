//! `js-home-unreachable`: a host's JetStream domain gets no answer from the server it connects to.

use super::host_analysis::{list, working_domains};
use crate::diagnostic::Diagnostic;
use crate::jetstream::Outcome;
use crate::rules::Context;

crate::declare_rule! {
    /// ## What it does
    /// Simulates the lattice-data requests of each wasmCloud host: `$JS.<domain>.API` (its
    /// `WASMCLOUD_JS_DOMAIN`) sent on its control connection, in its account, and flags a host whose
    /// domain is declared somewhere but gets no answer from where it connects: no leaf path, a deny,
    /// or an account without JetStream on the way.
    ///
    /// ## Why is this bad?
    /// The host creates `LATTICEDATA_<lattice>` and `CONFIGDATA_<lattice>` through that prefix at
    /// start-up; without an answer it does not start (truth/jetstream-leafnodes.md §4.1, §5 rule 1).
    ///
    /// ## Example
    /// ```yaml title="docker-compose.yml"
    /// services:
    ///   hub: { image: nats, command: -c /etc/nats/hub.conf, volumes: ["./hub.conf:/etc/nats/hub.conf"] }
    ///   edge: { image: nats, command: -c /etc/nats/edge.conf, volumes: ["./edge.conf:/etc/nats/edge.conf"] }
    ///   host:
    ///     image: ghcr.io/wasmcloud/wasmcloud:1.9.2
    ///     environment: { WASMCLOUD_NATS_HOST: edge, WASMCLOUD_JS_DOMAIN: hub }
    /// ```
    /// ```nats title="hub.conf"
    /// server_name: hub
    /// jetstream { domain: hub }
    /// accounts { NOJS: { users: [ { user: edge, password: edge-pw } ] } }   # NOJS has no JetStream
    /// leafnodes { listen: "hub:7422" }
    /// ```
    /// ```nats title="edge.conf"
    /// server_name: edge
    /// leafnodes { remotes: [ { url: "nats-leaf://edge:edge-pw@hub:7422" } ] }
    /// ```
    ///
    /// ## How to fix
    /// Connect the host's server to the JetStream of that domain through a leaf connection bound
    /// to an account with JetStream, or use a domain that answers from there (the help lists them).
    pub(crate) static META = {
        name: "js-home-unreachable",
        summary: "a wasmCloud host's JetStream domain gets no answer from the server it connects to",
        severity: Error,
    }
}

pub(crate) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    if cx.model.hosts.is_empty() {
        return;
    }
    let sim = cx.simulator;
    let declared = super::host_analysis::declared_domains(cx.model);
    for v in cx.hosts {
        let (Some(dom), Some(res), Some(server)) = (&v.host.js_domain, &v.home, v.server) else {
            continue;
        };
        if !declared.contains(&dom.value) {
            continue; // host-js-domain-unknown
        }
        if !matches!(res.outcome, Outcome::NoResponders | Outcome::Timeout | Outcome::Error) {
            continue;
        }
        if super::host_analysis::leaves_scan(cx, server) {
            continue; // the answer may come from outside the scanned files
        }
        let s = cx.model.server(server);
        let acc = v.account.clone().unwrap_or_default();
        let mut d = Diagnostic::new(
            &META,
            dom.span,
            format!(
                "host `{}` gets no JetStream answer for `$JS.{}.API` from server `{}` in account `{acc}` ({})",
                v.host.label,
                dom.value,
                s.label,
                res.outcome.as_str()
            ),
        )
        .with_label(format!("lattice data goes to `$JS.{}.API`", dom.value))
        .with_related(s.span, format!("the host connects to server `{}`: {}", s.label, res.why));
        let works = working_domains(cx, sim, v);
        d = d.with_help(if works.is_empty() {
            format!(
                "connect server `{}` to the JetStream with domain `{}` through a leaf connection bound to an account with JetStream",
                s.label, dom.value
            )
        } else {
            format!("domains that answer from server `{}` in account `{acc}`: {}", s.label, list(&works))
        });
        out.push(d);
    }
}
