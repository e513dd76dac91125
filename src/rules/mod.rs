//! The rule registry. One rule per file (`src/rules/<rule_name>.rs`), each declared with
//! [`declare_rule!`](crate::declare_rule) whose doc comment is the rule's documentation
//! (sections: What it does, Why is this bad?, Example, How to fix, References).
//!
//! Rules whose findings come from an earlier phase (the parser emits `syntax-error`, discovery
//! emits `symlink-outside-root`...) are declared in that phase's `findings.rs` and registered here
//! with `check: None`, so they are listed, documented and configurable like every other rule.

use crate::diagnostic::Diagnostic;
use crate::jetstream::Simulator;
use crate::model::Model;
use crate::nats::ParsedConfig;
use crate::settings::Settings;
use crate::source::SourceDb;

pub use crate::diagnostic::RuleMeta;
pub use host_analysis::HostView;

/// What a rule pass can read: the run's sources, model and topology, and the simulator and host
/// views the pipeline built once for every rule.
pub struct Context<'a> {
    pub db: &'a SourceDb,
    pub model: &'a Model,
    pub topology: &'a crate::topology::Topology,
    pub settings: &'a Settings,
    /// JetStream routing for the target nats-server version.
    pub simulator: &'a Simulator<'a>,
    /// One view per wasmCloud host ([`host_views`]).
    pub hosts: &'a [HostView<'a>],
}

/// One view per wasmCloud host, in model order: what its control connection reaches and who answers
/// its lattice-data requests. The pipeline computes them once and shares them with the host rules.
pub fn host_views<'a>(model: &'a Model, topology: &'a crate::topology::Topology, sim: &Simulator) -> Vec<HostView<'a>> {
    host_analysis::hosts(model, topology, sim)
}

/// A check function: reads the context, pushes findings.
pub type CheckFn = fn(&Context, &mut Vec<Diagnostic>);

/// A per-config check: reads one parsed config's tree, pushes findings.
pub type ConfigCheckFn = fn(&ParsedConfig, &SourceDb, crate::version::NatsVersion, &mut Vec<Diagnostic>);

/// A registered rule.
pub struct Rule {
    pub meta: &'static RuleMeta,
    /// `None` for rules reported by an earlier phase (parser, discovery, model building) and for
    /// per-config rules.
    pub check: Option<CheckFn>,
    /// Rules that read one config's parse tree at a time. The pipeline runs them right after each
    /// parse ([`check_config`]), so no parse tree outlives its thread.
    pub check_config: Option<ConfigCheckFn>,
}

// One module per rule, alphabetical, and two helpers: `host_analysis` (host views) and `validators`.
mod cluster_domain_mismatch;
mod cluster_name_collision;
mod duplicate_server_name;
mod host_analysis;
mod host_js_domain_mismatch;
mod host_js_domain_missing;
mod host_js_domain_unknown;
mod host_nats_unresolved;
mod invalid_value;
mod js_account_disabled;
mod js_domain_duplicate;
mod js_domain_missing;
mod js_domain_shadowed;
mod js_home_unreachable;
mod js_system_account_split;
mod leaf_remote_unresolved;
mod leaf_remote_wrong_port;
mod silent_value_loss;
mod unknown_key;
mod validators;

/// Every rule, sorted by name (a test enforces order and uniqueness).
pub static RULES: &[Rule] = &[
    Rule { meta: &cluster_domain_mismatch::META, check: Some(cluster_domain_mismatch::check), check_config: None },
    Rule { meta: &cluster_name_collision::META, check: Some(cluster_name_collision::check), check_config: None },
    Rule { meta: &duplicate_server_name::META, check: Some(duplicate_server_name::check), check_config: None },
    Rule { meta: &crate::deploy::findings::FILE_NOT_LINTED, check: None, check_config: None },
    Rule { meta: &crate::deploy::findings::HELM_VALUE_IGNORED, check: None, check_config: None },
    Rule { meta: &host_js_domain_mismatch::META, check: Some(host_js_domain_mismatch::check), check_config: None },
    Rule { meta: &host_js_domain_missing::META, check: Some(host_js_domain_missing::check), check_config: None },
    Rule { meta: &host_js_domain_unknown::META, check: Some(host_js_domain_unknown::check), check_config: None },
    Rule { meta: &host_nats_unresolved::META, check: Some(host_nats_unresolved::check), check_config: None },
    Rule { meta: &crate::nats::findings::INCLUDE_CYCLE, check: None, check_config: None },
    Rule { meta: &crate::nats::findings::INCLUDE_NOT_FOUND, check: None, check_config: None },
    Rule { meta: &crate::nats::findings::INCLUDE_OUTSIDE_ROOT, check: None, check_config: None },
    Rule { meta: &crate::guard::findings::INTERNAL_ERROR, check: None, check_config: None },
    Rule { meta: &crate::nats::findings::INVALID_ENCODING, check: None, check_config: None },
    Rule { meta: &invalid_value::META, check: None, check_config: Some(invalid_value::check_config) },
    Rule { meta: &js_account_disabled::META, check: Some(js_account_disabled::check), check_config: None },
    Rule { meta: &js_domain_duplicate::META, check: Some(js_domain_duplicate::check), check_config: None },
    Rule { meta: &js_domain_missing::META, check: Some(js_domain_missing::check), check_config: None },
    Rule { meta: &js_domain_shadowed::META, check: Some(js_domain_shadowed::check), check_config: None },
    Rule { meta: &js_home_unreachable::META, check: Some(js_home_unreachable::check), check_config: None },
    Rule { meta: &js_system_account_split::META, check: Some(js_system_account_split::check), check_config: None },
    Rule { meta: &leaf_remote_unresolved::META, check: Some(leaf_remote_unresolved::check), check_config: None },
    Rule { meta: &leaf_remote_wrong_port::META, check: Some(leaf_remote_wrong_port::check), check_config: None },
    Rule { meta: &silent_value_loss::META, check: None, check_config: Some(silent_value_loss::check_config) },
    Rule { meta: &crate::suppress::findings::SUPPRESSION_WITHOUT_REASON, check: None, check_config: None },
    Rule { meta: &crate::discover::findings::SYMLINK_OUTSIDE_ROOT, check: None, check_config: None },
    Rule { meta: &crate::nats::findings::SYNTAX_ERROR, check: None, check_config: None },
    Rule { meta: &crate::nats::findings::UNDEFINED_VARIABLE, check: None, check_config: None },
    Rule { meta: &unknown_key::META, check: None, check_config: Some(unknown_key::check_config) },
    Rule { meta: &crate::nats::findings::UNREADABLE_FILE, check: None, check_config: None },
    Rule { meta: &crate::suppress::findings::UNUSED_SUPPRESSION, check: None, check_config: None },
];

