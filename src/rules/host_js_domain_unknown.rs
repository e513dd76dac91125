//! `host-js-domain-unknown`: a host or wadm uses a JetStream domain no server declares.

use super::host_analysis::{declared_domains, leaves_scan, list};
use crate::diagnostic::Diagnostic;
use crate::jetstream::clients::server_at_in;
use crate::rules::Context;

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
    ///   host:
    ///     image: ghcr.io/wasmcloud/wasmcloud:1.9.2
    ///     environment:
    ///       WASMCLOUD_JS_DOMAIN: hbu   # the hub declares `hub`
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
    let mut report = |who: &str, label: &str, domain: &crate::span::Spanned<String>, reaches: bool| {
        if declared.contains(&domain.value) || (declared.is_empty() && !reaches) {
            return;
        }
        let mut d = Diagnostic::new(
            META.name,
            domain.span,
            format!("{who} `{label}` uses JetStream domain `{}`, which no server declares", domain.value),
        )
        .with_label(format!("no server has `jetstream {{ domain: {} }}`", domain.value));
        let closest = declared_v.iter().min_by_key(|d| strsim::levenshtein(d, &domain.value)).cloned();
        d = match closest {
            Some(c) => d.with_help(format!(
                "use a declared domain ({}){}, or declare `{}` on the server that should hold the lattice data",
                list(&declared_v),
                if strsim::levenshtein(&c, &domain.value) <= 2 {
                    format!("; did you mean `{c}`?")
                } else {
                    String::new()
                },
                domain.value
            )),
            None => d.with_help(format!(
                "declare `jetstream {{ domain: {} }}` on the server that should hold the lattice data",
                domain.value
            )),
        };
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
            report("host", &h.label, dom, server.is_some());
        }
    }
    for w in &cx.model.wadms {
        if let Some(dom) = &w.js_domain {
            let servers: Vec<_> =
                w.servers.iter().filter_map(|e| server_at_in(cx.model, &cx.topology.index, &w.locality, e)).collect();
            if servers.iter().any(|s| leaves_scan(cx, *s)) {
                continue; // the domain may be declared by a server outside the scanned files
            }
            report("wadm", &w.label, dom, !servers.is_empty());
        }
    }
}
