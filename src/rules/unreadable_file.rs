//! `unreadable-file`: reported by discovery ([`crate::discover`]).

crate::declare_rule! {
    /// ## What it does
    /// Reports files under the scanned paths that latticelint could not read: permission denied,
    /// deleted during the scan, special files (FIFOs, devices, sockets) and files over the size limit.
    ///
    /// ## Why is this bad?
    /// A deployment file that is not read is not checked: a server or host it declares is missing
    /// from the model, so topology findings may be incomplete.
    ///
    /// ## Example
    /// ```text
    /// $ chmod 000 configs/hub.conf && latticelint configs
    /// warning[unreadable-file]: cannot read `hub.conf`: permission denied
    /// ```
    ///
    /// ## How to fix
    /// Make the file readable, or exclude it from the scan with `.gitignore` / `.ignore`.
    pub(crate) static META = {
        name: "unreadable-file",
        summary: "a file under the scanned paths could not be read",
        severity: Warning,
    }
}
