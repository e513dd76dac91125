//! `unknown-key`: keys nats-server does not accept in their block.

use crate::diagnostic::Diagnostic;
use crate::nats::keys::{self, Block, Key, UnknownPolicy};
use crate::nats::ParsedConfig;
use crate::source::SourceDb;
use crate::version::NatsVersion;

crate::declare_rule! {
    /// ## What it does
    /// Reports keys that nats-server does not accept where they are written: misspellings
    /// (`server-name`, `max_payloads`), keys put in the wrong block (`domain` at the top level, `users`
    /// outside `authorization {}`), variables defined inside `tls {}`, and keys that the targeted
    /// nats-server release (`--nats-version`, default newest) does not know yet, with the release that
    /// added them. A top-level `js_domain` is pointed to `jetstream { domain }`.
    ///
    /// ## Why is this bad?
    /// nats-server always parses in pedantic mode: an unknown key is an `unknown field` error and the
    /// server refuses to start (`nats-server -t` reports it too). Keys that were referenced as
    /// `$variables` are exempt, except in blocks without that exemption (`tls`, `ocsp`, mapping
    /// destinations). Keys are matched case-insensitively with their aliases in almost every block.
    /// See `truth/nats-conf-format.md` §3.2 and the key inventory `truth/nats-conf-keys.json` (`since`
    /// is the first sampled release with the key). Free-form blocks (`accounts`, `mappings`,
    /// `default_js_domain`, `server_metadata`...) take any key; `resolver {}` ignores unknown keys
    /// silently (reported by `silent-value-loss`).
    ///
    /// ## Example
    /// ```nats title="nats.conf"
    /// server-name: hub
    /// js_domain: hub
    /// accounts { A { jetstream: enabled, allow_trace: true } }   # with --nats-version 2.9
    /// ```
    ///
    /// ## How to fix
    /// Use the key the message suggests (`server_name`, `jetstream { domain: hub }`), move the key into
    /// its block, define variables at the top level, or target a release that has the key.
    ///
    /// ## References
    /// - nats-server `server/opts.go` `processConfigFileLine` and the `parse*` functions cited per block in
    ///   `src/nats/keys/table.rs`
    pub(crate) static META = { name: "unknown-key", summary: "key that nats-server does not accept in its block", severity: Error }
}

/// Blocks where a misplaced top-level key usually belongs, in order of preference.
const HOMES: &[&str] = &[
    "jetstream",
    "cluster",
    "leafnodes",
    "gateway",
    "authorization",
    "websocket",
    "mqtt",
    "tls",
    "leafnodes.remotes[]",
    "accounts.<name>",
];

/// All findings of this rule on one config.
pub fn check_config(cfg: &ParsedConfig, _db: &SourceDb, version: NatsVersion, found: &mut Vec<Diagnostic>) {
    // A config the parser rejects never reaches nats-server's key checks.
    if !cfg.ok {
        return;
    }
    keys::walk(&cfg.root, keys::top(), version, &mut |v| {
        let e = v.entry;
        let container = v.path.strip_suffix(e.key.as_str()).unwrap_or("").trim_end_matches('.');
        let exempt = v.block.variable_exemption && e.used_as_variable;
        match v.key {
            Some(k) if !k.known_in(version) => {
                if !exempt {
                    found.push(too_new(e.key.as_str(), k, container, version, e.key_span));
                }
            }
            Some(_) => {}
            None if v.block.unknown != UnknownPolicy::Error || exempt => {}
            None => found.push(unknown(&e.key, e.used_as_variable, v.block, container, version, e.key_span)),
        }
    });
}

/// `at the top level` or `in `leafnodes.remotes[0]``.
fn where_(container: &str) -> String {
    if container.is_empty() {
        "at the top level".to_string()
    } else {
        format!("in `{container}`")
    }
}

fn too_new(key: &str, k: &Key, container: &str, version: NatsVersion, span: crate::span::Span) -> Diagnostic {
    let since = k.since.map(|s| s.to_string()).unwrap_or_default();
    Diagnostic::new(
        &META,
        span,
        format!("`{key}` {} is unknown to nats-server {version}: it was added by {since}", where_(container)),
    )
    .with_label(format!("nats-server {version} rejects this: unknown field"))
    .with_help(format!("target nats-server {since} or later (`--nats-version`), or remove the key for {version}"))
}

fn unknown(
    key: &str,
    is_variable: bool,
    block: &Block,
    container: &str,
    version: NatsVersion,
    span: crate::span::Span,
) -> Diagnostic {
    let lower = key.to_ascii_lowercase();
    let message = format!("unknown key `{key}` {}", where_(container));
    let d = Diagnostic::new(&META, span, message).with_label("nats-server rejects this: unknown field");
    if is_variable {
        return d.with_help(format!(
            "`{container}` accepts no extra keys, not even variables: define `{key}` at the top level"
        ));
    }
    if block.is_top() && (lower == "js_domain" || lower == "jsdomain" || lower == "js-domain") {
        return d.with_help("nats-server has no top-level `js_domain`: set the domain in `jetstream { domain: ... }`");
    }
    if key == "}" {
        return d.with_help("a stray `}` is read as a key: remove it or balance the braces");
    }
    if let Some(best) = did_you_mean(&lower, block, version) {
        return d.with_help(format!("did you mean `{best}`?"));
    }
    if block.is_top() {
        for home in HOMES {
            if let Some(b) = keys::block(home) {
                if b.unknown == UnknownPolicy::Error && b.lookup(key).is_some_and(|k| k.known_in(version)) {
                    return d.with_help(format!("`{key}` is a key of `{}`: move it into that block", b.path));
                }
            }
        }
    }
    d
}

/// The closest spelling known to `version` in `block`, if close enough to be a likely typo.
fn did_you_mean(key: &str, block: &Block, version: NatsVersion) -> Option<&'static str> {
    let normalized = key.replace('-', "_");
    let mut best: Option<(f64, &'static str)> = None;
    for k in block.keys.iter().filter(|k| k.known_in(version) && !k.is_placeholder()) {
        let score = if k.name == normalized { 1.0 } else { strsim::jaro_winkler(&normalized, k.name) };
        if best.map_or(true, |(s, _)| score > s) {
            best = Some((score, k.name));
        }
    }
    best.filter(|(s, _)| *s >= 0.88).map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_spellings() {
        let top = keys::top();
        assert_eq!(did_you_mean("server-name", top, NatsVersion::NEWEST), Some("server_name"));
        assert_eq!(did_you_mean("max_payloads", top, NatsVersion::NEWEST), Some("max_payload"));
        assert_eq!(did_you_mean("zzz", top, NatsVersion::NEWEST), None);
        let js = keys::block("jetstream").unwrap();
        assert_eq!(did_you_mean("domian", js, NatsVersion::NEWEST), Some("domain"));
    }
}
