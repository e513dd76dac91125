//! The rule whose findings the panic guard reports, declared beside it.

crate::declare_rule! {
    /// ## What it does
    /// Reports a file on which latticelint itself failed (a panic while reading the deployment
    /// file, or while parsing, checking or lowering the NATS config). The rest of the run goes on:
    /// every other file is linted as usual.
    ///
    /// ## Why is this bad?
    /// The file is not checked, and what it declares (servers, hosts, leaf connections) is missing
    /// or incomplete in the model, so findings about the topology may be missing too. It is always
    /// a bug in latticelint, never in the file.
    ///
    /// ## Example
    /// ```text
    /// $ latticelint deploy/
    /// error[internal-error]: latticelint failed on this file: <panic message> at src/...:42
    /// ```
    ///
    /// ## How to fix
    /// Report it to the latticelint maintainers with the message and the file (secrets removed).
    /// Until it is fixed, exclude the file (`exclude` in `latticelint.toml`) to lint the rest
    /// without this finding.
    pub static INTERNAL_ERROR = {
        name: "internal-error",
        summary: "latticelint failed on a file (a bug in latticelint); the other files were linted",
        severity: Error,
    }
}
