//! The NATS configuration format: a hand-written nom parser that behaves like nats-server's `conf`
//! package (see `grammar/nats.ebnf` and `truth/nats-conf-format.md`).
//!
//! Phases: 1. lex/parse one file into a spanned tree ([`value`]); 2. resolve `include`s (relative to the
//! including file, cycles reported) and `$variables` (enclosing scopes, then the environment);
//! 3. report malformed input as diagnostics (`syntax-error`, `include-not-found`, `include-cycle`,
//! `undefined-variable`) and silent traps as `silent-value-loss` notes. Never panics.

pub mod keys;
pub mod value;

use crate::diagnostic::Diagnostic;
use crate::span::FileId;
use crate::version::NatsVersion;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

pub use value::{Entry, Map, Value, ValueKind, VariableOrigin};

/// How variables fall back to the environment.
#[derive(Clone, Default)]
pub enum Environment {
    /// The process environment (what nats-server does; used by `latticelint parse`).
    #[default]
    Process,
    /// A fixed set of variables (from compose `environment:`, `.env`, systemd `Environment=`).
    Fixed(Arc<BTreeMap<String, String>>),
}

impl Environment {
    pub fn lookup(&self, name: &str) -> Option<String> {
        match self {
            Environment::Process => std::env::var(name).ok(),
            Environment::Fixed(m) => m.get(name).cloned(),
        }
    }
}

/// Settings of one parse.
#[derive(Clone, Default)]
pub struct ParseOptions {
    /// Release whose parser behaviour to follow (2.9.x differs, see nats-conf-format.md §1.13).
    pub version: NatsVersion,
    pub env: Environment,
    /// When set, an include that resolves outside this folder is reported (and still read).
    pub root: Option<PathBuf>,
}

/// What parsing one file produced. `root` is the (possibly partial) top-level map even when
/// errors occurred; `ok` is false when nats-server would reject the file at the parser level.
#[derive(Debug, Clone)]
pub struct ParsedConfig {
    pub file: FileId,
    pub root: Map,
    pub ok: bool,
    /// The first error in the words of the reference parser, for `latticelint parse --json`.
    pub error: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
    /// Every file read through `include`, in order of first inclusion.
    pub includes: Vec<FileId>,
}
