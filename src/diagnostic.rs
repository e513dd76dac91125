//! Findings as plain data, and the metadata of the rules they belong to. Renderers (the `report`
//! module, a layer above) turn them into human, JSON, SARIF or GitHub output.

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

/// A rule's identity and documentation. Declared once with [`declare_rule!`](crate::declare_rule)
/// where its findings are made; compared and hashed by name (names are unique, a test checks it).
pub struct RuleMeta {
    /// Kebab-case, stable; the only identifier of the rule.
    pub name: &'static str,
    /// One line, lower-case, no trailing period.
    pub summary: &'static str,
    pub default_severity: Severity,
    /// Markdown documentation (the doc comment of the declaration).
    pub docs: &'static str,
    /// Source file of the declaration (a test checks where rules are declared).
    pub file: &'static str,
}

impl PartialEq for RuleMeta {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for RuleMeta {}

impl std::hash::Hash for RuleMeta {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

/// `d.rule == "syntax-error"`: a rule equals its name.
impl PartialEq<str> for RuleMeta {
    fn eq(&self, other: &str) -> bool {
        self.name == other
    }
}

/// A rule displays as its name.
impl std::fmt::Display for RuleMeta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// Shows the name only (the docs would drown a `Diagnostic`'s debug output).
impl std::fmt::Debug for RuleMeta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.name, f)
    }
}

/// Declares a rule's metadata from its doc comment.
///
/// ```text
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub(crate) static META = { name: "js-domain-missing", summary: "...", severity: Warning }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    ( $(#[doc = $doc:expr])* $vis:vis static $id:ident = { name: $name:expr, summary: $summary:expr, severity: $sev:ident $(,)? } ) => {
        $(#[doc = $doc])*
        $vis static $id: $crate::diagnostic::RuleMeta = $crate::diagnostic::RuleMeta {
            name: $name,
            summary: $summary,
            default_severity: $crate::diagnostic::Severity::$sev,
            docs: concat!($($doc, "\n"),*),
            file: file!(),
        };
    };
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
    /// The rule it belongs to (its name is `rule.name`, e.g. `js-domain-duplicate`).
    pub rule: &'static RuleMeta,
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
    /// A finding of `rule` with the rule's default severity.
    pub fn new(rule: &'static RuleMeta, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: rule.default_severity,
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
