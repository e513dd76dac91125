//! Output formats: human (miette), concise, JSON, SARIF, GitHub workflow commands.
//!
//! [`Findings`] turns diagnostics into located, redacted, sorted findings once; each format is one
//! small module with one `render` function reading a [`Run`].

pub mod concise;
pub mod docs;
pub mod github;
pub mod graph;
pub mod human;
pub mod json;
pub mod sarif;

use crate::diagnostic::{Diagnostic, RuleMeta, Severity};
use crate::redact::{mask_source, Redactor};
use crate::source::{Location, SourceDb};
use crate::span::{FileId, Span};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// An output format (`-f/--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// miette reports with source snippets, labels and help.
    Human,
    /// `path:line:col: severity[rule] message`, one a line.
    Concise,
    /// One JSON document (schema in the README).
    Json,
    /// SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
    Sarif,
    /// GitHub Actions workflow commands (annotations on pull requests).
    Github,
}

/// Where rule documentation lives; `helpUri` in SARIF is `<base><rule>.md`. Override with `LATTICELINT_DOCS_URL`.
pub const DOCS_BASE: &str = "https://github.com/latticelint/latticelint/blob/main/docs/rules/";

/// Home page of the tool (SARIF `informationUri`).
pub const HOMEPAGE: &str = "https://github.com/latticelint/latticelint";

/// The documentation URL of a rule.
pub fn rule_url(rule: &str) -> String {
    let base = std::env::var("LATTICELINT_DOCS_URL").ok().filter(|b| !b.is_empty());
    let base = base.as_deref().unwrap_or(DOCS_BASE);
    let sep = if base.ends_with('/') { "" } else { "/" };
    format!("{base}{sep}{rule}.md")
}

/// A secondary location of a finding, resolved for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelatedFinding {
    /// Span in a real (non-embedded) file.
    pub span: Span,
    pub location: Location,
    pub message: String,
}

/// A diagnostic resolved for output: real-file span, line/column, redacted text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static RuleMeta,
    pub severity: Severity,
    pub message: String,
    pub label: Option<String>,
    pub help: Option<String>,
    /// Span in a real (non-embedded) file.
    pub span: Span,
    pub location: Location,
    pub related: Vec<RelatedFinding>,
}

impl Finding {
    /// Locates and redacts one diagnostic.
    pub fn new(db: &SourceDb, redactor: &Redactor, d: &Diagnostic) -> Finding {
        let span = clamp(db, db.real_span(d.span));
        // Short secrets are masked in the finding that points at them (either file id of an embedded span).
        let spans: Vec<Span> = std::iter::once(d.span)
            .chain(d.related.iter().map(|r| r.span))
            .flat_map(|s| [s, db.real_span(s)])
            .collect();
        let related = d
            .related
            .iter()
            .map(|r| {
                let span = clamp(db, db.real_span(r.span));
                RelatedFinding { span, location: db.locate(span), message: redactor.text_at(&r.message, &spans) }
            })
            .collect();
        Finding {
            rule: d.rule,
            severity: d.severity,
            message: redactor.text_at(&d.message, &spans),
            label: d.label.as_deref().map(|l| redactor.text_at(l, &spans)),
            help: d.help.as_deref().map(|h| redactor.text_at(h, &spans)),
            location: db.locate(span),
            span,
            related,
        }
    }

    /// Sort key: path, line, column, rule, then the rest for a total order.
    fn key(&self) -> (&str, u32, u32, &str, u32, u32, &str) {
        let l = &self.location;
        (&l.path, l.line, l.column, self.rule.name, l.end_line, l.end_column, &self.message)
    }
}

/// Keeps a span inside its file and on char boundaries.
fn clamp(db: &SourceDb, span: Span) -> Span {
    if (span.file.0 as usize) >= db.len() {
        return span;
    }
    let f = db.get(span.file);
    let text = &f.text;
    let fix = |mut o: usize| {
        o = o.min(text.len());
        while o > 0 && !text.is_char_boundary(o) {
            o -= 1;
        }
        o
    };
    let start = fix(span.start as usize);
    let end = fix(span.end as usize).max(start);
    Span::new(span.file, start, end)
}

/// Locates, redacts, sorts (path, line, column, rule) and dedupes diagnostics.
pub fn findings(db: &SourceDb, redactor: &Redactor, diagnostics: &[Diagnostic]) -> Vec<Finding> {
    let mut out: Vec<Finding> = diagnostics.iter().map(|d| Finding::new(db, redactor, d)).collect();
    out.sort_by(|a, b| a.key().cmp(&b.key()));
    out.dedup_by(|a, b| a == b);
    out
}

/// Counts per severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

impl Counts {
    pub fn of(findings: &[Finding]) -> Counts {
        let mut c = Counts::default();
        for f in findings {
            match f.severity {
                Severity::Error => c.error += 1,
                Severity::Warning => c.warning += 1,
                Severity::Info => c.info += 1,
            }
        }
        c
    }
}

/// Everything a renderer reads.
pub struct Run<'a> {
    pub db: &'a SourceDb,
    /// The directory display paths are relative to (SARIF `%SRCROOT%`).
    pub root_dir: PathBuf,
    pub findings: Vec<Finding>,
    /// Number of files read (not embedded texts).
    pub files: usize,
    /// The threshold, as given (`error`, `warning`, `info`, `never`).
    pub fail_on: String,
    /// The process exit code this run ends with.
    pub exit_code: u8,
    masked: Mutex<HashMap<FileId, Arc<str>>>,
}

impl<'a> Run<'a> {
    pub fn new(db: &'a SourceDb, root_dir: PathBuf, findings: Vec<Finding>, fail_on: String, exit_code: u8) -> Self {
        let files = (0..db.len()).filter(|i| db.get(FileId(*i as u32)).embedding.is_none()).count();
        Run { db, root_dir, findings, files, fail_on, exit_code, masked: Mutex::new(HashMap::new()) }
    }

    /// The text of a file with secrets masked (same length as the original).
    pub fn masked_text(&self, file: FileId) -> Arc<str> {
        let mut cache = self.masked.lock().unwrap_or_else(|e| e.into_inner());
        cache.entry(file).or_insert_with(|| Arc::from(mask_source(&self.db.get(file).text).0)).clone()
    }

    pub fn counts(&self) -> Counts {
        Counts::of(&self.findings)
    }
}

/// Options of the human renderer.
#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
}

/// Renders `run` in `format`.
pub fn render(format: Format, run: &Run, human: HumanOptions) -> String {
    match format {
        Format::Human => human::render(run, human),
        Format::Concise => concise::render(run),
        Format::Json => json::render(run),
        Format::Sarif => sarif::render(run),
        Format::Github => github::render(run),
    }
}

/// `0 errors, 1 warning, 2 infos in 3 files`.
pub fn summary(run: &Run) -> String {
    let files = if run.files == 1 { "file" } else { "files" };
    format!("{} in {} {files}", summary_line(run.counts()), run.files)
}

/// `1 error, 2 warnings` style summary.
pub fn summary_line(c: Counts) -> String {
    let part = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "{}, {}, {}",
        part(c.error, "error", "errors"),
        part(c.warning, "warning", "warnings"),
        part(c.info, "info", "infos")
    )
}
