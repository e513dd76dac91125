//! `github`: workflow commands that GitHub Actions turns into pull-request annotations.
//!
//! `::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=RULE::MESSAGE` (info → `notice`).
//! Data escapes `%`, CR, LF; property values also escape `:` and `,` (as the actions toolkit does).

use super::Run;
use crate::diagnostic::Severity;
use std::fmt::Write;

pub fn render(run: &Run) -> String {
    let mut out = String::new();
    for f in &run.findings {
        let l = &f.location;
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut message = f.message.clone();
        if let Some(h) = &f.help {
            message.push_str("\nhelp: ");
            message.push_str(h);
        }
        let _ = writeln!(
            out,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            property(&l.path),
            l.line,
            l.column,
            l.end_line,
            l.end_column,
            property(f.rule.name),
            data(&message)
        );
    }
    out
}

/// Escapes a command's message.
pub fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a command property value.
pub fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
