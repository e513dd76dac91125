//! Prints, for each topology group of the shared corpus (`MANIFEST.tsv`, 7th column), how many
//! servers, hosts and wadm the model holds in the group's files: the numbers
//! `tests/pipeline_corpus.rs` asserts for some groups.
//!
//! `cargo run --release --example corpus_group_models [CORPUS]` (default: `$LATTICELINT_SHARED/corpus`,
//! else `../shared/corpus` beside the clone).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use latticelint::pipeline::{lint, Outcome};
use latticelint::settings::Settings;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

fn corpus_dir() -> PathBuf {
    if let Some(arg) = std::env::args_os().nth(1) {
        return PathBuf::from(arg);
    }
    std::env::var_os("LATTICELINT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"))
        .join("corpus")
}

/// Files of each topology group, relative to the corpus root.
fn groups(manifest: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() > 6 {
            out.entry(cols[6].to_string()).or_default().insert(cols[0].to_string());
        }
    }
    out
}

/// (servers, hosts, wadm) declared in `files`.
fn counts(out: &Outcome, files: &BTreeSet<String>) -> (usize, usize, usize) {
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

fn main() {
    let corpus = corpus_dir();
    let manifest = match std::fs::read_to_string(corpus.join("MANIFEST.tsv")) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("corpus_group_models: {}: {e}", corpus.join("MANIFEST.tsv").display());
            std::process::exit(2);
        }
    };
    let out = lint(std::slice::from_ref(&corpus), &Settings::default());
    for (group, files) in groups(&manifest) {
        println!("{group}\t{:?}", counts(&out, &files));
    }
}
