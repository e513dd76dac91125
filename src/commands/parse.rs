//! `latticelint parse`: what nats-server's config parser makes of NATS config files.
//!
//! `--json` prints one line per file, `{"file", "ok", "value"}` or `{"file", "ok": false, "error"}`,
//! with includes and variables resolved against the process environment (the format of
//! `natsconf-oracle`, so the two can be compared). Without `--json`, diagnostics are printed.

use crate::nats::{parse_path, ParseOptions, ParsedConfig};
use crate::source::SourceDb;
use crate::version::NatsVersion;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders (folders are searched for `*.conf` and `*.cfg`).
    pub paths: Vec<PathBuf>,
    /// One JSON object per file: `{"file", "ok", "value"|"error"}`.
    #[arg(long)]
    pub json: bool,
    /// nats-server release whose parser to follow (e.g. 2.9.10, 2.10.16, newest).
    #[arg(long = "nats-version", default_value = "newest")]
    pub nats_version: NatsVersion,
}

/// Config files named by `paths`, folders expanded (sorted), in argument order.
fn files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = walkdir::WalkDir::new(p)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(|e| e.into_path())
                .filter(|f| matches!(f.extension().and_then(|x| x.to_str()), Some("conf" | "cfg")))
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    out
}

/// The JSON line of one parsed file.
pub fn json_line(file: &Path, parsed: &ParsedConfig) -> serde_json::Value {
    let name = file.to_string_lossy();
    if parsed.ok {
        serde_json::json!({"file": name, "ok": true, "value": parsed.to_json()})
    } else {
        serde_json::json!({"file": name, "ok": false, "error": parsed.error.clone().unwrap_or_default()})
    }
}

/// Serialises like Go's `encoding/json`: U+2028 and U+2029 escaped (they only occur inside strings),
/// so a line-oriented reader never sees a line break inside a value.
pub fn go_json(v: &serde_json::Value) -> String {
    let s = v.to_string();
    if s.contains(['\u{2028}', '\u{2029}']) {
        s.replace('\u{2028}', "\\u2028").replace('\u{2029}', "\\u2029")
    } else {
        s
    }
}

pub fn run(args: Args) -> ExitCode {
    if args.paths.is_empty() {
        crate::output::stderr_line!("latticelint parse: give at least one file or folder");
        return ExitCode::from(2);
    }
    let opts = ParseOptions { version: args.nats_version, ..Default::default() };
    let db = SourceDb::new(std::env::current_dir().unwrap_or_default());
    let mut out = crate::output::stdout();
    let mut failed = false;
    for file in files(&args.paths) {
        let parsed = parse_path(&db, &file, &opts);
        failed |= !parsed.ok;
        if args.json {
            let _ = writeln!(out, "{}", go_json(&json_line(&file, &parsed)));
        } else {
            let _ = out.flush();
            for d in &parsed.diagnostics {
                crate::output::stderr_line!("{:?}", crate::nats::render::report(&db, d));
            }
            if parsed.ok {
                let _ = writeln!(out, "{}: ok", db.get(parsed.file).display);
            } else {
                let _ = writeln!(out, "{}: {}", db.get(parsed.file).display, parsed.error.clone().unwrap_or_default());
            }
        }
    }
    let status = if failed { ExitCode::from(1) } else { ExitCode::SUCCESS };
    crate::output::exit_status(out.finish(), status)
}
