//! Live proof of the JetStream routing simulator: every topology under `fixtures/live/` is started
//! on real nats-server (Debian's 2.9.10 and PyPI's newest) on 127.0.0.1, probed with a real NATS
//! client (`scripts/live-probe`, nats-py), and what the servers did must equal both the fixture's
//! recorded expectation and `latticelint jsmap --json`. `rules::*` asserts that
//! `latticelint check --format json` reports the rules each fixture is meant to trigger.

#[macro_use]
mod live_support;
mod support;

use live_support::*;

/// The topology rules of the simulator; a fixture must report exactly those of them it lists.
const TOPOLOGY_RULES: &[&str] = &[
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

/// Runs one fixture on one server version and compares.
fn live(id: &str, which: Server) {
    let name = dir_name(id);
    let bin = require!(live_ready(which));
    let report = probe(&name, &bin);
    let bad = compare_topology(&name, which, &report);
    assert!(
        bad.is_empty(),
        "{name} on {} ({}):\n  {}\nobserved: {}",
        bin.display(),
        report["server_version"],
        bad.join("\n  "),
        serde_json::to_string_pretty(&report["observations"]).unwrap_or_default()
    );
}

/// `check --format json` reports the fixture's rules and no other topology rule.
fn rules(id: &str) {
    check_reports(&dir_name(id), TOPOLOGY_RULES);
}

live_fixtures! {
    chain3_distinct_domains,
    chain3_mid_nojs,
    cluster_domain_mismatch,
    cluster_name_collision,
    default_js_domain_leaf,
    deny_js_on_remote,
    distinct_domains,
    domain_duplicate_chain_flap,
    domain_duplicate_operator_sidecars,
    domain_duplicate_two_leafs,
    domain_missing_both_nodomain,
    domain_missing_hub_nodomain,
    domain_missing_leaf_nodomain,
    domain_shadowed_leaf_reuses_hub,
    duplicate_server_name,
    hub_cluster_leaf,
    hub_nojs_two_js_leafs,
    js_account_disabled_leaf_bound,
    js_account_disabled_no_leaf,
    js_system_account_split,
    leaf_nojs_hub_domain,
    leaf_remote_unresolved,
    leaf_remote_wrong_port_client,
    leaf_remote_wrong_port_cluster,
}

#[test]
fn every_topology_fixture_is_listed() {
    let listed: Vec<String> = LISTED.iter().map(|id| dir_name(id)).collect();
    for name in fixtures_of_kind("topology") {
        assert!(listed.contains(&name), "fixtures/live/{name} has no test: add it to fixtures! in {}", file!());
    }
}

#[test]
fn fixtures_cover_every_topology_rule() {
    let mut covered = std::collections::BTreeSet::new();
    for name in fixtures_of_kind("topology") {
        for r in manifest(&name)["rules"].as_array().into_iter().flatten() {
            covered.insert(r.as_str().unwrap_or_default().to_string());
        }
    }
    let missing: Vec<&&str> = TOPOLOGY_RULES.iter().filter(|r| !covered.contains(**r)).collect();
    assert!(missing.is_empty(), "no live fixture triggers {missing:?}");
}

#[test]
fn fixtures_readme_lists_every_fixture() {
    let readme = std::fs::read_to_string(root().join("fixtures/live/README.md")).unwrap_or_default();
    for name in fixtures_of_kind("topology").into_iter().chain(fixtures_of_kind("host")) {
        assert!(readme.contains(&format!("[`{name}`]")), "fixtures/live/README.md does not list {name}");
    }
}

/// The comparisons themselves can fail: a wrong prediction, a missing row, a race outside its
/// alternatives and an unexpected observation are all reported.
#[test]
fn comparisons_report_differences() {
    use std::collections::BTreeMap;
    let cells = |rows: &[(&str, &str, &str)]| {
        let mut m: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for (k, s, c) in rows {
            m.entry(k.to_string()).or_default().insert(s.to_string(), c.to_string());
        }
        m
    };
    let manifest: serde_json::Value = serde_json::json!({
        "expect": {"hub APP": {"$JS.API": "hub", "$JS.x.API": ["a", "a+b"]}}
    });
    let observed = cells(&[("hub APP", "$JS.API", "hub"), ("hub APP", "$JS.x.API", "a+b")]);
    assert!(diff_expected(&manifest, &observed).is_empty());
    assert!(diff_jsmap(&manifest, &observed, &cells(&[("hub APP", "$JS.API", "hub"), ("hub APP", "$JS.x.API", "a")]))
        .is_empty());
    let wrong = diff_jsmap(&manifest, &observed, &cells(&[("hub APP", "$JS.API", "NR")]));
    assert_eq!(wrong.len(), 2, "{wrong:?}");
    let raced = cells(&[("hub APP", "$JS.API", "hub"), ("hub APP", "$JS.x.API", "b")]);
    assert_eq!(diff_expected(&manifest, &raced).len(), 1);
    let extra = cells(&[("hub APP", "$JS.API", "hub"), ("hub APP", "$JS.x.API", "a"), ("edge APP", "$JS.API", "TO")]);
    assert_eq!(diff_expected(&manifest, &extra).len(), 1);
    assert_eq!(cell("no-responders", &[]), "NR");
    assert_eq!(cell("duplicate", &["b".into(), "a".into()]), "a+b");
    assert_eq!(cell("error", &["hub".into()]), "E:hub");
}

/// A reply in the last 20% of its window fails the probe, one earlier does not.
#[test]
fn late_replies_are_reported() {
    let report = serde_json::json!({
        "observations": [{"replies": [{"server": "hub"}]}],
        "reply_latencies": [
            {"subject": "$JS.API.INFO", "latency_s": 0.004, "window_s": 0.8},
            {"subject": "$JS.hub.API.INFO", "latency_s": 0.65, "window_s": 0.8},
        ]
    });
    assert_eq!(late_replies(&report), ["$JS.hub.API.INFO: 0.650 s of a 0.800 s window"]);
    let on_time = serde_json::json!({"observations": [], "reply_latencies": [
        {"subject": "$JS.API.INFO", "latency_s": 0.63, "window_s": 0.8}]});
    assert!(late_replies(&on_time).is_empty());
}
