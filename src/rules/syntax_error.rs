//! Rule `syntax-error` (reported by the parser, [`crate::nats`]).

crate::declare_rule! {
    /// ## What it does
    /// Reports NATS config text that nats-server's parser rejects, with the exact offending
    /// character: unbalanced braces, values that end in the wrong place, bad escapes, malformed
    /// numbers and datetimes, a value-less key at the end of the file (2.9.22+), values of
    /// environment variables that do not parse, and nesting deeper than 2,000 levels.
    ///
    /// ## Why is this bad?
    /// nats-server refuses to start (`Parse error on line N: ...`). Several of these come from
    /// context-dependent lexing that looks valid to humans (truth/nats-conf-format.md §1):
    /// `]` right after an integer is swallowed into the value, so `[1, 2]` fails; unquoted values
    /// end at spaces, so `server_name: a b` fails; escapes such as `\q` are rejected even in unquoted
    /// values.
    ///
    /// ## Example
    /// ```nats title="nats.conf"
    /// cluster {
    ///   routes: [1, 2]
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Follow the help line: e.g. write `[1, 2 ]` or put `]` on its own line, quote values with
    /// spaces, close every `{`.
    ///
    /// ## References
    /// - nats-server `conf/lex.go`, `conf/parse.go`
    pub(crate) static META = { name: "syntax-error", summary: "config text that nats-server's parser rejects", severity: Error }
}
