//! `latticelint check` as a user runs it: formats, several outputs in one run, exit codes and
//! `--fail-on`, `latticelint.toml`, rule selection, inline suppression and colour.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const GOOD: &str = "port: 4222\nserver_name: hub\njetstream { domain: hub }\n";
/// One `unused-suppression` warning on line 2, whatever other rules exist.
const STALE: &str =
    "port: 4222\nserver_name: hub # latticelint: ignore[suppression-without-reason] stale\njetstream { domain: hub }\n";

struct Out {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn latticelint(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Out {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_latticelint"));
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("LATTICELINT_DOCS_URL");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    Out {
        code: o.status.code(),
        stdout: String::from_utf8_lossy(&o.stdout).into(),
        stderr: String::from_utf8_lossy(&o.stderr).into(),
    }
}

/// A temporary tree of `files`.
fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, body) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
    dir
}

fn rules_in(concise: &str) -> Vec<String> {
    concise.lines().filter(|l| l.contains(": ") && l.contains('[')).map(|l| l.to_string()).collect()
}

#[test]
fn concise_reports_path_line_column_severity_rule_message() {
    let t = tree(&[("deploy/hub.conf", STALE)]);
    let o = latticelint(t.path(), &["check", "-f", "concise", "deploy"], &[]);
    assert_eq!(o.code, Some(1), "{}{}", o.stdout, o.stderr);
    assert_eq!(
        o.stdout,
        "hub.conf:2:40: warning[unused-suppression] suppression of `suppression-without-reason` matches no finding on line 2\n\
         0 errors, 1 warning, 0 infos in 1 file\n"
    );
}

#[test]
fn bare_invocation_lints_the_current_folder() {
    let t = tree(&[("hub.conf", STALE)]);
    let o = latticelint(t.path(), &["-f", "concise"], &[]);
    assert_eq!(o.code, Some(1));
    assert!(o.stdout.starts_with("hub.conf:2:40: warning[unused-suppression]"), "{}", o.stdout);
}

#[test]
fn exit_status_follows_fail_on_and_severity_overrides() {
    let t = tree(&[("bad/hub.conf", STALE), ("good/hub.conf", GOOD)]);
    let code = |args: &[&str]| latticelint(t.path(), args, &[]).code;
    assert_eq!(code(&["check", "good"]), Some(0));
    assert_eq!(code(&["check", "bad"]), Some(1), "default threshold is warning");
    assert_eq!(code(&["check", "--fail-on", "warning", "bad"]), Some(1));
    assert_eq!(code(&["check", "--fail-on", "error", "bad"]), Some(0));
    assert_eq!(code(&["check", "--fail-on", "never", "bad"]), Some(0));
    std::fs::write(t.path().join("error.toml"), "[severity]\nunused-suppression = \"error\"\n").unwrap();
    assert_eq!(code(&["check", "--config", "error.toml", "--fail-on", "error", "bad"]), Some(1));
    std::fs::write(t.path().join("info.toml"), "[severity]\nunused-suppression = \"info\"\n").unwrap();
    assert_eq!(code(&["check", "--config", "info.toml", "bad"]), Some(0));
    assert_eq!(code(&["check", "--config", "info.toml", "--fail-on", "info", "bad"]), Some(1));
    let o = latticelint(t.path(), &["check", "--config", "info.toml", "-f", "concise", "bad"], &[]);
    assert!(o.stdout.contains("info[unused-suppression]"), "{}", o.stdout);
}

#[test]
fn usage_and_configuration_errors_exit_2() {
    let t = tree(&[
        ("hub.conf", GOOD),
        ("unknown-key.toml", "colour = true\n"),
        ("unknown-rule.toml", "ignore = [\"unused-supression\"]\n"),
    ]);
    let run = |args: &[&str]| latticelint(t.path(), args, &[]);
    let o = run(&["check", "missing-folder"]);
    assert_eq!(o.code, Some(2));
    assert!(o.stderr.contains("`missing-folder` does not exist"), "{}", o.stderr);
    let o = run(&["check", "--select", "no-such-rule", "."]);
    assert_eq!(o.code, Some(2));
    assert!(o.stderr.contains("unknown rule `no-such-rule`"), "{}", o.stderr);
    assert_eq!(run(&["check", "-f", "xml", "."]).code, Some(2));
    assert_eq!(run(&["check", "--fail-on", "sometimes", "."]).code, Some(2));
    let o = run(&["check", "--config", "unknown-key.toml", "."]);
    assert_eq!(o.code, Some(2));
    assert!(o.stderr.contains("unknown-key.toml") && o.stderr.contains("unknown field `colour`"), "{}", o.stderr);
    let o = run(&["check", "--config", "unknown-rule.toml", "."]);
    assert_eq!(o.code, Some(2));
    assert!(o.stderr.contains("unknown rule `unused-supression`; did you mean `unused-suppression`?"), "{}", o.stderr);
    assert_eq!(run(&["check", "--config", "nope.toml", "."]).code, Some(2));
    assert_eq!(run(&["check", "-f", "json", "-o", "a.json", "-o", "b.json", "-f", "sarif", "."]).code, Some(2));
    assert_eq!(run(&["check", "--nats-version", "two", "."]).code, Some(2));
}

