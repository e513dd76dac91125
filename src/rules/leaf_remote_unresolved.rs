//! `leaf-remote-unresolved`: a leaf remote that dials nothing in the scanned files.

use crate::diagnostic::Diagnostic;
use crate::rules::Context;
use crate::topology::resolve::Target;
use crate::topology::url::{redact, DialUrl};

crate::declare_rule! {
    /// ## What it does
    /// Reports (as information) a `leafnodes.remotes` entry none of whose URLs lands on a leafnode
    /// listener of a server in the scanned files: NGS / Synadia Cloud, another site, or a name the
    /// deployment does not define (compose service, Kubernetes Service, host name).
    ///
    /// ## Why is this bad?
    /// It is often fine (the hub lives elsewhere), but latticelint cannot follow the connection:
    /// which JetStream answers across it is unknown, and a typo in a service name looks the same
    /// (truth/jetstream-leafnodes.md §5 rule 1: resolving a host's JetStream home walks leaf edges).
    ///
    /// ## Example
    /// ```nats title="leaf.conf"
    /// leafnodes { remotes: [ { url: "tls://connect.ngs.global", credentials: "ngs.creds" } ] }
    /// ```
    ///
    /// ## How to fix
    /// Nothing if the hub is outside this deployment. Otherwise scan the hub's files too, or fix the
    /// host name so it matches a compose service, Kubernetes Service or server host.
    pub(crate) static META = {
        name: "leaf-remote-unresolved",
        summary: "a leaf remote dials a server outside the scanned files",
        severity: Info,
    }
}

/// Ports that are a known listener's default: a remote dialing them is `leaf-remote-wrong-port`.
pub(crate) fn conventional_non_leaf_port(port: u16) -> Option<&'static str> {
    match port {
        4222 => Some("client"),
        6222 => Some("cluster"),
        8222 => Some("monitoring"),
        7222 => Some("gateway"),
        _ => None,
    }
}

pub(crate) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for rs in &cx.topology.remotes {
        if rs.chosen.is_some() || rs.urls.iter().any(|(_, t)| matches!(t, Target::WrongPort { .. })) {
            continue;
        }
        let s = cx.model.server(rs.server);
        let Some(remote) = s.leafnodes.as_ref().and_then(|l| l.remotes.get(rs.index)) else {
            continue;
        };
        let Some((span, Target::Unresolved { reason })) = rs.urls.first() else {
            continue;
        };
        let raw = remote.urls.first().map(|u| u.value.as_str()).unwrap_or("");
        if DialUrl::parse(raw).and_then(|u| u.port).and_then(conventional_non_leaf_port).is_some() {
            continue;
        }
        out.push(
            Diagnostic::new(
                &META,
                *span,
                format!("leaf remote `{}` of `{}` is not a server in the scanned files", redact(raw), s.label),
            )
            .with_label(reason.clone())
            .with_help("if the hub belongs to this deployment, scan its files too or fix the host name"),
        );
    }
}
