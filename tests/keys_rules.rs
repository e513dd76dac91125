//! The key rules (`unknown-key`, `invalid-value`, `silent-value-loss`) through `pipeline::lint` on
//! files on disk: inline cases written to a temporary folder, the fixtures under
//! `fixtures/rules/<rule>/{ok,err}/`, and agreement of the claimed `-t` behaviour with the real
//! `nats-server -t` (2.9.10 and the newest).

mod support;

use latticelint::diagnostic::{Diagnostic, Severity};
use latticelint::pipeline;
use latticelint::settings::Settings;
use latticelint::version::NatsVersion;
use std::path::{Path, PathBuf};
use support::tree::{fixture, write_tree};

const MINE: &[&str] = &["invalid-value", "silent-value-loss", "unknown-key"];

/// A finding reduced to what tests compare: rule, 1-based line, severity, message.
#[derive(Debug, Clone)]
struct F {
    rule: &'static str,
    line: u32,
    severity: Severity,
    message: String,
    label: Option<String>,
    help: Option<String>,
}

/// The findings of the key rules on `paths`, linted for `version` with only those rules selected.
fn lint_paths(paths: &[PathBuf], version: NatsVersion) -> Vec<F> {
    let settings = Settings {
        nats_version: version,
        select: Some(MINE.iter().map(|s| s.to_string()).collect()),
        ..Settings::default()
    };
    let out = pipeline::lint(paths, &settings);
    let mine = out.diagnostics.iter().filter(|d| MINE.contains(&d.rule.name));
    let mut fs: Vec<F> = mine.map(|d: &Diagnostic| reduce(&out, d)).collect();
    fs.sort_by(|a, b| (a.line, a.rule, &a.message).cmp(&(b.line, b.rule, &b.message)));
    fs
}

fn reduce(out: &pipeline::Outcome, d: &Diagnostic) -> F {
    F {
        rule: d.rule.name,
        line: out.db.locate(d.span).line,
        severity: d.severity,
        message: d.message.clone(),
        label: d.label.clone(),
        help: d.help.clone(),
    }
}

/// `text` as `nats.conf` of a temporary folder, linted for `version`.
fn lint_text(text: &str, version: NatsVersion) -> Vec<F> {
    let dir = write_tree(&[("nats.conf", text)]);
    lint_paths(&[dir.path().join("nats.conf")], version)
}

fn lint(text: &str) -> Vec<F> {
    lint_text(text, NatsVersion::NEWEST)
}

fn of<'a>(fs: &'a [F], rule: &str) -> Vec<&'a F> {
    fs.iter().filter(|f| f.rule == rule).collect()
}

#[test]
fn unknown_key_typos_and_placement() {
    let fs = lint("server-name: hub\njs_domain: hub\ndomain: x\nport: 4222\n");
    let u = of(&fs, "unknown-key");
    assert_eq!(u.len(), 3, "{fs:#?}");
    assert_eq!((u[0].line, u[0].severity), (1, Severity::Error));
    assert!(u[0].help.as_deref().unwrap().contains("`server_name`"), "{:?}", u[0]);
    assert!(u[1].help.as_deref().unwrap().contains("jetstream { domain"), "{:?}", u[1]);
    assert!(u[2].help.as_deref().unwrap().contains("`jetstream`"), "{:?}", u[2]);
}

#[test]
fn unknown_key_respects_case_aliases_variables_and_free_blocks() {
    let fs = lint(
        "PORT: 4222\nLeaf { Remotes: [ { URLS: [\"nats://h:7422\"], Local: A } ] }\nP = 8222\nhttp_port: $P\naccounts { anything_goes { users: [ { user: a, pass: b } ] } }\nresolver { typo: 1 }\ndefault_js_domain { A: hub }\n",
    );
    assert!(of(&fs, "unknown-key").is_empty(), "{fs:#?}");
    // resolver ignores unknown keys silently: a warning of silent-value-loss, not an unknown-key error.
    let s = of(&fs, "silent-value-loss");
    assert_eq!(s.len(), 1, "{fs:#?}");
    assert_eq!(s[0].line, 6);
}

#[test]
fn unknown_key_unused_variable_and_variable_in_tls() {
    let fs = lint("TOKEN = abc\nport: 4222\ntls { V = true, verify: $V }\n");
    let u = of(&fs, "unknown-key");
    assert_eq!(u.iter().map(|f| f.line).collect::<Vec<_>>(), vec![1, 3], "{fs:#?}");
    assert!(u[1].help.as_deref().unwrap().contains("not even variables"), "{:?}", u[1]);
}

