//! `host-nats-unresolved`: a host's or wadm's NATS address matches no server of the scanned files.

use crate::diagnostic::Diagnostic;
use crate::jetstream::clients::server_at_in;
use crate::rules::Context;

crate::declare_rule! {
    /// ## What it does
    /// Notes a wasmCloud host (control connection: `WASMCLOUD_CTL_HOST`/`PORT`, falling back to
    /// `WASMCLOUD_NATS_HOST`/`PORT`, default `127.0.0.1:4222`) or wadm (`WADM_NATS_SERVER`) whose
    /// address is no server of the scanned files, so its JetStream cannot be checked.
    ///
    /// ## Why is this bad?
    /// It may be fine (the server is managed elsewhere), but often it is a wrong host name, a
    /// missing port, or a default that points at the host's own container (truth/jetstream-leafnodes.md §4.2).
    ///
    /// ## Example
    /// ```yaml title="docker-compose.yml"
    /// services:
    ///   nats: { image: nats, command: ["-js"] }
    ///   host:
    ///     image: ghcr.io/wasmcloud/wasmcloud:1.9.2   # no WASMCLOUD_NATS_HOST: 127.0.0.1 is the host's own container
    /// ```
    ///
    /// ## How to fix
    /// Point the host at the server (`WASMCLOUD_NATS_HOST=nats`), or scan the files that define it.
    pub(crate) static META = {
        name: "host-nats-unresolved",
        summary: "a wasmCloud host's or wadm's NATS address matches no scanned server",
        severity: Info,
    }
}

pub(crate) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    if cx.model.servers.is_empty() {
        return;
    }
    for h in &cx.model.hosts {
        if h.sidecar.is_some() || server_at_in(cx.model, &cx.topology.index, &h.locality, &h.ctl).is_some() {
            continue;
        }
        let addr = format!("{}:{}", h.ctl.host.value, h.ctl.port.value);
        let span = if h.ctl.defaulted { h.span } else { h.ctl.host.span };
        let mut d = Diagnostic::new(
            &META,
            span,
            format!("host `{}` connects to `{addr}`, which matches no server in the scanned files", h.label),
        )
        .with_label(if h.ctl.defaulted {
            "no `WASMCLOUD_NATS_HOST`/`WASMCLOUD_CTL_HOST`: the default `127.0.0.1:4222` is used".to_string()
        } else {
            format!("`{addr}` is set here")
        });
        d = d.with_help(if h.ctl.defaulted {
            "set `WASMCLOUD_NATS_HOST` (and `WASMCLOUD_NATS_PORT`) to the server the host should use".to_string()
        } else {
            "check the host name and port, or add the server's files to the scan".to_string()
        });
        out.push(d);
    }
    for w in &cx.model.wadms {
        if w.servers.iter().any(|e| server_at_in(cx.model, &cx.topology.index, &w.locality, e).is_some()) {
            continue;
        }
        let Some(e) = w.servers.first() else { continue };
        let addr = format!("{}:{}", e.host.value, e.port.value);
        let span = if e.defaulted { w.span } else { e.host.span };
        out.push(
            Diagnostic::new(
                &META,
                span,
                format!("wadm `{}` connects to `{addr}`, which matches no server in the scanned files", w.label),
            )
            .with_label("wadm's NATS server")
            .with_help("set `WADM_NATS_SERVER` to the server wadm should use, or add its files to the scan"),
        );
    }
}
