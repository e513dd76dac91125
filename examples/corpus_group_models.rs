//! Prints, for each topology group of the shared corpus (`MANIFEST.tsv`, 7th column), how many
//! servers, hosts and wadm the model holds in the group's files: the numbers
//! `tests/pipeline_corpus.rs` asserts for some groups.
//!
//! `cargo run --release --example corpus_group_models [CORPUS]` (default: `$LATTICELINT_SHARED/corpus`,
//! else `../shared/corpus` beside the clone).
#![allow(clippy::print_stdout, clippy::print_stderr)]

#[path = "../tests/support/corpus_groups.rs"]
mod corpus_groups;

use corpus_groups::{counts, groups};
use latticelint::pipeline::lint;
use latticelint::settings::Settings;
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
