//! `leaf-remote-wrong-port`: a leaf remote aimed at a client, cluster, gateway or monitoring port.

use crate::diagnostic::Diagnostic;
use crate::rules::Context;
use crate::topology::resolve::{port_of, ListenerKind, Target};
use crate::topology::url::{redact, DialUrl};

crate::declare_rule! {
    /// ## What it does
    /// Flags a `leafnodes.remotes` URL that lands on another listener of the target server (client,
    /// cluster, gateway or monitoring port) instead of its leafnode listener, or that dials a
    /// well-known non-leaf port (4222, 6222, 7222, 8222) of a server outside the scanned files.
    ///
    /// ## Why is this bad?
    /// The leaf connection never forms: the peer speaks another protocol on that port. Nothing
    /// crosses, so every
    /// domain-prefixed request to the hub gets no responders (truth/jetstream-leafnodes.md §0 rule 2:
    /// domain requests travel only over leaf connections). The leafnode port defaults to 7422.
    ///
    /// ## Example
    /// ```nats title="leaf.conf"
    /// server_name: leaf
    /// leafnodes { remotes: [ { url: "nats://hub:4222" } ] }   # hub: port 4222, leafnodes on 7422
    /// ```
    /// ```nats title="hub.conf"
    /// server_name: hub
    /// listen: "hub:4222"
    /// leafnodes { listen: "hub:7422" }
    /// ```
    ///
    /// ## How to fix
    /// Dial the hub's leafnode port (`nats-leaf://hub:7422`), or give the hub a `leafnodes` listener.
    pub(crate) static META = {
        name: "leaf-remote-wrong-port",
        summary: "a leaf remote dials a client, cluster, gateway or monitoring port",
        severity: Error,
    }
}

pub(crate) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for rs in &cx.topology.remotes {
        if rs.chosen.is_some() {
            continue;
        }
        let s = cx.model.server(rs.server);
        let Some(remote) = s.leafnodes.as_ref().and_then(|l| l.remotes.get(rs.index)) else {
            continue;
        };
        for (i, (span, target)) in rs.urls.iter().enumerate() {
            let raw = remote.urls.get(i).map(|u| u.value.as_str()).unwrap_or("");
            match target {
                Target::WrongPort { server, kind, port } => {
                    let t = cx.model.server(*server);
                    let fix = match port_of(t, ListenerKind::Leaf) {
                        Some(p) => format!("dial the leafnode port of `{}`: `{p}`", t.label),
                        None => {
                            format!("`{}` has no leafnode listener: add `leafnodes {{ port: 7422 }}` to it", t.label)
                        }
                    };
                    let listener_span = match kind {
                        ListenerKind::Client => t.client.as_ref().map(|l| l.span),
                        ListenerKind::Route => t.cluster.as_ref().and_then(|c| c.listen.as_ref()).map(|l| l.span),
                        ListenerKind::Gateway => t.gateway.as_ref().and_then(|g| g.listen.as_ref()).map(|l| l.span),
                        ListenerKind::Http => t.http.as_ref().map(|l| l.span),
                        ListenerKind::Leaf => None,
                    }
                    .unwrap_or(t.span);
                    out.push(
                        Diagnostic::new(
                            &META,
                            *span,
                            format!(
                                "leaf remote `{}` dials the {} port `{port}` of `{}`",
                                redact(raw),
                                kind.as_str(),
                                t.label
                            ),
                        )
                        .with_label(format!("{} port, not a leafnode port", kind.as_str()))
                        .with_help(fix)
                        .with_related(listener_span, format!("{} listener of `{}`", kind.as_str(), t.label)),
                    );
                }
                Target::Unresolved { .. } => {
                    let Some(port) = DialUrl::parse(raw).and_then(|u| u.port) else {
                        continue;
                    };
                    let Some(kind) = super::leaf_remote_unresolved::conventional_non_leaf_port(port) else {
                        continue;
                    };
                    out.push(
                        Diagnostic::new(
                            &META,
                            *span,
                            format!("leaf remote `{}` dials port `{port}`, the default {kind} port", redact(raw)),
                        )
                        .with_label(format!("usually the {kind} port"))
                        .with_help("leafnode listeners default to port 7422; dial the hub's leafnode port unless its `leafnodes` listener really uses this port"),
                    );
                }
                Target::Found { .. } => {}
            }
        }
    }
}
