//! `latticelint parse`: what nats-server's config parser makes of NATS config files.
//!
//! `--json` prints one line per file, `{"file", "ok", "value"}` or `{"file", "ok": false, "error"}`,
//! with includes and variables resolved against the process environment, passed explicitly (the
//! format of `natsconf-oracle`, so the two can be compared). The JSON is written straight from the
//! parse tree ([`crate::nats::json`]). Without `--json`, diagnostics are printed.

use crate::nats::json::{self, JsonMap};
use crate::nats::{parse_path_after_read, Environment, ParseOptions, ParsedConfig};
use crate::source::SourceDb;
use crate::version::NatsVersion;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

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

/// The JSON line of one parsed file: `{"file", "ok": true, "value"}` or `{"file", "ok": false, "error"}`.
#[derive(serde::Serialize)]
struct JsonLine<'a> {
    file: &'a str,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<JsonMap<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

/// Top-level maps with at least this many entries are serialised on all cores
/// ([`json::write_map_parallel`]); below it, spawning rayon's threads would cost more than it saves.
const PARALLEL_ENTRIES: usize = 512;

/// Writes the JSON line of one parsed file, serialised straight from its value tree.
fn write_json_line(out: &mut impl Write, file: &Path, parsed: &ParsedConfig) -> std::io::Result<()> {
    let name = file.to_string_lossy();
    if parsed.ok && parsed.root.entries.len() >= PARALLEL_ENTRIES {
        // The same bytes as the `JsonLine` below, the value written in parallel.
        out.write_all(b"{\"file\":")?;
        json::write(out, name.as_ref())?;
        out.write_all(b",\"ok\":true,\"value\":")?;
        json::write_map_parallel(out, &parsed.root)?;
        return out.write_all(b"}\n");
    }
    let line = if parsed.ok {
        JsonLine { file: &name, ok: true, value: Some(JsonMap(&parsed.root)), error: None }
    } else {
        JsonLine { file: &name, ok: false, value: None, error: Some(parsed.error.as_deref().unwrap_or_default()) }
    };
    json::write(out, &line)?;
    out.write_all(b"\n")
}

/// From this many bytes of input on, [`crate::memory::economize`] lowers the peak RSS of a parse
/// (20 MiB file: 118 -> 98 MB, most of it from the 4 KiB pages) for about 0.05-0.08 s of page faults;
/// called after the first file is read, it leaves that text in huge pages (+1 MiB, 24,200 -> 18,600 faults).
const LARGE_INPUT_BYTES: u64 = 8 << 20;

/// Whether the files named add up to [`LARGE_INPUT_BYTES`] (sizes from `metadata`; unreadable ones count 0).
fn large_input(files: &[PathBuf]) -> bool {
    let mut total = 0u64;
    files.iter().any(|f| {
        total += std::fs::metadata(f).map(|m| m.len()).unwrap_or(0);
        total >= LARGE_INPUT_BYTES
    })
}

/// What nats-server would see: the variables of latticelint's own environment (names that are
/// not UTF-8 can never be referenced; values are decoded lossily).
fn process_environment() -> Environment {
    let vars: BTreeMap<String, String> = std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.to_string_lossy().into_owned())))
        .collect();
    Environment::Fixed(Arc::new(vars))
}

pub fn run(args: Args) -> ExitCode {
    if args.paths.is_empty() {
        crate::output::stderr_line!("latticelint parse: give at least one file or folder");
        return ExitCode::from(2);
    }
    let opts = ParseOptions { version: args.nats_version, env: process_environment(), ..Default::default() };
    let db = SourceDb::new(std::env::current_dir().unwrap_or_default());
    let mut out = crate::output::stdout();
    let mut failed = false;
    let files = files(&args.paths);
    // Economised once, after the first file is read: its text (most of a big run's memory, and all
    // of it used) may still be read into huge pages, which saves a fifth of the page faults.
    let economize = std::cell::Cell::new(large_input(&files));
    let count = files.len();
    for (i, file) in files.into_iter().enumerate() {
        let parsed = parse_path_after_read(&db, &file, &opts, || {
            if economize.replace(false) {
                crate::memory::economize();
            }
        });
        failed |= !parsed.ok;
        if args.json {
            let _ = write_json_line(&mut out, &file, &parsed);
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
        if i + 1 == count {
            // The process ends here: freeing a big file's tree node by node would only cost time.
            std::mem::forget(parsed);
        }
    }
    let status = if failed { ExitCode::from(1) } else { ExitCode::SUCCESS };
    let status = crate::output::exit_status(out.finish(), status);
    // Likewise the texts read.
    std::mem::forget(db);
    status
}
