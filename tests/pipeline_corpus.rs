//! `pipeline::lint` over the shared corpus (`tests/support/require.rs`: a counted skip when absent,
//! a failure under `LATTICELINT_REQUIRE_ALL`): no panic, and the model holds the expected servers,
//! hosts and wadm for named topology groups (corpus TOPOLOGIES.md). `cargo run --release --example
//! corpus_group_models` prints the counts of every group.

mod support;

use latticelint::pipeline::{lint, Outcome};
use latticelint::settings::Settings;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::OnceLock;

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

/// Files of each topology group, relative to the corpus root.
fn groups() -> BTreeMap<String, BTreeSet<String>> {
    let manifest = support::require::shared("corpus/MANIFEST.tsv").unwrap();
    let text = std::fs::read_to_string(manifest).unwrap();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() > 6 {
            out.entry(cols[6].to_string()).or_default().insert(cols[0].to_string());
        }
    }
    out
}

/// (servers, hosts, wadm) of the model declared in the group's files.
fn counts(out: &Outcome, group: &str) -> (usize, usize, usize) {
    let files = &groups()[group];
    let in_group = |span: latticelint::span::Span| {
        let real = out.db.real_span(span);
        files.contains(&out.db.get(real.file).display)
    };
    let servers = out
        .model
        .servers
        .iter()
        .filter(|s| in_group(s.span) || s.config.is_some_and(|c| files.contains(&out.db.get(c).display)))
        .count();
    let hosts = out.model.hosts.iter().filter(|h| in_group(h.span)).count();
    let wadms = out.model.wadms.iter().filter(|w| in_group(w.span)).count();
    (servers, hosts, wadms)
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
