//! `graph` output: clusters grouped, leaf edges labelled with bound accounts, domains on nodes,
//! findings marked; dot output accepted by Graphviz when it is installed.

mod support;

use latticelint::jetstream::Simulator;
use latticelint::report::graph::{render, Format};
use latticelint::rules::{self, run, Context};
use latticelint::settings::Settings;
use latticelint::topology::Topology;
use std::path::Path;

fn draw(fixture: &str, format: Format) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules").join(fixture);
    let loaded = support::load::load_dir(&dir);
    let topology = Topology::from_model(&loaded.model);
    let settings = Settings::default();
    let sim = Simulator::new(&loaded.model, &topology, settings.nats_version);
    let hosts = rules::host_views(&loaded.model, &topology, &sim);
    let cx = Context {
        db: &loaded.db,
        model: &loaded.model,
        topology: &topology,
        settings: &settings,
        simulator: &sim,
        hosts: &hosts,
    };
    let mut diags = run(&cx);
    let fragments = rules::Fragments::new(&loaded.db, loaded.configs.iter().flat_map(|c| c.includes.iter().copied()));
    for c in loaded.configs.iter().filter(|c| !fragments.contains(&loaded.db, c.file)) {
        diags.extend(rules::check_config(c, &loaded.db, &settings));
    }
    render(&sim, &diags, format)
}

fn graphviz_accepts(dot: &str) -> Option<bool> {
    use std::io::Write;
    let mut child = std::process::Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(dot.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    Some(out.status.success() && out.stderr.is_empty())
}

#[test]
fn dot_groups_clusters_labels_accounts_and_marks_findings() {
    let dot = draw("js-system-account-split/ok", Format::Dot);
    assert!(dot.starts_with("digraph latticelint {") && dot.trim_end().ends_with('}'), "{dot}");
    assert_eq!(dot.matches("subgraph cluster_").count(), 1, "{dot}");
    assert!(dot.contains("label=\"cluster HUB\""), "{dot}");
    assert!(dot.contains("SYS → SYS") && dot.contains("ACC → ACC"), "{dot}");
    assert!(dot.contains("JetStream domain core"), "{dot}");
    assert_eq!(dot.matches("dir=none, style=dashed").count(), 3, "3 routes in a 3-node cluster: {dot}");
    let chain = draw("js-domain-shadowed/err-chain", Format::Dot);
    assert!(chain.contains("(flaps)"), "{chain}");
    assert!(chain.contains("! js-domain-shadowed") && chain.contains("color=red, penwidth=2"), "{chain}");
    for d in [&dot, &chain] {
        if let Some(ok) = graphviz_accepts(d) {
            assert!(ok, "graphviz rejected:\n{d}");
        }
    }
}

#[test]
fn mermaid_is_a_flowchart_with_subgraphs_and_labelled_edges() {
    let m = draw("js-system-account-split/ok", Format::Mermaid);
    let lines: Vec<&str> = m.lines().collect();
    assert_eq!(lines[0], "flowchart BT");
    assert_eq!(m.matches("subgraph ").count(), m.lines().filter(|l| l.trim() == "end").count());
    assert!(m.contains("-->|\"SYS → SYS\"|"), "{m}");
    let chain = draw("js-domain-shadowed/err-chain", Format::Mermaid);
    assert!(chain.contains("classDef finding") && chain.contains("class n2 finding"), "{chain}");
    // Every edge endpoint is a declared node.
    let declared: Vec<&str> = chain.lines().filter_map(|l| l.trim().split_once('[').map(|(id, _)| id)).collect();
    for l in chain.lines().filter(|l| l.contains("-->") || l.contains("-.->") || l.contains("---")) {
        let t: Vec<&str> = l.split_whitespace().collect();
        assert!(declared.contains(&t[0]) && declared.contains(t.last().unwrap()), "undeclared node in `{l}`");
    }
}
