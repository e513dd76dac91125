//! `host-js-domain-unknown`: a host or wadm uses a JetStream domain no server declares.

use super::host_analysis::{declared_domains, domains_near, leaves_scan, list, LISTED, TRIED};
use crate::diagnostic::Diagnostic;
use crate::jetstream::clients::server_at_in;
use crate::rules::Context;
use crate::topology::InstanceId;

crate::declare_rule! {
    /// ## What it does
    /// Flags a wasmCloud host (`WASMCLOUD_JS_DOMAIN`, `--js-domain`, operator `jetstreamDomain`) or wadm
    /// (`WADM_JETSTREAM_DOMAIN`) whose JetStream domain is declared by no server of the deployment.
    ///
    /// ## Why is this bad?
    /// The host sends its lattice KV traffic to `$JS.<domain>.API`; only a server with
    /// `jetstream { domain: <domain> }` maps that prefix, so nobody answers and the host fails to
    /// start (truth/jetstream-leafnodes.md §4.1, §1.3). Typos and Helm keys that never reach the
    /// server config (`config.jetstream.domain` in the nats chart) cause this.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.yml"
    /// services:
    ///   hub: { image: nats, command: -c /etc/nats/hub.conf, volumes: ["./hub.conf:/etc/nats/hub.conf"] }
    ///   host:
    ///     image: ghcr.io/wasmcloud/wasmcloud:1.9.2
    ///     environment:
    ///       WASMCLOUD_NATS_HOST: hub
    ///       WASMCLOUD_JS_DOMAIN: hbu   # the hub declares `hub`
    /// ```
    /// ```nats title="hub.conf"
    /// server_name: hub
    /// jetstream { domain: hub }
    /// leafnodes { listen: "hub:7422" }
    /// ```
    ///
    /// ## How to fix
    /// Use a domain a server declares, or declare it: `jetstream { domain: <domain> }` on the hub.
    pub(crate) static META = {
        name: "host-js-domain-unknown",
        summary: "a wasmCloud host or wadm uses a JetStream domain that no server declares",
        severity: Error,
    }
}

pub(crate) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let declared = declared_domains(cx.model);
    let declared_v: Vec<String> = declared.iter().cloned().collect();
    let mut report = |who: &str, label: &str, domain: &crate::span::Spanned<String>, entry: Option<InstanceId>| {
        let reaches = entry.is_some();
        if declared.contains(&domain.value) || (declared.is_empty() && !reaches) {
            return;
        }
        let mut d = Diagnostic::new(
            &META,
            domain.span,
            format!("{who} `{label}` uses JetStream domain `{}`, which no server declares", domain.value),
        )
        .with_label(format!("no server has `jetstream {{ domain: {} }}`", domain.value));
        // Suggestions come from the domains near the host's server (only they can answer it); when
        // that server is unknown, from every declared domain.
        let near = entry.map(|e| domains_near(cx, e, TRIED));
        let suggestion = did_you_mean(near.as_deref().unwrap_or(&declared_v), &domain.value);
        let named: Vec<String> = match entry {
            Some(_) => near.iter().flatten().take(LISTED).cloned().collect(),
            None => declared_v.iter().take(LISTED).cloned().collect(),
        };
        let more = if named.len() == LISTED { ", …" } else { "" };
        let declare = format!("declare `{}` on the server that should hold the lattice data", domain.value);
        let help = match (suggestion, named.is_empty()) {
            (Some(c), false) => {
                format!("did you mean `{c}`? Otherwise use a declared domain ({}{more}) or {declare}", list(&named))
            }
            (Some(c), true) => format!("did you mean `{c}`? Otherwise {declare}"),
            (None, false) => format!("use a declared domain ({}{more}), or {declare}", list(&named)),
            (None, true) if declared_v.is_empty() => {
                format!(
                    "declare `jetstream {{ domain: {} }}` on the server that should hold the lattice data",
                    domain.value
                )
            }
            (None, true) => format!("{declare}: no server connected to this one declares a domain"),
        };
        d = d.with_help(help);
        for s in cx.model.servers.iter().filter(|s| s.js_enabled() && s.js_domain().is_some()).take(3) {
            if let Some(dom) = s.jetstream.as_ref().and_then(|j| j.domain.as_ref()) {
                d = d.with_related(dom.span, format!("server `{}` declares `{}`", s.label, dom.value));
            }
        }
        out.push(d);
    };
    for h in &cx.model.hosts {
        if let Some(dom) = &h.js_domain {
            let server = h.sidecar.or_else(|| server_at_in(cx.model, &cx.topology.index, &h.locality, &h.ctl));
            if server.is_some_and(|s| leaves_scan(cx, s)) {
                continue; // the domain may be declared by a server outside the scanned files
            }
            report("host", &h.label, dom, server.map(|s| cx.topology.first_instance(s)));
        }
    }
    for w in &cx.model.wadms {
        if let Some(dom) = &w.js_domain {
            let servers: Vec<_> =
                w.servers.iter().filter_map(|e| server_at_in(cx.model, &cx.topology.index, &w.locality, e)).collect();
            if servers.iter().any(|s| leaves_scan(cx, *s)) {
                continue; // the domain may be declared by a server outside the scanned files
            }
            report("wadm", &w.label, dom, servers.first().map(|s| cx.topology.first_instance(*s)));
        }
    }
}

/// The candidate within two edits of `domain` (fewest edits, then first in order). A candidate whose
/// length differs by more than two cannot be, so most of a fleet's domains cost no comparison.
fn did_you_mean(candidates: &[String], domain: &str) -> Option<String> {
    let len = domain.chars().count();
    candidates
        .iter()
        .filter(|c| c.chars().count().abs_diff(len) <= 2)
        .map(|c| (strsim::levenshtein(c, domain), c))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.clone())
}
