//! The SARIF output of every fixture deployment passes the Microsoft SARIF Multitool with the SARIF
//! and GitHub rule sets (`validate --rule-kind Sarif Gh`) without an error or a warning. The
//! Multitool exits 0 even on errors, so the test reads its output log.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `sarif-multitool` on PATH, else through npx; `None` when neither works.
fn multitool() -> Option<Vec<String>> {
    for cmd in [
        vec!["sarif-multitool".to_string()],
        vec!["npx".into(), "--no-install".into(), "@microsoft/sarif-multitool".into()],
    ] {
        let ok = Command::new(&cmd[0])
            .args(&cmd[1..])
            .arg("--version")
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if ok {
            return Some(cmd);
        }
    }
    None
}

/// Fixture deployments: each case under `fixtures/<group>/{ok,err}/`, and every other folder that holds files.
fn cases(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    walk(root, &mut out);
    out.sort();
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
    entries.sort();
    let is_case_list = matches!(dir.file_name().and_then(|n| n.to_str()), Some("ok" | "err"));
    if entries.iter().any(|p| p.is_file()) {
        out.push(dir.to_path_buf());
    }
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if is_case_list
            && !matches!(p.extension().and_then(|e| e.to_str()), Some("snap" | "out" | "json" | "md"))
        {
            out.push(p);
        }
    }
}

#[test]
fn sarif_of_every_fixture_passes_the_multitool() {
    let Some(tool) = multitool() else {
        eprintln!("SKIPPED: the SARIF Multitool is not installed (npm i -g @microsoft/sarif-multitool)");
        return;
    };
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sarif-validation");
    let _ = std::fs::remove_dir_all(&out_dir);
    std::fs::create_dir_all(&out_dir).unwrap();
    let mut logs = Vec::new();
    let mut results = 0;
    let fixtures = manifest.join("fixtures");
    let mut all = cases(&fixtures);
    all.push(fixtures.clone()); // everything at once, too
                                // The team's real-world corpus and truth topologies, when present (outside the repository).
    for extra in ["/work/shared/corpus", "/work/shared/truth/topologies"] {
        if Path::new(extra).is_dir() {
            all.push(PathBuf::from(extra));
        }
    }
    for case in &all {
        let name = case.strip_prefix(manifest).unwrap_or(case).to_string_lossy().replace(['/', '\\'], "__");
        let log = out_dir.join(format!("{name}.sarif"));
        let o = Command::new(env!("CARGO_BIN_EXE_latticelint"))
            .args(["check", "-f", "sarif", "-o"])
            .arg(&log)
            .arg(case)
            .output()
            .unwrap();
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}: {}", case.display(), String::from_utf8_lossy(&o.stderr));
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&log).unwrap()).unwrap();
        results += v["runs"][0]["results"].as_array().map_or(0, Vec::len);
        logs.push(log);
    }
    // The synthetic log of tests/report_formats.rs (embedded configs, related locations), when present.
    let synthetic = Path::new(env!("CARGO_TARGET_TMPDIR")).join("synthetic.sarif");
    if synthetic.exists() {
        logs.push(synthetic);
    }
    // A negative control: our first log without `$schema`; the Multitool must flag it, or the gate is blind.
    let control = out_dir.join("negative-control.sarif");
    let mut broken: Value = serde_json::from_str(&std::fs::read_to_string(&logs[0]).unwrap()).unwrap();
    broken.as_object_mut().unwrap().remove("$schema");
    std::fs::write(&control, serde_json::to_string(&broken).unwrap()).unwrap();
    logs.push(control);
    let validation = out_dir.join("validation.sarif");
    let o = Command::new(&tool[0])
        .args(&tool[1..])
        .arg("validate")
        .args(&logs)
        .args(["--rule-kind", "Sarif", "Gh", "--output"])
        .arg(&validation)
        .args(["--log", "ForceOverwrite"])
        .output()
        .unwrap();
    let text = std::fs::read_to_string(&validation)
        .unwrap_or_else(|_| panic!("no validation log; multitool said:\n{}", String::from_utf8_lossy(&o.stdout)));
    let v: Value = serde_json::from_str(&text).unwrap();
    let mut problems = Vec::new();
    let mut control_flagged = false;
    for run in v["runs"].as_array().unwrap() {
        for r in run["results"].as_array().into_iter().flatten() {
            // A result without `level` is a warning (SARIF §3.27.10).
            let level = r["level"].as_str().unwrap_or("warning");
            let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap_or("");
            if uri.ends_with("negative-control.sarif") {
                control_flagged = true;
            } else if level == "error" || level == "warning" {
                problems.push(format!(
                    "{level} {} {} at {}",
                    r["ruleId"], r["message"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                ));
            }
        }
    }
    assert!(control_flagged, "the Multitool did not flag the negative control; is it reading the logs?");
    assert!(problems.is_empty(), "Multitool found {} problems:\n{}", problems.len(), problems.join("\n"));
    eprintln!("Multitool: {} SARIF logs ({} results) validated with --rule-kind Sarif Gh: 0 errors, 0 warnings (negative control flagged)", logs.len() - 1, results);
}
