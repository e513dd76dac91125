//! `latticelint.toml`: found upward from the scanned path or given with `--config`.
//!
//! ```toml
//! nats-version = "2.10.16"          # target nats-server release
//! select = ["js-domain-missing"]    # only these rules (default: all)
//! ignore = ["unknown-key"]          # never these rules
//! exclude = ["vendor/**", "*.bak"]  # paths not linted (globs, relative to this file)
//! fail-on = "warning"               # error | warning | info | never
//!
//! [severity]                        # per-rule severity
//! unknown-key = "error"
//!
//! [per-path-ignores]                # globs → rules ignored there ("*" = all)
//! "legacy/**" = ["unknown-key"]
//! ```
//! Unknown keys and unknown rule names are errors (exit 2).

use crate::diagnostic::Severity;
use crate::rules;
use crate::version::NatsVersion;
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// File names looked for, in order, in each directory from the scanned path upward.
pub const FILE_NAMES: &[&str] = &["latticelint.toml", ".latticelint.toml"];

/// The file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawConfig {
    pub nats_version: Option<String>,
    pub select: Option<Vec<String>>,
    #[serde(default)]
    pub ignore: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
    pub fail_on: Option<String>,
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    #[serde(default)]
    pub per_path_ignores: BTreeMap<String, Vec<String>>,
}

/// A loaded, validated configuration.
#[derive(Debug, Default)]
pub struct Config {
    /// The file it came from (`None`: defaults).
    pub path: Option<PathBuf>,
    /// Globs are relative to this directory.
    pub dir: PathBuf,
    pub nats_version: Option<NatsVersion>,
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub exclude: Vec<String>,
    exclude_set: GlobSet,
    pub fail_on: Option<String>,
    pub severity: BTreeMap<String, Severity>,
    per_path: Vec<(GlobSet, Vec<String>)>,
}

/// A configuration problem: the run stops with exit status 2.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ConfigError {
    pub path: String,
    pub message: String,
}

impl Config {
    /// The defaults (no file); globs would be relative to `dir`.
    pub fn defaults(dir: PathBuf) -> Config {
        Config { dir, ..Config::default() }
    }

    /// Finds `latticelint.toml` from `start` upward (a file's directory first).
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let abs = std::path::absolute(start).ok()?;
        let mut dir = if abs.is_dir() { Some(abs.as_path()) } else { abs.parent() };
        while let Some(d) = dir {
            for name in FILE_NAMES {
                let p = d.join(name);
                if p.is_file() {
                    return Some(p);
                }
            }
            dir = d.parent();
        }
        None
    }

    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let err = |message: String| ConfigError { path: path.display().to_string(), message };
        let text = std::fs::read_to_string(path).map_err(|e| err(format!("cannot read: {e}")))?;
        let dir = std::path::absolute(path)
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_else(|| PathBuf::from("."));
        let mut c = Config::parse(&text, dir).map_err(err)?;
        c.path = Some(path.to_path_buf());
        Ok(c)
    }

    /// Parses config text; globs are relative to `dir`.
    pub fn parse(text: &str, dir: PathBuf) -> Result<Config, String> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())?;
        let nats_version = raw.nats_version.as_deref().map(str::parse::<NatsVersion>).transpose()?;
        if let Some(f) = &raw.fail_on {
            if !["error", "warning", "info", "never"].contains(&f.as_str()) {
                return Err(format!("`fail-on = \"{f}\"` is not one of error, warning, info, never"));
            }
        }
        let mut names: Vec<&str> = raw.ignore.iter().map(String::as_str).collect();
        names.extend(raw.select.iter().flatten().map(String::as_str));
        names.extend(raw.severity.keys().map(String::as_str));
        names.extend(raw.per_path_ignores.values().flatten().map(String::as_str).filter(|r| *r != "*"));
        check_rule_names(names)?;
        let exclude_set = globs(&raw.exclude)?;
        let per_path = raw
            .per_path_ignores
            .iter()
            .map(|(g, rules)| Ok((globs(std::slice::from_ref(g))?, rules.clone())))
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Config {
            path: None,
            dir,
            nats_version,
            select: raw.select,
            ignore: raw.ignore,
            exclude: raw.exclude,
            exclude_set,
            fail_on: raw.fail_on,
            severity: raw.severity,
            per_path,
        })
    }

    /// True when the file at `path` (as read) or `display` (relative to the scanned root) is excluded.
    pub fn is_excluded(&self, path: &Path, display: &str) -> bool {
        self.matches(&self.exclude_set, path, display)
    }

    /// True when `rule` is ignored for this file by `per-path-ignores`.
    pub fn path_ignores(&self, rule: &str, path: &Path, display: &str) -> bool {
        self.per_path
            .iter()
            .any(|(set, rules)| rules.iter().any(|r| r == rule || r == "*") && self.matches(set, path, display))
    }

    fn matches(&self, set: &GlobSet, path: &Path, display: &str) -> bool {
        if set.is_empty() {
            return false;
        }
        if set.is_match(display) {
            return true;
        }
        let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        match abs.strip_prefix(&self.dir) {
            Ok(rel) => set.is_match(rel),
            Err(_) => false,
        }
    }
}

