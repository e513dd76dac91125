//! `latticelint graph`: the topology as a Graphviz dot or Mermaid picture.

use crate::report::graph::{render, Format};
use crate::settings::Settings;
use crate::version::NatsVersion;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "dot")]
    pub format: Format,
    /// The nats-server release to simulate (flapping links depend on it).
    #[arg(long, default_value = "newest")]
    pub nats_version: NatsVersion,
}

pub fn run(args: Args) -> ExitCode {
    let settings = Settings { nats_version: args.nats_version, ..Settings::default() };
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    let outcome = crate::pipeline::lint(&paths, &settings);
    let sim = outcome.simulator();
    let text = render(&sim, &outcome.diagnostics, args.format);
    crate::output::exit_status(crate::output::write_stdout(&text), ExitCode::SUCCESS)
}
