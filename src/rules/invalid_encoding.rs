//! Rule `invalid-encoding` (reported by the parser, [`crate::nats`]).

crate::declare_rule! {
    /// ## What it does
    /// Reports a NATS config file (or an included one) that is not valid UTF-8. latticelint
    /// goes on with each invalid byte read as U+FFFD, which is also how nats-server's values look
    /// once printed.
    ///
    /// ## Why is this bad?
    /// nats-server copies the raw bytes into keys and values, so a Latin-1 `é` in a password or
    /// subject never matches what clients send (truth/nats-conf-format.md §1.1).
    ///
    /// ## Example
    /// A `password: caf\xe9` line saved in Latin-1.
    ///
    /// ## How to fix
    /// Save the file as UTF-8.
    pub(crate) static META = { name: "invalid-encoding", summary: "a NATS config file that is not valid UTF-8", severity: Warning }
}
