//! `latticelint rules` and `latticelint rule NAME`.

use crate::output;
use crate::report::{docs, rule_url};
use crate::rules::{find, RuleMeta, RULES};
use serde_json::json;
use std::io::Write;
use std::process::ExitCode;

/// How `rules` and `rule` print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table (`rules`) or the Markdown documentation (`rule`).
    Text,
    /// JSON: name, default severity, summary, docs URL (and the docs for `rule`).
    Json,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    #[arg(short = 'f', long = "format", value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The rule's name, e.g. `unused-suppression`.
    pub name: String,
    #[arg(short = 'f', long = "format", value_enum, default_value = "text")]
    pub format: Format,
}

fn to_json(m: &RuleMeta, with_docs: bool) -> serde_json::Value {
    let mut v = json!({
        "name": m.name,
        "default_severity": m.default_severity,
        "summary": m.summary,
        "url": rule_url(m.name),
    });
    if with_docs {
        v["docs"] = json!(docs::doc_text(m));
    }
    v
}

/// Prints every rule: name, default severity, summary.
pub fn list(args: ListArgs) -> ExitCode {
    match args.format {
        Format::Json => {
            let all: Vec<_> = RULES.iter().map(|r| to_json(r.meta, false)).collect();
            let text = serde_json::to_string_pretty(&all).unwrap_or_default() + "\n";
            output::exit_status(output::write_stdout(&text), ExitCode::SUCCESS)
        }
        Format::Text => {
            let width = RULES.iter().map(|r| r.meta.name.len()).max().unwrap_or(0);
            let mut out = output::stdout();
            for r in RULES {
                let m = r.meta;
                let _ = writeln!(out, "{:width$}  {:7}  {}", m.name, m.default_severity.as_str(), m.summary);
            }
            output::exit_status(out.finish(), ExitCode::SUCCESS)
        }
    }
}

/// Prints one rule's documentation.
pub fn show(args: ShowArgs) -> ExitCode {
    let Some(r) = find(&args.name) else {
        let hint = match crate::config::check_rule_names([args.name.as_str()]) {
            Err(e) => e,
            Ok(()) => format!("unknown rule `{}`", args.name),
        };
        output::stderr_line!("error: {hint}");
        return ExitCode::from(2);
    };
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&to_json(r.meta, true)).unwrap_or_default() + "\n",
        Format::Text => docs::rule_page(r.meta).split_once('\n').map(|x| x.1).unwrap_or_default().to_string(),
    };
    output::exit_status(output::write_stdout(&text), ExitCode::SUCCESS)
}
