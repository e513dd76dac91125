//! Secrets never leave: fixtures/secrets plants passwords, tokens, nkey seeds, JWTs, URL passwords,
//! creds contents, secret env values and Kubernetes Secret data; no output format may show any of
//! them (nor any 10-character piece of one), source snippets included. The shared corpus is checked
//! against a committed list of the secrets its files hold, with secrets of a generated deployment.

mod support;

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

/// Secrets planted by [`write_generated_deployment`] (none of them occurs in the corpus).
const GENERATED: &[&str] = &[
    "genHubPa55w0rd!",
    "genT0kenValue31",
    "genLeafUrlPw77",
    "SUAFGENERATEDSEEDAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "genEnvS3cretVal",
    "genKubeStringPw9",
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.eyJqdGkiOiJHRU5FUkFURUQifQ.Z2VuZXJhdGVkc2ln",
];

/// A deployment of every file kind with [`GENERATED`] planted; each secret line has a suppression
/// that suppresses nothing, so a finding shows that line.
fn write_generated_deployment(dir: &Path) {
    const SHOW: &str = "# latticelint: ignore[suppression-without-reason] shows this line";
    let [hub_pw, token, leaf_pw, seed, env_pw, kube_pw, jwt] = GENERATED else { unreachable!() };
    let files = [
        (
            "hub.conf",
            format!(
                "port: 4222\nserver_name: gen-hub\nauthorization {{\n  user: admin\n  password: \"{hub_pw}\" {SHOW}\n  token: {token} {SHOW}\n}}\n\
                 leafnodes {{ remotes [ {{ url: \"nats://leaf:{leaf_pw}@gen-hub.example:7422\" }} ] }} {SHOW}\n\
                 accounts {{ SYS {{ users [ {{ nkey_seed: {seed} }} ] }} }} {SHOW}\n\
                 resolver_preload {{ ACSU3Q6LTLBVLGAQUONAGXJHVNWGSKKAUA7IY5TB4Z7PLEKSR5O6JTGR: {jwt} }} {SHOW}\n\
                 jetstream {{ domain: gen }}\n"
            ),
        ),
        (".env", format!("NATS_PASSWORD={env_pw} {SHOW}\nWASMCLOUD_JS_DOMAIN=gen\n")),
        (
            "k8s/secret.yaml",
            format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: gen\nstringData:\n  password: {kube_pw} {SHOW}\n"),
        ),
    ];
    for (rel, body) in files {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
}

/// `(file, secret)` rows of tests/data/corpus-secrets.tsv: secrets found by reading the corpus files
/// (not by latticelint's redactor).
fn corpus_secret_list() -> Vec<(String, String)> {
    let list = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/corpus-secrets.tsv");
    std::fs::read_to_string(&list)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (file, secret) = l.split_once('\t').unwrap_or_else(|| panic!("{}: bad line {l:?}", list.display()));
            (file.to_string(), secret.to_string())
        })
        .collect()
}

/// Pieces of `secret` that must not show: the whole, and for long random material (seeds, JWTs,
/// hashes) every 16-character window, so a truncated leak is caught too.
fn pieces(secret: &str) -> Vec<String> {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() < 24 {
        return vec![secret.to_string()];
    }
    chars.windows(16).map(|w| w.iter().collect()).collect()
}

/// The shared corpus plus a generated deployment in one run: no secret of the committed corpus list
/// (tests/data/corpus-secrets.tsv) nor of [`GENERATED`] shows in any output format.
#[test]
fn corpus_secrets_stay_out_of_every_format() {
    let corpus = require!(support::require::shared("corpus"));
    let listed = corpus_secret_list();
    assert!(listed.len() >= 20, "the list holds the corpus secrets: {listed:?}");
    for (file, secret) in &listed {
        let text = std::fs::read_to_string(corpus.join(file)).unwrap_or_else(|e| panic!("corpus {file}: {e}"));
        assert!(
            text.contains(secret.as_str()),
            "corpus {file} no longer holds `{secret}`: update tests/data/corpus-secrets.tsv"
        );
    }
    let generated = tempfile::tempdir().unwrap();
    write_generated_deployment(generated.path());
    let mut secrets: Vec<&str> = listed.iter().map(|(_, s)| s.as_str()).collect();
    secrets.extend(GENERATED);
    secrets.sort_unstable();
    secrets.dedup();
    let exe = env!("CARGO_BIN_EXE_latticelint");
    for format in ["human", "concise", "json", "sarif", "github"] {
        let out = Command::new(exe)
            .args(["check", "--color", "never", "-f", format])
            .arg(&corpus)
            .arg(generated.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        for s in &secrets {
            for piece in pieces(s) {
                assert!(!stdout.contains(&piece), "`-f {format}` stdout shows `{piece}` of secret `{s}`");
                assert!(!stderr.contains(&piece), "`-f {format}` stderr shows `{piece}` of secret `{s}`");
            }
        }
        // Not vacuous: the generated secret lines are reported.
        for file in ["hub.conf", ".env", "secret.yaml"] {
            assert!(stdout.contains(file), "{format}: no finding in the generated {file}:\n{stdout}");
        }
    }
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
