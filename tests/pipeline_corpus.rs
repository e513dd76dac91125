//! `pipeline::lint` over the shared corpus (skipped when absent): no panic, and the model holds the
//! expected servers, hosts and wadm for named topology groups (corpus TOPOLOGIES.md).

use latticelint::pipeline::{lint, Outcome};
use latticelint::settings::Settings;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const CORPUS: &str = "/work/shared/corpus";

fn outcome() -> Option<&'static Outcome> {
    static OUT: OnceLock<Option<Outcome>> = OnceLock::new();
    OUT.get_or_init(|| {
        Path::new(CORPUS).join("MANIFEST.tsv").exists().then(|| lint(&[PathBuf::from(CORPUS)], &Settings::default()))
    })
    .as_ref()
}

/// Files of each topology group, relative to the corpus root.
fn groups() -> BTreeMap<String, BTreeSet<String>> {
    let text = std::fs::read_to_string(Path::new(CORPUS).join("MANIFEST.tsv")).unwrap();
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
    let Some(out) = outcome() else { return };
    assert!(out.model.servers.len() > 50, "{}", out.model.servers.len());
    // ids are dense and in order
    for (i, s) in out.model.servers.iter().enumerate() {
        assert_eq!(s.id.0 as usize, i);
    }
}

#[test]
fn compose_groups() {
    let Some(out) = outcome() else { return };
    assert_eq!(counts(out, "wadm:e2e-multitenant"), (4, 2, 0));
    assert_eq!(counts(out, "wadm:e2e-multiple-hosts"), (1, 3, 0));
    assert_eq!(counts(out, "wasmcloud:examples-docker-websockets"), (1, 1, 1));
    assert_eq!(counts(out, "rethink:05-superclusters"), (9, 0, 0));
    assert_eq!(counts(out, "natsdocs:docker-compose-cluster"), (3, 0, 0));
}

/// `cargo test --test pipeline_corpus -- --ignored --nocapture`: the model per group.
#[test]
#[ignore]
fn print_group_models() {
    let Some(out) = outcome() else { return };
    for g in groups().keys() {
        println!("{g}\t{:?}", counts(out, g));
    }
}

#[test]
fn versions_of_one_server_are_folded() {
    let Some(out) = outcome() else { return };
    // srv_a.conf, srv_a_leaf.conf, srv_a_perms.conf are one node; B and C are others
    assert_eq!(counts(out, "nats-server:test-cluster-xyz").0, 3);
    // reload steps srv_a_1..4, srv_b_1/2, srv_c_1 are three servers
    assert_eq!(counts(out, "nats-server:reload-cluster-abc").0, 3);
    assert_eq!(counts(out, "nats-server:server-seed").0, 1);
}
