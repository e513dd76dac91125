//! `silent-value-loss`: config text nats-server accepts but drops, overrides or reads differently
//! than written. The parser reports the lexical traps under the same name; this pass adds the
//! semantic ones.

use crate::diagnostic::Diagnostic;
use crate::nats::keys::{self, KeyMatch, Ty, UnknownPolicy};
use crate::nats::{Map, ParsedConfig, Value, ValueKind};
use crate::source::SourceDb;
use crate::span::{FileId, Span};
use crate::version::NatsVersion;
use once_cell::sync::Lazy;
use regex::Regex;

/// The rule is declared with the parser, which reports its lexical cases.
pub(crate) use crate::nats::findings::SILENT_VALUE_LOSS as META;

/// All findings of this rule on one config.
pub fn check_config(cfg: &ParsedConfig, db: &SourceDb, version: NatsVersion, out: &mut Vec<Diagnostic>) {
    let mut files: Vec<FileId> = vec![cfg.file];
    files.extend(cfg.includes.iter().copied());
    for f in files {
        text_traps(db, f, out);
    }
    // The value tree of a config the parser rejects may be cut short: no semantic traps there.
    if !cfg.ok {
        return;
    }
    keys::for_each_map(&cfg.root, keys::top(), version, &mut |m, block, _| {
        if block.unknown == UnknownPolicy::Ignored {
            for e in m.entries.iter().filter(|e| block.lookup(&e.key).is_none()) {
                out.push(
                    Diagnostic::new(&META, e.key_span, format!("`{}` is ignored in `{}`", e.key, block.path))
                        .with_label("nats-server never reads this key")
                        .with_help(format!(
                            "`{}` only reads {} (exact spelling)",
                            block.path,
                            block.keys.iter().map(|k| format!("`{}`", k.name)).collect::<Vec<_>>().join(", ")
                        )),
                );
            }
        }
        duplicates(m, block, out);
    });
    keys::walk(&cfg.root, keys::top(), version, &mut |v| {
        let Some(k) = v.key.filter(|k| k.known_in(version)) else {
            return;
        };
        duration_traps(db, &v.entry.key, &k.ty, &v.entry.value, out);
        if k.canonical == "timeout" && matches!(v.block.path, "authorization" | "leafnodes.authorization") {
            high_auth_timeout(db, version, &v.entry.key, &v.entry.value, out);
        }
    });
}

/// Keys set more than once in one map.
fn duplicates(m: &Map, block: &keys::Block, out: &mut Vec<Diagnostic>) {
    // Group by what nats-server treats as the same key: `(0, canonical name)` for a known key of a
    // case-insensitive block, `(1, spelling)` otherwise. Sorting (stable) keeps each group in file
    // order; no allocation unless a case-insensitive block holds an unknown key.
    let mut ids: Vec<((u8, std::borrow::Cow<'_, str>), usize)> = m
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let id = match (block.unknown, block.key_match, block.lookup(&e.key)) {
                (UnknownPolicy::FreeForm, _, _) | (_, KeyMatch::Exact, _) => (1, e.key.as_str().into()),
                (_, KeyMatch::CaseInsensitive, Some(k)) => (0, k.canonical.into()),
                (_, KeyMatch::CaseInsensitive, None) => (1, e.key.to_ascii_lowercase().into()),
            };
            (id, i)
        })
        .collect();
    ids.sort_by(|a, b| a.0.cmp(&b.0));
    let groups: Vec<Vec<usize>> =
        ids.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1).map(|g| g.iter().map(|(_, i)| *i).collect()).collect();
    for idxs in &groups {
        let last = &m.entries[*idxs.last().expect("non-empty group")];
        for &i in &idxs[..idxs.len() - 1] {
            let e = &m.entries[i];
            let (message, help) = if e.key == last.key {
                (
                    format!("`{}` is set again later in the same block; this value is dropped", e.key),
                    "remove one of the two entries (nats-server keeps the last one)".to_string(),
                )
            } else {
                (
                    format!("`{}` and `{}` are the same key to nats-server; which one wins is random", e.key, last.key),
                    format!("keep only one of `{}` and `{}`", e.key, last.key),
                )
            };
            out.push(
                Diagnostic::new(&META, e.key_span, message)
                    .with_label("overridden")
                    .with_related(last.key_span, "set again here")
                    .with_help(help),
            );
        }
    }
}

/// Suffix of an unquoted size integer, e.g. `m` of `2m`.
static SIZE_INT: Lazy<Regex> = Lazy::new(|| Regex::new(r"^-?[0-9]+([kKmMgGtTpPeE][bBiI]*)$").expect("valid regex"));

