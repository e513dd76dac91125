//! Runs the shared `tools/conf-conformance` (latticelint vs nats-server's own parser, the oracle
//! `NATSCONF_ORACLE` that `tools/build-oracle` builds) over the shared corpus and edge cases. Each
//! requirement comes through `tests/support/require.rs`: missing ones are counted skips, or failures
//! under `LATTICELINT_REQUIRE_ALL`.
//!
//! The oracle is nats-server 2.10.27's `conf` package, so latticelint runs with
//! `--nats-version 2.10.27` (not the default newest profile: 2.15 lexes `1m30s`/`4e2abc` as strings
//! where 2.10.27 fails, cases 054 and 102; grammar/KNOWN-DIFFERENCES.md).
// Test helpers print skip reasons and tool output (the `[lints]` table holds src/ to its writer).
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use support::require;

/// The profile matching the oracle's release (a bare `2.10` would mean 2.10.0, before the
/// 2.10.16 top-level block scopes).
const ORACLE_PROFILE: &str = "2.10.27";

/// Disagreements expected (each would be explained in grammar/KNOWN-DIFFERENCES.md).
const KNOWN_DIFFERENCES: usize = 0;

/// What a conformance run needs: python3, the tool, the oracle and the shared inputs.
struct Conformance {
    python: PathBuf,
    tool: PathBuf,
    oracle: PathBuf,
    inputs: Vec<PathBuf>,
}

impl Conformance {
    fn find() -> Result<Conformance, String> {
        Ok(Conformance {
            python: require::python3()?,
            tool: require::shared("tools/conf-conformance")?,
            oracle: require::oracle()?,
            inputs: vec![require::shared("corpus")?, require::shared("truth/conf-cases")?],
        })
    }

    /// Runs conf-conformance over `inputs` and returns its counts `[files, agree, disagree]`.
    fn run(&self, inputs: &[&Path]) -> [usize; 3] {
        let bin = env!("CARGO_BIN_EXE_latticelint");
        let out = Command::new(&self.python)
            .arg(&self.tool)
            .arg("--oracle")
            .arg(&self.oracle)
            .args(["--show", "5", "--cmd", &format!("{bin} parse --json --nats-version {ORACLE_PROFILE}")])
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
}

#[test]
fn agrees_with_the_reference_parser() {
    let c = require!(Conformance::find());
    let inputs: Vec<&Path> = c.inputs.iter().map(PathBuf::as_path).collect();
    let [files, _, disagree] = c.run(&inputs);
    assert!(files >= 388, "fewer files than expected: {files}");
    assert_eq!(disagree, KNOWN_DIFFERENCES);
}

/// Differential test: deterministic byte-level mutations of every corpus and edge-case file
/// (delete, insert or replace one character taken from the grammar's punctuation, duplicate or
/// drop a line), each compared with the reference parser. Mutants hit error paths and odd
/// accepted forms that no hand-written case covers.
#[test]
fn mutants_agree_with_the_reference_parser() {
    let c = require!(Conformance::find());
    let dir = tempfile::tempdir().unwrap();
    let mut seeds = Vec::new();
    for root in &c.inputs {
        collect_confs(root, &mut seeds);
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
    let [files, agree, disagree] = c.run(&[dir.path()]);
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
