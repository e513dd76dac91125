//! Discovery as a user sees it: files named on the command line are read as what was asked for,
//! Helm templates are reported as not linted (once per chart) instead of being skipped silently,
//! and nats-server's line for errors at a line end is pointed at.

use std::path::Path;
use std::process::Command;

fn concise(cwd: &Path, args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_latticelint"))
        .args(["check", "-f", "concise"])
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(o.status.code().is_some_and(|c| c < 2), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(cwd: &Path, args: &[&str]) -> serde_json::Value {
    let o = Command::new(env!("CARGO_BIN_EXE_latticelint"))
        .args(["check", "-f", "json"])
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap();
    serde_json::from_slice(&o.stdout).unwrap()
}

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, body) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
    dir
}

const VARS_ONLY: &str = "# passwords\nALICE_PASS: secret1\nBOB_PASS: secret2\n";

#[test]
fn a_variables_only_fragment_named_explicitly_is_checked_like_nats_server_t() {
    // nats-server -t -c passwords.conf: `unknown field "ALICE_PASS"` (line 2) and "BOB_PASS" (line 3).
    let t = tree(&[("passwords.conf", VARS_ONLY)]);
    let out = concise(t.path(), &["passwords.conf"]);
    assert!(out.contains("passwords.conf:2:1: error[unknown-key] unknown key `ALICE_PASS`"), "{out}");
    assert!(out.contains("passwords.conf:3:1: error[unknown-key] unknown key `BOB_PASS`"), "{out}");
    // In a folder scan the same text is not recognised as a config (no known key): not read.
    let out = concise(t.path(), &["."]);
    assert!(out.contains("0 errors, 0 warnings, 0 infos in 0 files"), "{out}");
}

#[test]
fn a_fragment_included_by_a_scanned_config_is_checked_through_its_includer() {
    let t = tree(&[
        ("passwords.conf", VARS_ONLY),
        ("main.conf", "include ./passwords.conf\nauthorization { user: alice, password: $ALICE_PASS }\n"),
    ]);
    // Both named: the fragment is checked in its includer's context only (BOB_PASS is unused there
    // too, and nats-server -t -c main.conf reports it in passwords.conf).
    let out = concise(t.path(), &["main.conf", "passwords.conf"]);
    assert!(!out.contains("ALICE_PASS"), "{out}");
    assert!(out.contains("passwords.conf:3:1: error[unknown-key] unknown key `BOB_PASS`"), "{out}");
}

#[test]
fn an_unknown_file_named_explicitly_says_it_is_not_linted() {
    let t = tree(&[("main.go", "package main\n"), ("notes.yaml", "title: hello\n")]);
    let out = concise(t.path(), &["main.go", "notes.yaml"]);
    assert!(out.contains("main.go:1:1: info[file-not-linted] `main.go` is not linted"), "{out}");
    assert!(out.contains("notes.yaml:1:1: info[file-not-linted] `notes.yaml` is not linted"), "{out}");
}

#[test]
fn helm_templates_are_reported_once_per_chart_and_values_with_commented_templates_are_read() {
    let t = tree(&[
        ("chart/Chart.yaml", "name: hosts\n"),
        ("chart/values.yaml", "# defaults to \"{{ include \"x\" $ }}\"\nconfig:\n  jetstream:\n    enabled: true\n"),
        (
            "chart/templates/deployment.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n",
        ),
        ("chart/templates/configmap.yaml", "apiVersion: v1\nkind: ConfigMap\n{{- if .Values.x }}\n"),
        ("chart/templates/_helpers.tpl", "{{- define \"x\" -}}\nname\n{{- end }}\n"),
    ]);
    let out = concise(t.path(), &["."]);
    let infos: Vec<&str> = out.lines().filter(|l| l.contains("[file-not-linted]")).collect();
    assert_eq!(
        infos,
        vec!["chart/templates/_helpers.tpl:1:1: info[file-not-linted] 3 templates of Helm chart `chart` are not linted: latticelint does not render charts"],
        "{out}"
    );
    // values.yaml (only a comment holds `{{`) is read as Helm values: 1 file + 3 templates.
    assert!(out.contains("in 4 files"), "{out}");
    // Named explicitly, a helper is still a template of its chart.
    let out = concise(t.path(), &["chart/templates/_helpers.tpl"]);
    assert!(out.contains("info[file-not-linted] 1 template of Helm chart `chart` is not linted"), "{out}");
}

#[test]
fn an_error_at_a_line_end_points_at_the_line_nats_server_reports() {
    // nats-server -t: `Parse error on line 3: 'Expected value but found new line'`.
    let t = tree(&[("invalid.conf", "# Invalid config file\ntrace:\n")]);
    let doc = json(t.path(), &["invalid.conf"]);
    let f = &doc["findings"][0];
    assert_eq!((f["rule"].as_str(), f["line"].as_u64()), (Some("syntax-error"), Some(2)), "{doc}");
    let rel = &f["related"][0];
    assert_eq!(rel["line"].as_u64(), Some(3), "{doc}");
    assert_eq!(rel["message"].as_str(), Some("nats-server reports this error on line 3"), "{doc}");
}

#[test]
fn a_missing_include_is_shown_relative_to_the_scanned_root() {
    let t = tree(&[("deploy/reload.conf", "include platform.conf\nport: 4222\n")]);
    let out = concise(t.path(), &["deploy"]);
    assert!(
        out.contains("error[include-not-found] included file `platform.conf` cannot be read: open platform.conf: no such file or directory"),
        "{out}"
    );
    assert!(!out.contains(&t.path().display().to_string()), "{out}");
}
