//! Command line: `latticelint [PATHS]` (= `check`), `parse`, `jsmap`, `graph`, `rules`, `rule`.

use crate::commands;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::process::ExitCode;

/// Lints NATS and wasmCloud deployments: finds JetStream domain faults across clusters, gateways and leaf nodes.
#[derive(Debug, Parser)]
#[command(name = "latticelint", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Without a subcommand, `latticelint [PATHS]` runs `check`.
    #[command(flatten)]
    pub check: commands::check::Args,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint a deployment tree (the default command).
    Check(commands::check::Args),
    /// Parse NATS config files and print what nats-server would make of them.
    Parse(commands::parse::Args),
    /// Show which JetStream answers `$JS.API` and `$JS.<domain>.API` from every server and host.
    Jsmap(commands::jsmap::Args),
    /// Draw the topology (dot or mermaid).
    Graph(commands::graph::Args),
    /// List every rule.
    Rules(commands::rules::ListArgs),
    /// Print one rule's documentation.
    Rule(commands::rules::ShowArgs),
}

/// Entry point of the binary; exit status 0 (clean), 1 (findings at or above the threshold), 2 (usage or internal error).
pub fn main() -> ExitCode {
    let parsed = Cli::command().try_get_matches().and_then(|m| Cli::from_arg_matches(&m).map(|c| (c, m)));
    let (cli, matches) = match parsed {
        Ok(p) => p,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        // `check` pairs each `-o` with the `-f` before it, so it needs the argument positions.
        None => commands::check::run_with_matches(cli.check, Some(&matches)),
        Some(Command::Check(a)) => commands::check::run_with_matches(a, matches.subcommand_matches("check")),
        Some(Command::Parse(a)) => commands::parse::run(a),
        Some(Command::Jsmap(a)) => commands::jsmap::run(a),
        Some(Command::Graph(a)) => commands::graph::run(a),
        Some(Command::Rules(a)) => commands::rules::list(a),
        Some(Command::Rule(a)) => commands::rules::show(a),
    }
}