/// Errors unless every name is a registered rule (with a suggestion for near misses).
pub fn check_rule_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<(), String> {
    for n in names {
        if rules::find(n).is_none() {
            let best = rules::RULES
                .iter()
                .map(|r| (strsim::jaro_winkler(n, r.meta.name), r.meta.name))
                .filter(|(s, _)| *s > 0.8)
                .max_by(|a, b| a.0.total_cmp(&b.0));
            let hint = match best {
                Some((_, name)) => format!("; did you mean `{name}`?"),
                None => "; `latticelint rules` lists them".to_string(),
            };
            return Err(format!("unknown rule `{n}`{hint}"));
        }
    }
    Ok(())
}

/// A glob set; `dir/` style patterns also match everything below.
fn globs(patterns: &[String]) -> Result<GlobSet, String> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        let p = p.trim_start_matches("./");
        let add = |b: &mut GlobSetBuilder, pat: &str| -> Result<(), String> {
            let g = Glob::new(pat).map_err(|e| format!("bad glob `{pat}`: {e}"))?;
            b.add(g);
            Ok(())
        };
        let base = p.trim_end_matches('/');
        add(&mut b, base)?;
        add(&mut b, &format!("{base}/**"))?;
        if !base.contains('/') {
            add(&mut b, &format!("**/{base}"))?;
            add(&mut b, &format!("**/{base}/**"))?;
        }
    }
    b.build().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_unknown_keys_and_rules() {
        let e = Config::parse("colour = true\n", ".".into()).unwrap_err();
        assert!(e.contains("unknown field `colour`"), "{e}");
        let e = Config::parse("ignore = [\"no-such-rule\"]\n", ".".into()).unwrap_err();
        assert!(e.contains("unknown rule `no-such-rule`"), "{e}");
        let e = Config::parse("[severity]\nunused-suppression = \"fatal\"\n", ".".into()).unwrap_err();
        assert!(e.contains("unknown variant"), "{e}");
        let e = Config::parse("nats-version = \"two\"\n", ".".into()).unwrap_err();
        assert!(e.contains("not a nats-server version"), "{e}");
    }

    #[test]
    fn globs_match_display_paths() {
        let c = Config::parse(
            "exclude = [\"vendor\", \"*.bak\"]\n[per-path-ignores]\n\"legacy/**\" = [\"unused-suppression\"]\n",
            "/nowhere".into(),
        )
        .unwrap();
        assert!(c.is_excluded(Path::new("x"), "vendor/a/nats.conf"));
        assert!(c.is_excluded(Path::new("x"), "deep/old.bak"));
        assert!(!c.is_excluded(Path::new("x"), "nats.conf"));
        assert!(c.path_ignores("unused-suppression", Path::new("x"), "legacy/a.conf"));
        assert!(!c.path_ignores("unused-suppression", Path::new("x"), "new/a.conf"));
    }
}
