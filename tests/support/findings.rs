//! Findings of a lint run as comparable strings.
#![allow(dead_code)]

use latticelint::pipeline::Outcome;

/// `rule path:line:col` of every finding, sorted.
pub fn findings(out: &Outcome) -> Vec<String> {
    let mut v: Vec<String> = out
        .diagnostics
        .iter()
        .map(|d| {
            let loc = out.db.locate(d.span);
            format!("{} {}:{}:{}", d.rule, loc.path, loc.line, loc.column)
        })
        .collect();
    v.sort();
    v
}