/// `2m` meant as minutes, and integers where a duration is expected.
fn duration_traps(db: &SourceDb, key: &str, ty: &Ty, v: &Value, out: &mut Vec<Diagnostic>) {
    let wants = |pred: &dyn Fn(&Ty) -> bool| match ty {
        Ty::OneOf(alts) => alts.iter().any(pred),
        t => pred(t),
    };
    let ValueKind::Integer(n) = v.kind else {
        return;
    };
    let is_duration = wants(&|t| matches!(t, Ty::Duration));
    let is_timeout = wants(&|t| matches!(t, Ty::Timeout));
    if !is_duration && !is_timeout {
        return;
    }
    let file = db.get(v.span.file);
    let text = file.text.get(v.span.range()).unwrap_or("");
    if v.via_variable.is_none() {
        if let Some(c) = SIZE_INT.captures(text) {
            let suffix = &c[1];
            out.push(
                Diagnostic::new(
                    &META,
                    v.span,
                    format!("`{key}: {text}` is the integer {n} (`{suffix}` is a size suffix), read as {n} seconds"),
                )
                .with_label(if is_duration {
                    "not a duration: nats-server warns and `nats-server -t` fails on it"
                } else {
                    "not a duration"
                })
                .with_help(format!(
                    "quote the duration (`{key}: \"{text}\"`) or use a Go duration with a unit such as `s`, `m`, `h`"
                )),
            );
            return;
        }
    }
    if is_duration {
        out.push(
            Diagnostic::new(&META, v.span, format!("`{key}` is the integer {n}, taken as {n} seconds"))
                .with_label("nats-server warns `should be converted to a duration`; `nats-server -t` fails on it")
                .with_help(format!("write a duration: `{key}: \"{n}s\"`")),
        );
    }
}

/// `authorization { timeout: 120 }`: seconds above 60 draw a warning since 2.11.2 (opts.go:4592-4594,
/// 2973-2975), which makes `nats-server -t` fail; often an unquoted `2m` (2000000) behind it.
fn high_auth_timeout(db: &SourceDb, version: NatsVersion, key: &str, v: &Value, out: &mut Vec<Diagnostic>) {
    let secs = match v.kind {
        ValueKind::Integer(i) => i as f64,
        ValueKind::Float(f) => f,
        _ => return,
    };
    if secs <= 60.0 || !version.at_least(NatsVersion::new(2, 11, 2)) {
        return;
    }
    let file = db.get(v.span.file);
    let text = file.text.get(v.span.range()).unwrap_or("");
    if v.via_variable.is_none() && SIZE_INT.is_match(text) {
        return; // already reported as a size suffix read as seconds
    }
    out.push(
        Diagnostic::new(&META, v.span, format!("`{key}` of {secs} seconds is above 60"))
            .with_label("nats-server warns the timeout is high; `nats-server -t` fails on it")
            .with_help("authentication timeouts are seconds: keep it under 60"),
    );
}

static ABS_INCLUDE: Lazy<Regex> =
    Lazy::new(|| Regex::new(r#"(?mi)^[ \t]*include[ \t]+["']?(/[^"'\s;}]*)"#).expect("valid regex"));
static BCRYPT: Lazy<Regex> = Lazy::new(|| Regex::new(r"(?m)(^|[\s:=\[,])(\$2[by]\$)").expect("valid regex"));

/// Traps visible in the text only: absolute include paths and unquoted `$2b$`/`$2y$` hashes.
fn text_traps(db: &SourceDb, file: FileId, out: &mut Vec<Diagnostic>) {
    let f = db.get(file);
    let text: &str = &f.text;
    for c in ABS_INCLUDE.captures_iter(text) {
        let m = c.get(1).expect("group 1");
        out.push(
            Diagnostic::new(
                &META,
                Span::new(file, m.start(), m.end()),
                format!("absolute include path `{}` is read relative to this file's folder", m.as_str()),
            )
            .with_label("nats-server joins this under the including file's directory")
            .with_help("write the path relative to this file (nats-server does not honour absolute include paths)"),
        );
    }
    for c in BCRYPT.captures_iter(text) {
        let m = c.get(2).expect("group 2");
        let line_start = text[..m.start()].rfind('\n').map(|i| i + 1).unwrap_or(0);
        let before = text[line_start..m.start()].trim_start();
        if before.starts_with('#') || before.starts_with("//") {
            continue;
        }
        out.push(
            Diagnostic::new(
                &META,
                Span::new(file, m.start(), m.end()),
                format!("unquoted bcrypt hash starting `{}` is read as a variable reference", m.as_str()),
            )
            .with_label("only `$2a$` hashes may be unquoted")
            .with_help("quote the hash: `password: \"$2b$...\"`"),
        );
    }
}
