//! Resolved settings of a run: target nats-server version, enabled rules, severity overrides.
//! Built from the command line and `latticelint.toml` (see `crate::config`).

use crate::diagnostic::Severity;
use crate::version::NatsVersion;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The nats-server release the deployment targets.
    pub nats_version: NatsVersion,
    /// When set, only these rules run.
    pub select: Option<Vec<String>>,
    /// Rules never run.
    pub ignore: Vec<String>,
    /// Per-rule severity overrides.
    pub severity: BTreeMap<String, Severity>,
    /// Globs of paths not to lint (from `exclude` in `latticelint.toml`), relative to the config's folder
    /// or matched against display paths; discovery should skip them (check also drops their findings).
    pub exclude: Vec<String>,
}

impl Settings {
    pub fn rule_enabled(&self, name: &str) -> bool {
        if self.ignore.iter().any(|r| r == name) {
            return false;
        }
        match &self.select {
            Some(sel) => sel.iter().any(|r| r == name),
            None => true,
        }
    }
}
