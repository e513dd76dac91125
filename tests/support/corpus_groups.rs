//! The topology groups of the shared corpus (`MANIFEST.tsv`, 7th column) and what a lint run models
//! in each; shared by `tests/pipeline_corpus.rs` and `examples/corpus_group_models.rs`.
#![allow(dead_code)]

use latticelint::pipeline::Outcome;
use std::collections::{BTreeMap, BTreeSet};

/// Files of each topology group, relative to the corpus root, from the text of `MANIFEST.tsv`.
pub fn groups(manifest: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() > 6 {
            out.entry(cols[6].to_string()).or_default().insert(cols[0].to_string());
        }
    }
    out
}

/// (servers, hosts, wadm) of the model declared in `files`.
pub fn counts(out: &Outcome, files: &BTreeSet<String>) -> (usize, usize, usize) {
    let in_group = |span: latticelint::span::Span| files.contains(&out.db.get(out.db.real_span(span).file).display);
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
