//! Rule `include-outside-root` (reported by the parser, [`crate::nats`]).

crate::declare_rule! {
    /// ## What it does
    /// Reports an `include` that reads a file outside the folder latticelint was pointed at
    /// (through `..`, or a symbolic link that leads elsewhere). The file is still read so the
    /// config is linted as nats-server would see it; this finding says that it happened.
    ///
    /// ## Why is this bad?
    /// nats-server resolves includes against the including file's folder
    /// (truth/nats-conf-format.md §1.10), so an include can pull in any file of the machine.
    /// A file outside the deployment tree is not versioned or reviewed with it, and in CI it
    /// may differ from what production reads; a linter that read it silently would also read
    /// outside the paths it was given.
    ///
    /// ## Example
    /// ```nats title="nats.conf"
    /// include "../shared/accounts.conf"   # linted as `latticelint deploy/`, this is outside deploy/
    /// ```
    /// ```nats title="../shared/accounts.conf"
    /// accounts { APP: {} }
    /// ```
    ///
    /// ## How to fix
    /// Keep included files inside the deployment folder (copy or move them there), or lint
    /// the enclosing folder so the included file is part of the scan.
    pub(crate) static META = {
        name: "include-outside-root",
        summary: "an include reads a file outside the scanned folder",
        severity: Warning,
    }
}
