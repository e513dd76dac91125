//! `latticelint parse`.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders.
    pub paths: Vec<PathBuf>,
}

pub fn run(_args: Args) -> ExitCode {
    eprintln!("latticelint parse: not implemented yet");
    ExitCode::from(2)
}
