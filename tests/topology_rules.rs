//! Each topology rule fires on its `err*` fixtures, on the line to change, and stays silent on
//! its `ok` fixture (fixtures/rules/<rule-name>/{ok,err}/*.conf).

mod support;

use latticelint::diagnostic::{Diagnostic, Severity};
use latticelint::jetstream::Simulator;
use latticelint::rules::{find, host_views, Context};
use latticelint::settings::Settings;
use latticelint::topology::Topology;
use std::path::Path;

const RULES: &[&str] = &[
    "cluster-domain-mismatch",
    "cluster-name-collision",
    "duplicate-server-name",
    "js-account-disabled",
    "js-domain-duplicate",
    "js-domain-missing",
    "js-domain-shadowed",
    "js-system-account-split",
    "leaf-remote-unresolved",
    "leaf-remote-wrong-port",
];

/// The line each rule's finding must be on (a substring of it).
fn expected_line(rule: &str) -> &'static str {
    match rule {
        "cluster-domain-mismatch" => "domain: y",
        "cluster-name-collision" => "name: stores",
        "duplicate-server-name" => "server_name: nats",
        "js-account-disabled" => "APP:",
        "js-domain-duplicate" => "domain: edge",
        "js-domain-missing" => "jetstream",
        "js-domain-shadowed" => "domain:",
        "js-system-account-split" => "domain: core",
        "leaf-remote-unresolved" => "connect.ngs.global",
        "leaf-remote-wrong-port" => "url:",
        _ => unreachable!(),
    }
}

/// The rule's findings on a fixture folder, each with the text of the line it points at.
fn run_rule(rule: &str, dir: &Path) -> Vec<(Diagnostic, String)> {
    let loaded = support::load::load_dir(dir);
    let model = &loaded.model;
    assert!(!model.servers.is_empty(), "no configs in {}", dir.display());
    let topology = Topology::from_model(model);
    let settings = Settings::default();
    let sim = Simulator::new(model, &topology, settings.nats_version);
    let hosts = host_views(model, &topology, &sim);
    let cx =
        Context { db: &loaded.db, model, topology: &topology, settings: &settings, simulator: &sim, hosts: &hosts };
    let r = find(rule).unwrap_or_else(|| panic!("rule {rule} is not registered"));
    let mut out = Vec::new();
    (r.check.expect("topology rules have a check"))(&cx, &mut out);
    out.retain(|d| d.rule == rule);
    out.into_iter()
        .map(|d| {
            let line = support::load::line_of(&loaded.db, d.span);
            (d, line)
        })
        .collect()
}

#[test]
fn every_rule_fires_on_err_and_not_on_ok() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    for rule in RULES {
        let dir = root.join(rule);
        let mut cases: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("no fixtures for {rule}"))
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .collect();
        cases.sort();
        assert!(cases.iter().any(|c| c.ends_with("ok")), "{rule}: no ok fixture");
        assert!(
            cases.iter().any(|c| c.file_name().unwrap().to_string_lossy().starts_with("err")),
            "{rule}: no err fixture"
        );
        for case in cases {
            let name = case.file_name().unwrap().to_string_lossy().to_string();
            let found = run_rule(rule, &case);
            if name.starts_with("err") {
                assert!(!found.is_empty(), "{rule}/{name}: expected a finding");
                for (d, line) in &found {
                    assert!(!d.message.ends_with('.'), "{rule}: message ends with a period: {}", d.message);
                    assert!(
                        d.message.chars().next().is_some_and(|c| !c.is_uppercase()),
                        "{rule}: message not lower-case: {}",
                        d.message
                    );
                    assert!(d.help.is_some(), "{rule}: finding without help");
                    assert!(
                        line.contains(expected_line(rule)),
                        "{rule}/{name}: finding on `{line}`, expected the line with `{}`",
                        expected_line(rule)
                    );
                }
            } else {
                let msgs: Vec<&String> = found.iter().map(|(d, _)| &d.message).collect();
                assert!(found.is_empty(), "{rule}/{name}: unexpected findings: {msgs:?}");
            }
        }
    }
}

#[test]
fn shadowed_chain_is_an_error_on_the_reusing_server() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/js-domain-shadowed/err-chain");
    let found = run_rule("js-domain-shadowed", &dir);
    assert_eq!(found.len(), 1, "{found:?}");
    let (d, line) = &found[0];
    assert!(d.message.contains("`L2` reuses JetStream domain `hub` of `H`"), "{}", d.message);
    assert_eq!(d.severity, Severity::Error);
    assert!(line.contains("domain: hub"), "{line}");
    assert_eq!(d.related.len(), 2);
}

/// The message names the odd member's domain (or its lack) first, in plain English.
#[test]
fn cluster_domain_mismatch_message_reads() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/cluster-domain-mismatch/err");
    let found = run_rule("cluster-domain-mismatch", &dir);
    let msgs: Vec<&str> = found.iter().map(|(d, _)| d.message.as_str()).collect();
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(msgs[0].contains("runs JetStream with domain `y` but the rest of cluster"), "{msgs:?}");
    assert!(!msgs[0].contains("JetStream no domain"), "{msgs:?}");
}
