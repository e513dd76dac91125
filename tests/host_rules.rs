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
        .filter(|d| d.rule.name.starts_with("host-") || d.rule == "js-home-unreachable")
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

/// A host whose server leaves the scan (an unresolved leaf remote) may use a domain declared out
/// there: no `host-js-domain-unknown`, only the remote's `leaf-remote-unresolved` info.
#[test]
fn host_domain_declared_outside_the_scan_is_not_unknown() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/deploy-hosts-external");
    let out = lint(&[root], &Settings::default());
    let rules: Vec<&str> = out.diagnostics.iter().map(|d| d.rule.name).collect();
    assert_eq!(out.model.hosts.len(), 1, "the WasmCloudHostConfig is a host");
    assert!(rules.contains(&"leaf-remote-unresolved"), "{rules:?}");
    assert!(!rules.contains(&"host-js-domain-unknown"), "{rules:?}");
    assert!(!rules.contains(&"js-home-unreachable"), "{rules:?}");
}

/// Two sibling deployments define the same names (`hub`, `leaf`): every name resolves to the
/// server in the deepest folder shared with the referring file, so a scan of both is as clean as
/// a scan of each (before, `beta`'s host reached `alpha-leaf`: js-home-unreachable).
#[test]
fn same_name_in_sibling_deployments_resolves_to_the_nearest() {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/deploy-nearest");
    let out = lint(std::slice::from_ref(&base), &Settings::default());
    let found: Vec<String> = out.diagnostics.iter().map(|d| format!("{} {}", d.rule, d.message)).collect();
    assert!(found.is_empty(), "{found:#?}");
    for d in ["alpha", "beta"] {
        let alone = lint(&[base.join(d)], &Settings::default());
        assert!(alone.diagnostics.is_empty(), "{d}: {:?}", alone.diagnostics);
    }
    let label = |i: latticelint::topology::InstanceId| out.topology.instance(i).label.clone();
    let mut links: Vec<(String, String)> =
        out.topology.leaf_links.iter().map(|l| (label(l.from), label(l.to))).collect();
    links.sort();
    assert_eq!(links, vec![("alpha-leaf".into(), "alpha-hub".into()), ("beta-leaf".into(), "beta-hub".into())]);
    let mut ctl: Vec<(String, String)> = out
        .model
        .hosts
        .iter()
        .map(|h| {
            let (i, _) = latticelint::jetstream::clients::host_entry(&out.model, &out.topology, h).unwrap();
            (h.js_domain.as_ref().unwrap().value.clone(), label(i))
        })
        .collect();
    ctl.sort();
    assert_eq!(ctl, vec![("alpha".into(), "alpha-leaf".into()), ("beta".into(), "beta-leaf".into())]);
}

/// wadm in host-js-domain-mismatch: hosts keep lattice `default` in the hub's JetStream; a wadm on
/// the edge without a domain (the edge's own JetStream) and a wadm on the hub with domain `edge` are
/// warnings on the line that sets (or should set) `WADM_JETSTREAM_DOMAIN`, each help naming the value
/// that works. wadm without a domain on the hub (ok/) reaches the same JetStream as the hosts: silent.
/// The same shape runs live in fixtures/live/host-js-domain-mismatch (from the edge `$JS.API` is the
/// edge's, `$JS.hub.API` the hub's).
#[test]
fn wadm_reaching_another_jetstream_than_its_hosts() {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/deploy-wadm");
    let ok = lint(&[base.join("ok")], &Settings::default());
    assert!(ok.diagnostics.is_empty(), "{:?}", ok.diagnostics);
    let out = lint(&[base.join("err")], &Settings::default());
    let got: Vec<(String, u32, String, String)> = out
        .diagnostics
        .iter()
        .map(|d| {
            let loc = out.db.locate(d.span);
            (d.rule.to_string(), loc.line, d.severity.as_str().to_string(), d.help.clone().unwrap_or_default())
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "host-js-domain-mismatch".into(),
                18, // `wadm-local:` (no WADM_JETSTREAM_DOMAIN)
                "warning".into(),
                "set `WADM_JETSTREAM_DOMAIN=hub` on wadm `wadm-local`: from `edge` that domain reaches `hub`, where lattice `default` keeps its data".into()
            ),
            (
                "host-js-domain-mismatch".into(),
                26, // `WADM_JETSTREAM_DOMAIN: edge`
                "warning".into(),
                "set `WADM_JETSTREAM_DOMAIN=hub` on wadm `wadm-edge`: from `hub` that domain reaches `hub`, where lattice `default` keeps its data".into()
            ),
        ]
    );
}

/// The help says the value that would work, or the server change when no host value can: in
/// fixtures/example the edge reuses the hub's domain, so no `WASMCLOUD_JS_DOMAIN` can reach the hub.
#[test]
fn mismatch_help_names_a_working_value_or_the_server_change() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/example");
    let out = lint(&[root], &Settings::default());
    let d = out.diagnostics.iter().find(|d| d.rule == "host-js-domain-mismatch").unwrap();
    assert_eq!(
        d.help.as_deref(),
        Some("no `WASMCLOUD_JS_DOMAIN` value leads from `edge` to `hub`: `edge` answers `$JS.hub.API` itself; give that JetStream a domain other than `hub`, or connect host `host-edge` to a server that reaches `hub`")
    );
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/deploy-hosts");
    let out = lint(&[root], &Settings::default());
    let d = out.diagnostics.iter().find(|d| d.rule == "host-js-domain-mismatch").unwrap();
    assert_eq!(
        d.help.as_deref(),
        Some("set `WASMCLOUD_JS_DOMAIN=hub` on host `split`: from `edge` that domain reaches `hub`, where lattice `default` keeps its data")
    );
}

/// Decision table row 7 (hub JetStream without a domain, edge without JetStream): not a fault by
/// itself (js-domain-missing stays silent: nothing on the edge needs JetStream), but a host on the
/// edge is, and its help names the server change (fixtures/live/domain-missing-hub-nodomain shows
/// `$JS.API` from the edge gets no responders on real servers).
#[test]
fn host_behind_a_hub_without_domain_gets_the_server_change() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/deploy-hosts-hub-nodomain");
    let out = lint(&[root], &Settings::default());
    let got: Vec<(&str, u32)> = out.diagnostics.iter().map(|d| (d.rule.name, out.db.locate(d.span).line)).collect();
    assert_eq!(got, vec![("host-js-domain-missing", 14)]);
    assert_eq!(
        out.diagnostics[0].help.as_deref(),
        Some("no domain leads from `edge` to a JetStream: `hub` runs JetStream without a domain, which `$JS.API` never reaches across a leaf; give it one (`jetstream { domain: <name> }`) and set `WASMCLOUD_JS_DOMAIN` to it, or enable JetStream for account `APP` on server `edge`")
    );
}
