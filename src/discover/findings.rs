//! The rules whose findings discovery reports (besides the file-reading ones of [`crate::nats::findings`]).

crate::declare_rule! {
    /// ## What it does
    /// Reports a file of the scanned tree that is a symbolic link (or lies under a linked folder)
    /// whose target is outside the folder latticelint was pointed at. The target is still read, as
    /// nats-server or compose would read it; this finding says that it happened.
    ///
    /// ## Why is this bad?
    /// A linked file outside the deployment tree is not versioned or reviewed with it, and in CI it
    /// may differ from what production reads (the same concern as includes that escape the tree,
    /// truth/nats-conf-format.md §1.10); a linter that read it silently would also read outside the
    /// paths it was given.
    ///
    /// ## Example
    /// ```text
    /// deploy/nats.conf -> /etc/nats/nats.conf    # linted as `latticelint deploy/`
    /// ```
    ///
    /// ## How to fix
    /// Replace the link by the file itself, or lint the folder that holds the target.
    pub static SYMLINK_OUTSIDE_ROOT = {
        name: "symlink-outside-root",
        summary: "a file of the scan is a link to a file outside the scanned folder",
        severity: Warning,
    }
}