#[test]
fn config_is_found_upward_and_command_line_wins() {
    let t = tree(&[("latticelint.toml", "ignore = [\"unused-suppression\"]\n"), ("deploy/site/hub.conf", STALE)]);
    let deploy = t.path().join("deploy");
    assert_eq!(latticelint(&deploy, &["check", "site"], &[]).code, Some(0), "latticelint.toml two folders up applies");
    std::fs::write(t.path().join("empty.toml"), "").unwrap();
    assert_eq!(latticelint(&deploy, &["check", "--config", "../empty.toml", "site"], &[]).code, Some(1));
    // --select replaces the config's select; --ignore adds to its ignore.
    std::fs::write(t.path().join("latticelint.toml"), "select = [\"suppression-without-reason\"]\n").unwrap();
    assert_eq!(latticelint(&deploy, &["check", "site"], &[]).code, Some(0));
    assert_eq!(
        latticelint(&deploy, &["check", "--select", "unused-suppression,suppression-without-reason", "site"], &[]).code,
        Some(1)
    );
    assert_eq!(
        latticelint(
            &deploy,
            &[
                "check",
                "--select",
                "unused-suppression,suppression-without-reason",
                "--ignore",
                "unused-suppression",
                "site"
            ],
            &[]
        )
        .code,
        Some(0)
    );
}

#[test]
fn per_path_ignores_and_excludes() {
    let t = tree(&[("legacy/hub.conf", STALE), ("new/hub.conf", STALE), ("vendor/x/hub.conf", STALE)]);
    std::fs::write(
        t.path().join("latticelint.toml"),
        "exclude = [\"vendor\"]\n[per-path-ignores]\n\"legacy/**\" = [\"unused-suppression\"]\n",
    )
    .unwrap();
    let o = latticelint(t.path(), &["check", "-f", "concise", "."], &[]);
    assert_eq!(o.code, Some(1));
    assert_eq!(rules_in(&o.stdout), vec!["new/hub.conf:2:40: warning[unused-suppression] suppression of `suppression-without-reason` matches no finding on line 2"]);
}

#[test]
fn inline_suppression_on_the_line_or_the_line_before() {
    let t = tree(&[
        (
            "before.conf",
            "port: 4222\n# latticelint: ignore[unused-suppression] this stale comment is documented on purpose\nserver_name: hub # latticelint: ignore[suppression-without-reason] stale\n",
        ),
        ("same.conf", "port: 4222 # latticelint: ignore[all] -- every rule\n"),
        ("noreason.conf", "# latticelint: ignore[unused-suppression]\nserver_name: hub # latticelint: ignore[suppression-without-reason] stale\n"),
        ("unknown.conf", "port: 4222 # latticelint: ignore[no-such-rule] typo\n"),
    ]);
    let o = latticelint(t.path(), &["check", "-f", "concise", "--fail-on", "info", "."], &[]);
    assert_eq!(
        rules_in(&o.stdout),
        vec![
            "noreason.conf:1:1: info[suppression-without-reason] suppression gives no reason",
            "same.conf:1:34: warning[unused-suppression] suppression of `all` matches no finding on line 1",
            "unknown.conf:1:34: warning[unused-suppression] suppression names unknown rule `no-such-rule`",
        ],
        "{}",
        o.stdout
    );
}

