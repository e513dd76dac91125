//! `.pre-commit-hooks.yaml` with the real `pre-commit` on a scratch git repository: a commit with a
//! bad deployment fails, a good one passes. The `latticelint-system` hook runs the binary built for
//! these tests (first on PATH); the `latticelint` hook the README recommends (`language: rust`:
//! pre-commit runs `cargo install --path` of a clone of this crate) builds in a target folder kept
//! under `CARGO_TARGET_TMPDIR` and seeded from this build's compiled dependencies, so only
//! latticelint itself compiles, bounded by [`RUST_HOOK_LIMIT`]. pre-commit, git and cargo come
//! through `tests/support/require.rs`.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Longest time the `language: rust` hook may take to build and run.
const RUST_HOOK_LIMIT: Duration = Duration::from_secs(900);

struct Scratch {
    dir: tempfile::TempDir,
    path_env: String,
    /// `CARGO_TARGET_DIR` for the builds pre-commit runs.
    target_dir: Option<PathBuf>,
}

impl Scratch {
    /// A scratch folder; with `our_binary`, the latticelint built for these tests is first on PATH.
    fn new(our_binary: bool) -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        let bin_dir = Path::new(env!("CARGO_BIN_EXE_latticelint")).parent().unwrap().to_path_buf();
        let path = std::env::var("PATH").unwrap_or_default();
        let path_env = if our_binary { format!("{}:{path}", bin_dir.display()) } else { path };
        Scratch { dir, path_env, target_dir: None }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn command(&self, cwd: &Path, cmd: &str, args: &[&str]) -> Command {
        let mut command = Command::new(cmd);
        if let Some(target) = &self.target_dir {
            command.env("CARGO_TARGET_DIR", target);
        }
        command
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
            .env_remove("GIT_WORK_TREE");
        command
    }

    fn run(&self, cwd: &Path, cmd: &str, args: &[&str]) -> Output {
        self.command(cwd, cmd, args).output().unwrap()
    }

    /// [`Scratch::run`], killed (by PID, with its process group) when it takes longer than `limit`.
    fn run_bounded(&self, cwd: &Path, cmd: &str, args: &[&str], limit: Duration) -> Output {
        use std::os::unix::process::CommandExt;
        let child = self
            .command(cwd, cmd, args)
            .process_group(0)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let pgid = child.id();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || tx.send(child.wait_with_output()));
        match rx.recv_timeout(limit) {
            Ok(out) => out.unwrap(),
            Err(_) => {
                let _ = Command::new("kill").args(["-KILL", "--", &format!("-{pgid}")]).status();
                panic!("{cmd} {args:?} took longer than {limit:?}: killed");
            }
        }
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
    require!(support::require::pre_commit());
    let s = Scratch::new(true);
    let (hooks, rev) = s.repo("hooks", &[(".pre-commit-hooks.yaml", &hooks_file())]);
    let dir = project(&s, &hooks, &rev, "latticelint-system");
    commit_fails_on_bad_and_passes_on_good(&s, &dir);
}

/// A target folder for the hook's `cargo install`, kept between runs, first filled with the
/// compiled dependencies of this test build (`target/release`): `cargo install` then compiles only
/// the crates it resolves differently and latticelint.
fn hook_target_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("precommit-rust-hook-target");
    let release = dir.join("release");
    if release.join("deps").is_dir() {
        return dir;
    }
    let ours = Path::new(env!("CARGO_BIN_EXE_latticelint")).parent().unwrap().to_path_buf();
    let seeding = dir.join("release.seeding");
    let _ = std::fs::remove_dir_all(&seeding);
    std::fs::create_dir_all(seeding.join("deps")).unwrap();
    for sub in ["build", ".fingerprint"] {
        let st = Command::new("cp").args(["-a", "--reflink=auto"]).arg(ours.join(sub)).arg(&seeding).status().unwrap();
        assert!(st.success(), "copying {sub} of {}", ours.display());
    }
    for e in std::fs::read_dir(ours.join("deps")).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let library = [".rlib", ".rmeta", ".so", ".d"].iter().any(|x| name.ends_with(x));
        if library && !name.starts_with("liblatticelint") && !name.starts_with("latticelint") {
            let st = Command::new("cp").args(["-a", "--reflink=auto"]).arg(e.path()).arg(seeding.join("deps")).status();
            assert!(st.is_ok_and(|s| s.success()), "copying {name}");
        }
    }
    std::fs::rename(&seeding, &release).unwrap();
    dir
}

/// The README's hook: pre-commit builds latticelint from a clone of this crate with cargo and runs
/// it; a bad commit fails, a good one passes, within [`RUST_HOOK_LIMIT`].
#[test]
fn rust_hook_builds_and_lints() {
    require!(support::require::pre_commit());
    require!(support::require::tool("cargo", "install a Rust toolchain"));
    let started = Instant::now();
    // Our binary is not on PATH, so a pass proves pre-commit built and ran its own.
    let mut s = Scratch::new(false);
    s.target_dir = Some(hook_target_dir());
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
    // Build the hook's environment now, bounded, so a slow build fails here and says so.
    let build = s.run_bounded(&dir, "pre-commit", &["install-hooks"], RUST_HOOK_LIMIT);
    assert!(build.status.success(), "pre-commit install-hooks failed:\n{}{}", text(&build.stdout), text(&build.stderr));
    commit_fails_on_bad_and_passes_on_good(&s, &dir);
    let took = started.elapsed();
    assert!(took < RUST_HOOK_LIMIT, "the rust hook took {took:?}, over {RUST_HOOK_LIMIT:?}");
}
