//! Every subcommand through a stdout pipe that the reader closes early (`latticelint rules | head -1`):
//! no panic, no error message, the same exit status and stderr as with a reader that reads everything.

mod support;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};

/// Each subcommand with arguments, run in the repository root.
fn commands() -> Vec<Vec<&'static str>> {
    let example = "fixtures/example";
    let mut all = Vec::new();
    for format in ["human", "concise", "json", "sarif", "github"] {
        all.push(vec!["check", example, "-f", format, "--color", "never"]);
    }
    all.push(vec![example, "-f", "concise"]);
    all.push(vec!["rules"]);
    all.push(vec!["rules", "-f", "json"]);
    all.push(vec!["rule", "unknown-key"]);
    all.push(vec!["rule", "unknown-key", "-f", "json"]);
    all.push(vec!["parse", "fixtures/example/hub.conf", "fixtures/example/edge.conf"]);
    all.push(vec!["parse", "--json", "fixtures/example"]);
    all.push(vec!["jsmap", example]);
    all.push(vec!["jsmap", "--json", example]);
    all.push(vec!["graph", example]);
    all.push(vec!["graph", "--format", "mermaid", example]);
    all.push(vec!["--help"]);
    all.push(vec!["check", "--help"]);
    all.push(vec!["--version"]);
    all
}

fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_latticelint"));
    cmd.args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .env_remove("LATTICELINT_TIMINGS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// How the reader treats the pipe.
#[derive(Debug, Clone, Copy)]
enum Reader {
    /// Reads everything (the reference run).
    All,
    /// Reads one line, then closes the pipe (`| head -1`).
    FirstLine,
    /// Closes the pipe before reading anything, so the first write fails.
    Nothing,
}

/// Runs `args` with `reader` on its stdout; the exit status and everything written to stderr.
fn run(args: &[&str], reader: Reader) -> (ExitStatus, String) {
    let mut child = command(args).spawn().expect("spawn latticelint");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    // Stderr is read beside stdout, so a chatty stderr cannot block the child.
    let stderr_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    match reader {
        Reader::All => {
            let mut all = Vec::new();
            BufReader::new(stdout).read_to_end(&mut all).expect("read stdout");
        }
        Reader::FirstLine => {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
        }
        Reader::Nothing => drop(stdout),
    }
    let status = child.wait().expect("wait for latticelint");
    (status, stderr_reader.join().expect("stderr reader"))
}

#[test]
fn every_subcommand_exits_quietly_when_stdout_is_closed_early() {
    let mut problems = Vec::new();
    for args in commands() {
        let (reference, reference_err) = run(&args, Reader::All);
        assert!(reference.code().is_some_and(|c| c != 101), "{args:?}: reference run failed: {reference_err}");
        for reader in [Reader::FirstLine, Reader::Nothing] {
            let (status, stderr) = run(&args, reader);
            if status.code() == Some(101) || stderr.contains("panicked") {
                problems.push(format!("{args:?} ({reader:?}): panicked, {status}: {stderr}"));
            } else if status.code() != reference.code() {
                problems.push(format!("{args:?} ({reader:?}): {status}, not {reference} as when read in full"));
            } else if stderr != reference_err {
                problems.push(format!("{args:?} ({reader:?}): stderr differs from the full run's: {stderr}"));
            }
        }
    }
    assert!(problems.is_empty(), "closed stdout:\n{}", problems.join("\n"));
}

/// A closed stdout does not stop the outputs that go to files: `-f concise -f sarif -o FILE`
/// still writes the whole SARIF file.
#[test]
fn a_closed_stdout_still_writes_output_files() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("out.sarif");
    let sarif_arg = sarif.to_str().expect("utf-8 temp path");
    let args = ["check", "fixtures/example", "-f", "concise", "-f", "sarif", "-o", sarif_arg];
    let (status, stderr) = run(&args, Reader::Nothing);
    assert_eq!(status.code(), Some(1), "findings at the default threshold: {stderr}");
    assert_eq!(stderr, "");
    let text = std::fs::read_to_string(&sarif).expect("the SARIF file is written");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("whole SARIF document");
    assert_eq!(doc["runs"][0]["results"].as_array().map(Vec::len), Some(4), "the example's four findings");
}

/// Any other write error is one: with stdout on `/dev/full`, each command says so and exits 2.
#[test]
fn a_failing_stdout_is_an_error() {
    let open_full = || std::fs::OpenOptions::new().write(true).open("/dev/full");
    require!(open_full().map_err(|e| format!("no /dev/full to write to: {e}")));
    let commands: [&[&str]; 6] = [
        &["check", "fixtures/example", "-f", "json"],
        &["rules"],
        &["rule", "unknown-key"],
        &["parse", "--json", "fixtures/example"],
        &["jsmap", "fixtures/example"],
        &["graph", "fixtures/example"],
    ];
    for args in commands {
        let out = command(args).stdout(open_full().unwrap()).output().expect("run latticelint");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("error: cannot write to stdout: "), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
