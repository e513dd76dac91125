//! Live proof of the wasmCloud host rules: each `fixtures/live/host-*` deployment (compose file,
//! the hosts' env files, NATS configs) is started on real nats-server (Debian's 2.9.10 and
//! PyPI's newest). From the server each host's `WASMCLOUD_CTL_HOST`/`WASMCLOUD_NATS_HOST` points
//! at, `scripts/live-probe` does what a wasmCloud 1.x host does with its lattice data: get or
//! create the bucket `LATTICEDATA_<lattice>`, put a key and read it back, through
//! `$JS.<WASMCLOUD_JS_DOMAIN>.API` (`$JS.<d>.API.$KV.`), or `$JS.API` and `$KV.` without a domain;
//! then each host reads every host's key. The outcome must equal the fixture's expectation and
//! jsmap's row for the host, and `check` must report the host rule the fixture is about.

#[macro_use]
mod live_support;
mod support;

use latticelint::jetstream::map::JsMap;
use latticelint::jetstream::{api_prefix, Simulator};
use latticelint::pipeline;
use latticelint::settings::Settings;
use latticelint::version::NatsVersion;
use live_support::*;
use serde_json::Value;

const HOST_RULES: &[&str] = &[
    "host-js-domain-mismatch",
    "host-js-domain-missing",
    "host-js-domain-unknown",
    "host-nats-unresolved",
    "js-home-unreachable",
];

/// The cell of a host's lattice KV traffic: the JetStream that stored its write, or NR / TO.
fn kv_cell(row: &Value) -> String {
    match row["put"].as_str().unwrap_or("?") {
        "answered" => row["stored_on"].as_str().unwrap_or("?").to_string(),
        "no-responders" => "NR".into(),
        "timeout" => "TO".into(),
        other => other.to_string(),
    }
}

fn live(id: &str, which: Server) {
    let name = dir_name(id);
    let bin = require!(live_ready(which));
    let m = manifest(&name);
    let report = probe(&name, &bin);
    let mut bad = compare_topology(&name, which, &report);
    let rows = report["hosts"].as_array().cloned().unwrap_or_default();
    let expect = m["expect_hosts"].as_object().cloned().unwrap_or_default();
    assert_eq!(rows.len(), expect.len(), "{name}: hosts probed vs expected: {rows:?}");
    for row in &rows {
        let host = row["host"].as_str().unwrap_or("?");
        let Some(want) = expect.get(host).and_then(Value::as_object) else {
            bad.push(format!("host {host}: no expectation"));
            continue;
        };
        for (k, v) in want {
            if &row[k] != v {
                bad.push(format!("host {host} {k}: expected {v}, observed {}", row[k]));
            }
        }
    }
    if m["jsmap"].is_null() {
        bad.extend(compare_host_rows(&name, which, &rows));
    }
    assert!(
        bad.is_empty(),
        "{name} on {} ({}):\n  {}\nhosts: {}",
        bin.display(),
        report["server_version"],
        bad.join("\n  "),
        serde_json::to_string_pretty(&report["hosts"]).unwrap_or_default()
    );
}

/// The host rows of the JetStream map (`latticelint jsmap`'s table; `--json` carries server
/// rows only), computed through the library exactly as the command does: for each host, the cell
/// of the API prefix it uses must name the JetStream that stored its write (or NR / TO).
fn compare_host_rows(name: &str, which: Server, rows: &[Value]) -> Vec<String> {
    let version = match which {
        Server::Debian => "2.9.10",
        Server::Newest => "newest",
    };
    let settings =
        Settings { nats_version: version.parse::<NatsVersion>().expect("known version"), ..Settings::default() };
    let outcome = pipeline::lint(&[fixture_dir(name)], &settings);
    let sim = Simulator::new(&outcome.model, &outcome.topology, settings.nats_version);
    let map = JsMap::build(&sim);
    let mut bad = Vec::new();
    for row in rows {
        let host = row["host"].as_str().unwrap_or("?");
        let subject = row["api_prefix"].as_str().unwrap_or("?");
        let got = kv_cell(row);
        let col = map.columns.iter().position(|c| api_prefix(c.as_deref()) == subject);
        let Some(r) = map.rows.iter().find(|r| r.kind == "host" && r.from == host) else {
            bad.push(format!("host {host}: the JetStream map has no row for it"));
            continue;
        };
        let predicted = match col.and_then(|c| r.cells[c].as_ref()) {
            None => "?".to_string(),
            Some(res) => cell(res.outcome.as_str(), &res.responder_servers()),
        };
        if predicted != got {
            bad.push(format!("host {host} {subject}: lattice KV went to {got}, jsmap predicts {predicted}"));
        }
    }
    bad
}

fn rules(id: &str) {
    check_reports(&dir_name(id), HOST_RULES);
}

live_fixtures! {
    host_domain_reaches_hub,
    host_js_domain_missing,
    host_js_domain_mismatch,
    host_js_domain_unknown,
    host_js_home_unreachable,
}

#[test]
fn every_host_fixture_is_listed() {
    let listed: Vec<String> = LISTED.iter().map(|id| dir_name(id)).collect();
    for name in fixtures_of_kind("host") {
        assert!(listed.contains(&name), "fixtures/live/{name} has no test: add it to fixtures! in {}", file!());
    }
    assert!(listed.len() >= 3);
}
