//! The rules whose findings suppression handling reports.

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
    pub static SUPPRESSION_WITHOUT_REASON = {
        name: "suppression-without-reason",
        summary: "an inline suppression without a reason",
        severity: Info,
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Flags a `# latticelint: ignore[rule]` comment that suppresses no finding: the rule found
    /// nothing on the covered line, or the rule name is unknown.
    ///
    /// ## Why is this bad?
    /// A stale suppression hides nothing today but will silently hide a real fault if one appears
    /// on that line later, and a misspelled rule name never suppressed anything (as ruff's `RUF100`
    /// and rustc's `#[expect]` report). A suppression covers the line it ends or, alone on its line,
    /// the next line.
    ///
    /// ## Example
    /// ```nats title="nats.conf"
    /// # the rule is `include-not-found`: this suppression suppresses nothing
    /// include tls.conf # latticelint: ignore[include-missing] written on each host
    /// ```
    ///
    /// ## How to fix
    /// Remove the comment, or move it onto the line of the finding (or the line before), and check
    /// the rule name with `latticelint rules`.
    pub static UNUSED_SUPPRESSION = {
        name: "unused-suppression",
        summary: "an inline suppression that suppresses nothing",
        severity: Warning,
    }
}