#[test]
fn unknown_key_reports_keys_newer_than_the_target() {
    let text =
        "accounts { A { exports: [ { service: a, allow_trace: true } ] } }\ncluster { port: 6222, pool_size: 3 }\n";
    let old = lint_text(text, NatsVersion::V2_9_10);
    let u = of(&old, "unknown-key");
    assert_eq!(u.len(), 2, "{old:#?}");
    assert!(u[0].message.contains("added by 2.11.0"), "{:?}", u[0]);
    assert!(u[1].message.contains("`pool_size`") && u[1].message.contains("2.10.0"), "{:?}", u[1]);
    assert!(of(&lint(text), "unknown-key").is_empty());
}

#[test]
fn invalid_value_types_and_formats() {
    let fs = lint(concat!(
        "port: \"4222\"\n",                                  // 1 quoted int
        "debug: \"true\"\n",                                 // 2 quoted bool
        "authorization { user: a, password: 12345 }\n",      // 3 digit-only password
        "listen: \"4222\"\n",                                // 4 no host
        "jetstream { max_mem: \"1GB\", domain: \"a.b\" }\n", // 5 size + domain (startup)
        "server_name: no\n",                                 // 6 bool name
        "lame_duck_duration: \"10s\"\n",                     // 7 below 30s
        "max_sub_tokens: 300\n",                             // 8 out of range
    ));
    let v = of(&fs, "invalid-value");
    let lines: Vec<u32> = v.iter().map(|f| f.line).collect();
    assert_eq!(lines, vec![1, 2, 3, 4, 5, 5, 6, 7, 8], "{fs:#?}");
    assert!(v[0].help.as_deref().unwrap().contains("remove the quotes"));
    assert!(v[2].help.as_deref().unwrap().contains("quote the value"));
    assert!(!v[2].message.contains("12345"), "secrets are never printed: {:?}", v[2]);
    let domain = v.iter().find(|f| f.message.contains("domain")).unwrap();
    assert!(domain.label.as_deref().unwrap().contains("does not report"), "{domain:?}");
    assert!(v.iter().all(|f| f.severity == Severity::Error));
}

#[test]
fn invalid_value_accepts_what_the_server_accepts() {
    let fs = lint(concat!(
        "listen: 0.0.0.0:4222\nhttp: localhost:8222\nport: 4222\n",
        "jetstream { max_mem: 1GB, max_file: \"10G\", domain: hub, store_dir: \"/data\" }\n",
        "authorization { users: [ { user: a, password: \"12345\" }, { user: b, password: $2a$11$W2zko751KUvVy59mUTWmpOdWjpEm5qhcCZRd05GjI/sSOT.jKlsCe } ] }\n",
        "ping_interval: \"2m\"\nwrite_deadline: 10s\nlame_duck_duration: \"2m30s\"\n",
        "leafnodes { remotes: [ { url: \"nats-leaf://h:7422\", deny_imports: [\"$JS.API.>\"] } ] }\n",
        "jetstream: enabled\n",
    ));
    assert!(of(&fs, "invalid-value").is_empty(), "{fs:#?}");
}

#[test]
fn invalid_value_names_with_spaces_depend_on_version() {
    let text = "server_name: \"my server\"\ncluster { name: \"a b\", port: 6222 }\n";
    let new = lint(text);
    assert_eq!(of(&new, "invalid-value").iter().filter(|f| f.severity == Severity::Error).count(), 2, "{new:#?}");
    let old = lint_text(text, NatsVersion::V2_9_10);
    assert!(of(&old, "invalid-value").iter().all(|f| f.severity == Severity::Warning), "{old:#?}");
}

#[test]
fn silent_value_loss_duplicates_and_durations() {
    let fs = lint(concat!(
        "port: 4222\n",              // 1
        "PORT: 4333\n",              // 2
        "ping_interval: 2m\n",       // 3 mega, not minutes
        "write_deadline: 10\n",      // 4 int seconds
        "jetstream: enabled\n",      // 5 duplicate jetstream
        "jetstream { domain: a }\n", // 6
        "debug: true\n",             // 7
        "debug: false\n",            // 8
    ));
    let s = of(&fs, "silent-value-loss");
    let lines: Vec<u32> = s.iter().map(|f| f.line).collect();
    assert_eq!(lines, vec![1, 3, 4, 5, 7], "{fs:#?}");
    assert!(s[0].message.contains("random"), "{:?}", s[0]);
    assert!(s[1].message.contains("2000000"), "{:?}", s[1]);
    assert!(s[4].message.contains("set again"), "{:?}", s[4]);
}

