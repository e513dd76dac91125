//! Subcommands of the `latticelint` binary; each module owns its clap `Args` and its `run`.

pub mod check;
pub mod graph;
pub mod jsmap;
pub mod parse;
pub mod rules;
