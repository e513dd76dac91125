//! Secrets never leave: fixtures/secrets plants passwords, tokens, nkey seeds, JWTs, URL passwords,
//! creds contents, secret env values and Kubernetes Secret data; no output format may show any of
//! them (nor any 10-character piece of one), source snippets included.

use std::path::{Path, PathBuf};
use std::process::Command;

const PLANTED: &[&str] = &[
    "pl41n-S3cret!",
    "s3cr3tT0ken42",
    "leafPa55w0rd",
    "SUACSSL3UAHUDXKFSNVUZRF5UHPMWZ6BFDTJ7M6USDXIEDNPPQYYYCU3VY",
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.eyJqdGkiOiJGQUtFSldUIn0.ZmFrZXNpZ25hdHVyZQ",
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.eyJqdGkiOiJDUkVEU0pXVCJ9.Y3JlZHNzaWduYXR1cmU",
    "SUAIBDPBAUTWCWBKIO6XHQNINK5FWJW4OHLXC3HQ2KFE4PEJUA44CNHTC4",
    "SCAP4LNGAFDZ2BPHGMNCFG3NFL5UDBLNIJBV4NUSJZYZYXVUEF42RO4YQA",
    "envPassw0rd99",
    "cliPassw0rd55",
    "composeT0ken77",
    "SUAGMJH5XLGZKQQWAWKRZJIGMOU4HPFUYLXJMXOO5NLFEO2OOQED5SMTI4",
    "kubeLeafPa55",
    "kubeJwtValue1234",
    "kubeSecretPw88",
    "c2VjcmV0LWRhdGEtYmFzZTY0LXBsYW50ZWQ=",
    "systemdPa55word",
];

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/secrets")
}

/// Every planted secret, and every 10-character window of it.
fn assert_clean(what: &str, out: &str) {
    for s in PLANTED {
        let chars: Vec<char> = s.chars().collect();
        let w = chars.len().min(10);
        for i in 0..=chars.len() - w {
            let piece: String = chars[i..i + w].iter().collect();
            assert!(!out.contains(&piece), "{what} shows `{piece}` of planted secret `{s}`:\n{out}");
        }
    }
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn every_planted_secret_is_masked_in_the_sources() {
    let mut all = Vec::new();
    files(&fixture(), &mut all);
    let mut joined = String::new();
    for p in all {
        let text = std::fs::read_to_string(&p).unwrap();
        let masked = latticelint::redact::mask_source(&text).0;
        assert_eq!(masked.len(), text.len());
        assert_eq!(
            masked.matches("latticelint: ignore[").count(),
            text.matches("latticelint: ignore[").count(),
            "{}: comments after a secret stay readable:\n{masked}",
            p.display()
        );
        joined.push_str(&text);
        assert_clean(&p.display().to_string(), &masked);
    }
    for s in PLANTED {
        assert!(joined.contains(s), "planted secret `{s}` is not in the fixtures");
    }
}

#[test]
fn no_output_format_shows_a_secret() {
    let exe = env!("CARGO_BIN_EXE_latticelint");
    for format in ["human", "concise", "json", "sarif", "github"] {
        let out = Command::new(exe).args(["check", "--color", "always", "-f", format]).arg(fixture()).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{format}: the planted suppressions are findings\n{stdout}{stderr}");
        assert_clean(&format!("`-f {format}` stdout"), &stdout);
        assert_clean(&format!("`-f {format}` stderr"), &stderr);
        // Not vacuous: the lines holding the secrets are reported.
        for file in ["nats.conf", ".env", "docker-compose.yml", "k8s/leaf.yaml", "nats.service"] {
            assert!(stdout.contains(file), "{format}: no finding in {file}:\n{stdout}");
        }
        if format == "human" {
            assert!(stdout.contains("password: \"*************\""), "snippet is shown, masked:\n{stdout}");
            assert!(stdout.contains("NATS_PASSWORD=*************"), "{stdout}");
        }
    }
}

/// The real deployment corpus of the team (outside the repository; skipped when absent): every
/// secret the redactor finds in it (8 characters or more) is absent from every output format.
#[test]
fn corpus_secrets_stay_out_of_every_format() {
    let corpus = Path::new("/work/shared/corpus");
    if !corpus.is_dir() {
        eprintln!("SKIPPED: {} is not present", corpus.display());
        return;
    }
    let mut all = Vec::new();
    files(corpus, &mut all);
    let mut secrets = std::collections::BTreeSet::new();
    for p in all {
        if let Ok(text) = std::fs::read_to_string(&p) {
            for s in latticelint::redact::mask_source(&text).1 {
                // Values spelled like a key (`password: password`) also name the key in messages.
                let key_like =
                    ["password", "passwords", "token", "secret", "passwd"].contains(&s.to_lowercase().as_str());
                if s.chars().count() >= 8 && !s.contains('/') && !key_like {
                    secrets.insert(s);
                }
            }
        }
    }
    assert!(secrets.len() >= 5, "the corpus holds secrets to look for: {secrets:?}");
    let exe = env!("CARGO_BIN_EXE_latticelint");
    for format in ["human", "concise", "json", "sarif", "github"] {
        let out = Command::new(exe).args(["check", "--color", "never", "-f", format]).arg(corpus).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        for s in &secrets {
            assert!(!stdout.contains(s.as_str()), "`-f {format}` shows corpus secret `{s}`");
        }
    }
    eprintln!("{} corpus secrets absent from all five formats", secrets.len());
}

/// A short password equal to a name (`{user: wadm, password: wadm}`) is masked in source snippets,
/// but the name `wadm` stays readable in findings elsewhere (before, every `wadm` was `[redacted]`).
#[test]
fn short_secret_masks_only_its_own_span() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/secrets-short");
    let exe = env!("CARGO_BIN_EXE_latticelint");
    let out = Command::new(exe).args(["check", "--color", "never", "-f", "concise"]).arg(&dir).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("wadm `wadm` connects to `elsewhere:4222`"), "{stdout}");
    assert!(!stdout.contains("[redacted]"), "{stdout}");
    let text = std::fs::read_to_string(dir.join("hub.conf")).unwrap();
    let masked = latticelint::redact::mask_source(&text).0;
    assert!(masked.contains("{user: wadm, password: ****}"), "{masked}");
}
