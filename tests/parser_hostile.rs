//! Hostile input: files and includes that must produce diagnostics, never hangs or panics.

use latticelint::nats::{
    parse_file, parse_path, Environment, IncludeError, IncludeLoader, IncludeRequest, LoadedInclude, ParseOptions,
};
use latticelint::source::SourceDb;
use serde_json::json;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

fn opts() -> ParseOptions {
    ParseOptions { env: Environment::Fixed(Arc::new(BTreeMap::new())), ..Default::default() }
}

fn write(dir: &Path, name: &str, text: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn includes_resolve_relative_to_the_including_file() {
    let d = tempfile::tempdir().unwrap();
    let top = write(d.path(), "nats.conf", b"port: 4222\ninclude sub/a.conf\nz: $A\n");
    write(d.path(), "sub/a.conf", b"A: 5\ninclude deeper/b.conf\n");
    write(d.path(), "sub/deeper/b.conf", b"B: \"b\"\n");
    let db = SourceDb::new(d.path());
    let p = parse_path(&db, &top, &opts());
    assert!(p.ok, "{:?}", p.error);
    assert_eq!(p.to_json(), json!({"port": 4222, "A": 5, "B": "b", "z": 5}));
    assert_eq!(p.includes.len(), 2);
    let a = p.root.entry("A").unwrap();
    assert_eq!(db.get(a.key_span.file).display, "sub/a.conf");
    assert!(a.included_from.is_some());
}

#[test]
fn absolute_include_is_joined_under_the_folder() {
    let d = tempfile::tempdir().unwrap();
    let top = write(d.path(), "nats.conf", b"include /etc/x.conf\n");
    write(d.path(), "etc/x.conf", b"x: 1\n");
    let p = parse_path(&SourceDb::new(d.path()), &top, &opts());
    assert_eq!(p.to_json(), json!({"x": 1}));
    let top = write(d.path(), "other.conf", b"include /nowhere/x.conf\n");
    let p = parse_path(&SourceDb::new(d.path()), &top, &opts());
    assert!(!p.ok);
    let diag = &p.diagnostics[0];
    assert_eq!(diag.rule, "include-not-found");
    assert!(diag.help.as_deref().unwrap().contains("absolute"), "{:?}", diag.help);
}

#[test]
fn include_cycle_names_the_chain() {
    let d = tempfile::tempdir().unwrap();
    let a = write(d.path(), "a.conf", b"x: 1\ninclude b.conf\n");
    write(d.path(), "b.conf", b"include a.conf\n");
    let p = parse_path(&SourceDb::new(d.path()), &a, &opts());
    assert!(!p.ok);
    let c = p.diagnostics.iter().find(|x| x.rule == "include-cycle").expect("cycle reported");
    assert_eq!(c.message, "include cycle: `a.conf` → `b.conf` → `a.conf`");
}

#[test]
fn folders_devices_and_fifos_are_refused() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join("dir")).unwrap();
    let top = write(d.path(), "t.conf", b"include dir\n");
    let p = parse_path(&SourceDb::new(d.path()), &top, &opts());
    assert!(!p.ok && p.error.as_deref().unwrap().contains("is a directory"));
    if Path::new("/dev/zero").exists() {
        let p = parse_path(&SourceDb::new("/"), Path::new("/dev/zero"), &opts());
        assert!(!p.ok);
        assert_eq!(p.diagnostics[0].rule, "unreadable-file");
    }
    let fifo = d.path().join("fifo.conf");
    if std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success()) {
        let top = write(d.path(), "f.conf", b"include fifo.conf\n");
        let p = parse_path(&SourceDb::new(d.path()), &top, &opts());
        assert!(!p.ok && p.error.as_deref().unwrap().contains("not a regular file"), "{:?}", p.error);
    }
}

#[test]
fn invalid_utf8_is_a_warning_and_parsing_goes_on() {
    let d = tempfile::tempdir().unwrap();
    let top = write(d.path(), "t.conf", b"password: caf\xe9\nport: 4222\n");
    let p = parse_path(&SourceDb::new(d.path()), &top, &opts());
    assert!(p.ok);
    assert_eq!(p.to_json(), json!({"password": "caf\u{FFFD}", "port": 4222}));
    assert_eq!(p.diagnostics[0].rule, "invalid-encoding");
    assert_eq!(p.diagnostics[0].span.start, 13);
}

#[test]
fn big_file_parses() {
    let line = "key_with_a_long_name_000: \"some quoted value here\" # comment\nblock { a: 1, b: [x, y, z ] }\n";
    let text = line.repeat(50 * 1024 * 1024 / line.len());
    let db = SourceDb::new("/");
    let p = latticelint::nats::parse_str(&db, "/big.conf", &text, &opts());
    assert!(p.ok);
    assert_eq!(p.root.len(), 2 * (50 * 1024 * 1024 / line.len()));
}

/// Includes of a ConfigMap-embedded config resolve through a custom loader.
struct MapLoader(BTreeMap<String, String>);

impl IncludeLoader for MapLoader {
    fn load(&self, db: &SourceDb, req: &IncludeRequest) -> Result<LoadedInclude, IncludeError> {
        let key = req.resolved.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let text =
            self.0.get(&key).ok_or_else(|| IncludeError { reason: format!("no key `{key}` in the ConfigMap") })?;
        let file = db.add(req.resolved.clone(), text.as_str());
        Ok(LoadedInclude { file, identity: format!("configmap:{key}"), warning: None })
    }
}

#[test]
fn custom_loader_resolves_embedded_includes() {
    let db = SourceDb::new("/repo");
    let yaml = db.add("/repo/cm.yaml".into(), "data:\n  nats.conf: |\n    include auth.conf\n");
    let embedding = latticelint::source::Embedding { parent: yaml, pieces: vec![(0, 29)] };
    let file = db.add_embedded("cm.yaml#nats.conf".into(), "include auth.conf\n", embedding);
    let loader = MapLoader([("auth.conf".to_string(), "user: a\n".to_string())].into_iter().collect());
    let o = ParseOptions { loader: Some(Arc::new(loader)), config_path: Some("/etc/nats/nats.conf".into()), ..opts() };
    let p = parse_file(&db, file, &o);
    assert!(p.ok, "{:?}", p.error);
    assert_eq!(p.to_json(), json!({"user": "a"}));
    let o = ParseOptions { loader: o.loader.clone(), ..opts() };
    let file = db.add_embedded(
        "cm.yaml#x".into(),
        "include missing.conf\n",
        latticelint::source::Embedding { parent: yaml, pieces: vec![(0, 29)] },
    );
    let p = parse_file(&db, file, &o);
    assert!(!p.ok);
    assert_eq!(p.diagnostics[0].rule, "include-not-found");
    assert_eq!(db.real_span(p.diagnostics[0].span).file, yaml);
}
