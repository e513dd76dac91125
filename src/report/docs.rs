//! Rule documentation pages: `latticelint rule NAME`, `docs/rules/<name>.md` (kept current by
//! tests/rule_docs.rs) and the SARIF `help` all come from each rule's `declare_rule!` doc comment.

use crate::rules::{RuleMeta, RULES};

/// The doc comment without the one space `///` leaves at the start of each line.
pub fn doc_text(m: &RuleMeta) -> String {
    let mut out = String::new();
    for line in m.docs.lines() {
        out.push_str(line.strip_prefix(' ').unwrap_or(line));
        out.push('\n');
    }
    out.trim().to_string() + "\n"
}

/// The Markdown page of one rule.
pub fn rule_page(m: &RuleMeta) -> String {
    let file = m.file.replace('\\', "/");
    format!(
        "<!-- Generated from the doc comment in {file}; regenerate with `LATTICELINT_BLESS=1 cargo test --test rule_docs`. -->\n\
         # `{name}`\n\n\
         {summary}.\n\n\
         | Default severity | Declared in |\n|---|---|\n| {sev} | [`{file}`](../../{file}) |\n\n\
         {docs}\n\
         ## Configuration\n\n\
         - Change its severity in `latticelint.toml`: `[severity]` `{name} = \"error\"`; turn it off with `ignore = [\"{name}\"]` or `--ignore {name}`.\n\
         - Suppress one finding with a comment on its line or the line before: `# latticelint: ignore[{name}] reason`.\n",
        name = m.name,
        summary = capitalise(m.summary),
        sev = m.default_severity,
        docs = doc_text(m),
    )
}

/// `docs/rules/README.md`: the table of every rule.
pub fn index_page() -> String {
    let mut s = String::from(
        "<!-- Generated; regenerate with `LATTICELINT_BLESS=1 cargo test --test rule_docs`. -->\n# Rules\n\n\
         | Rule | Default severity | What it flags |\n|---|---|---|\n",
    );
    for r in RULES {
        s.push_str(&format!(
            "| [`{n}`]({n}.md) | {} | {} |\n",
            r.meta.default_severity,
            r.meta.summary,
            n = r.meta.name
        ));
    }
    s
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}
