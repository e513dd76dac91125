//! `suppression-without-reason`: emitted by [`crate::suppress`].

crate::declare_rule! {
    /// ## What it does
    /// Flags a `# latticelint: ignore[rule]` comment that suppresses a finding but says nothing
    /// after the brackets about why.
    ///
    /// ## Why is this bad?
    /// The next reader cannot tell an accepted risk from a forgotten workaround; a short reason
    /// makes the suppression reviewable.
    ///
    /// ## Example
    /// ```nats title="nats.conf"
    /// include tls.conf # latticelint: ignore[include-not-found]
    /// ```
    ///
    /// ## How to fix
    /// Write the reason after the brackets: `# latticelint: ignore[some-rule] hub is test-only`.
    pub(crate) static META = {
        name: "suppression-without-reason",
        summary: "an inline suppression without a reason",
        severity: Info,
    }
}
