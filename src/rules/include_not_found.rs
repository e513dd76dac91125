//! Rule `include-not-found` (reported by the parser, [`crate::nats`]).

crate::declare_rule! {
    /// ## What it does
    /// Reports an `include` whose file cannot be read where nats-server would look for it: missing,
    /// a folder, not a regular file (device, FIFO), or larger than 256 MiB.
    ///
    /// ## Why is this bad?
    /// nats-server fails with `error parsing include file '…'`. It resolves include paths with
    /// `filepath.Join(dir(including file), path)`: relative to the *including* file, and even an
    /// absolute path is joined under that folder (`include /etc/nats/a.conf` in `/etc/nats/nats.conf`
    /// opens `/etc/nats/etc/nats/a.conf`) (truth/nats-conf-format.md §1.10).
    ///
    /// ## Example
    /// ```nats title="nats.conf"
    /// include /etc/nats/accounts.conf   # opens <folder of nats.conf>/etc/nats/accounts.conf
    /// ```
    ///
    /// ## How to fix
    /// Use a path relative to the including file: `include accounts.conf`.
    pub(crate) static META = { name: "include-not-found", summary: "an included file cannot be read where nats-server looks for it", severity: Error }
}
