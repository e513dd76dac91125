//! `latticelint graph`: clusters grouped, leaf edges labelled with bound accounts, domains on nodes,
//! findings marked; dot output accepted by Graphviz. Runs the binary on fixture folders.

mod support;

use std::io::Write;
use std::process::{Command, Stdio};
use support::tree::fixture;

/// `latticelint graph --format FORMAT fixtures/rules/FIXTURE`.
fn draw(fixture_dir: &str, format: &str) -> String {
    let dir = fixture(&format!("rules/{fixture_dir}"));
    assert!(dir.is_dir(), "{}: no such fixture", dir.display());
    let out = Command::new(env!("CARGO_BIN_EXE_latticelint"))
        .args(["graph", "--format", format])
        .arg(&dir)
        .stdin(Stdio::null())
        .output()
        .expect("run latticelint");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "latticelint graph {fixture_dir} failed: {stderr}");
    assert!(stderr.is_empty(), "latticelint graph {fixture_dir} wrote to stderr: {stderr}");
    String::from_utf8(out.stdout).expect("graph output is UTF-8")
}

#[test]
fn dot_groups_clusters_labels_accounts_and_marks_findings() {
    let dot = draw("js-system-account-split/ok", "dot");
    assert!(dot.starts_with("digraph latticelint {") && dot.trim_end().ends_with('}'), "{dot}");
    assert_eq!(dot.matches("subgraph cluster_").count(), 1, "{dot}");
    assert!(dot.contains("label=\"cluster HUB\""), "{dot}");
    assert!(dot.contains("SYS → SYS") && dot.contains("ACC → ACC"), "{dot}");
    assert!(dot.contains("JetStream domain core"), "{dot}");
    assert_eq!(dot.matches("dir=none, style=dashed").count(), 3, "3 routes in a 3-node cluster: {dot}");
    let chain = draw("js-domain-shadowed/err-chain", "dot");
    assert!(chain.contains("(flaps)"), "{chain}");
    assert!(chain.contains("! js-domain-shadowed") && chain.contains("color=red, penwidth=2"), "{chain}");
}

#[test]
fn graphviz_accepts_the_dot_output() {
    let dot_bin = require!(support::require::graphviz());
    for fixture_dir in ["js-system-account-split/ok", "js-domain-shadowed/err-chain"] {
        let dot = draw(fixture_dir, "dot");
        let mut child = Command::new(&dot_bin)
            .arg("-Tsvg")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run dot");
        child.stdin.take().expect("dot's stdin").write_all(dot.as_bytes()).expect("write to dot");
        let out = child.wait_with_output().expect("wait for dot");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && stderr.is_empty(), "graphviz rejected {fixture_dir} ({stderr}):\n{dot}");
    }
}

#[test]
fn mermaid_is_a_flowchart_with_subgraphs_and_labelled_edges() {
    let m = draw("js-system-account-split/ok", "mermaid");
    let lines: Vec<&str> = m.lines().collect();
    assert_eq!(lines[0], "flowchart BT");
    assert_eq!(m.matches("subgraph ").count(), m.lines().filter(|l| l.trim() == "end").count());
    assert!(m.contains("-->|\"SYS → SYS\"|"), "{m}");
    let chain = draw("js-domain-shadowed/err-chain", "mermaid");
    assert!(chain.contains("classDef finding") && chain.contains("class n2 finding"), "{chain}");
    // Every edge endpoint is a declared node.
    let declared: Vec<&str> = chain.lines().filter_map(|l| l.trim().split_once('[').map(|(id, _)| id)).collect();
    for l in chain.lines().filter(|l| l.contains("-->") || l.contains("-.->") || l.contains("---")) {
        let t: Vec<&str> = l.split_whitespace().collect();
        assert!(declared.contains(&t[0]) && declared.contains(t.last().unwrap()), "undeclared node in `{l}`");
    }
}
