//! The bundled example deployment (`fixtures/example`, the README's first command) reports exactly
//! its four planted faults, and the README shows that output verbatim.

use std::process::Command;

fn concise_output() -> (String, i32) {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new(env!("CARGO_BIN_EXE_latticelint"))
        .args(["-f", "concise", "fixtures/example"])
        .current_dir(root)
        .output()
        .expect("run latticelint");
    (String::from_utf8(out.stdout).expect("utf-8 output"), out.status.code().unwrap_or(-1))
}

#[test]
fn example_reports_its_four_faults() {
    let (out, code) = concise_output();
    let expected = include_str!("example.concise.txt");
    assert_eq!(out, expected, "fixtures/example output changed; update tests/example.concise.txt and the README");
    assert_eq!(code, 1, "errors must fail the run");
    for rule in ["host-js-domain-mismatch", "host-js-domain-unknown", "js-domain-shadowed", "leaf-remote-wrong-port"] {
        assert!(out.contains(&format!("[{rule}]")), "`{rule}` missing from:\n{out}");
    }
}

#[test]
fn example_output_never_shows_the_planted_passwords() {
    let (out, _) = concise_output();
    for secret in ["lattice-example-password", "sys-example-password", "edge-example-password"] {
        assert!(!out.contains(secret), "secret `{secret}` printed");
    }
}

#[test]
fn readme_shows_the_example_output() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let expected = include_str!("example.concise.txt");
    assert!(readme.contains(expected.trim_end()), "README's example output is stale:\n{expected}");
}

/// `latticelint` run inside the deployment folder (default path `.`) reads each file once and
/// reports the same findings as when the folder is named from outside.
#[test]
fn default_path_inside_the_folder_matches() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/example");
    let out =
        Command::new(env!("CARGO_BIN_EXE_latticelint")).args(["-f", "concise"]).current_dir(dir).output().unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), include_str!("example.concise.txt"));
}
