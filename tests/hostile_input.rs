//! Hostile input: each case puts one nasty file (or tree shape) beside a witness file with a known finding
//! and runs the built `latticelint check` on the folder, under a wall-clock timeout and an address-space
//! limit. The run must finish, must not crash, must say something about the nasty file, and must still
//! lint the witness.

use serde_json::Value;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Address-space limit for the child (KiB): far above what a sane run needs, far below the machine.
const MEM_LIMIT_KB: u64 = 3 * 1024 * 1024;

/// The witness: a misspelled key on line 3 of a file that is otherwise fine (it must be parsed and
/// checked against the key table, not just read).
const WITNESS: &str = "port: 4222\njetstream {\n  max_fle_store: 1GB\n}\n";
const WITNESS_RULE: &str = "unknown-key";
const WITNESS_LINE: i64 = 3;

struct Run {
    status: Option<i32>,
    stdout: String,
    stderr: String,
    findings: Vec<Value>,
}

impl Run {
    fn files_with(&self, rule: &str) -> Vec<String> {
        self.findings
            .iter()
            .filter(|f| f["rule"] == rule)
            .map(|f| f["file"].as_str().unwrap_or("").to_string())
            .collect()
    }

    /// Findings on a file (by display path).
    fn on(&self, file: &str) -> Vec<&Value> {
        self.findings.iter().filter(|f| f["file"] == file).collect()
    }

    fn dump(&self) -> String {
        format!("status {:?}\nstdout:\n{}\nstderr:\n{}", self.status, truncate(&self.stdout), truncate(&self.stderr))
    }

    /// The run ended normally (0 clean, 1 findings), the witness was linted.
    fn assert_sane(&self) {
        assert!(matches!(self.status, Some(0) | Some(1)), "bad exit: {}", self.dump());
        assert!(!self.stderr.contains("panicked"), "panic: {}", self.dump());
        let w = self.files_with(WITNESS_RULE);
        assert!(w.iter().any(|f| f == "witness.conf"), "witness not linted: {}", self.dump());
        let line = self.on("witness.conf").iter().find(|f| f["rule"] == WITNESS_RULE).map(|f| f["line"].clone());
        assert_eq!(line, Some(Value::from(WITNESS_LINE)), "witness finding on the wrong line: {}", self.dump());
    }

    /// Some finding (any rule) names `file`, and its message is not empty.
    fn assert_reported(&self, file: &str) {
        let on = self.on(file);
        assert!(!on.is_empty(), "no diagnostic for {file}: {}", self.dump());
        for f in on {
            assert!(!f["message"].as_str().unwrap_or("").is_empty(), "empty message for {file}");
        }
    }
}

fn truncate(s: &str) -> String {
    if s.len() > 4000 {
        let mut end = 4000;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}... ({} bytes)", &s[..end], s.len())
    } else {
        s.to_string()
    }
}

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("witness.conf"), WITNESS).unwrap();
    dir
}

