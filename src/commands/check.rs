//! `latticelint check [PATHS]` (also bare `latticelint [PATHS]`): lint, filter, suppress, report.
//!
//! Exit status: 0 when no finding reaches `--fail-on`, 1 when one does, 2 for usage, configuration
//! or internal errors.

use crate::config::{check_rule_names, Config};
use crate::diagnostic::{Diagnostic, Severity};
use crate::pipeline;
use crate::redact::Redactor;
use crate::report::{self, Format, HumanOptions, Run};
use crate::settings::Settings;
use crate::version::NatsVersion;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// When to colour human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// The lowest severity that makes the run fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            FailOn::Error => "error",
            FailOn::Warning => "warning",
            FailOn::Info => "info",
            FailOn::Never => "never",
        }
    }
}

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Files or folders to lint (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Output format; repeat to write several, each paired with the `-o` that follows it.
    /// Default: `human` on a terminal, `concise` otherwise.
    #[arg(short = 'f', long = "format", value_enum)]
    pub format: Vec<Format>,
    /// Write the preceding `-f` format to FILE instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Vec<PathBuf>,
    /// Colour human output (`NO_COLOR` and `CLICOLOR_FORCE` are honoured under `auto`).
    #[arg(long, value_enum, default_value = "auto")]
    pub color: Color,
    /// Lowest severity that makes the exit status 1 [default: warning, or `fail-on` in the config].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Configuration file (default: `latticelint.toml` found upward from the first path).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Run only these rules (repeatable, comma-separated); replaces `select` of the config.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Never run these rules (repeatable, comma-separated); adds to `ignore` of the config.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Target nats-server release, e.g. `2.10.16` [default: newest, or `nats-version` in the config].
    #[arg(long, value_name = "VERSION")]
    pub nats_version: Option<String>,
}

/// Runs with formats and outputs paired in the order given (`-f A -o X -f B`): each `-o` belongs to
/// the `-f` before it. Without positions (a caller that built `Args` by hand), the i-th output goes
/// with the i-th format.
pub fn run(args: Args) -> ExitCode {
    let n = args.output.len();
    let pairs = (0..args.format.len().max(1)).map(|i| (i, if i < n { Some(i) } else { None })).collect();
    run_paired(args, pairs)
}

/// Runs with pairing taken from the argument positions clap recorded.
pub fn run_with_matches(args: Args, matches: Option<&clap::ArgMatches>) -> ExitCode {
    let pos =
        |id: &str| -> Vec<usize> { matches.and_then(|m| m.indices_of(id)).map(|i| i.collect()).unwrap_or_default() };
    match pair_outputs(&pos("format"), &pos("output")) {
        Ok(pairs) if !pos("format").is_empty() || !pos("output").is_empty() => run_paired(args, pairs),
        Ok(_) => run(args),
        Err(e) => usage_error(&e),
    }
}

/// Pairs each `-o` with the closest `-f` before it. Returns `(format index, output index)`; a format
/// index equal to the number of formats stands for the default format.
pub fn pair_outputs(formats: &[usize], outputs: &[usize]) -> Result<Vec<(usize, Option<usize>)>, String> {
    let mut pairs: Vec<(usize, Option<usize>)> = (0..formats.len()).map(|i| (i, None)).collect();
    if formats.len() <= 1 && outputs.len() <= 1 {
        if formats.is_empty() {
            pairs.push((0, None));
        }
        pairs[0].1 = outputs.first().map(|_| 0);
        return Ok(pairs);
    }
    for (oi, &opos) in outputs.iter().enumerate() {
        let owner = formats.iter().rposition(|&f| f < opos);
        match owner {
            Some(fi) if pairs[fi].1.is_none() => pairs[fi].1 = Some(oi),
            Some(_) => return Err("two `-o` follow one `-f`; give each output its own `-f FORMAT`".into()),
            None => return Err("`-o FILE` must follow the `-f FORMAT` it writes".into()),
        }
    }
    Ok(pairs)
}

fn usage_error(msg: &str) -> ExitCode {
    crate::output::stderr_line!("error: {msg}");
    ExitCode::from(2)
}