#[test]
fn silent_value_loss_text_traps() {
    let fs = lint("include /etc/nats/auth.conf\nauthorization { user: a, password: $2b$11$abcdefghijklmnopqrstuuW2zko751KUvVy59mUTWmpOdWjpEm5qhc }\n");
    let s = of(&fs, "silent-value-loss");
    assert_eq!(s.iter().map(|f| f.line).collect::<Vec<_>>(), vec![1, 2], "{fs:#?}");
    assert!(s[0].message.contains("absolute include path"));
    assert!(s[1].message.contains("bcrypt"));
}

/// The target a fixture file is written for: 2.9.10 when its name says `v2.9`, else the newest.
fn target_of(p: &Path) -> NatsVersion {
    if p.to_string_lossy().contains("v2.9") {
        NatsVersion::V2_9_10
    } else {
        NatsVersion::NEWEST
    }
}

/// Findings of my rules on every file of a fixture folder, each file linted on its own for its target.
fn fixture_findings(dir: &Path) -> Vec<(PathBuf, Vec<F>)> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_file()).collect();
    paths.sort();
    paths.into_iter().map(|p| (p.clone(), lint_paths(std::slice::from_ref(&p), target_of(&p)))).collect()
}

/// `fixtures/rules/<rule>/ok/*` get no finding of the rule; `err/*` get exactly the findings
/// announced by `# expect: <rule> <line>` comments in the file.
#[test]
fn rule_fixtures() {
    let root = fixture("rules");
    let mut checked = 0;
    let mut mismatches = Vec::new();
    for rule in MINE {
        for (p, fs) in fixture_findings(&root.join(rule).join("ok")) {
            let hits: Vec<&F> = fs.iter().filter(|f| f.rule == *rule).collect();
            if !hits.is_empty() {
                mismatches.push(format!("{}: unexpected {rule}: {hits:#?}", p.display()));
            }
            checked += 1;
        }
        for (p, fs) in fixture_findings(&root.join(rule).join("err")) {
            let text = std::fs::read_to_string(&p).unwrap();
            let mut expected = expectations(&text);
            assert!(!expected.is_empty(), "{}: no `# expect:` comment", p.display());
            let name = p.file_name().unwrap().to_string_lossy();
            for (file, rule, line) in UNANNOUNCED.iter().filter(|(f, _, _)| *f == name) {
                expected.push((rule.to_string(), *line));
                if !fs.iter().any(|f| f.rule == *rule && f.line == *line) {
                    mismatches.push(format!("{file}: `{rule}` on line {line} is gone: remove it from UNANNOUNCED"));
                }
            }
            expected.sort();
            let mut got: Vec<(String, u32)> = fs.iter().map(|f| (f.rule.to_string(), f.line)).collect();
            got.sort();
            if got != expected {
                mismatches.push(format!("{}: expected {expected:?}, got {got:?}: {fs:#?}", p.display()));
            }
            checked += 1;
        }
    }
    assert!(mismatches.is_empty(), "{} fixtures disagree:\n{}", mismatches.len(), mismatches.join("\n"));
    assert!(checked >= 6, "fixtures missing ({checked})");
}

/// Findings the binary reports on an `err` fixture that its `# expect:` comments do not announce
/// (file name, rule, line), listed so that any other difference fails: the parser's own
/// `silent-value-loss` for the `}` left over when an unquoted `}}` closes the map early. The
/// fixtures belong to the rule fixtures; announcing it there empties this list.
const UNANNOUNCED: &[(&str, &str, u32)] = &[("mapping-cut-short-v2.9.conf", "silent-value-loss", 8)];

/// `(rule, line)` of every `# expect: <rule> [<+n>], ...` comment of a fixture, sorted.
fn expectations(text: &str) -> Vec<(String, u32)> {
    let mut expected: Vec<(String, u32)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(rest) = line.split("# expect: ").nth(1) {
            for r in rest.split(',') {
                let r = r.trim();
                if let Some((name, rel)) = r.split_once(' ') {
                    let n: i64 = rel.trim().parse().unwrap_or(0);
                    expected.push((name.to_string(), (i as i64 + 1 + n) as u32));
                } else {
                    expected.push((r.to_string(), i as u32 + 1));
                }
            }
        }
    }
    expected.sort();
    expected
}

