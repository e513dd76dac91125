//! The SARIF output of every fixture deployment, of a deployment generated here (a config embedded
//! in a Kubernetes ConfigMap whose finding has a related location in another file, with a masked
//! secret in its snippet) and of the shared corpus and truth topologies passes the Microsoft SARIF
//! Multitool with the SARIF and GitHub rule sets (`validate --rule-kind Sarif Gh`) without an error
//! or a warning. The Multitool exits 0 even on errors, so the test reads its output log. The
//! Multitool and `../shared` come through `tests/support/require.rs`.

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

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

/// A hub and a leaf whose config is embedded in a ConfigMap and dials the hub's client port: the
/// finding lands in the YAML file, with the hub as related location.
fn write_generated_deployment(dir: &Path) {
    std::fs::create_dir_all(dir.join("k8s")).unwrap();
    std::fs::write(
        dir.join("hub.conf"),
        "server_name: hub\nport: 4222\nleafnodes { port: 7422 }\njetstream { domain: hub }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("k8s/leaf.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leaf-config\ndata:\n  leaf.conf: |\n    server_name: leaf\n    \
         port: 4223\n    leafnodes {\n      remotes [ { url: \"nats-leaf://leaf:gen-Pa55w0rd@hub:4222\" } ]\n    }\n    \
         jetstream { domain: leaf }\n",
    )
    .unwrap();
}

/// Writes the SARIF of each of `cases` under `out_dir`; returns the logs and the number of results.
fn sarif_logs(cases: &[PathBuf], out_dir: &Path) -> (Vec<PathBuf>, usize) {
    let _ = std::fs::remove_dir_all(out_dir);
    std::fs::create_dir_all(out_dir).unwrap();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut logs = Vec::new();
    let mut results = 0;
    for (i, case) in cases.iter().enumerate() {
        let name = case.strip_prefix(manifest).unwrap_or(case).to_string_lossy().replace(['/', '\\'], "__");
        let log = out_dir.join(format!("{i:03}-{}.sarif", name.trim_start_matches("__")));
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
    (logs, results)
}

/// Validates `logs` with the Multitool plus a negative control (the first log without `$schema`,
/// which it must flag, or the gate is blind); panics on any error or warning.
fn validate(tool: &Path, mut logs: Vec<PathBuf>, out_dir: &Path) {
    let control = out_dir.join("negative-control.sarif");
    let mut broken: Value = serde_json::from_str(&std::fs::read_to_string(&logs[0]).unwrap()).unwrap();
    broken.as_object_mut().unwrap().remove("$schema");
    std::fs::write(&control, serde_json::to_string(&broken).unwrap()).unwrap();
    logs.push(control);
    let validation = out_dir.join("validation.sarif");
    let o = Command::new(tool)
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
                problems.push(format!("{level} {} {} at {uri}", r["ruleId"], r["message"]));
            }
        }
    }
    assert!(control_flagged, "the Multitool did not flag the negative control; is it reading the logs?");
    assert!(problems.is_empty(), "Multitool found {} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn sarif_of_every_fixture_and_a_generated_deployment_passes_the_multitool() {
    let tool = require!(support::require::sarif_multitool());
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let generated = tempfile::tempdir().unwrap();
    write_generated_deployment(generated.path());
    let mut all = vec![generated.path().to_path_buf()];
    all.extend(cases(&fixtures));
    all.push(fixtures.clone()); // everything at once, too
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sarif-validation-fixtures");
    let (logs, results) = sarif_logs(&all, &out_dir);
    // The generated log holds what the fixtures might not: an embedded config, a related location
    // in another file, a masked snippet.
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&logs[0]).unwrap()).unwrap();
    let r = &v["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "leaf-remote-wrong-port", "{v}");
    assert_eq!(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "k8s/leaf.yaml");
    assert_eq!(r["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"], "hub.conf");
    assert!(!v.to_string().contains("gen-Pa55w0rd"), "{v}");
    validate(&tool, logs, &out_dir);
    eprintln!("Multitool: {} SARIF logs ({results} results) validated: 0 errors, 0 warnings", all.len());
}

#[test]
fn sarif_of_the_shared_corpus_and_truth_topologies_passes_the_multitool() {
    let tool = require!(support::require::sarif_multitool());
    let all =
        vec![require!(support::require::shared("corpus")), require!(support::require::shared("truth/topologies"))];
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sarif-validation-shared");
    let (logs, results) = sarif_logs(&all, &out_dir);
    assert!(results > 0, "the shared corpus has findings");
    validate(&tool, logs, &out_dir);
}
