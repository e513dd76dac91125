//! `duplicate-server-name`: two connected servers with the same `server_name`.

use crate::diagnostic::Diagnostic;
use crate::model::ServerId;
use crate::rules::Context;
use crate::topology::{spans, Node};
use petgraph::visit::EdgeRef;
use std::collections::{BTreeMap, BTreeSet};

crate::declare_rule! {
    /// ## What it does
    /// Flags servers connected by routes, gateways or leaf connections (directly or through others)
    /// that use the same `server_name`, including replicas of one workload whose config writes a
    /// fixed `server_name`.
    ///
    /// ## Why is this bad?
    /// JetStream identifies peers by server name: meta groups, stream placement and the
    /// `nodeToInfo` table assume names are unique across everything a server hears about through
    /// the system account, across leaf connections too (nats-server test
    /// `TestJetStreamLeafNodeUniqueServerNameCrossJSDomain`; truth/jetstream-leafnodes.md §1.7:
    /// peers show up as "Server name unknown"). Monitoring and advisories become ambiguous.
    ///
    /// ## Example
    /// ```nats title="a.conf"
    /// server_name: nats   # b.conf uses the same name, and the two are routed together
    /// port: 4222
    /// cluster { name: C, listen: "127.0.0.1:6222", routes: [nats-route://127.0.0.1:6223] }
    /// ```
    /// ```nats title="b.conf"
    /// server_name: nats
    /// port: 4223
    /// cluster { name: C, listen: "127.0.0.1:6223", routes: [nats-route://127.0.0.1:6222] }
    /// ```
    ///
    /// ## How to fix
    /// Give every server a unique name; for replicas, derive it from the pod name
    /// (`server_name: $POD_NAME`) or leave it unset.
    pub(crate) static META = {
        name: "duplicate-server-name",
        summary: "connected servers share one server_name",
        severity: Error,
    }
}

pub(crate) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let topo = cx.topology;
    let g = &topo.graph;
    // Connected components over every edge.
    let mut comp = vec![usize::MAX; g.node_count()];
    let mut next = 0;
    for start in g.node_indices() {
        if comp[start.index()] != usize::MAX {
            continue;
        }
        let mut stack = vec![start];
        comp[start.index()] = next;
        while let Some(n) = stack.pop() {
            for e in g.edges(n).chain(g.edges_directed(n, petgraph::Direction::Incoming)) {
                let m = if e.source() == n { e.target() } else { e.source() };
                if comp[m.index()] == usize::MAX {
                    comp[m.index()] = next;
                    stack.push(m);
                }
            }
        }
        next += 1;
    }
    // (component, name) -> instances
    let mut names: BTreeMap<(usize, String), Vec<(ServerId, u32)>> = BTreeMap::new();
    for n in g.node_indices() {
        if let Node::Server(i) = &g[n] {
            let inst = topo.instance(*i);
            let s = cx.model.server(inst.server);
            if let Some(name) = s.name.as_ref().filter(|n| !n.value.is_empty() && !n.value.starts_with('$')) {
                names.entry((comp[n.index()], name.value.clone())).or_default().push((inst.server, inst.replica));
            }
        }
    }
    for ((_, name), insts) in names {
        if insts.len() < 2 {
            continue;
        }
        let servers: BTreeSet<ServerId> = insts.iter().map(|(s, _)| *s).collect();
        // Replicas whose name comes from a variable (`$POD_NAME`) differ at run time.
        if servers.len() == 1 && written_as_variable(cx, *servers.iter().next().unwrap()) {
            continue;
        }
        for id in &servers {
            let s = cx.model.server(*id);
            let msg = if servers.len() == 1 {
                format!("all {} replicas of `{}` use `server_name: {name}`", s.replicas, s.label)
            } else {
                format!("`server_name` `{name}` is used by {} connected servers", insts.len())
            };
            let mut d = Diagnostic::new(&META, spans::server_name(s), msg)
                .with_label("not unique")
                .with_help("give every server a unique `server_name` (for replicas, derive it from the pod name)");
            for o in servers.iter().filter(|o| *o != id) {
                let os = cx.model.server(*o);
                d = d.with_related(spans::server_name(os), format!("also `{name}`"));
            }
            out.push(d);
        }
    }
}

/// The `server_name` value is written as a `$VARIABLE` reference in its file.
fn written_as_variable(cx: &Context, id: ServerId) -> bool {
    let Some(n) = cx.model.server(id).name.as_ref() else {
        return false;
    };
    if n.span.is_empty() || (n.span.file.0 as usize) >= cx.db.len() {
        return false;
    }
    let f = cx.db.get(n.span.file);
    f.text.get(n.span.range()).is_some_and(|t| t.contains('$'))
}
