//! One lint run end to end: discover → read deployment files → parse NATS configs (in parallel) →
//! assemble the model → topology → rules.

use crate::deploy::ReadCx;
use crate::diagnostic::Diagnostic;
use crate::discover::{self, FileKind};
use crate::jetstream::Simulator;
use crate::model::assemble::{lower, Launched, Lowered};
use crate::model::facts::ConfigRef;
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
    pub model: Model,
    pub topology: Topology,
    /// The nats-server version the run simulated, and the simulator's state for it ([`Outcome::simulator`]).
    pub nats_version: crate::version::NatsVersion,
    jetstream: Arc<crate::jetstream::State>,
    /// Every finding of every phase, before suppression and severity overrides, unsorted.
    pub diagnostics: Vec<Diagnostic>,
    /// The secrets of every source, when asked for ([`lint_redacting`]).
    pub redactor: Option<crate::redact::Redactor>,
}

impl Outcome {
    /// The JetStream simulator the rules used (its state was computed once, during the run).
    pub fn simulator(&self) -> Simulator<'_> {
        Simulator::with_state(&self.model, &self.topology, self.nats_version, self.jetstream.clone())
    }
}

/// Lints `paths` (files or folders). Never panics on bad input; problems become diagnostics.
pub fn lint(paths: &[PathBuf], settings: &Settings) -> Outcome {
    run(paths, settings, false)
}

/// [`lint`], also collecting the secrets of every source ([`Outcome::redactor`]) for the reports.
/// The secret scan runs beside the model, topology and rule passes, whose serial steps leave a core idle.
pub fn lint_redacting(paths: &[PathBuf], settings: &Settings) -> Outcome {
    run(paths, settings, true)
}

