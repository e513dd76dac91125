//! The topology as a picture: Graphviz dot or Mermaid. Clusters are grouped, leaf edges carry
//! the bound accounts of both ends, nodes show their JetStream domain, and servers with
//! findings are marked.

use crate::diagnostic::Diagnostic;
use crate::jetstream::Simulator;
use crate::model::Model;
use crate::topology::{Edge, HubAccount, InstanceId, Node};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// Output format of `latticelint graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Dot,
    Mermaid,
}

/// Everything drawn, resolved to plain strings first so both formats agree.
struct Picture {
    /// (node id, label lines, has findings, is external)
    nodes: Vec<(String, Vec<String>, bool, bool)>,
    /// cluster label -> node ids
    clusters: Vec<(String, Vec<String>)>,
    /// (from, to, label, kind: "leaf" | "route" | "gateway" | "flap" | "client")
    edges: Vec<(String, String, String, &'static str)>,
}

fn node_id(i: InstanceId) -> String {
    format!("n{}", i.0)
}

/// Rules with findings per server, from the findings' files.
fn findings_by_server(model: &Model, diags: &[Diagnostic]) -> BTreeMap<u32, BTreeSet<&'static str>> {
    let mut out: BTreeMap<u32, BTreeSet<&'static str>> = BTreeMap::new();
    for d in diags {
        for s in &model.servers {
            let own = s.config == Some(d.span.file) || s.variants.contains(&d.span.file) || s.span.file == d.span.file;
            let inside = s.config.is_some() || (d.span.start >= s.span.start && d.span.end <= s.span.end);
            if own && inside {
                out.entry(s.id.0).or_default().insert(d.rule.name);
            }
        }
    }
    out
}

