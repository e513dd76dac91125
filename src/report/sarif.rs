//! `sarif`: SARIF 2.1.0 for GitHub code scanning, validated with the Microsoft SARIF Multitool
//! (`validate --rule-kind Sarif Gh`, see tests/cli_sarif.rs).
//!
//! One run; `tool.driver.rules` holds every registered rule (id = kebab name, `name` = PascalCase,
//! descriptions and help from the rule docs, `helpUri` = [`rule_url`](super::rule_url)); locations are
//! relative URIs under `%SRCROOT%` (the scanned root) with full 1-based regions; columns count
//! Unicode code points (`columnKind`).

use super::{rule_url, Finding, Run};
use crate::diagnostic::Severity;
use crate::rules::{RuleMeta, RULES};
use crate::source::Location;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::path::Path;

/// The SARIF schema GitHub accepts (`GH1011`).
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Key of our fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "latticelint/v1";

pub fn render(run: &Run) -> String {
    let mut rules: Vec<Value> = RULES.iter().map(|r| descriptor(r.meta)).collect();
    let mut index: HashMap<&str, usize> = RULES.iter().enumerate().map(|(i, r)| (r.meta.name, i)).collect();
    for f in &run.findings {
        if !index.contains_key(f.rule.name) {
            index.insert(f.rule.name, rules.len());
            rules.push(unregistered(f.rule.name));
        }
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    let results: Vec<Value> = run.findings.iter().map(|f| result(run, f, index[f.rule.name], &mut seen)).collect();
    let root_uri = dir_uri(&run.root_dir);
    let version = env!("CARGO_PKG_VERSION");
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "latticelint",
                "version": version,
                "semanticVersion": version,
                "informationUri": super::HOMEPAGE,
                "rules": rules,
            }},
            "automationDetails": { "id": "latticelint/" },
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": { "%SRCROOT%": { "uri": root_uri } },
            "invocations": [{
                "executionSuccessful": true,
                "exitCode": run.exit_code,
                "workingDirectory": { "uri": root_uri },
            }],
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

