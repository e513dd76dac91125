//! nats Helm chart values (fixtures/helm-values): a server setting written beside the chart's values
//! instead of under `merge:` is dropped by the chart; latticelint says so and the host that relies on
//! it finds no JetStream.

mod support;

use latticelint::pipeline::lint;
use latticelint::settings::Settings;
use std::path::PathBuf;

/// `rule path:line:col` of every finding for one case, sorted.
fn findings(case: &str) -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/helm-values").join(case);
    support::findings::findings(&lint(&[dir], &Settings::default()))
}

#[test]
fn a_domain_beside_the_chart_values_is_ignored_and_the_host_finds_no_domain() {
    assert_eq!(
        findings("err"),
        ["helm-value-ignored values.yaml:10:5", "host-js-domain-unknown host.yaml:23:22"],
        "the domain line of values.yaml and the host's WASMCLOUD_JS_DOMAIN value"
    );
}

#[test]
fn the_domain_under_merge_reaches_the_server() {
    assert_eq!(findings("ok"), Vec::<String>::new());
}
