//! Runs `/work/shared/tools/conf-conformance` (latticelint vs nats-server's own parser) when the
//! oracle, the tool and python3 exist; prints why it is skipped otherwise.

use std::path::Path;
use std::process::Command;

const ORACLE: &str = "/root/.cache/natsconf-oracle-2.10.27/natsconf-oracle";
const TOOL: &str = "/work/shared/tools/conf-conformance";
const INPUTS: [&str; 2] = ["/work/shared/corpus", "/work/shared/truth/conf-cases"];

/// Disagreements expected (each would be explained in grammar/KNOWN-DIFFERENCES.md).
const KNOWN_DIFFERENCES: usize = 0;

#[test]
fn agrees_with_the_reference_parser() {
    let missing: Vec<&str> = [ORACLE, TOOL].into_iter().chain(INPUTS).filter(|p| !Path::new(p).exists()).collect();
    if !missing.is_empty() {
        eprintln!("SKIPPED conformance: missing {}", missing.join(", "));
        return;
    }
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("SKIPPED conformance: python3 not found");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_latticelint");
    let out = Command::new("python3")
        .arg(TOOL)
        .args(["--oracle", ORACLE, "--cmd", &format!("{bin} parse --json")])
        .args(INPUTS)
        .output()
        .expect("run conf-conformance");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout.lines().last().unwrap_or_default().to_string();
    eprintln!("{stdout}");
    let nums: Vec<usize> = last.split(|c: char| !c.is_ascii_digit()).filter_map(|t| t.parse().ok()).collect();
    assert!(
        last.starts_with("conformance: ") && nums.len() == 3,
        "unexpected output: {last}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(nums[0] >= 388, "fewer files than expected: {last}");
    assert_eq!(nums[2], KNOWN_DIFFERENCES, "{last}");
}
