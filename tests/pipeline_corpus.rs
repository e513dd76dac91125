//! `pipeline::lint` over the shared corpus (`tests/support/require.rs`: a counted skip when absent,
//! a failure under `LATTICELINT_REQUIRE_ALL`): no panic, and the model holds the expected servers,
//! hosts and wadm for named topology groups (corpus TOPOLOGIES.md). `cargo run --release --example
//! corpus_group_models` prints the counts of every group.

mod support;

use latticelint::pipeline::{lint, Outcome};
use latticelint::settings::Settings;
use std::path::PathBuf;
use std::sync::OnceLock;
use support::corpus_groups;

/// The corpus and its lint outcome, once per test binary; `Err` names what is missing.
fn outcome() -> Result<&'static Outcome, String> {
    static OUT: OnceLock<Result<(PathBuf, Outcome), String>> = OnceLock::new();
    OUT.get_or_init(|| {
        let corpus = support::require::shared("corpus/MANIFEST.tsv")?.parent().unwrap().to_path_buf();
        let out = lint(std::slice::from_ref(&corpus), &Settings::default());
        Ok((corpus, out))
    })
    .as_ref()
    .map(|(_, out)| out)
    .map_err(Clone::clone)
}

/// (servers, hosts, wadm) of the model declared in the group's files.
fn counts(out: &Outcome, group: &str) -> (usize, usize, usize) {
    let manifest = support::require::shared("corpus/MANIFEST.tsv").unwrap();
    let groups = corpus_groups::groups(&std::fs::read_to_string(manifest).unwrap());
    corpus_groups::counts(out, &groups[group])
}

#[test]
fn corpus_lints_without_panic() {
    let out = require!(outcome());
    assert!(out.model.servers.len() > 50, "{}", out.model.servers.len());
    // ids are dense and in order
    for (i, s) in out.model.servers.iter().enumerate() {
        assert_eq!(s.id.0 as usize, i);
    }
}

#[test]
fn compose_groups() {
    let out = require!(outcome());
    assert_eq!(counts(out, "wadm:e2e-multitenant"), (4, 2, 0));
    assert_eq!(counts(out, "wadm:e2e-multiple-hosts"), (1, 3, 0));
    assert_eq!(counts(out, "wasmcloud:examples-docker-websockets"), (1, 1, 1));
    assert_eq!(counts(out, "rethink:05-superclusters"), (9, 0, 0));
    assert_eq!(counts(out, "natsdocs:docker-compose-cluster"), (3, 0, 0));
}

#[test]
fn versions_of_one_server_are_folded() {
    let out = require!(outcome());
    // srv_a.conf, srv_a_leaf.conf, srv_a_perms.conf are one node; B and C are others
    assert_eq!(counts(out, "nats-server:test-cluster-xyz").0, 3);
    // reload steps srv_a_1..4, srv_b_1/2, srv_c_1 are three servers
    assert_eq!(counts(out, "nats-server:reload-cluster-abc").0, 3);
    assert_eq!(counts(out, "nats-server:server-seed").0, 1);
}
