//! `json`: one document, `{"version": 1, "findings": [...], "summary": {...}}` (schema in the README).

use super::{Finding, Run};
use serde_json::{json, Value};

/// The schema version of this output; bumped on incompatible changes.
pub const VERSION: u32 = 1;

pub fn render(run: &Run) -> String {
    let c = run.counts();
    let doc = json!({
        "version": VERSION,
        "findings": run.findings.iter().map(finding).collect::<Vec<_>>(),
        "summary": {
            "files": run.files,
            "findings": run.findings.len(),
            "error": c.error,
            "warning": c.warning,
            "info": c.info,
            "fail_on": run.fail_on,
            "exit_code": run.exit_code,
        },
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

fn finding(f: &Finding) -> Value {
    let l = &f.location;
    json!({
        "rule": f.rule.name,
        "severity": f.severity,
        "message": f.message,
        "file": l.path,
        "line": l.line,
        "column": l.column,
        "end_line": l.end_line,
        "end_column": l.end_column,
        "label": f.label,
        "help": f.help,
        "related": f.related.iter().map(|r| json!({
            "file": r.location.path,
            "line": r.location.line,
            "column": r.location.column,
            "end_line": r.location.end_line,
            "end_column": r.location.end_column,
            "message": r.message,
        })).collect::<Vec<_>>(),
    })
}