/// What each fixture claims about `nats-server -t` (`# nats-t-<label>: ok|fail`) holds for the real
/// binary, and the key rules agree when linting for `version`: a file `-t` rejects gets an error
/// that `-t` would report (or the `-t`-fatal duration warning), a file it accepts gets none.
fn fixtures_agree_with(label: &str, bin: &Path, version: NatsVersion) {
    let root = fixture("rules");
    let mut compared = 0;
    for rule in MINE {
        for kind in ["ok", "err"] {
            for (p, own) in fixture_findings(&root.join(rule).join(kind)) {
                let text = std::fs::read_to_string(&p).unwrap();
                let Some(claim) = text.lines().find_map(|l| l.strip_prefix(&format!("# nats-t-{label}: "))) else {
                    continue;
                };
                // Findings were computed for the file's own target; lint again for this one.
                let fs = if target_of(&p) == version { own } else { lint_paths(std::slice::from_ref(&p), version) };
                check_claim(&p, label, bin, claim, &fs);
                compared += 1;
            }
        }
    }
    assert!(compared >= 15, "only {compared} comparisons with nats-server {label}");
}

#[test]
fn fixtures_agree_with_nats_server_2_9_t() {
    let bin = require!(support::require::nats_debian());
    fixtures_agree_with("2.9.10", &bin, NatsVersion::V2_9_10);
}

#[test]
fn fixtures_agree_with_newest_nats_server_t() {
    let bin = require!(support::require::nats_newest());
    fixtures_agree_with("newest", &bin, NatsVersion::NEWEST);
}

fn check_claim(p: &Path, label: &str, bin: &Path, claim: &str, fs: &[F]) {
    let out = std::process::Command::new(bin)
        .args(["-t", "-c"])
        .arg(p.file_name().unwrap())
        .current_dir(p.parent().unwrap())
        .env_clear()
        .output()
        .expect("run nats-server");
    let text = String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    let ok = out.status.success();
    assert_eq!(ok, claim.trim() == "ok", "{} with nats-server {label}: claim `{claim}`, got: {text}", p.display());
    let checked_error = |f: &&F| {
        (f.rule == "unknown-key" || f.rule == "invalid-value")
            && f.severity == Severity::Error
            && !f.label.as_deref().unwrap_or("").contains("does not report")
    };
    let t_fatal_warning =
        |f: &&F| f.rule == "silent-value-loss" && f.label.as_deref().unwrap_or("").contains("-t` fails");
    let hits: Vec<&F> = fs.iter().filter(|f| checked_error(f) || t_fatal_warning(f)).collect();
    if ok {
        assert!(hits.is_empty(), "{}: nats-server {label} accepts it but: {hits:#?}", p.display());
    } else {
        assert!(
            !hits.is_empty(),
            "{}: nats-server {label} rejects it ({text}) but the key rules say nothing",
            p.display()
        );
    }
}

#[test]
fn embedded_configs_are_checked_and_point_into_the_yaml() {
    let yaml =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nats-config\ndata:\n  nats.conf: |\n    port: \"4222\"\n";
    let dir = write_tree(&[("cm.yaml", yaml)]);
    let out = pipeline::lint(
        &[dir.path().to_path_buf()],
        &Settings { select: Some(MINE.iter().map(|s| s.to_string()).collect()), ..Settings::default() },
    );
    let ds: Vec<&Diagnostic> = out.diagnostics.iter().filter(|d| MINE.contains(&d.rule.name)).collect();
    assert_eq!(ds.len(), 1, "{ds:#?}");
    let loc = out.db.locate(ds[0].span);
    assert_eq!((ds[0].rule.name, loc.path.as_str(), loc.line), ("invalid-value", "cm.yaml", 7));
}

#[test]
fn include_fragments_are_checked_in_their_includers_context() {
    let dir = write_tree(&[
        ("vars.conf", "PW = \"s3cr3t\"\nextra_key: 1\n"),
        ("main.conf", "include ./vars.conf\nauthorization { user: a, password: $PW }\n"),
    ]);
    // Discovery finds both files; the fragment is also parsed on its own.
    let fs = lint_paths(&[dir.path().to_path_buf()], NatsVersion::NEWEST);
    // `PW` is used by the includer, so only `extra_key` is unknown, and it is reported once.
    let u = of(&fs, "unknown-key");
    assert_eq!(u.len(), 1, "{fs:#?}");
    assert!(u[0].message.contains("`extra_key`"));
}
