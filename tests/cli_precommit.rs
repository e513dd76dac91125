//! `.pre-commit-hooks.yaml` with the real `pre-commit` on a scratch git repository: a commit with a
//! bad deployment fails, a good one passes. The `latticelint-system` hook runs the binary built for
//! these tests (first on PATH); the `latticelint` hook (`language: rust`, built from source by
//! pre-commit) is exercised by the ignored test `rust_hook_builds_and_lints` (slow).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn have(cmd: &str) -> bool {
    Command::new(cmd).arg("--version").output().map(|o| o.status.success()).unwrap_or(false)
}

struct Scratch {
    dir: tempfile::TempDir,
    path_env: String,
}

impl Scratch {
    /// A scratch folder; with `our_binary`, the latticelint built for these tests is first on PATH.
    fn new(our_binary: bool) -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        let bin_dir = Path::new(env!("CARGO_BIN_EXE_latticelint")).parent().unwrap().to_path_buf();
        let path = std::env::var("PATH").unwrap_or_default();
        let path_env = if our_binary { format!("{}:{path}", bin_dir.display()) } else { path };
        Scratch { dir, path_env }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn run(&self, cwd: &Path, cmd: &str, args: &[&str]) -> Output {
        Command::new(cmd)
            .args(args)
            .current_dir(cwd)
            .env("PATH", &self.path_env)
            .env("PRE_COMMIT_HOME", self.path("cache"))
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
            .env("NO_COLOR", "1")
            .env("CARGO_NET_OFFLINE", "true")
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_WORK_TREE")
            .output()
            .unwrap()
    }

    fn ok(&self, cwd: &Path, cmd: &str, args: &[&str]) -> String {
        let o = self.run(cwd, cmd, args);
        assert!(o.status.success(), "{cmd} {args:?} failed:\n{}{}", text(&o.stdout), text(&o.stderr));
        text(&o.stdout)
    }

    /// A git repository holding `files`, committed; returns its HEAD.
    fn repo(&self, name: &str, files: &[(&str, &str)]) -> (PathBuf, String) {
        let dir = self.path(name);
        std::fs::create_dir_all(&dir).unwrap();
        self.ok(&dir, "git", &["init", "-q", "-b", "main"]);
        for (rel, body) in files {
            let p = dir.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, body).unwrap();
        }
        self.ok(&dir, "git", &["add", "-A"]);
        self.ok(&dir, "git", &["commit", "-q", "--no-verify", "-m", "init"]);
        let head = self.ok(&dir, "git", &["rev-parse", "HEAD"]).trim().to_string();
        (dir, head)
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const GOOD: &str = "port: 4222\nserver_name: hub\njetstream { domain: hub }\n";
/// A finding latticelint always reports, whatever rules exist: a suppression that suppresses nothing.
const BAD: &str =
    "port: 4222\nserver_name: hub # latticelint: ignore[suppression-without-reason] stale\njetstream { domain: hub }\n";

fn hooks_file() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml")).unwrap()
}

/// A project using `hook_id` from `hooks_repo@rev`, with the hook installed.
fn project(s: &Scratch, hooks_repo: &Path, rev: &str, hook_id: &str) -> PathBuf {
    let config =
        format!("repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: {hook_id}\n", hooks_repo.display());
    let (dir, _) = s.repo("project", &[(".pre-commit-config.yaml", &config), ("deploy/hub.conf", GOOD)]);
    s.ok(&dir, "pre-commit", &["install"]);
    dir
}

fn commit_fails_on_bad_and_passes_on_good(s: &Scratch, dir: &Path) {
    // Bad: the hook fails, so the commit does not happen.
    std::fs::write(dir.join("deploy/hub.conf"), BAD).unwrap();
    s.ok(dir, "git", &["add", "-A"]);
    let o = s.run(dir, "git", &["commit", "-m", "bad"]);
    let out = text(&o.stdout) + &text(&o.stderr);
    assert!(!o.status.success(), "commit of a bad deployment passed:\n{out}");
    assert!(out.contains("unused-suppression"), "the hook output names the finding:\n{out}");
    assert!(out.contains("deploy/hub.conf"), "{out}");
    // Good: the commit goes through.
    std::fs::write(dir.join("deploy/hub.conf"), GOOD.replace("4222", "4223")).unwrap();
    s.ok(dir, "git", &["add", "-A"]);
    let o = s.run(dir, "git", &["commit", "-m", "good"]);
    let out = text(&o.stdout) + &text(&o.stderr);
    assert!(o.status.success(), "commit of a good deployment failed:\n{out}");
    assert!(out.contains("Passed"), "{out}");
}

#[test]
fn system_hook_blocks_a_bad_commit_and_passes_a_good_one() {
    if !have("pre-commit") || !have("git") {
        eprintln!("SKIPPED: pre-commit or git is not installed (pip install pre-commit)");
        return;
    }
    let s = Scratch::new(true);
    let (hooks, rev) = s.repo("hooks", &[(".pre-commit-hooks.yaml", &hooks_file())]);
    let dir = project(&s, &hooks, &rev, "latticelint-system");
    commit_fails_on_bad_and_passes_on_good(&s, &dir);
}

/// Slow (pre-commit runs `cargo install` of this crate): `cargo test --test cli_precommit -- --ignored`.
#[test]
#[ignore]
fn rust_hook_builds_and_lints() {
    if !have("pre-commit") || !have("git") || !have("cargo") {
        eprintln!("SKIPPED: pre-commit, git or cargo is not installed");
        return;
    }
    // Our binary is not on PATH, so a pass proves pre-commit built and ran its own.
    let s = Scratch::new(false);
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The crate as committed plus the current hooks file, as a repository pre-commit can clone.
    let src = s.path("hooks");
    std::fs::create_dir_all(&src).unwrap();
    let archive = Command::new("git").args(["archive", "--format=tar", "HEAD"]).current_dir(manifest).output().unwrap();
    assert!(archive.status.success());
    let tar = s.path("src.tar");
    std::fs::write(&tar, &archive.stdout).unwrap();
    s.ok(&src, "tar", &["xf", tar.to_str().unwrap()]);
    std::fs::write(src.join(".pre-commit-hooks.yaml"), hooks_file()).unwrap();
    s.ok(&src, "git", &["init", "-q", "-b", "main"]);
    s.ok(&src, "git", &["add", "-A"]);
    s.ok(&src, "git", &["commit", "-q", "--no-verify", "-m", "src"]);
    let rev = s.ok(&src, "git", &["rev-parse", "HEAD"]).trim().to_string();
    let dir = project(&s, &src, &rev, "latticelint");
    commit_fails_on_bad_and_passes_on_good(&s, &dir);
}
