//! `docs/rules/*.md` are generated from the rules' doc comments; this test fails when they are stale.
//! Regenerate with `LATTICELINT_BLESS=1 cargo test --test rule_docs`.

use latticelint::report::docs::{index_page, rule_page};
use latticelint::rules::RULES;
use std::collections::BTreeMap;
use std::path::Path;

#[test]
fn rule_docs_are_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let mut want: BTreeMap<String, String> =
        RULES.iter().map(|r| (format!("{}.md", r.meta.name), rule_page(r.meta))).collect();
    want.insert("README.md".into(), index_page());
    let bless = std::env::var_os("LATTICELINT_BLESS").is_some();
    if bless {
        std::fs::create_dir_all(&dir).unwrap();
    }
    let mut problems = Vec::new();
    for (name, text) in &want {
        let path = dir.join(name);
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        if have != *text {
            if bless {
                std::fs::write(&path, text).unwrap();
            } else {
                problems.push(format!("{} is stale or missing", path.display()));
            }
        }
    }
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") && !want.contains_key(&name) {
            if bless {
                std::fs::remove_file(entry.path()).unwrap();
            } else {
                problems.push(format!("{} documents no registered rule", entry.path().display()));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{}\nregenerate with: LATTICELINT_BLESS=1 cargo test --test rule_docs",
        problems.join("\n")
    );
}

#[test]
fn every_rule_page_has_the_required_sections_and_links_back() {
    for r in RULES {
        let page = rule_page(r.meta);
        for section in ["## What it does", "## Why is this bad?", "## Example", "## How to fix"] {
            assert!(
                page.contains(&format!("\n{section}\n")),
                "{}: `{section}` not at the start of a line",
                r.meta.name
            );
        }
        assert!(page.contains(&format!("ignore[{}]", r.meta.name)));
    }
}
