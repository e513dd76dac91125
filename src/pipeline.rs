//! One lint run end to end: discover → read deployment files → parse NATS configs (in parallel) →
//! assemble the model → topology → rules.

use crate::deploy::{ConfigRef, DeployFacts, ReadCx};
use crate::diagnostic::Diagnostic;
use crate::discover::{self, FileKind};
use crate::model::Model;
use crate::nats::{Environment, ParseOptions, ParsedConfig};
use crate::settings::Settings;
use crate::source::SourceDb;
use crate::span::FileId;
use crate::topology::Topology;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

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
    let paths: Vec<PathBuf> = if paths.is_empty() { vec![PathBuf::from(".")] } else { paths.to_vec() };
    // Absolute and lexically normal, so that `.`, `./x` and `x` name one file however it is reached
    // (walked, mounted by compose, included); display paths stay relative to the scanned root.
    let paths: Vec<PathBuf> = paths.iter().map(|p| crate::source::normalize(p)).collect();
    let root = discover::scan_root(&paths);
    let db = SourceDb::new(root.clone());
    let t = crate::timings::phase("discover");
    let found = discover::discover_excluding(&paths, &db, &settings.exclude);
    drop(t);
    let mut diagnostics = found.diagnostics;

    let t = crate::timings::phase("deploy");
    // Deployment files (everything but NATS configs), in parallel, merged in path order.
    let cx = ReadCx { db: &db };
    let per_file: Vec<DeployFacts> = found
        .files
        .par_iter()
        .filter(|f| f.kind != FileKind::NatsConfig)
        .map(|f| crate::deploy::read(&cx, f.file, &f.path, f.kind))
        .collect();
    let mut facts = DeployFacts::default();
    for f in per_file {
        facts.extend(f);
    }
    let kube = std::mem::take(&mut facts.kube);
    crate::deploy::kube::link(&db, &kube, &mut facts);
    diagnostics.append(&mut facts.diagnostics);

    drop(t);
    let t = crate::timings::phase("parse");
    // Config files of launches, resolved to file ids (files outside the discovered set are read now).
    let mut file_of_launch: HashMap<usize, FileId> = HashMap::new();
    for (i, l) in facts.launches.iter().enumerate() {
        let id = match &l.config {
            ConfigRef::File(p) => db.find(p).or_else(|| cx.load(p)),
            ConfigRef::Embedded(id) => Some(*id),
            _ => None,
        };
        if let Some(id) = id {
            file_of_launch.insert(i, id);
        }
    }

    // Standalone parses: every discovered NATS config, embedded configs and launched files, once each,
    // with no environment (deterministic; nats-server would read the process environment).
    let mut standalone_files: Vec<FileId> =
        found.files.iter().filter(|f| f.kind == FileKind::NatsConfig).map(|f| f.file).collect();
    standalone_files.extend(facts.embedded.iter().copied());
    let mut seen: HashSet<FileId> = HashSet::new();
    standalone_files.retain(|f| seen.insert(*f));
    let mut launched_only: Vec<FileId> = Vec::new();
    for id in file_of_launch.values() {
        if seen.insert(*id) {
            launched_only.push(*id);
        }
    }
    launched_only.sort();
    let base_opts = ParseOptions {
        version: settings.nats_version,
        env: Environment::Fixed(Arc::new(BTreeMap::new())),
        root: Some(root.clone()),
        loader: None,
        config_path: None,
    };
    // ConfigMap configs resolve includes among their sibling keys.
    let special: HashMap<FileId, ParseOptions> = facts
        .include_loaders
        .iter()
        .map(|(f, path, loader)| {
            let opts =
                ParseOptions { loader: Some(loader.clone()), config_path: Some(path.clone()), ..base_opts.clone() };
            (*f, opts)
        })
        .collect();
    let opts_for = |f: &FileId| special.get(f).unwrap_or(&base_opts);
    let mut configs: Vec<ParsedConfig> = standalone_files
        .par_iter()
        .chain(launched_only.par_iter())
        .map(|f| parse_config(&db, *f, opts_for(f)))
        .collect();

    // Launch parses: each launch's config with its environment (reusing the plain parse when it has none).
    let by_file: HashMap<FileId, usize> = configs.iter().enumerate().map(|(i, c)| (c.file, i)).collect();
    let launched: HashMap<usize, ParsedConfig> = file_of_launch
        .par_iter()
        .map(|(li, fid)| {
            let env = &facts.launches[*li].env;
            let parsed = if env.is_empty() {
                configs[by_file[fid]].clone()
            } else {
                let opts = ParseOptions { env: Environment::Fixed(Arc::new(env.clone())), ..opts_for(fid).clone() };
                parse_config(&db, *fid, &opts)
            };
            (*li, parsed)
        })
        .collect();

    // A launched config's findings come from the parse with its environment (e.g. `$SERVER_NAME`
    // defined by the pod): replace the plain parse's diagnostics by those of its first launch.
    let mut first_launch: BTreeMap<FileId, usize> = BTreeMap::new();
    for (li, fid) in &file_of_launch {
        let e = first_launch.entry(*fid).or_insert(*li);
        *e = (*e).min(*li);
    }
    for c in configs.iter_mut() {
        if let Some(li) = first_launch.get(&c.file) {
            c.diagnostics = launched[li].diagnostics.clone();
        }
    }
    configs.sort_by_cached_key(|c| db.get(c.file).display.clone());

    drop(t);
    let t = crate::timings::phase("model");
    let model = crate::model::assemble::assemble(&db, &configs, &launched, &facts, &file_of_launch);
    // The per-launch parses and deployment facts are in the model now: free them before the
    // topology and rules allocate (a 100,000-server fleet holds a parse tree per launch).
    drop(launched);
    drop(facts);
    for c in &configs {
        diagnostics.extend(c.diagnostics.iter().cloned());
    }
    drop(t);
    let t = crate::timings::phase("topology");
    let topology = Topology::build(&model, &db);
    drop(t);
    let t = crate::timings::phase("rules");
    let cx = crate::rules::Context::new(&db, &configs, &model, &topology, settings);
    diagnostics.extend(crate::rules::run(&cx));
    dedup(&mut diagnostics);
    drop(t);
    Outcome { root, db, configs, model, topology, diagnostics }
}

/// Parses one NATS config file already registered in `db`.
pub fn parse_config(db: &SourceDb, file: FileId, opts: &ParseOptions) -> ParsedConfig {
    crate::nats::parse_file(db, file, opts)
}

/// Drops exact duplicates (a file parsed for several launches reports the same finding once).
fn dedup(diags: &mut Vec<Diagnostic>) {
    let mut seen = HashSet::new();
    diags.retain(|d| seen.insert((d.rule, d.span, d.message.clone())));
}