fn picture(sim: &Simulator, diags: &[Diagnostic]) -> Picture {
    let (model, topo) = (sim.model, sim.topo);
    let findings = findings_by_server(model, diags);
    let mut nodes = Vec::new();
    for inst in &topo.instances {
        let s = model.server(inst.server);
        let mut lines = vec![inst.label.clone()];
        match (s.js_enabled(), s.js_domain()) {
            (true, Some(d)) => lines.push(format!("JetStream domain {d}")),
            (true, None) => lines.push("JetStream (no domain)".into()),
            (false, _) => {}
        }
        let rules = findings.get(&inst.server.0);
        if let Some(r) = rules {
            lines.push(format!("! {}", r.iter().copied().collect::<Vec<_>>().join(", ")));
        }
        nodes.push((node_id(inst.id), lines, rules.is_some(), false));
    }
    let mut externals: BTreeMap<String, String> = BTreeMap::new();
    for n in topo.graph.node_indices() {
        if let Node::External(name) = &topo.graph[n] {
            let id = format!("x{}", externals.len());
            externals.insert(name.clone(), id.clone());
            nodes.push((id, vec![name.clone(), "outside the scanned files".into()], false, true));
        }
    }
    for (i, h) in model.hosts.iter().enumerate() {
        let mut lines = vec![format!("host {}", h.label), format!("lattice {}", h.lattice.value)];
        if let Some(d) = &h.js_domain {
            lines.push(format!("WASMCLOUD_JS_DOMAIN {}", d.value));
        }
        nodes.push((format!("h{i}"), lines, false, false));
    }
    for (i, w) in model.wadms.iter().enumerate() {
        let mut lines = vec![format!("wadm {}", w.label)];
        if let Some(d) = &w.js_domain {
            lines.push(format!("WADM_JETSTREAM_DOMAIN {}", d.value));
        }
        nodes.push((format!("w{i}"), lines, false, false));
    }
    let clusters = topo
        .clusters
        .iter()
        .filter(|c| c.members.len() > 1 || c.name.is_some())
        .map(|c| {
            (
                format!("cluster {}", c.name.as_deref().unwrap_or("(unnamed)")),
                c.members.iter().map(|m| node_id(*m)).collect(),
            )
        })
        .collect();
    let flapping: BTreeSet<usize> = sim.flaps.iter().map(|f| f.link).collect();
    let mut edges = Vec::new();
    for e in topo.graph.edge_indices() {
        let (a, b) = topo.graph.edge_endpoints(e).expect("edge");
        let id = |n| match &topo.graph[n] {
            Node::Server(i) => node_id(*i),
            Node::External(name) => externals[name].clone(),
        };
        let (ia, ib) = (id(a), id(b));
        match &topo.graph[e] {
            Edge::Route => edges.push((ia, ib, String::new(), "route")),
            Edge::Gateway => edges.push((ia, ib, "gateway".into(), "gateway")),
            Edge::Leaf(l) => {
                let link = &topo.leaf_links[*l];
                let hub = match &link.hub_account {
                    HubAccount::Known(a) => a.clone(),
                    HubAccount::Unknown(_) => "?".into(),
                };
                let label = format!("{} → {}", link.local_account, hub);
                if flapping.contains(l) {
                    edges.push((ia, ib, format!("{label} (flaps)"), "flap"));
                } else {
                    edges.push((ia, ib, label, "leaf"));
                }
            }
            Edge::LeafExternal(r) => {
                let rs = &topo.remotes[*r];
                let acc = model
                    .server(rs.server)
                    .leafnodes
                    .as_ref()
                    .and_then(|l| l.remotes.get(rs.index))
                    .and_then(|r| r.account.as_ref())
                    .map(|a| a.value.clone())
                    .unwrap_or_else(|| "$G".into());
                edges.push((ia, ib, format!("{acc} → ?"), "leaf"));
            }
        }
    }
    for (i, h) in model.hosts.iter().enumerate() {
        if let Some((inst, _)) = crate::jetstream::clients::host_entry(model, topo, h) {
            edges.push((format!("h{i}"), node_id(inst), "ctl".into(), "client"));
        }
    }
    for (i, w) in model.wadms.iter().enumerate() {
        if let Some((inst, _)) = crate::jetstream::clients::wadm_entry(model, topo, w) {
            edges.push((format!("w{i}"), node_id(inst), "nats".into(), "client"));
        }
    }
    edges.sort();
    edges.dedup();
    Picture { nodes, clusters, edges }
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn mermaid_escape(s: &str) -> String {
    s.replace('"', "#quot;").replace('<', "#lt;").replace('>', "#gt;")
}

/// Renders the topology in `format`. `diags` are the run's findings (servers with findings are marked).
pub fn render(sim: &Simulator, diags: &[Diagnostic], format: Format) -> String {
    let p = picture(sim, diags);
    let in_cluster: BTreeSet<&String> = p.clusters.iter().flat_map(|(_, m)| m.iter()).collect();
    let mut out = String::new();
    match format {
        Format::Dot => {
            out.push_str("digraph latticelint {\n  rankdir=BT;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n");
            let node_line = |(id, lines, bad, ext): &(String, Vec<String>, bool, bool)| {
                let label = lines.iter().map(|l| dot_escape(l)).collect::<Vec<_>>().join("\\n");
                let style = if *ext {
                    ", style=\"rounded,dashed\""
                } else if *bad {
                    ", color=red, penwidth=2"
                } else {
                    ""
                };
                format!("\"{id}\" [label=\"{label}\"{style}];\n")
            };
            for (i, (label, members)) in p.clusters.iter().enumerate() {
                let _ =
                    writeln!(out, "  subgraph cluster_{i} {{\n    label=\"{}\";\n    style=dashed;", dot_escape(label));
                for n in p.nodes.iter().filter(|n| members.contains(&n.0)) {
                    out.push_str("    ");
                    out.push_str(&node_line(n));
                }
                out.push_str("  }\n");
            }
            for n in p.nodes.iter().filter(|n| !in_cluster.contains(&n.0)) {
                out.push_str("  ");
                out.push_str(&node_line(n));
            }
            for (a, b, label, kind) in &p.edges {
                let style = match *kind {
                    "route" => "dir=none, style=dashed",
                    "gateway" => "dir=none, style=bold, color=blue",
                    "flap" => "color=red, style=dashed",
                    "client" => "style=dotted",
                    _ => "",
                };
                let sep = if style.is_empty() { "" } else { ", " };
                let _ = writeln!(out, "  \"{a}\" -> \"{b}\" [label=\"{}\"{sep}{style}];", dot_escape(label));
            }
            out.push_str("}\n");
        }
        Format::Mermaid => {
            out.push_str("flowchart BT\n");
            let node_line = |(id, lines, _, ext): &(String, Vec<String>, bool, bool)| {
                let label = lines.iter().map(|l| mermaid_escape(l)).collect::<Vec<_>>().join("<br/>");
                if *ext {
                    format!("{id}([\"{label}\"])\n")
                } else {
                    format!("{id}[\"{label}\"]\n")
                }
            };
            for (i, (label, members)) in p.clusters.iter().enumerate() {
                let _ = writeln!(out, "  subgraph c{i} [\"{}\"]", mermaid_escape(label));
                for n in p.nodes.iter().filter(|n| members.contains(&n.0)) {
                    out.push_str("    ");
                    out.push_str(&node_line(n));
                }
                out.push_str("  end\n");
            }
            for n in p.nodes.iter().filter(|n| !in_cluster.contains(&n.0)) {
                out.push_str("  ");
                out.push_str(&node_line(n));
            }
            for (a, b, label, kind) in &p.edges {
                let arrow = match *kind {
                    "route" => "---",
                    "gateway" => "===",
                    "client" | "flap" => "-.->",
                    _ => "-->",
                };
                if label.is_empty() {
                    let _ = writeln!(out, "  {a} {arrow} {b}");
                } else {
                    let _ = writeln!(out, "  {a} {arrow}|\"{}\"| {b}", mermaid_escape(label));
                }
            }
            let bad: Vec<&String> = p.nodes.iter().filter(|n| n.2).map(|n| &n.0).collect();
            if !bad.is_empty() {
                out.push_str("  classDef finding stroke:#d00,stroke-width:3px\n");
                let _ =
                    writeln!(out, "  class {} finding", bad.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(","));
            }
        }
    }
    out
}
