//! Minimal miette rendering of a [`Diagnostic`] for `latticelint parse` (the full reporters live in
//! `crate::report`).

use crate::diagnostic::Diagnostic;
use crate::source::SourceDb;
use miette::{LabeledSpan, NamedSource, Report, SourceSpan};

#[derive(Debug)]
struct Rendered {
    message: String,
    code: String,
    severity: miette::Severity,
    help: Option<String>,
    labels: Vec<LabeledSpan>,
    source: NamedSource<String>,
}

impl std::fmt::Display for Rendered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered {}

impl miette::Diagnostic for Rendered {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

/// A miette report of `d` with its primary label (related spans in the same file are labelled too).
pub fn report(db: &SourceDb, d: &Diagnostic) -> Report {
    let real = db.real_span(d.span);
    let file = db.get(real.file);
    let len = file.text.len();
    let span = |s: crate::span::Span| -> SourceSpan {
        let start = (s.start as usize).min(len);
        let end = (s.end as usize).clamp(start, len);
        SourceSpan::new(start.into(), end - start)
    };
    let mut labels = vec![LabeledSpan::new_primary_with_span(d.label.clone(), span(real))];
    for r in &d.related {
        let rs = db.real_span(r.span);
        if rs.file == real.file {
            labels.push(LabeledSpan::new_with_span(Some(r.message.clone()), span(rs)));
        }
    }
    let severity = match d.severity {
        crate::diagnostic::Severity::Error => miette::Severity::Error,
        crate::diagnostic::Severity::Warning => miette::Severity::Warning,
        crate::diagnostic::Severity::Info => miette::Severity::Advice,
    };
    Report::new(Rendered {
        message: d.message.clone(),
        code: d.rule.name.to_string(),
        severity,
        help: d.help.clone(),
        labels,
        source: NamedSource::new(file.display.clone(), file.text.to_string()),
    })
}
