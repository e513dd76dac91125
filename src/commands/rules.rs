//! `latticelint rules` and `latticelint rule NAME`.

use crate::rules::{find, RULES};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ListArgs {}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The rule's name, e.g. `js-domain-missing`.
    pub name: String,
}

/// Prints every rule: name, default severity, summary.
pub fn list(_args: ListArgs) -> ExitCode {
    let width = RULES.iter().map(|r| r.meta.name.len()).max().unwrap_or(0);
    for r in RULES {
        println!(
            "{:width$}  {:7}  {}",
            r.meta.name,
            r.meta.default_severity.as_str(),
            r.meta.summary
        );
    }
    ExitCode::SUCCESS
}

/// Prints one rule's documentation.
pub fn show(args: ShowArgs) -> ExitCode {
    match find(&args.name) {
        Some(r) => {
            println!(
                "# {}\n\n{} (default severity: {})\n\n{}",
                r.meta.name, r.meta.summary, r.meta.default_severity, r.meta.docs
            );
            ExitCode::SUCCESS
        }
        None => {
            eprintln!(
                "error: no rule named `{}`; `latticelint rules` lists them",
                args.name
            );
            ExitCode::from(2)
        }
    }
}
