//! One lint run end to end: discover → parse → model → topology → rules.

use crate::diagnostic::Diagnostic;
use crate::model::Model;
use crate::nats::ParsedConfig;
use crate::settings::Settings;
use crate::source::SourceDb;
use crate::topology::Topology;
use std::path::PathBuf;

/// Everything a run produced; renderers and `jsmap`/`graph` read it.
pub struct Outcome {
    /// The scanned root: display paths are relative to it.
    pub root: PathBuf,
    pub db: SourceDb,
    pub configs: Vec<ParsedConfig>,
    pub model: Model,
    pub topology: Topology,
    /// Every finding of every phase, before suppression and severity overrides, unsorted.
    pub diagnostics: Vec<Diagnostic>,
}

/// Lints `paths` (files or folders). Never panics on bad input; problems become diagnostics.
pub fn lint(paths: &[PathBuf], settings: &Settings) -> Outcome {
    let _ = settings;
    let root = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let db = SourceDb::new(root.clone());
    let model = Model::default();
    let topology = Topology::build(&model, &db);
    Outcome { root, db, configs: Vec::new(), model, topology, diagnostics: Vec::new() }
}