#[test]
fn several_formats_in_one_run() {
    let t = tree(&[("hub.conf", STALE)]);
    let o = latticelint(
        t.path(),
        &["check", "-f", "sarif", "-o", "out.sarif", "-f", "json", "-o", "out.json", "-f", "concise", "."],
        &[],
    );
    assert_eq!(o.code, Some(1));
    assert!(o.stdout.starts_with("hub.conf:2:40: warning[unused-suppression]"), "concise went to stdout: {}", o.stdout);
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(t.path().join("out.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["invocations"][0]["exitCode"], 1);
    let r = &sarif["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "unused-suppression");
    assert_eq!(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "hub.conf");
    assert_eq!(r["locations"][0]["physicalLocation"]["region"]["startLine"], 2);
    let json: Value = serde_json::from_str(&std::fs::read_to_string(t.path().join("out.json")).unwrap()).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["findings"][0]["file"], "hub.conf");
    assert_eq!(json["findings"][0]["line"], 2);
    assert_eq!(json["findings"][0]["column"], 40);
    assert_eq!(json["findings"][0]["end_column"], 66);
    assert_eq!(json["summary"]["warning"], 1);
    assert_eq!(json["summary"]["exit_code"], 1);
}

#[test]
fn human_and_github_formats() {
    let t = tree(&[("hub.conf", STALE)]);
    let o = latticelint(t.path(), &["check", "-f", "human", "--color", "never", "."], &[]);
    assert!(o.stdout.contains("╭─[hub.conf:2:40]"), "{}", o.stdout);
    assert!(
        o.stdout.contains(" 2 │ server_name: hub # latticelint: ignore[suppression-without-reason] stale"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("nothing to suppress here"), "label: {}", o.stdout);
    assert!(o.stdout.contains("help: remove it"), "{}", o.stdout);
    assert!(!o.stdout.contains('\x1b'), "no colour with --color never");
    let o = latticelint(t.path(), &["check", "-f", "github", "."], &[]);
    assert_eq!(
        o.stdout.lines().next().unwrap(),
        "::warning file=hub.conf,line=2,col=40,endLine=2,endColumn=66,title=unused-suppression::suppression of `suppression-without-reason` matches no finding on line 2%0Ahelp: remove it, or move it onto the line of the finding or the line before"
    );
}

#[test]
fn colour_follows_flag_no_color_and_clicolor_force() {
    let t = tree(&[("hub.conf", STALE)]);
    let human = |args: &[&str], env: &[(&str, &str)]| {
        let mut a = vec!["check", "-f", "human"];
        a.extend_from_slice(args);
        a.push(".");
        latticelint(t.path(), &a, env).stdout.contains('\x1b')
    };
    assert!(human(&["--color", "always"], &[]));
    assert!(human(&["--color", "always"], &[("NO_COLOR", "1")]), "an explicit flag beats the environment");
    assert!(!human(&[], &[]), "auto: stdout is not a terminal here");
    assert!(human(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!human(&[], &[("NO_COLOR", "1")]));
    assert!(!human(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]));
}

#[test]
fn rules_and_rule_commands() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let o = latticelint(&dir, &["rules"], &[]);
    assert_eq!(o.code, Some(0));
    assert!(o.stdout.lines().any(|l| l.starts_with("unused-suppression") && l.contains("warning")), "{}", o.stdout);
    let o = latticelint(&dir, &["rules", "-f", "json"], &[]);
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    assert!(v.as_array().unwrap().iter().any(|r| r["name"] == "unused-suppression"
        && r["url"].as_str().unwrap().ends_with("docs/rules/unused-suppression.md")));
    let o = latticelint(&dir, &["rule", "unused-suppression"], &[]);
    assert_eq!(o.code, Some(0));
    for section in ["## What it does", "## Why is this bad?", "## Example", "## How to fix"] {
        assert!(o.stdout.contains(section), "{}", o.stdout);
    }
    let o = latticelint(&dir, &["rule", "unused-supression"], &[]);
    assert_eq!(o.code, Some(2));
    assert!(o.stderr.contains("did you mean `unused-suppression`?"), "{}", o.stderr);
}

#[test]
fn files_outside_the_root_are_shown_with_dotdot_and_absolute_in_sarif() {
    let t = tree(&[
        ("deploy/nats.conf", "port: 4222\ninclude ../shared.conf\n"),
        ("shared.conf", "server_name: hub # latticelint: ignore[suppression-without-reason] stale\n"),
    ]);
    let o = latticelint(t.path(), &["check", "-f", "concise", "-f", "sarif", "-o", "out.sarif", "deploy"], &[]);
    assert!(o.stdout.starts_with("../shared.conf:1:40: warning[unused-suppression]"), "{}", o.stdout);
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(t.path().join("out.sarif")).unwrap()).unwrap();
    let loc = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    let uri = loc["uri"].as_str().unwrap();
    assert!(uri.starts_with("file:///") && uri.ends_with("/shared.conf") && !uri.contains(".."), "{loc}");
    assert!(loc.get("uriBaseId").is_none(), "{loc}");
}
