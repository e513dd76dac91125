//! `human`: miette graphical reports. The snippet comes from the file's *masked* text (secrets
//! replaced byte for byte), so labels still sit on the right columns and nothing secret is shown.
//! Related locations in the same file become extra labels; in other files, related diagnostics
//! with their own snippet.

use super::{Finding, HumanOptions, Run};
use crate::diagnostic::Severity;
use crate::span::{FileId, Span};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceCode,
    SourceSpan, SpanContents,
};
use std::fmt;
use std::sync::Arc;

pub fn render(run: &Run, opts: HumanOptions) -> String {
    let theme = if opts.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width)
        .with_links(false)
        .without_syntax_highlighting();
    let mut out = String::new();
    for f in &run.findings {
        let report = Report::of(run, f);
        if handler.render_report(&mut out, &report).is_err() {
            // A span miette cannot show: fall back to the one-line form rather than dropping the finding.
            out.push_str(&super::concise::one_line(&format!(
                "{}:{}:{}: {}[{}] {}\n",
                f.location.path, f.location.line, f.location.column, f.severity, f.rule.name, f.message
            )));
        }
        out.push('\n');
    }
    out.push_str(&super::summary(run));
    out.push('\n');
    out
}

/// A file's masked text under its display name.
struct Source {
    name: String,
    text: Arc<str>,
}

impl SourceCode for Source {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.as_ref().read_span(span, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// One finding (or one of its related locations in another file) as a miette diagnostic.
struct Report {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    help: Option<String>,
    source: Source,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl Report {
    fn of(run: &Run, f: &Finding) -> Report {
        let mut labels = vec![LabeledSpan::new_primary_with_span(f.label.clone(), to_miette(run, f.span))];
        let mut related = Vec::new();
        for r in &f.related {
            if r.span.file == f.span.file {
                labels.push(LabeledSpan::new_with_span(Some(r.message.clone()), to_miette(run, r.span)));
            } else {
                related.push(Report {
                    message: r.message.clone(),
                    code: None,
                    severity: miette::Severity::Advice,
                    help: None,
                    source: source(run, r.span.file),
                    labels: vec![LabeledSpan::new_primary_with_span(Some(r.message.clone()), to_miette(run, r.span))],
                    related: Vec::new(),
                });
            }
        }
        Report {
            message: f.message.clone(),
            code: Some(f.rule.name.to_string()),
            severity: match f.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Info => miette::Severity::Advice,
            },
            help: f.help.clone(),
            source: source(run, f.span.file),
            labels,
            related,
        }
    }
}

fn source(run: &Run, file: FileId) -> Source {
    Source { name: run.db.get(file).display.clone(), text: run.masked_text(file) }
}

/// The span for miette; an empty span at the very end of a file (after its last newline, where
/// there is no line to draw) moves back to the end of the last line.
fn to_miette(run: &Run, s: Span) -> SourceSpan {
    let text = run.masked_text(s.file);
    let mut start = (s.start as usize).min(text.len());
    if s.is_empty() && start == text.len() {
        let trimmed = text.trim_end_matches(['\n', '\r']).len();
        start = trimmed;
    }
    SourceSpan::new(start.into(), s.len())
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code.as_ref().map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
        }
    }
}
