//! Findings as plain data. Renderers in [`crate::report`] turn them into human, JSON, SARIF or GitHub output.

use crate::span::Span;
use serde::{Deserialize, Serialize};

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary location: another server of a topology finding, the file that included this one...
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub span: Span,
    pub message: String,
}

/// One finding of one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule's kebab-case name, e.g. `js-domain-duplicate`.
    pub rule: &'static str,
    pub severity: Severity,
    /// Lower-case, fact first, offending value in backticks, no trailing period.
    pub message: String,
    /// The exact place to change.
    pub span: Span,
    /// Text of the label on `span` (what is wrong right here).
    pub label: Option<String>,
    /// Other places involved, possibly in other files.
    pub related: Vec<Related>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A finding with the rule's default severity filled in later by the registry (`Warning` until then).
    pub fn new(rule: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: crate::rules::default_severity(rule),
            message: message.into(),
            span,
            label: None,
            related: Vec::new(),
            help: None,
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related { span, message: message.into() });
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}
