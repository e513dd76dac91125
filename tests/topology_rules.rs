//! Each topology rule fires on its `err*` fixtures, on the line to change, and stays silent on
//! its `ok` fixture (fixtures/rules/<rule-name>/{ok,err}/*.conf). Each fixture folder is linted
//! through `pipeline::lint` with only the rule selected.

mod support;

use latticelint::diagnostic::{Diagnostic, Severity};
use latticelint::pipeline;
use latticelint::settings::Settings;
use std::path::Path;
use support::tree::{files_with_extension, fixture, line_of};

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

/// The rule's findings on a fixture folder (the run selects only `rule`), each with the text of
/// the line it points at.
fn run_rule(rule: &str, dir: &Path) -> Vec<(Diagnostic, String)> {
    assert!(!files_with_extension(dir, "conf").is_empty(), "no configs in {}", dir.display());
    let settings = Settings { select: Some(vec![rule.to_string()]), ..Settings::default() };
    let out = pipeline::lint(&[dir.to_path_buf()], &settings);
    assert!(!out.model.servers.is_empty(), "no servers in {}", dir.display());
    let mut found: Vec<(Diagnostic, String)> =
        out.diagnostics.iter().filter(|d| d.rule == rule).map(|d| (d.clone(), line_of(&out, d.span))).collect();
    found.sort_by_key(|(d, _)| d.span);
    found
}

#[test]
fn every_rule_fires_on_err_and_not_on_ok() {
    let root = fixture("rules");
    for rule in RULES {
        let dir = root.join(rule);
        let mut cases: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("no fixtures for {rule}"))
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.is_dir()) // not the `<case>.snap` snapshots of tests/rule_fixtures.rs
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
    let dir = fixture("rules/js-domain-shadowed/err-chain");
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
    let dir = fixture("rules/cluster-domain-mismatch/err");
    let found = run_rule("cluster-domain-mismatch", &dir);
    let msgs: Vec<&str> = found.iter().map(|(d, _)| d.message.as_str()).collect();
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(msgs[0].contains("runs JetStream with domain `y` but the rest of cluster"), "{msgs:?}");
    assert!(!msgs[0].contains("JetStream no domain"), "{msgs:?}");
}
