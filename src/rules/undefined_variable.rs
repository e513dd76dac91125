//! Rule `undefined-variable` (reported by the parser, [`crate::nats`]).

crate::declare_rule! {
    /// ## What it does
    /// Reports a `$NAME` reference that resolves neither to a key defined earlier in the same or an
    /// enclosing block nor to an environment variable, and environment variables that refer to
    /// each other in a cycle.
    ///
    /// ## Why is this bad?
    /// nats-server stops with `variable reference for 'NAME' on line N can not be found`. Lookups
    /// see only keys defined *before* the reference (no forward references), in enclosing maps, and
    /// not the parent's keys inside an included file; `${NAME}`, `"$NAME"` and `pre$NAME` are not
    /// interpolated; only `$2a$` bcrypt hashes are literals (`$2b$`/`$2y$` are variables). An
    /// environment cycle crashes nats-server before 2.11.12 and is an error since
    /// (truth/nats-conf-format.md §1.11).
    ///
    /// ## Example
    /// ```nats title="nats.conf"
    /// port: $PORT
    /// PORT: 4222
    /// ```
    ///
    /// ## How to fix
    /// Define the variable before its use, or set it in the server's environment.
    pub(crate) static META = { name: "undefined-variable", summary: "a `$variable` that nats-server cannot resolve", severity: Error }
}