/// Runs `latticelint check --format json <args>` with a timeout and a memory limit.
fn check(dir: &Path, extra: &[&str], timeout: Duration) -> Run {
    let bin = env!("CARGO_BIN_EXE_latticelint");
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("ulimit -v {MEM_LIMIT_KB}; exec \"$0\" \"$@\""))
        .arg(bin)
        .arg("check")
        .arg("--format")
        .arg("json")
        .arg("--fail-on")
        .arg("never")
        .arg(dir)
        .args(extra)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn latticelint");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait") {
            break st;
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            panic!("latticelint check did not finish within {timeout:?} on {}", dir.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = String::from_utf8_lossy(&t_out.join().unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&t_err.join().unwrap()).into_owned();
    let findings =
        serde_json::from_str::<Value>(&stdout).ok().and_then(|v| v["findings"].as_array().cloned()).unwrap_or_default();
    Run { status: status.code(), stdout, stderr, findings }
}

const T: Duration = Duration::from_secs(60);

#[test]
fn include_cycle() {
    let d = tree();
    fs::write(d.path().join("a.conf"), "port: 4222\ninclude b.conf\n").unwrap();
    fs::write(d.path().join("b.conf"), "include a.conf\n").unwrap();
    fs::write(d.path().join("self.conf"), "include self.conf\nport: 1\n").unwrap();
    let r = check(d.path(), &[], T);
    r.assert_sane();
    let cyc = r.files_with("include-cycle");
    assert!(cyc.iter().any(|f| f == "self.conf"), "{}", r.dump());
    assert!(cyc.iter().any(|f| f == "a.conf" || f == "b.conf"), "{}", r.dump());
}

#[test]
fn include_of_a_folder() {
    let d = tree();
    fs::create_dir(d.path().join("sub")).unwrap();
    fs::write(d.path().join("sub/inner.conf"), "port: 4222\n").unwrap();
    fs::write(d.path().join("main.conf"), "include sub\nport: 4222\n").unwrap();
    let r = check(d.path(), &[], T);
    r.assert_sane();
    r.assert_reported("main.conf");
}

#[test]
fn include_of_dev_zero_and_a_fifo() {
    let d = tree();
    fs::write(d.path().join("zero.conf"), "include \"/dev/zero\"\nport: 4222\n").unwrap();
    let fifo = d.path().join("pipe");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    fs::write(d.path().join("fifo.conf"), "include pipe\nport: 4222\n").unwrap();
    // nats-server joins even absolute include paths under the including folder, so reach /dev/zero by a link.
    std::os::unix::fs::symlink("/dev/zero", d.path().join("zlink")).unwrap();
    fs::write(d.path().join("zlink.conf"), "include zlink\nport: 4222\n").unwrap();
    let r = check(d.path(), &[], T);
    r.assert_sane();
    r.assert_reported("zero.conf");
    r.assert_reported("fifo.conf");
    r.assert_reported("zlink.conf");
    for f in ["fifo.conf", "zlink.conf"] {
        assert!(r.on(f).iter().any(|x| x["rule"] == "include-not-found" && x["line"] == 1), "{}", r.dump());
    }
}

#[test]
fn fifo_and_device_in_the_tree() {
    let d = tree();
    assert!(Command::new("mkfifo").arg(d.path().join("nats.conf")).status().unwrap().success());
    std::os::unix::fs::symlink("/dev/zero", d.path().join("zero.conf")).unwrap();
    std::os::unix::fs::symlink("/dev/urandom", d.path().join("docker-compose.yml")).unwrap();
    let r = check(d.path(), &[], T);
    r.assert_sane();
    r.assert_reported("nats.conf");
}

#[test]
fn symlink_loops() {
    let d = tree();
    let p = d.path();
    fs::create_dir(p.join("dir")).unwrap();
    std::os::unix::fs::symlink("..", p.join("dir/up")).unwrap();
    std::os::unix::fs::symlink(".", p.join("self")).unwrap();
    std::os::unix::fs::symlink("b.conf", p.join("a.conf")).unwrap();
    std::os::unix::fs::symlink("a.conf", p.join("b.conf")).unwrap();
    let r = check(p, &[], T);
    r.assert_sane();
    // The witness is reported once, not once per path through a loop.
    assert_eq!(r.files_with(WITNESS_RULE).iter().filter(|f| f.ends_with("witness.conf")).count(), 1, "{}", r.dump());
}

/// A valid config of about `mb` MB: a long list of users.
fn users_config(mb: usize) -> String {
    let mut s = String::with_capacity((mb + 1) << 20);
    s.push_str("port: 4222\nauthorization {\n  users: [\n");
    let mut i = 0u64;
    while s.len() < mb << 20 {
        s.push_str(&format!("    {{ user: \"user{i:09}\", permissions: {{ publish: \"svc.{i}.>\" }} }}\n"));
        i += 1;
    }
    s.push_str("  ]\n}\n");
    s
}

#[test]
fn file_of_100_mb() {
    let d = tree();
    fs::write(d.path().join("big.conf"), users_config(100)).unwrap();
    // A 12 MB include: over discovery's size limit, so only the include reads and parses it.
    fs::create_dir(d.path().join("inc")).unwrap();
    fs::write(d.path().join("inc/users.txt"), users_config(12)).unwrap();
    fs::write(d.path().join("uses_users.conf"), "include inc/users.txt\njetstream {\n  max_fle_store: 1GB\n}\n")
        .unwrap();
    let r = check(d.path(), &[], Duration::from_secs(120));
    r.assert_sane();
    r.assert_reported("big.conf");
    // The include was parsed: the finding after it is still reported, on its own line.
    assert!(r.on("uses_users.conf").iter().any(|f| f["rule"] == "unknown-key" && f["line"] == 3), "{}", r.dump());
}

#[test]
fn file_of_one_million_lines() {
    let d = tree();
    // About 4 MB: under discovery's size limit, so it is really parsed.
    let mut s = String::with_capacity(5 << 20);
    s.push_str("port: 4222\nserver_tags: [\n");
    for i in 0..1_000_000 {
        s.push_str(["  a\n", "  b\n", "  c\n"][i % 3]);
    }
    s.push_str("]\n");
    fs::write(d.path().join("million.conf"), &s).unwrap();
    let r = check(d.path(), &[], T);
    r.assert_sane();
    assert!(r.on("million.conf").iter().all(|f| f["rule"] != "syntax-error"), "{}", r.dump());
}

#[test]
fn nesting_100000_deep() {
    let d = tree();
    let n = 100_000;
    let maps = format!("port: 4222\naccounts {{\n{}{}}}\n", "a {\n".repeat(n), "}\n".repeat(n));
    fs::write(d.path().join("maps.conf"), maps).unwrap();
    let arrays = format!("port: 4222\nserver_tags: {}{}\n", "[".repeat(n), "]".repeat(n));
    fs::write(d.path().join("arrays.conf"), arrays).unwrap();
    let yaml = format!("services: {}{}\n", "[".repeat(n), "]".repeat(n));
    fs::write(d.path().join("docker-compose.yml"), yaml).unwrap();
    let block = format!("services:\n{}", (0..n).map(|i| format!("{}k:\n", " ".repeat(i % 2000))).collect::<String>());
    fs::write(d.path().join("compose.yaml"), block).unwrap();
    let r = check(d.path(), &[], T);
    r.assert_sane();
    r.assert_reported("maps.conf");
    r.assert_reported("arrays.conf");
}

#[test]
fn invalid_utf8_and_nul_bytes() {
    let d = tree();
    fs::write(d.path().join("latin1.conf"), b"server_name: \"caf\xe9\"\nport: 4222\n").unwrap();
    fs::write(d.path().join("nul.conf"), b"port: 42\x0022\nserver_name: a\x00b\n").unwrap();
    fs::write(d.path().join("binary.conf"), (0..=255u8).cycle().take(64 << 10).collect::<Vec<u8>>()).unwrap();
    fs::write(d.path().join("docker-compose.yml"), b"services:\n  nats:\n    image: \"nats\xff\xfe\"\n").unwrap();
    fs::write(d.path().join("app.env"), b"WASMCLOUD_JS_DOMAIN=h\x00ub\nX=\xc3\x28\n").unwrap();
    let r = check(d.path(), &[], T);
    r.assert_sane();
    r.assert_reported("latin1.conf");
    r.assert_reported("nul.conf");
}

#[test]
fn crlf_line_endings() {
    let d = tree();
    fs::write(d.path().join("crlf.conf"), "port: 4222\r\n# comment\r\njetstream {\r\n  max_fle_store: 1GB\r\n}\r\n")
        .unwrap();
    fs::write(d.path().join("ok_crlf.conf"), "port: 4222\r\njetstream {\r\n  domain: hub\r\n}\r\n").unwrap();
    let r = check(d.path(), &[], T);
    r.assert_sane();
    // Lines and columns count `\r\n` as one line end; `\r` is not part of the key.
    let f = r.on("crlf.conf").into_iter().find(|f| f["rule"] == "unknown-key").cloned();
    let f = f.unwrap_or_else(|| panic!("no unknown-key on crlf.conf: {}", r.dump()));
    assert_eq!(
        (f["line"].as_i64(), f["column"].as_i64(), f["end_column"].as_i64()),
        (Some(4), Some(3), Some(16)),
        "{}",
        r.dump()
    );
    assert!(r.on("ok_crlf.conf").is_empty(), "{}", r.dump());
}

#[test]
fn file_deleted_during_the_walk() {
    let d = tree();
    // A dangling symlink is exactly what a walk sees when a listed file disappears before it is read.
    std::os::unix::fs::symlink("vanished.conf", d.path().join("gone.conf")).unwrap();
    let r = check(d.path(), &[], T);
    r.assert_sane();
    let gone = r.on("gone.conf");
    assert!(gone.iter().any(|f| f["rule"] == "unreadable-file"), "{}", r.dump());

    // A real race: files appear and vanish while the tree is walked.
    let churn = d.path().join("churn");
    fs::create_dir(&churn).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop2 = stop.clone();
    let c2: PathBuf = churn.clone();
    let t = std::thread::spawn(move || {
        let mut i = 0u64;
        while !stop2.load(std::sync::atomic::Ordering::Relaxed) {
            let p = c2.join(format!("f{}.conf", i % 64));
            if i % 2 == 0 {
                let _ = fs::write(&p, "port: 4222\njetstream { domain: x }\n");
            } else {
                let _ = fs::remove_file(&p);
            }
            i += 1;
        }
    });
    for _ in 0..5 {
        let r = check(d.path(), &[], T);
        r.assert_sane();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    t.join().unwrap();
}