/// The whole check: config → lint → filter → suppress → redact → render.
fn run_paired(args: Args, pairs: Vec<(usize, Option<usize>)>) -> ExitCode {
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    for p in &paths {
        if std::fs::symlink_metadata(p).is_err() {
            return usage_error(&format!("`{}` does not exist", p.display()));
        }
    }
    let config = match load_config(&args, &paths[0]) {
        Ok(c) => c,
        Err(e) => return usage_error(&e),
    };
    let settings = match settings(&args, &config) {
        Ok(s) => s,
        Err(e) => return usage_error(&e),
    };
    let fail_on = match (args.fail_on, config.fail_on.as_deref()) {
        (Some(f), _) => f,
        (None, Some("error")) => FailOn::Error,
        (None, Some("info")) => FailOn::Info,
        (None, Some("never")) => FailOn::Never,
        _ => FailOn::Warning,
    };

    let t = crate::timings::phase("lint");
    let mut outcome = pipeline::lint_redacting(&paths, &settings);
    drop(t);
    let t = crate::timings::phase("report");
    let db = &outcome.db;
    let diagnostics = process(db, &settings, &config, outcome.diagnostics);
    drop(t);
    let redactor = outcome.redactor.take().unwrap_or_else(|| Redactor::from_db(db));
    let t = crate::timings::phase("findings");
    let findings = report::findings(db, &redactor, &diagnostics);
    drop(t);
    let failed = fail_on.threshold().is_some_and(|t| findings.iter().any(|f| f.severity >= t));
    let exit_code = u8::from(failed);
    let root_dir = if outcome.root.is_file() {
        outcome.root.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
    } else {
        outcome.root.clone()
    };
    let run = Run::new(db, root_dir, findings, fail_on.as_str().to_string(), exit_code);

    let t = crate::timings::phase("render");
    let stdout_tty = crate::output::stdout_is_terminal();
    let default_format = if stdout_tty { Format::Human } else { Format::Concise };
    for (fi, oi) in pairs {
        let format = args.format.get(fi).copied().unwrap_or(default_format);
        let target = oi.and_then(|i| args.output.get(i));
        let color = use_color(args.color, target.is_none() && stdout_tty);
        let width = terminal_width();
        let text = report::render(format, &run, HumanOptions { color, width });
        let written = match target {
            Some(path) => {
                std::fs::write(path, text.as_bytes()).map_err(|e| format!("cannot write `{}`: {e}", path.display()))
            }
            None => crate::output::write_stdout(&text).map_err(|e| format!("cannot write to stdout: {e}")),
        };
        if let Err(e) = written {
            crate::output::stderr_line!("error: {e}");
            return ExitCode::from(2);
        }
    }
    drop(t);
    // The process ends here: freeing a fleet's sources, model and topology piece by piece would
    // only cost time (the OS reclaims the memory at once).
    std::mem::forget(run);
    std::mem::forget((outcome.db, outcome.model, outcome.topology));
    ExitCode::from(exit_code)
}

fn load_config(args: &Args, first: &Path) -> Result<Config, String> {
    let path = match &args.config {
        Some(p) => Some(p.clone()),
        None => Config::discover(first),
    };
    match path {
        Some(p) => Config::load(&p).map_err(|e| e.to_string()),
        None => Ok(Config::defaults(std::path::absolute(first).unwrap_or_default())),
    }
}

/// Settings from the config, overridden by the command line.
fn settings(args: &Args, config: &Config) -> Result<Settings, String> {
    check_rule_names(args.select.iter().chain(&args.ignore).map(String::as_str))?;
    let nats_version = match &args.nats_version {
        Some(v) => v.parse::<NatsVersion>()?,
        None => config.nats_version.unwrap_or_default(),
    };
    let select = if args.select.is_empty() { config.select.clone() } else { Some(args.select.clone()) };
    let mut ignore = config.ignore.clone();
    ignore.extend(args.ignore.iter().cloned());
    Ok(Settings { nats_version, select, ignore, severity: config.severity.clone(), exclude: config.exclude.clone() })
}

/// Suppression, rule selection, per-path ignores, excludes and severity overrides.
pub fn process(
    db: &crate::source::SourceDb,
    settings: &Settings,
    config: &Config,
    diagnostics: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let total = db.len();
    let (valid, invalid): (Vec<Diagnostic>, Vec<Diagnostic>) = diagnostics
        .into_iter()
        .partition(|d| (d.span.file.0 as usize) < total && d.related.iter().all(|r| (r.span.file.0 as usize) < total));
    for d in &invalid {
        crate::output::stderr_line!(
            "latticelint: internal: dropped a `{}` finding whose span points at no file",
            d.rule.name
        );
    }
    let all = crate::suppress::apply(db, settings, valid, &|name| crate::rules::find(name).is_some());
    all.into_iter()
        .filter(|d| settings.rule_enabled(d.rule.name))
        .filter(|d| {
            let real = db.real_span(d.span);
            let f = db.get(real.file);
            !config.is_excluded(&f.path, &f.display) && !config.path_ignores(d.rule.name, &f.path, &f.display)
        })
        .map(|mut d| {
            if let Some(s) = settings.severity.get(d.rule.name) {
                d.severity = *s;
            }
            d
        })
        .collect()
}

/// Colour decision: `--color` wins; under `auto`, `CLICOLOR_FORCE` forces, `NO_COLOR` disables, else a terminal.
pub fn use_color(choice: Color, terminal: bool) -> bool {
    let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty() && v != "0");
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto if set("CLICOLOR_FORCE") => true,
        Color::Auto if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) => false,
        Color::Auto => terminal,
    }
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).filter(|w| *w >= 40).unwrap_or(100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_outputs_with_the_preceding_format() {
        // -f sarif -o out.sarif -f human
        assert_eq!(pair_outputs(&[2, 6], &[4]).unwrap(), vec![(0, Some(0)), (1, None)]);
        // -o out -f json (single pair, any order)
        assert_eq!(pair_outputs(&[4], &[2]).unwrap(), vec![(0, Some(0))]);
        // -o out (default format to a file)
        assert_eq!(pair_outputs(&[], &[2]).unwrap(), vec![(0, Some(0))]);
        assert!(pair_outputs(&[2, 6], &[4, 5]).is_err());
        assert!(pair_outputs(&[4, 6], &[2, 8]).is_err());
    }
}
