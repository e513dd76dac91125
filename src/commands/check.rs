//! `latticelint check`.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders.
    pub paths: Vec<PathBuf>,
}

pub fn run(_args: Args) -> ExitCode {
    eprintln!("latticelint check: not implemented yet");
    ExitCode::from(2)
}
