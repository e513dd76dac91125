//! Host rules over fixtures/deploy-hosts: each finding on the line that sets (or should set) the value.

use latticelint::pipeline::lint;
use latticelint::settings::Settings;
use std::path::PathBuf;

#[test]
fn host_rules_fire_where_expected() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/deploy-hosts");
    let out = lint(&[root], &Settings::default());
    let mut got: Vec<(String, u32)> = out
        .diagnostics
        .iter()
        .filter(|d| d.rule.starts_with("host-") || d.rule == "js-home-unreachable")
        .map(|d| (d.rule.to_string(), out.db.locate(d.span).line))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("host-js-domain-mismatch".to_string(), 18), // `split` reaches edge's JetStream, the others the hub's
            ("host-js-domain-missing".to_string(), 27),  // `nodomain` on a leaf without JetStream
            ("host-js-domain-unknown".to_string(), 36),  // `hbu`
            ("host-nats-unresolved".to_string(), 44),    // `nowhere`
        ]
    );
    let missing = out.diagnostics.iter().find(|d| d.rule == "host-js-domain-missing").unwrap();
    assert_eq!(
        missing.help.as_deref(),
        Some("set `WASMCLOUD_JS_DOMAIN` to the lattice's JetStream domain, one of `edge`, `hub`")
    );
    let unknown = out.diagnostics.iter().find(|d| d.rule == "host-js-domain-unknown").unwrap();
    assert!(unknown.help.as_deref().unwrap().contains("did you mean `hub`?"));
}
