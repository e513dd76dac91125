//! Renderers over synthetic diagnostics: every format, related locations in other files, embedded
//! configs mapped into their YAML file, and no secret in any output.

use latticelint::diagnostic::{Diagnostic, Severity};
use latticelint::redact::Redactor;
use latticelint::report::{self, Format, HumanOptions, Run};
use latticelint::source::{Embedding, SourceDb};
use latticelint::span::Span;
use std::path::PathBuf;

const SEED: &str = "SUAMK2FG4MI6UE3ACF3FK3OIQBCEIEZV7NSWFFEW63UXMRLFM2XLAXK4GY";
const HUB: &str =
    "port: 4222\nauthorization {\n  user: admin\n  password: \"hunter2-secret\"\n}\njetstream { domain: hub }\n";

fn leaf_yaml() -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\ndata:\n  leaf.conf: |\n    leafnodes {{\n      remotes [ {{ url: \"nats://leaf:leafpass99@hub:7422\" }} ]\n    }}\n    nkey_seed: {SEED}\n"
    )
}

fn sample() -> (SourceDb, Vec<Diagnostic>) {
    let db = SourceDb::new("/deploy");
    let hub = db.add(PathBuf::from("/deploy/hub.conf"), HUB);
    let yaml_text = leaf_yaml();
    let yaml = db.add(PathBuf::from("/deploy/k8s/leaf.yaml"), yaml_text.clone());
    // The embedded config: the block scalar's lines without their 4-space indent.
    let block_start = yaml_text.find("    leafnodes").unwrap();
    let mut embedded = String::new();
    let mut pieces = Vec::new();
    let mut off = block_start;
    for line in yaml_text[block_start..].split_inclusive('\n') {
        pieces.push((embedded.len() as u32, (off + 4) as u32));
        embedded.push_str(&line[4..]);
        off += line.len();
    }
    let emb = db.add_embedded("k8s/leaf.yaml#leaf.conf".into(), embedded.clone(), Embedding { parent: yaml, pieces });
    let pw = HUB.find("hunter2-secret").unwrap();
    let js = HUB.find("jetstream").unwrap();
    let url = embedded.find("url").unwrap();
    let diags = vec![
        Diagnostic::new(
            &latticelint::suppress::findings::UNUSED_SUPPRESSION,
            Span::new(hub, pw, pw + 14),
            "password `hunter2-secret` is plain text",
        )
        .with_severity(Severity::Warning)
        .with_label("password `hunter2-secret` here")
        .with_help("use a bcrypt hash instead of `hunter2-secret`"),
        Diagnostic::new(
            &latticelint::suppress::findings::UNUSED_SUPPRESSION,
            Span::new(emb, url, url + 3),
            "leaf remote `nats://leaf:leafpass99@hub:7422` reaches domain `hub`",
        )
        .with_severity(Severity::Error)
        .with_label("this remote")
        .with_related(Span::new(hub, js, js + 9), "the hub's JetStream is here")
        .with_help("set `jetstream { domain: leaf }`"),
    ];
    (db, diags)
}

fn render_all() -> Vec<(Format, String)> {
    let (db, diags) = sample();
    let redactor = Redactor::from_db(&db);
    let findings = report::findings(&db, &redactor, &diags);
    let run = Run::new(&db, PathBuf::from("/deploy"), findings, "warning".into(), 1);
    [Format::Human, Format::Concise, Format::Json, Format::Sarif, Format::Github]
        .into_iter()
        .map(|f| (f, report::render(f, &run, HumanOptions { color: false, width: 100 })))
        .collect()
}

#[test]
fn no_secret_in_any_format() {
    for (format, out) in render_all() {
        for secret in ["hunter2-secret", "leafpass99", SEED] {
            assert!(!out.contains(secret), "{format:?} leaks `{secret}`:\n{out}");
        }
    }
}

#[test]
fn concise_is_sorted_with_real_file_positions() {
    let (_, concise) = render_all().into_iter().find(|(f, _)| *f == Format::Concise).unwrap();
    let lines: Vec<&str> = concise.lines().collect();
    assert_eq!(lines[0], "hub.conf:4:14: warning[unused-suppression] password `[redacted]` is plain text");
    // The embedded config's span is reported in the YAML file: line 6, after `remotes [ { `.
    assert!(
        lines[1]
            .starts_with("k8s/leaf.yaml:6:19: error[unused-suppression] leaf remote `nats://leaf:[redacted]@hub:7422`"),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2], "1 error, 1 warning, 0 infos in 2 files");
}

#[test]
fn human_shows_masked_snippets_and_related_files() {
    let (_, human) = render_all().into_iter().find(|(f, _)| *f == Format::Human).unwrap();
    println!("{human}");
    assert!(human.contains("password: \"**************\""), "{human}");
    assert!(human.contains("[hub.conf:6:1]"), "related location in another file has its own snippet:\n{human}");
    assert!(human.contains("[k8s/leaf.yaml:6:19]"), "{human}");
    assert!(human.contains("help: set `jetstream { domain: leaf }`"), "{human}");
}

#[test]
fn json_follows_the_documented_schema() {
    let (_, json) = render_all().into_iter().find(|(f, _)| *f == Format::Json).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["version"], 1);
    let f = &v["findings"][1];
    for key in ["rule", "severity", "message", "file", "line", "column", "end_line", "end_column", "help", "related"] {
        assert!(f.get(key).is_some(), "missing `{key}` in {f}");
    }
    assert_eq!(f["file"], "k8s/leaf.yaml");
    assert_eq!(f["related"][0]["file"], "hub.conf");
    assert_eq!(f["related"][0]["line"], 6);
    assert_eq!(v["summary"]["error"], 1);
    assert_eq!(v["summary"]["warning"], 1);
}

#[test]
fn github_commands_are_escaped() {
    let (_, gh) = render_all().into_iter().find(|(f, _)| *f == Format::Github).unwrap();
    let first = gh.lines().next().unwrap();
    assert!(
        first.starts_with(
            "::warning file=hub.conf,line=4,col=14,endLine=4,endColumn=28,title=unused-suppression::password"
        ),
        "{first}"
    );
    assert!(gh.contains("%0Ahelp: "), "multi-line data is escaped: {gh}");
}

#[test]
fn sarif_has_rules_relative_uris_and_regions() {
    let (_, sarif) = render_all().into_iter().find(|(f, _)| *f == Format::Sarif).unwrap();
    let v: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let run = &v["runs"][0];
    let r = &run["results"][1];
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "k8s/leaf.yaml");
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(loc["region"]["startLine"], 6);
    assert_eq!(loc["region"]["startColumn"], 19);
    assert_eq!(loc["region"]["endColumn"], 22);
    assert_eq!(r["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"], "hub.conf");
    assert_eq!(run["invocations"][0]["exitCode"], 1);
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"], "unused-suppression");
    assert!(rules
        .iter()
        .all(|r| r["helpUri"].as_str().unwrap().ends_with(&format!("{}.md", r["id"].as_str().unwrap()))));
}
