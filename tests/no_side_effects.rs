//! `check` executes nothing, opens no network connection and reads nothing outside the given paths
//! without saying so. Verified by running the built binary under `strace -f`: exactly one `execve` (its
//! own start), no network system call at all, and every file it opens is inside the scanned tree, a
//! system file the loader/runtime needs, an ignore/config file of an enclosing folder, or the target of
//! an include that escapes the tree, which must then be reported on the including file.
//!
//! strace comes through `tests/support/require.rs`: a counted skip when it is missing or ptrace is
//! not permitted, a failure under `LATTICELINT_REQUIRE_ALL`.

mod support;

use serde_json::Value;
use std::fs;
use std::path::Path;
use std::process::Command;

/// Files a process may open for its own sake (dynamic loader, libc, thread count, locale, terminal).
fn system_path(p: &str) -> bool {
    const PREFIXES: &[&str] =
        &["/etc/ld.so.", "/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/", "/proc/", "/sys/", "/dev/null", "/dev/tty"];
    let shared_lib = p.ends_with(".so") || p.contains(".so.");
    PREFIXES.iter().any(|x| p.starts_with(x)) || p == "/etc/localtime" || shared_lib
}

/// Files an ancestor folder may hold that a linter legitimately looks for: ignore files and its own config.
fn ancestor_lookup(p: &str) -> bool {
    let name = Path::new(p).file_name().and_then(|n| n.to_str()).unwrap_or("");
    matches!(name, ".gitignore" | ".ignore" | "latticelint.toml" | "exclude" | "config" | "ignore")
        && !p.ends_with(".conf")
}

#[test]
fn check_executes_nothing_connects_nowhere_and_reports_escaping_includes() {
    let strace = require!(support::require::strace());
    let base = tempfile::tempdir().unwrap();
    let root = base.path().join("deploy");
    let outside = base.path().join("outside");
    fs::create_dir_all(&root).unwrap();
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("shared.conf"), "port: 4222\n").unwrap();
    fs::write(outside.join("never-read.conf"), "port: 4222\n").unwrap();
    fs::write(root.join("escape.conf"), "include \"../outside/shared.conf\"\nhttp_port: 8222\n").unwrap();
    // Hostnames and commands a careless linter might resolve or run.
    fs::write(
        root.join("docker-compose.yml"),
        "services:\n  nats:\n    image: nats:2.10\n    command: [\"-js\", \"--routes\", \"nats://example.com:6222\"]\n  \
         wasmcloud:\n    image: ghcr.io/wasmcloud/wasmcloud:1.9.2\n    environment:\n      WASMCLOUD_NATS_HOST: example.com\n      \
         WASMCLOUD_JS_DOMAIN: hub\n",
    )
    .unwrap();
    fs::write(root.join("up.sh"), "#!/bin/sh\nwash up --nats-remote-url tls://connect.ngs.global --nats-js-domain edge\nnats-server -c /etc/nats.conf &\n")
        .unwrap();
    fs::write(
        root.join("leaf.conf"),
        "leafnodes { remotes: [ { url: \"nats-leaf://hub.example.com:7422\" } ] }\njetstream { domain: edge }\n",
    )
    .unwrap();

    let log = base.path().join("strace.log");
    let out = Command::new(&strace)
        .args(["-f", "-qq", "-e", "trace=%process,%network,open,openat,openat2,creat", "-o"])
        .arg(&log)
        .arg(env!("CARGO_BIN_EXE_latticelint"))
        .args(["check", "--format", "json", "--fail-on", "never"])
        .arg(&root)
        .output()
        .unwrap();
    assert!(out.status.success(), "check failed: {}", String::from_utf8_lossy(&out.stderr));
    let log = fs::read_to_string(&log).unwrap();

    let execs: Vec<&str> = log.lines().filter(|l| l.contains("execve(") || l.contains("execveat(")).collect();
    assert_eq!(execs.len(), 1, "check executed something:\n{}", execs.join("\n"));
    for bad in ["fork(", "vfork(", "socket(", "connect(", "bind(", "sendto(", "sendmsg(", "accept(", "accept4("] {
        let hits: Vec<&str> = log.lines().filter(|l| l.contains(&format!(" {bad}"))).collect();
        assert!(hits.is_empty(), "check made `{bad}` calls:\n{}", hits.join("\n"));
    }

    let root_s = root.to_string_lossy().into_owned();
    let mut opened_outside = Vec::new();
    for line in log.lines() {
        let Some(i) = line.find("open") else { continue };
        let Some(q) = line[i..].find('"') else {
            continue;
        };
        let rest = &line[i + q + 1..];
        let Some(e) = rest.find('"') else { continue };
        let path = &rest[..e];
        let abs = if path.starts_with('/') { path.to_string() } else { format!("{root_s}/{path}") };
        if abs.starts_with(&root_s)
            || system_path(&abs)
            || (ancestor_lookup(&abs) && root.starts_with(Path::new(&abs).parent().unwrap()))
        {
            continue;
        }
        opened_outside.push(abs);
    }
    opened_outside.sort();
    opened_outside.dedup();
    let shared = outside.join("shared.conf").to_string_lossy().into_owned();
    for p in &opened_outside {
        assert_eq!(p, &shared, "check opened a file outside the scanned tree: {p}");
    }

    // The include that leaves the tree is reported on the including file.
    let report: Value = serde_json::from_slice(&out.stdout).expect("json output");
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    assert!(
        findings.iter().any(|f| f["file"] == "escape.conf" && f["line"] == 1),
        "no finding on the escaping include (escape.conf:1): {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// `(rule, file)` of every finding of `check --format json` on `root`.
fn findings(root: &Path) -> Vec<(String, String)> {
    let out = Command::new(env!("CARGO_BIN_EXE_latticelint"))
        .args(["check", "--format", "json", "--fail-on", "never"])
        .arg(root)
        .output()
        .expect("run latticelint");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json output");
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| (f["rule"].as_str().unwrap_or("").to_string(), f["file"].as_str().unwrap_or("").to_string()))
        .collect()
}

#[test]
fn files_linked_to_outside_the_root_are_reported() {
    let base = tempfile::tempdir().unwrap();
    let root = base.path().join("deploy");
    let outside = base.path().join("etc-nats");
    fs::create_dir_all(root.join("inner")).unwrap();
    fs::create_dir_all(outside.join("more")).unwrap();
    fs::write(outside.join("nats.conf"), "port: 4222\n").unwrap();
    fs::write(outside.join("more/leaf.conf"), "port: 4333\n").unwrap();
    fs::write(root.join("inner/own.conf"), "port: 4444\n").unwrap();
    std::os::unix::fs::symlink(outside.join("nats.conf"), root.join("nats.conf")).unwrap();
    std::os::unix::fs::symlink(outside.join("more"), root.join("linked-dir")).unwrap();
    std::os::unix::fs::symlink("inner/own.conf", root.join("inside.conf")).unwrap();
    let found = findings(&root);
    let linked: Vec<&str> =
        found.iter().filter(|(r, _)| r == "symlink-outside-root").map(|(_, f)| f.as_str()).collect();
    assert_eq!(linked, ["linked-dir/leaf.conf", "nats.conf"], "all findings: {found:?}");
    // The message names the target as seen from the root.
    let out = Command::new(env!("CARGO_BIN_EXE_latticelint"))
        .args(["check", "--format", "concise", "--fail-on", "never"])
        .arg(&root)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("`nats.conf` is a link to `../etc-nats/nats.conf`, outside the scanned folder"), "{text}");
}
