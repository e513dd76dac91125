//! A generated fleet (examples/fleetgen.rs) reports exactly the faults fleetgen planted: every planted
//! `(rule, file, line)` once, nothing else but the rules a fault lists in `may_also` for its own files.
//! The comparison is checked to fail when a planted fault is repaired or an unplanted one is added.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

#[allow(dead_code)]
#[path = "../examples/fleetgen.rs"]
mod fleetgen;

/// `(rule, file, line)` of one finding.
type Key = (String, String, u64);

fn generate(dir: &Path, servers: usize, seed: u64) {
    fleetgen::generate(&fleetgen::Args { servers, out: dir.to_path_buf(), seed }).expect("fleetgen");
}

/// `latticelint check --format json` of `dir`.
fn check_json(dir: &Path) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_latticelint"))
        .args(["check", "--format", "json", "--fail-on", "never"])
        .arg(dir)
        .output()
        .expect("run latticelint");
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json output")
}

fn findings(dir: &Path) -> Vec<Key> {
    check_json(dir)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["file"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

fn planted(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("PLANTED.json")).expect("PLANTED.json")).expect("json")
}

/// Compares findings with the planted faults; `Err` lists what is missing and what is unexpected.
fn compare(found: &[Key], planted: &Value) -> Result<usize, String> {
    let mut expected: BTreeMap<Key, usize> = BTreeMap::new();
    // file -> rules also allowed there
    let mut allowed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in planted["faults"].as_array().expect("faults") {
        let rule = f["rule"].as_str().expect("rule").to_string();
        let files = f["files"].as_array().expect("files");
        let lines = f["lines"].as_array().expect("lines");
        assert_eq!(files.len(), lines.len(), "one line per file: {f}");
        for (file, line) in files.iter().zip(lines) {
            let file = file.as_str().expect("file").to_string();
            *expected.entry((rule.clone(), file.clone(), line.as_u64().expect("line"))).or_default() += 1;
            for also in f["may_also"].as_array().expect("may_also") {
                allowed.entry(file.clone()).or_default().push(also.as_str().expect("rule").to_string());
            }
        }
    }
    let mut problems = Vec::new();
    let mut seen: BTreeMap<Key, usize> = BTreeMap::new();
    for k in found {
        *seen.entry(k.clone()).or_default() += 1;
        let also = allowed.get(&k.1).is_some_and(|rules| rules.contains(&k.0));
        if !expected.contains_key(k) && !also {
            problems.push(format!("unexpected {}:{} [{}]", k.1, k.2, k.0));
        }
    }
    for (k, n) in &expected {
        let got = seen.get(k).copied().unwrap_or(0);
        if got != *n {
            problems.push(format!("planted {}:{} [{}] reported {got} times, expected {n}", k.1, k.2, k.0));
        }
    }
    if problems.is_empty() {
        Ok(expected.len())
    } else {
        Err(problems.join("\n"))
    }
}

#[test]
fn fleet_reports_exactly_the_planted_faults() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("fleet");
    generate(&dir, 300, 11);
    let planted = planted(&dir);
    let rules: std::collections::BTreeSet<&str> =
        planted["faults"].as_array().unwrap().iter().filter_map(|f| f["rule"].as_str()).collect();
    assert_eq!(rules.len(), 5, "every kind of fault is planted: {rules:?}");
    let n =
        compare(&findings(&dir), &planted).unwrap_or_else(|e| panic!("fleet findings differ from PLANTED.json:\n{e}"));
    assert!(n >= 10, "{n} planted findings");
}

#[test]
fn a_repaired_or_extra_fault_is_noticed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("fleet");
    generate(&dir, 200, 5);
    let planted = planted(&dir);
    // Repair one planted unknown key: its finding disappears and the comparison must say so.
    let fault = planted["faults"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "unknown-key")
        .expect("an unknown-key fault");
    let file = dir.join(fault["files"][0].as_str().unwrap());
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("max_fle_store", "max_file_store")).unwrap();
    let err = compare(&findings(&dir), &planted).expect_err("a repaired fault must be noticed");
    assert!(err.contains("[unknown-key] reported 0 times"), "{err}");
    // Plant an unlisted fault elsewhere: reported as unexpected.
    std::fs::write(&file, text.replace("max_fle_store", "max_file_store").replace("http_port", "http_prot")).unwrap();
    let err = compare(&findings(&dir), &planted).expect_err("an extra fault must be noticed");
    assert!(err.contains("unexpected") && err.contains("[unknown-key]"), "{err}");
}

/// A fleet declares a JetStream domain per site: a finding's help names a few of them (nearest to
/// the host first), never all of them.
#[test]
fn help_names_a_few_domains_not_the_whole_fleet() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("fleet");
    generate(&dir, 300, 11);
    let doc = check_json(&dir);
    let findings = doc["findings"].as_array().expect("findings");
    let unknown: Vec<&Value> = findings.iter().filter(|f| f["rule"] == "host-js-domain-unknown").collect();
    assert!(!unknown.is_empty(), "fleetgen plants host-js-domain-unknown");
    for f in findings {
        let help = f["help"].as_str().unwrap_or_default();
        assert!(help.len() < 400, "help of {} is {} bytes: {help}", f["rule"], help.len());
    }
    for f in unknown {
        let help = f["help"].as_str().unwrap();
        let named = help.matches("`edge-").count();
        assert!((1..=5).contains(&named), "{help}");
        assert!(help.contains("did you mean `hub`?"), "{help}");
    }
}
