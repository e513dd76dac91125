//! `concise`: `path:line:col: severity[rule] message`, one finding a line, then a summary line.

use super::Run;
use std::fmt::Write;

pub fn render(run: &Run) -> String {
    let mut out = String::new();
    for f in &run.findings {
        let l = &f.location;
        let _ = writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            l.path,
            l.line,
            l.column,
            f.severity,
            f.rule.name,
            one_line(&f.message)
        );
    }
    let _ = writeln!(out, "{}", super::summary(run));
    out
}

/// Newlines would break the one-finding-a-line contract.
pub(crate) fn one_line(s: &str) -> String {
    s.replace("\r\n", " ").replace(['\n', '\r'], " ")
}
