//! The `latticelint` binary: parses the command line and runs a subcommand.

fn main() -> std::process::ExitCode {
    latticelint::cli::main()
}
