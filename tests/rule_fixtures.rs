//! Every rule against its own small deployments, through the real binary.
//!
//! `fixtures/rules/<rule>/` holds case folders: `ok` (and `ok-*`) must give no finding with only
//! the rule selected, `err` (and `err-*`) at least one finding of the rule. Each case's human output
//! is compared with `fixtures/rules/<rule>/<case>.snap`; regenerate them with
//! `LATTICELINT_BLESS=1 cargo test --release --test rule_fixtures`. Every registered rule must have a
//! folder, and every folder a registered rule.
//!
//! The second test lints the `## Example` of each rule's documentation: its fenced blocks with a
//! `title="path"` are written as files into a temporary folder `deploy/` (a title may step out of it
//! with `../`), and linting that folder with only the rule selected must trigger the rule.
//!
//! No case is built at run time: a non-UTF-8 file, a link outside the case folder and a dangling
//! link (an unreadable file even for root, unlike mode 000) are committed as they are.

use latticelint::report::docs::doc_text;
use latticelint::rules::RULES;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

fn rules_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules")
}

fn bless() -> bool {
    std::env::var_os("LATTICELINT_BLESS").is_some()
}

/// What one run of `latticelint check --select RULE` said.
struct Run {
    /// The human report, then `exit N` (and standard error, when any).
    transcript: String,
    exit: i32,
    /// The rule of each finding, from the JSON report written in the same run.
    rules: Vec<String>,
}

