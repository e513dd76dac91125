//! Runs `/work/shared/tools/conf-conformance` (latticelint vs nats-server's own parser) when the
//! oracle, the tool and python3 exist; prints why it is skipped otherwise.
//!
//! The oracle is nats-server 2.10.27's `conf` package, so latticelint runs with
//! `--nats-version 2.10.27` (not the default newest profile: 2.15 lexes `1m30s`/`4e2abc` as strings
//! where 2.10.27 fails, cases 054 and 102; grammar/KNOWN-DIFFERENCES.md).
// Test helpers print skip reasons and tool output (the `[lints]` table holds src/ to its writer).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::Path;
use std::process::Command;

const ORACLE: &str = "/root/.cache/natsconf-oracle-2.10.27/natsconf-oracle";
const TOOL: &str = "/work/shared/tools/conf-conformance";
const INPUTS: [&str; 2] = ["/work/shared/corpus", "/work/shared/truth/conf-cases"];
/// The profile matching the oracle's release (a bare `2.10` would mean 2.10.0, before the
/// 2.10.16 top-level block scopes).
const ORACLE_PROFILE: &str = "2.10.27";

/// Disagreements expected (each would be explained in grammar/KNOWN-DIFFERENCES.md).
const KNOWN_DIFFERENCES: usize = 0;

/// Whether the oracle, the tool, the inputs and python3 are all present (prints why not).
fn tools_present() -> bool {
    let missing: Vec<&str> = [ORACLE, TOOL].into_iter().chain(INPUTS).filter(|p| !Path::new(p).exists()).collect();
    if !missing.is_empty() {
        eprintln!("SKIPPED conformance: missing {}", missing.join(", "));
        return false;
    }
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("SKIPPED conformance: python3 not found");
        return false;
    }
    true
}

/// Runs conf-conformance over `inputs` and returns its counts `[files, agree, disagree]`.
fn conformance(inputs: &[&Path]) -> [usize; 3] {
    let bin = env!("CARGO_BIN_EXE_latticelint");
    let out = Command::new("python3")
        .arg(TOOL)
        .args([
            "--oracle",
            ORACLE,
            "--show",
            "5",
            "--cmd",
            &format!("{bin} parse --json --nats-version {ORACLE_PROFILE}"),
        ])
        .args(inputs)
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
    [nums[0], nums[1], nums[2]]
}

#[test]
fn agrees_with_the_reference_parser() {
    if !tools_present() {
        return;
    }
    let inputs: Vec<&Path> = INPUTS.iter().map(Path::new).collect();
    let [files, _, disagree] = conformance(&inputs);
    assert!(files >= 388, "fewer files than expected: {files}");
    assert_eq!(disagree, KNOWN_DIFFERENCES);
}

/// Differential test: deterministic byte-level mutations of every corpus and edge-case file
/// (delete, insert or replace one character taken from the grammar's punctuation, duplicate or
/// drop a line), each compared with the reference parser. Mutants hit error paths and odd
/// accepted forms that no hand-written case covers.
#[test]
fn mutants_agree_with_the_reference_parser() {
    if !tools_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut seeds = Vec::new();
    for root in INPUTS {
        collect_confs(Path::new(root), &mut seeds);
    }
    seeds.sort();
    let mut rng = 0x9e37_79b9_7f4a_7c15_u64;
    let mut written = 0;
    for (i, seed) in seeds.iter().enumerate() {
        let Ok(text) = std::fs::read(seed) else { continue };
        for m in 0..MUTANTS_PER_FILE {
            let mutant = mutate(&text, &mut rng);
            std::fs::write(dir.path().join(format!("m{i:04}-{m}.conf")), mutant).unwrap();
            written += 1;
        }
    }
    assert!(written >= 388 * MUTANTS_PER_FILE / 2, "too few seeds: {written}");
    let [files, agree, disagree] = conformance(&[dir.path()]);
    assert_eq!(files, written);
    assert_eq!(disagree, 0, "{agree} of {files} mutants agree");
}

const MUTANTS_PER_FILE: usize = 6;

fn collect_confs(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_confs(&p, out);
        } else if matches!(p.extension().and_then(|x| x.to_str()), Some("conf" | "cfg")) {
            out.push(p);
        }
    }
}

fn next(rng: &mut u64) -> usize {
    // xorshift64*: deterministic, no dependency.
    *rng ^= *rng >> 12;
    *rng ^= *rng << 25;
    *rng ^= *rng >> 27;
    (rng.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize
}

fn mutate(text: &[u8], rng: &mut u64) -> Vec<u8> {
    const PUNCT: &[u8] = b"{}[]\"':=,;#/\n $\\-.0";
    let mut t = text.to_vec();
    if t.is_empty() {
        return b"{".to_vec();
    }
    let at = next(rng) % t.len();
    match next(rng) % 5 {
        0 => {
            t.remove(at);
        }
        1 => t.insert(at, PUNCT[next(rng) % PUNCT.len()]),
        2 => t[at] = PUNCT[next(rng) % PUNCT.len()],
        _ => {
            let lines: Vec<&[u8]> = t.split_inclusive(|b| *b == b'\n').collect();
            let l = next(rng) % lines.len();
            let mut out = Vec::with_capacity(t.len() * 2);
            for (i, line) in lines.iter().enumerate() {
                if i != l || next(rng) % 2 == 0 {
                    out.extend_from_slice(line);
                }
                if i == l {
                    out.extend_from_slice(line);
                }
            }
            return out;
        }
    }
    t
}
