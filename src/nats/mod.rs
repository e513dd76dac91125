//! The NATS configuration format: a parser that behaves like nats-server's `conf` package (see
//! `grammar/nats.ebnf` and `truth/nats-conf-format.md`): the lexer's state machine ([`lexer`],
//! hand-written, state by state) reads tokens with nom 8 scanners ([`scan`]); the parser's stack
//! machine builds the tree.
//!
//! Phases: 1. lex/parse one file into a spanned tree ([`value`]); 2. resolve `include`s (relative to the
//! including file, cycles reported) and `$variables` (enclosing scopes, then the given environment);
//! 3. report malformed input as diagnostics (`syntax-error`, `include-not-found`, `include-cycle`,
//! `undefined-variable`) and silent traps as `silent-value-loss` notes. Never panics.

pub mod chars;
pub mod error;
pub mod findings;
pub mod include;
mod include_directive;
pub mod json;
pub mod keys;
pub mod lexer;
mod parser;
pub mod render;
pub mod scan;
pub mod value;
mod variables;

use self::findings::{INVALID_ENCODING, UNREADABLE_FILE};
use crate::diagnostic::Diagnostic;
use crate::source::SourceDb;
use crate::span::{FileId, Span};
use crate::version::NatsVersion;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use include::{FsLoader, IncludeError, IncludeLoader, IncludeRequest, LoadedInclude};
pub use value::{Entry, Map, Value, ValueKind, VariableOrigin};

/// The environment variables `$NAME` falls back to. The parser never reads latticelint's own
/// process environment: callers pass what the server would see (compose `environment:`, `.env`,
/// systemd `Environment=`; `latticelint parse` passes its process environment explicitly).
#[derive(Clone)]
pub enum Environment {
    /// A fixed set of variables.
    Fixed(Arc<BTreeMap<String, String>>),
}

impl Default for Environment {
    /// No variables at all.
    fn default() -> Self {
        Environment::Fixed(Arc::default())
    }
}

impl Environment {
    pub fn lookup(&self, name: &str) -> Option<&str> {
        match self {
            Environment::Fixed(m) => m.get(name).map(String::as_str),
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
    /// Reads `include`d files; `None` = the filesystem ([`FsLoader`]).
    pub loader: Option<Arc<dyn IncludeLoader>>,
    /// The path nats-server would be given for this file (`-c PATH`): includes resolve against
    /// its folder. `None` = the file's path in the [`SourceDb`] (set it for embedded configs).
    pub config_path: Option<PathBuf>,
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

impl ParsedConfig {
    /// The parsed top level as plain JSON (what `latticelint parse --json` prints as `value`).
    pub fn to_json(&self) -> serde_json::Value {
        value::map_to_json(&self.root)
    }
}

/// Parses a file already registered in `db` (a real file or embedded text), resolving includes
/// through `opts.loader` and variables through enclosing maps and then `opts.env`.
pub fn parse_file(db: &SourceDb, file: FileId, opts: &ParseOptions) -> ParsedConfig {
    let source = db.get(file);
    let path = opts.config_path.clone().unwrap_or_else(|| source.path.clone());
    let fs = FsLoader;
    let loader: &dyn IncludeLoader = opts.loader.as_deref().unwrap_or(&fs);
    // The root's identity (for include cycles) is computed on the first include: a syscall per
    // parse would dominate the cost of small files.
    let identity = if source.embedding.is_some() { format!("embedded:{}", source.display) } else { String::new() };
    let mut session = parser::Session {
        db,
        opts,
        loader,
        diagnostics: Vec::new(),
        includes: Vec::new(),
        include_stack: vec![(identity, file, None)],
        root_path: path.clone(),
        env_chain: Vec::new(),
    };
    let (mut root, res) = parser::Parser::new(&source.text[..], file, path, &mut session, false).run();
    if res.is_ok() && variables::deletes_used_variables(opts.version) {
        variables::delete_used_variables(&mut root, opts.version, &mut session.diagnostics);
    }
    ParsedConfig {
        file,
        root,
        ok: res.is_ok(),
        error: res.err().map(|f| f.go),
        diagnostics: session.diagnostics,
        includes: session.includes,
    }
}

/// Reads `path` (refusing folders, devices, FIFOs and files over 256 MiB), registers it in `db`
/// (or reuses the registered copy) and parses it. I/O errors become an `unreadable-file` diagnostic.
pub fn parse_path(db: &SourceDb, path: &Path, opts: &ParseOptions) -> ParsedConfig {
    parse_path_after_read(db, path, opts, || {})
}

/// [`parse_path`], calling `after_read` once the file is read and registered, before it is parsed
/// (`parse` turns huge pages off there, so a big file's text is read into huge pages: fewer faults).
pub fn parse_path_after_read(
    db: &SourceDb,
    path: &Path,
    opts: &ParseOptions,
    after_read: impl FnOnce(),
) -> ParsedConfig {
    if let Some(file) = db.find(path) {
        return parse_file(db, file, opts);
    }
    match include::read_config_file(path) {
        Ok((text, bad)) => {
            let file = db.add(path.to_path_buf(), text);
            after_read();
            let mut parsed = parse_file(db, file, opts);
            if let Some(offset) = bad {
                let d = Diagnostic::new(
                    &INVALID_ENCODING,
                    Span::new(file, offset, offset + 3),
                    include::invalid_utf8_message(offset),
                )
                .with_label("not UTF-8")
                .with_help("save the file as UTF-8; nats-server copies the raw bytes into values");
                parsed.diagnostics.insert(0, d);
            }
            parsed
        }
        Err(e) => {
            let file = db.add_unreadable(path.to_path_buf());
            let d = Diagnostic::new(
                &UNREADABLE_FILE,
                Span::point(file, 0),
                format!("cannot read `{}`: {}", db.get(file).display, e.reason),
            )
            .with_label("unreadable")
            .with_help("check the path and its permissions");
            ParsedConfig {
                file,
                root: Map::default(),
                ok: false,
                error: Some(format!("error opening config file: {}", e.reason)),
                diagnostics: vec![d],
                includes: Vec::new(),
            }
        }
    }
}

/// Parses text that is not in a file (tests, benchmarks): registers it under `name` and parses it.
pub fn parse_str(db: &SourceDb, name: &str, text: &str, opts: &ParseOptions) -> ParsedConfig {
    let file = db.add(PathBuf::from(name), text);
    parse_file(db, file, opts)
}
