//! The `latticelint` binary: parses the command line and runs a subcommand.

/// mimalloc: the linter allocates many small parse-tree nodes from two threads; glibc malloc spent
/// about a tenth of a 10,000-server run in malloc/free and grew its thread arenas by mprotect calls.
/// (`--features system-alloc` keeps the system allocator, for heap profilers such as heaptrack.)
#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    latticelint::cli::main()
}