/// Looks a rule up by name.
pub fn find(name: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.meta.name == name)
}

/// The files read through some config's `include`, compared by canonical path (discovery and include
/// resolution may spell one file differently). Embedded configs are never fragments.
pub struct Fragments(std::collections::HashSet<std::path::PathBuf>);

impl Fragments {
    pub fn new(db: &SourceDb, includes: impl Iterator<Item = crate::span::FileId>) -> Self {
        use rayon::prelude::*;
        let mut ids: Vec<crate::span::FileId> = includes.collect();
        ids.sort();
        ids.dedup();
        let paths = ids
            .par_iter()
            .map(|id| db.get(*id))
            .filter(|f| f.embedding.is_none())
            .map(|f| db.canonical_or_same(&f.path))
            .collect();
        Fragments(paths)
    }

    /// True when `file` is a fragment (some config includes it).
    pub fn contains(&self, db: &SourceDb, file: crate::span::FileId) -> bool {
        let f = db.get(file);
        f.embedding.is_none() && self.0.contains(&db.canonical_or_same(&f.path))
    }
}

/// Runs every rule with a check function over the model that the settings enable (the per-config
/// rules run with each parse, [`check_config`]).
pub fn run(cx: &Context) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    // Rules in parallel (each reads the shared context), findings concatenated in rule order.
    let per_rule: Vec<Vec<Diagnostic>> = RULES
        .par_iter()
        .filter_map(|rule| Some((rule, rule.check?)))
        .map(|(rule, check)| {
            let mut out = Vec::new();
            if cx.settings.rule_enabled(rule.meta.name) {
                let _t = crate::timings::phase(rule.meta.name);
                check(cx, &mut out);
            }
            out
        })
        .collect();
    per_rule.into_iter().flatten().collect()
}

/// The findings of every enabled per-config rule on one config (the pipeline calls it right after
/// each parse). A config that turns out to be an include fragment has its findings dropped later.
pub fn check_config(cfg: &ParsedConfig, db: &SourceDb, settings: &Settings) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in RULES {
        if let Some(check) = rule.check_config {
            if settings.rule_enabled(rule.meta.name) {
                check(cfg, db, settings.nats_version, &mut out);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A check rule lives in `src/rules/<name>.rs`; a phase rule is declared in the `findings.rs` of
    /// the phase that reports it (a rule both phases report, `silent-value-loss`, is declared with
    /// the earlier phase and checked in its own rule file).
    #[test]
    fn rules_are_sorted_unique_and_declared_where_they_are_reported() {
        let names: Vec<&str> = RULES.iter().map(|r| r.meta.name).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(names, sorted, "RULES must be sorted by name and unique");
        let rule_file = |name: &str| format!("src/rules/{}.rs", name.replace('-', "_"));
        for r in RULES {
            let file = r.meta.file.replace('\\', "/");
            let checked = r.check.is_some() || r.check_config.is_some();
            if file.starts_with("src/rules/") {
                assert_eq!(file, rule_file(r.meta.name), "rule {} is declared in {}", r.meta.name, file);
                assert!(checked, "rule {} is declared in src/rules/ but has no check", r.meta.name);
            } else {
                assert!(file.ends_with("/findings.rs"), "phase rule {} is declared in {}", r.meta.name, file);
                if checked {
                    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rule_file(r.meta.name));
                    assert!(path.is_file(), "rule {} has a check but no {}", r.meta.name, path.display());
                }
            }
            for section in ["## What it does", "## Why is this bad?", "## Example", "## How to fix"] {
                assert!(r.meta.docs.contains(section), "rule {} lacks section `{section}`", r.meta.name);
            }
        }
    }
}
