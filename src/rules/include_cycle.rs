//! Rule `include-cycle` (reported by the parser, [`crate::nats`]).

crate::declare_rule! {
    /// ## What it does
    /// Reports `include` directives that form a cycle (`a.conf` → `b.conf` → `a.conf`), naming
    /// the whole chain, and include chains nested more than 64 files deep.
    ///
    /// ## Why is this bad?
    /// nats-server has no cycle detection: it recurses until the Go runtime aborts with a stack
    /// overflow, in every version (truth/nats-conf-format.md §1.10, case 140).
    ///
    /// ## Example
    /// ```nats title="a.conf"
    /// include b.conf
    /// ```
    /// ```nats title="b.conf"
    /// include a.conf
    /// ```
    ///
    /// ## How to fix
    /// Remove one of the includes; put shared settings in a third file included by both.
    pub(crate) static META = { name: "include-cycle", summary: "include directives form a cycle", severity: Error }
}