fn run(paths: &[PathBuf], settings: &Settings, redact: bool) -> Outcome {
    let paths: Vec<PathBuf> = if paths.is_empty() { vec![PathBuf::from(".")] } else { paths.to_vec() };
    // Absolute and lexically normal, so that `.`, `./x` and `x` name one file however it is reached
    // (walked, mounted by compose, included); display paths stay relative to the scanned root.
    let paths: Vec<PathBuf> = paths.iter().map(|p| crate::source::normalize(p)).collect();
    let root = discover::scan_root(&paths);
    let db = SourceDb::new(root.clone());
    let t = crate::timings::phase("discover");
    let found = discover::discover_excluding(&paths, &db, &settings.exclude);
    drop(t);
    if found.files.len() >= crate::memory::LARGE_RUN_FILES {
        crate::memory::economize();
    }
    let mut diagnostics = found.diagnostics;

    let t = crate::timings::phase("deploy");
    // Deployment files (everything but NATS configs), in parallel, merged in path order.
    let cx = ReadCx { db: &db };
    let mut facts = crate::deploy::read_all(&cx, found.files.par_iter().map(|f| (f.file, f.path.as_path(), f.kind)));
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
    // Each config is parsed, checked by the per-config rules and lowered in one go, in parallel; its
    // parse tree is dropped at once (a 100,000-server fleet would otherwise hold 10^5 trees).
    let mut plain: Vec<PlainParse> = standalone_files
        .par_iter()
        .chain(launched_only.par_iter())
        .map(|f| {
            crate::guard::per_file(&db, *f, || {
                let parsed = parse_config(&db, *f, opts_for(f));
                PlainParse {
                    findings: crate::rules::check_config(&parsed, &db, settings),
                    lowered: Lowered { file: *f, server: lower(&parsed, &db), includes: parsed.includes },
                    diagnostics: parsed.diagnostics,
                }
            })
            .unwrap_or_else(|failed| PlainParse {
                lowered: Lowered { file: *f, server: lower_failed(&db, *f), includes: Vec::new() },
                diagnostics: vec![*failed],
                findings: Vec::new(),
            })
        })
        .collect();

    // Launch parses: each launch's config with its environment, lowered at once; a launch without
    // environment uses the plain parse's server.
    let mut launched: HashMap<usize, Launched> = file_of_launch
        .par_iter()
        .filter(|(li, _)| !facts.launches[**li].env.is_empty())
        .map(|(li, fid)| {
            let env = &facts.launches[*li].env;
            let opts = ParseOptions { env: Environment::Fixed(Arc::new(env.clone())), ..opts_for(fid).clone() };
            let own = crate::guard::per_file(&db, *fid, || {
                let parsed = parse_config(&db, *fid, &opts);
                Launched { server: lower(&parsed, &db), includes: parsed.includes, diagnostics: parsed.diagnostics }
            })
            .unwrap_or_else(|failed| Launched {
                server: lower_failed(&db, *fid),
                includes: Vec::new(),
                diagnostics: vec![*failed],
            });
            (*li, own)
        })
        .collect();

    // A launched config's findings come from the parse with its environment (e.g. `$SERVER_NAME`
    // defined by the pod): replace the plain parse's diagnostics by those of its first launch.
    let mut first_launch: BTreeMap<FileId, usize> = BTreeMap::new();
    for (li, fid) in &file_of_launch {
        let e = first_launch.entry(*fid).or_insert(*li);
        *e = (*e).min(*li);
    }
    for c in plain.iter_mut() {
        if let Some(own) = first_launch.get(&c.lowered.file).and_then(|li| launched.get_mut(li)) {
            c.diagnostics = std::mem::take(&mut own.diagnostics);
        }
    }
    let ranks = db.display_ranks();
    plain.sort_by_key(|c| ranks[c.lowered.file.0 as usize]);
    // Per-config rule findings of include fragments are dropped: a fragment is checked in the
    // context of the config that includes it.
    let fragments = crate::rules::Fragments::new(&db, plain.iter().flat_map(|c| c.lowered.includes.iter().copied()));
    let mut standalone = Vec::with_capacity(plain.len());
    let mut config_findings = Vec::new();
    for c in plain {
        diagnostics.extend(c.diagnostics);
        if !fragments.contains(&db, c.lowered.file) {
            config_findings.extend(c.findings);
        }
        standalone.push(c.lowered);
    }
    // Every canonical path the run needs is known now (`fragments.contains` used the memo).
    db.forget_canonical();
    drop(t);
    let (redactor, (model, topology, jetstream)) = rayon::join(
        || {
            let _t = crate::timings::phase("redact");
            redact.then(|| crate::redact::Redactor::from_db(&db))
        },
        || {
            let t = crate::timings::phase("model");
            // The deployment facts move into the model (and are freed before the topology and rules allocate).
            let model = crate::model::assemble::assemble(&db, standalone, launched, facts, &file_of_launch);
            drop(t);
            let t = crate::timings::phase("topology");
            let topology = Topology::build(&model, &db);
            drop(t);
            let _t = crate::timings::phase("rules");
            // The per-config rules ran with the parses; these are the rules over the model and topology,
            // sharing one simulator and one set of host views.
            let simulator = Simulator::new(&model, &topology, settings.nats_version);
            let hosts = crate::rules::host_views(&model, &topology, &simulator);
            let cx = crate::rules::Context {
                db: &db,
                model: &model,
                topology: &topology,
                settings,
                simulator: &simulator,
                hosts: &hosts,
            };
            diagnostics.extend(crate::rules::run(&cx));
            let jetstream = simulator.state();
            drop((hosts, simulator));
            (model, topology, jetstream)
        },
    );
    diagnostics.extend(config_findings);
    dedup(&mut diagnostics);
    Outcome { root, db, model, topology, nats_version: settings.nats_version, jetstream, diagnostics, redactor }
}

/// What the pipeline keeps of a config parsed on its own once its tree is dropped.
struct PlainParse {
    lowered: Lowered,
    /// Parser findings (replaced by those of the config's first launch when it has an environment).
    diagnostics: Vec<Diagnostic>,
    /// Findings of the per-config rules.
    findings: Vec<Diagnostic>,
}

/// Parses one NATS config file already registered in `db`.
pub fn parse_config(db: &SourceDb, file: FileId, opts: &ParseOptions) -> ParsedConfig {
    crate::nats::parse_file(db, file, opts)
}

/// The server of a config whose step panicked ([`crate::guard`]): that of an empty, failed parse,
/// so launches of the file still have a server.
fn lower_failed(db: &SourceDb, file: FileId) -> crate::model::Server {
    let empty = ParsedConfig {
        file,
        root: Default::default(),
        ok: false,
        error: Some("latticelint failed on this file".into()),
        diagnostics: Vec::new(),
        includes: Vec::new(),
    };
    lower(&empty, db)
}

/// Drops exact duplicates (a file parsed for several launches reports the same finding once).
fn dedup(diags: &mut Vec<Diagnostic>) {
    let mut seen = HashSet::new();
    diags.retain(|d| seen.insert((d.rule, d.span, d.message.clone())));
}