/// `js-domain-missing` → `JsDomainMissing`.
pub fn pascal_case(kebab: &str) -> String {
    kebab
        .split(['-', '_'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect()
}

/// A sentence: capitalised, ending with a period (Multitool SARIF2001).
fn sentence(s: &str) -> String {
    let t = s.trim();
    let mut out = String::new();
    let mut c = t.chars();
    if let Some(f) = c.next() {
        out.extend(f.to_uppercase());
        out.push_str(c.as_str());
    }
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// The text of a `## Heading` section of rule docs, whitespace collapsed.
pub fn doc_section(docs: &str, heading: &str) -> Option<String> {
    let start = docs.find(heading)? + heading.len();
    let rest = &docs[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    let text = rest[..end].split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn descriptor(m: &RuleMeta) -> Value {
    let full = doc_section(m.docs, "## What it does").unwrap_or_else(|| m.summary.to_string());
    let full: String = full.chars().take(1000).collect();
    let markdown = super::docs::doc_text(m);
    json!({
        "id": m.name,
        "name": pascal_case(m.name),
        "shortDescription": { "text": sentence(m.summary) },
        "fullDescription": { "text": sentence(&full) },
        "helpUri": rule_url(m.name),
        "help": { "text": markdown, "markdown": markdown },
        "defaultConfiguration": { "level": level(m.default_severity) },
        "properties": { "tags": ["nats", "wasmcloud", "configuration"], "precision": "high",
                         "problem.severity": match m.default_severity { Severity::Info => "recommendation", s => level(s) } },
    })
}

/// Metadata for a finding whose rule is not registered (should not happen; keeps `ruleIndex` valid).
fn unregistered(name: &str) -> Value {
    let text = sentence(&format!("findings of `{name}`"));
    json!({
        "id": name,
        "name": pascal_case(name),
        "shortDescription": { "text": text },
        "fullDescription": { "text": text },
        "helpUri": rule_url(name),
        "help": { "text": text, "markdown": text },
    })
}

fn result(run: &Run, f: &Finding, rule_index: usize, seen: &mut HashMap<String, usize>) -> Value {
    let mut text = sentence(&f.message);
    if let Some(h) = &f.help {
        text = format!("{text} Help: {}", sentence(h));
    }
    let mut r = Map::new();
    r.insert("ruleId".into(), json!(f.rule.name));
    r.insert("ruleIndex".into(), json!(rule_index));
    r.insert("level".into(), json!(level(f.severity)));
    r.insert("message".into(), json!({ "text": text }));
    let masked = run.masked_text(f.span.file);
    let mut primary = physical(run, &f.location, f.label.as_deref());
    if let Some(snippet) = masked.get(f.span.range()).filter(|s| !s.is_empty()) {
        primary["physicalLocation"]["region"]["snippet"] = json!({ "text": snippet });
    }
    r.insert("locations".into(), json!([primary]));
    if !f.related.is_empty() {
        let related: Vec<Value> = f
            .related
            .iter()
            .enumerate()
            .map(|(i, rel)| {
                let mut loc = physical(run, &rel.location, None);
                loc["id"] = json!(i + 1);
                loc["message"] = json!({ "text": sentence(&rel.message) });
                loc
            })
            .collect();
        r.insert("relatedLocations".into(), json!(related));
    }
    let line_text = masked.get(f.span.range()).unwrap_or("");
    let line_text = line_text.split_whitespace().collect::<Vec<_>>().join(" ");
    let base = format!("{:016x}", fnv1a(&[f.rule.name, &f.location.path, &f.message, &line_text]));
    let n = seen.entry(base.clone()).or_insert(0);
    *n += 1;
    r.insert("partialFingerprints".into(), json!({ FINGERPRINT_KEY: format!("{base}:{n}") }));
    Value::Object(r)
}

fn physical(run: &Run, l: &Location, label: Option<&str>) -> Value {
    let (uri, base) = if l.path.starts_with("../") || l.path.starts_with('/') {
        // Outside the scanned root: an absolute `file:` URI (the invocation's
        // `workingDirectory` lets GitHub relate it to the checkout).
        let abs = crate::source::normalize(&run.db.get(l.file).path);
        artifact_uri(&abs.to_string_lossy().replace('\\', "/"))
    } else {
        artifact_uri(&l.path)
    };
    let mut artifact = json!({ "uri": uri });
    if let Some(b) = base {
        artifact["uriBaseId"] = json!(b);
    }
    let mut v = json!({ "physicalLocation": {
        "artifactLocation": artifact,
        "region": {
            "startLine": l.line.max(1),
            "startColumn": l.column.max(1),
            "endLine": l.end_line.max(l.line).max(1),
            "endColumn": if l.end_line > l.line { l.end_column.max(1) } else { l.end_column.max(l.column).max(1) },
        },
    }});
    if let Some(label) = label {
        v["message"] = json!({ "text": sentence(label) });
    }
    v
}

/// A display path as a SARIF URI: relative paths under `%SRCROOT%`, absolute ones as `file://` URIs.
fn artifact_uri(path: &str) -> (String, Option<&'static str>) {
    if path.starts_with('/') {
        (format!("file://{}", encode(path)), None)
    } else {
        let p = path.trim_start_matches("./");
        (encode(p), Some("%SRCROOT%"))
    }
}

/// `file:///abs/dir/` for a directory (trailing slash, as `originalUriBaseIds` requires).
fn dir_uri(dir: &Path) -> String {
    let abs = crate::source::normalize(dir);
    let mut s = abs.to_string_lossy().replace('\\', "/");
    if !s.starts_with('/') {
        s.insert(0, '/');
    }
    if !s.ends_with('/') {
        s.push('/');
    }
    format!("file://{}", encode(&s))
}

/// Percent-encodes everything but unreserved characters and `/`.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// 64-bit FNV-1a over the parts, separated by NUL (stable across runs and platforms).
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0;
            h = h.wrapping_mul(0x100000001b3);
        }
        for b in p.bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sentences_and_uris() {
        assert_eq!(pascal_case("js-domain-missing"), "JsDomainMissing");
        assert_eq!(sentence("a `x` b"), "A `x` b.");
        assert_eq!(encode("a b/ü:c"), "a%20b/%C3%BC%3Ac");
        assert_eq!(artifact_uri("./x/y.conf"), ("x/y.conf".to_string(), Some("%SRCROOT%")));
        assert_eq!(artifact_uri("/etc/nats.conf").1, None);
        assert_ne!(fnv1a(&["ab", "c"]), fnv1a(&["a", "bc"]));
    }
}