/// Runs `check . --select RULE -f human --color never` from inside `dir` in a fixed environment,
/// with a JSON copy of the findings written outside `dir`.
fn check(dir: &Path, rule: &str) -> Run {
    let scratch = tempfile::tempdir().expect("temporary folder");
    let json = scratch.path().join("findings.json");
    let out = Command::new(env!("CARGO_BIN_EXE_latticelint"))
        .current_dir(dir)
        .env_clear()
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .args(["check", ".", "--select", rule, "-f", "human", "--color", "never", "-f", "json", "-o"])
        .arg(&json)
        .output()
        .expect("run latticelint");
    let exit = out.status.code().unwrap_or(-1);
    let mut transcript = String::from_utf8_lossy(&out.stdout).into_owned();
    transcript.push_str(&format!("exit {exit}\n"));
    if !out.stderr.is_empty() {
        transcript.push_str("--- stderr\n");
        transcript.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    let report: Value = std::fs::read_to_string(&json)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_else(|| panic!("{}: no JSON report\n{transcript}", dir.display()));
    let rules = report["findings"]
        .as_array()
        .map(|fs| fs.iter().filter_map(|f| f["rule"].as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    Run { transcript, exit, rules }
}

/// The case folders of one rule (`ok`, `ok-*`, `err`, `err-*`), sorted.
fn cases(rule_dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(rule_dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| is_case(n))
        .collect();
    names.sort();
    names
}

fn is_case(name: &str) -> bool {
    ["ok", "err"].iter().any(|k| name == *k || name.starts_with(&format!("{k}-")))
}

/// Rules no committed input can make the release binary report, with why and what covers them.
const NO_FIXTURE: &[(&str, &str)] = &[(
    "internal-error",
    "reported only when latticelint itself panics on a file; src/guard/mod.rs's unit test injects a panic \
     (test builds only) and checks the finding and that the run goes on",
)];

#[test]
fn every_rule_passes_its_ok_cases_and_fires_on_its_err_cases() {
    let root = rules_root();
    let mut problems = Vec::new();
    let mut snapshots = 0;
    for rule in RULES.iter().map(|r| r.meta.name) {
        if NO_FIXTURE.iter().any(|(r, _)| *r == rule) {
            continue;
        }
        let dir = root.join(rule);
        let names = cases(&dir);
        if !names.iter().any(|n| n.starts_with("ok")) || !names.iter().any(|n| n.starts_with("err")) {
            problems.push(format!("{rule}: fixtures/rules/{rule}/ needs an `ok` and an `err` case folder"));
            continue;
        }
        for name in &names {
            let run = check(&dir.join(name), rule);
            if name.starts_with("ok") {
                if run.exit != 0 || !run.rules.is_empty() {
                    problems.push(format!("{rule}/{name}: expected no finding\n{}", run.transcript));
                }
            } else if !run.rules.iter().any(|r| r == rule) {
                problems.push(format!("{rule}/{name}: expected a `{rule}` finding\n{}", run.transcript));
            }
            let snap = dir.join(format!("{name}.snap"));
            let have = std::fs::read_to_string(&snap).unwrap_or_default();
            if have != run.transcript {
                if bless() {
                    std::fs::write(&snap, &run.transcript).unwrap();
                } else {
                    problems.push(format!(
                        "{}: snapshot differs\n--- committed\n{have}--- now\n{}",
                        snap.display(),
                        run.transcript
                    ));
                }
            }
            snapshots += 1;
        }
        // A snapshot whose case folder is gone.
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            if let Some(case) = file.strip_suffix(".snap") {
                if !names.iter().any(|n| n == case) {
                    if bless() {
                        std::fs::remove_file(entry.path()).unwrap();
                    } else {
                        problems.push(format!("{}: no case folder `{case}`", entry.path().display()));
                    }
                }
            }
        }
    }
    let registered: BTreeSet<&str> = RULES.iter().map(|r| r.meta.name).collect();
    for entry in std::fs::read_dir(&root).expect("fixtures/rules").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() && !registered.contains(name.as_str()) {
            problems.push(format!("fixtures/rules/{name}: no registered rule of that name"));
        }
    }
    assert!(
        problems.is_empty(),
        "{}\n(regenerate snapshots with: LATTICELINT_BLESS=1 cargo test --release --test rule_fixtures)",
        problems.join("\n\n")
    );
    let fixtured = RULES.len() - NO_FIXTURE.len();
    assert!(snapshots >= 2 * fixtured, "only {snapshots} cases for {fixtured} rules");
}

/// Rules whose example cannot be written from a doc comment, with why; their `err` fixtures cover them.
const EXAMPLE_NOT_A_FILE: &[(&str, &str)] = &[
    ("invalid-encoding", "a doc comment is UTF-8; the fault is a file that is not"),
    ("symlink-outside-root", "the fault is a symbolic link, not a file's text"),
    ("unreadable-file", "the fault is a file that cannot be read, not a file's text"),
    ("internal-error", "the fault is a bug in latticelint, not a file's text"),
];

/// The fenced blocks with `title="path"` of a rule's `## Example` section: (path, text).
fn example_files(docs: &str) -> Vec<(String, String)> {
    let mut in_example = false;
    let mut open: Option<(String, String)> = None;
    let mut files = Vec::new();
    for line in docs.lines() {
        if let Some((_, text)) = open.as_mut() {
            if line.trim_start().starts_with("```") {
                files.push(open.take().unwrap());
            } else {
                text.push_str(line);
                text.push('\n');
            }
            continue;
        }
        if line.starts_with("## ") {
            in_example = line == "## Example";
            continue;
        }
        if in_example && line.trim_start().starts_with("```") {
            let title = line.split("title=\"").nth(1).and_then(|t| t.split('"').next());
            open = Some((title.unwrap_or_default().to_string(), String::new()));
        }
    }
    files.retain(|(title, _)| !title.is_empty());
    files
}

/// Where a title puts its file, relative to the scratch folder: titles are relative to `deploy/`, the
/// folder linted, and may reach one level up (`../shared/accounts.conf`) to show a file outside it.
fn inside_scratch(title: &str) -> Option<PathBuf> {
    let mut parts: Vec<&std::ffi::OsStr> = vec![std::ffi::OsStr::new("deploy")];
    for c in Path::new(title).components() {
        match c {
            Component::Normal(p) => parts.push(p),
            Component::ParentDir => {
                parts.pop()?;
            }
            _ => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.iter().collect())
}

#[test]
fn every_rule_documentation_example_triggers_the_rule() {
    let mut problems = Vec::new();
    for r in RULES {
        let rule = r.meta.name;
        let files = example_files(&doc_text(r.meta));
        if EXAMPLE_NOT_A_FILE.iter().any(|(n, _)| *n == rule) {
            continue;
        }
        if files.is_empty() {
            problems.push(format!("{rule}: `## Example` has no fenced block with title=\"path\""));
            continue;
        }
        let dir = tempfile::tempdir().expect("temporary folder");
        // No configuration file from the folders above the temporary one.
        std::fs::write(dir.path().join("latticelint.toml"), "").unwrap();
        let deploy = dir.path().join("deploy");
        std::fs::create_dir(&deploy).unwrap();
        for (title, text) in &files {
            let Some(rel) = inside_scratch(title) else {
                problems.push(format!("{rule}: example title `{title}` leaves the example's folder"));
                continue;
            };
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
        }
        let run = check(&deploy, rule);
        if !run.rules.iter().any(|f| f == rule) {
            let shown: Vec<&str> = files.iter().map(|(t, _)| t.as_str()).collect();
            problems.push(format!("{rule}: its example ({}) gives no finding\n{}", shown.join(", "), run.transcript));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn example_blocks_are_read_from_the_example_section_only() {
    let docs = "## What it does\n```nats title=\"x.conf\"\nport: 1\n```\n## Example\nText.\n\
                ```nats title=\"a/b.conf\"\nport: 2\n```\n```text\nnot a file\n```\n## How to fix\n";
    assert_eq!(example_files(docs), vec![("a/b.conf".to_string(), "port: 2\n".to_string())]);
    assert_eq!(inside_scratch("a/b.conf"), Some(PathBuf::from("deploy/a/b.conf")));
    assert_eq!(inside_scratch("../shared/x.conf"), Some(PathBuf::from("shared/x.conf")));
    assert_eq!(inside_scratch("../../x.conf"), None);
    assert_eq!(inside_scratch("/etc/x.conf"), None);
}
