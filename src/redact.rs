//! Secret redaction: nothing that looks like a credential leaves latticelint.
//!
//! [`mask_source`] finds secrets in a file's text (values of `password`/`token`/`seed`... keys in NATS
//! configs, YAML and `.env` files, secret-looking environment variables, URL passwords, nkey seeds,
//! JWTs, the body of creds and PEM blocks) and replaces each byte with `*`, so byte offsets and spans
//! still line up for snippets. A [`Redactor`] remembers every secret found in a run's sources and
//! scrubs free text (messages, labels, help) from them and from the same patterns.

use crate::source::SourceDb;
use once_cell::sync::Lazy;
use regex::Regex;
use std::collections::BTreeSet;
use std::ops::Range;

/// What replaces a secret inside free text (messages, labels, help).
pub const REDACTED: &str = "[redacted]";

/// Keys whose value is a secret, wherever they appear (NATS config, YAML, TOML-ish, CLI flags).
const SECRET_KEYS: &str = r"password|passwd|pass|pwd|token|auth_token|nkey_seed|seed|encryption_key|secret|secret_key|private_key|client_secret|api_key|apikey|key_seed|ctl_seed|rpc_seed|cluster_seed|signing_key_seed|jwt|user_jwt|rpc_jwt|ctl_jwt|credentials_content";

/// Environment variable names whose value is a secret (`*_SEED`, `*_JWT`, `*_PASSWORD`...).
const SECRET_ENV_SUFFIX: &str = r"SEED|SEEDS|JWT|PASSWORD|PASSWD|PASS|PWD|TOKEN|SECRET|SECRET_KEY|PRIVATE_KEY|API_KEY|ENCRYPTION_KEY|NKEY|CREDS_CONTENT";

/// An nkey seed: `S` + type prefix + base32 body.
static SEED: Lazy<Regex> = Lazy::new(|| Regex::new(r"\bS[UAONCXP][A-Z2-7]{40,}\b").unwrap());

/// A JWT (`eyJ...` header and payload).
static JWT: Lazy<Regex> = Lazy::new(|| Regex::new(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*").unwrap());

/// `scheme://user:password@host`: group 1 is the password.
static URL_PASSWORD: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s:@/'`]*:([^\s@/'`]+)@").unwrap());

/// `nats://token@host` (userinfo without a colon is a token for NATS schemes): group 1 is the token.
static URL_TOKEN: Lazy<Regex> = Lazy::new(|| Regex::new(r"(?i)\b(?:nats|tls|ws|wss)://([^\s:@/'`]+)@").unwrap());

/// `key: value`, `key = value`, `--key=value`, `"key": "value"`. Group `v` is the value (quoted or bare).
static KEY_VALUE: Lazy<Regex> = Lazy::new(|| {
    let keys = keys();
    Regex::new(&format!(
        r#"(?i)(?:^|[\s{{,;\[(])(?:--?)?["']?(?:{keys})["']?\s*[:=]\s*(?P<v>"[^"\n]*"|'[^'\n]*'|`[^`\n]*`|\$\{{[^}}\n]*\}}|[^\s,;{{}}\[\]#"'`]+)"#
    ))
    .unwrap()
});

/// NATS `key value` (whitespace separator) at the start of a line or after `{`, `,`, `;`, and `--key value` flags.
/// Prose ("no token configured") does not match.
static KEY_SPACE_VALUE: Lazy<Regex> = Lazy::new(|| {
    let keys = keys();
    Regex::new(&format!(
        r#"(?im)(?:(?:^|[{{,;])[ \t]*|--)(?:{keys})[ \t]+(?P<v>"[^"\n]*"|'[^'\n]*'|`[^`\n]*`|\$\{{[^}}\n]*\}}|[^\s,;{{}}\[\]#"'`=:]+)"#
    ))
    .unwrap()
});

/// `"--pass", "value"` in a JSON-style command array (compose `command: [...]`).
static FLAG_IN_LIST: Lazy<Regex> = Lazy::new(|| {
    let keys = keys();
    Regex::new(&format!(r#"(?i)--(?:{keys})["']\s*,\s*(?P<v>"[^"\n]*"|'[^'\n]*')"#)).unwrap()
});

/// `- --pass` alone in a YAML list (the value is the next list item).
static FLAG_ITEM: Lazy<Regex> = Lazy::new(|| {
    let keys = keys();
    Regex::new(&format!(r#"(?i)^\s*-\s*["']?--(?:{keys})["']?\s*$"#)).unwrap()
});

/// `- value` (the list item after a secret flag).
static LIST_ITEM: Lazy<Regex> = Lazy::new(|| Regex::new(r#"^\s*-\s*(?P<v>"[^"\n]*"|'[^'\n]*'|[^\s#]+)"#).unwrap());

/// [`SECRET_KEYS`] with `_` also matching `-` (`ctl_seed`, `--ctl-seed`).
fn keys() -> String {
    SECRET_KEYS.replace('_', "[-_]")
}

/// `NAME_PASSWORD=value`, `NAME_SEED: value`, `export NAME_JWT="value"`, `Environment=NAME_TOKEN=value`.
static ENV_VALUE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(
        r#"(?:^|[\s"'{{,;=-])["']?[A-Za-z_][A-Za-z0-9_]*_(?:{SECRET_ENV_SUFFIX})["']?\s*[:=]\s*(?P<v>"[^"\n]*"|'[^'\n]*'|`[^`\n]*`|\$\{{[^}}\n]*\}}|[^\s,;{{}}#"'`]+)"#
    ))
    .unwrap()
});

/// Kubernetes `- name: NATS_PASSWORD` (the value follows on a later `value:` line).
static ENV_NAME_LINE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(r#"(?i)^\s*-?\s*name\s*:\s*["']?[A-Za-z0-9_]*(?:{SECRET_ENV_SUFFIX}|PASSWORD|TOKEN)["']?\s*$"#))
        .unwrap()
});

/// `value: x` on the lines after such a name.
static VALUE_LINE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r#"^\s*value\s*:\s*(?P<v>"[^"\n]*"|'[^'\n]*'|[^\s#"'](?:[^#\n]*[^\s#])?)\s*(?:#.*)?$"#).unwrap()
});

/// The first line of a creds or PEM block; the lines up to the matching END are masked.
static BLOCK_BEGIN: Lazy<Regex> = Lazy::new(|| Regex::new(r"-{3,}\s*BEGIN [A-Z0-9 ]+-{3,}").unwrap());
static BLOCK_END: Lazy<Regex> = Lazy::new(|| Regex::new(r"-{3,}\s*END [A-Z0-9 ]+-{3,}").unwrap());

/// `kind: Secret` manifests: every value under `data:`/`stringData:` is masked.
static K8S_SECRET: Lazy<Regex> = Lazy::new(|| Regex::new(r"(?m)^\s*kind\s*:\s*[\x22']?Secret[\x22']?\s*$").unwrap());
static DATA_KEY: Lazy<Regex> = Lazy::new(|| Regex::new(r"^(\s*)(?:data|stringData)\s*:\s*$").unwrap());
static MAP_VALUE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r#"^\s*[^\s:#][^:]*:\s+(?P<v>"[^"\n]*"|'[^'\n]*'|[^\s#"'](?:[^#\n]*[^\s#])?)\s*(?:#.*)?$"#).unwrap()
});

/// True for a value that only refers to a secret (`$VAR`, `${VAR}`, `{{ .Values.x }}`), which is safe to show.
fn is_reference(v: &str) -> bool {
    static REF: Lazy<Regex> =
        Lazy::new(|| Regex::new(r"^(?:\$\{?[A-Za-z_][A-Za-z0-9_]*(?::?-[^}]*)?\}?|\{\{.*\}\})$").unwrap());
    REF.is_match(v)
}

/// The byte ranges of secret values in `text`.
pub fn secret_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for re in [&*KEY_VALUE, &*KEY_SPACE_VALUE, &*ENV_VALUE, &*FLAG_IN_LIST] {
        for c in re.captures_iter(text) {
            if let Some(m) = c.name("v") {
                push_value(text, &mut out, m.range());
            }
        }
    }
    for re in [&*URL_PASSWORD, &*URL_TOKEN] {
        for c in re.captures_iter(text) {
            if let Some(m) = c.get(1) {
                push_value(text, &mut out, m.range());
            }
        }
    }
    for re in [&*SEED, &*JWT] {
        out.extend(re.find_iter(text).map(|m| m.range()));
    }
    line_based(text, &mut out);
    out.sort_by_key(|r| (r.start, r.end));
    out
}

/// Records a value's range without its quotes, unless it is empty or only a reference.
fn push_value(text: &str, out: &mut Vec<Range<usize>>, r: Range<usize>) {
    let (mut s, mut e) = (r.start, r.end);
    let v = &text[s..e];
    let quoted = |q: char| v.starts_with(q) && v.ends_with(q);
    if v.len() >= 2 && (quoted('"') || quoted('\'') || quoted('`')) {
        s += 1;
        e -= 1;
    }
    let inner = &text[s..e];
    if !inner.trim().is_empty() && !is_reference(inner) {
        out.push(s..e);
    }
}

/// Secrets that need line context: creds/PEM blocks, Kubernetes env `name`/`value` pairs, Secret data.
fn line_based(text: &str, out: &mut Vec<Range<usize>>) {
    let k8s_secret = K8S_SECRET.is_match(text);
    let mut in_block = false;
    let mut pending_value_lines = 0u8;
    let mut pending_flag = false;
    let mut data_indent: Option<usize> = None;
    let mut offset = 0usize;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        let start = offset;
        offset += raw.len();
        if in_block {
            if line.contains("END") && BLOCK_END.is_match(line) {
                in_block = false;
            } else if !line.trim().is_empty() {
                let lead = line.len() - line.trim_start().len();
                out.push(start + lead..start + line.trim_end().len());
            }
            continue;
        }
        // Each per-line pattern needs a literal; checking it first skips the regex call on almost
        // every line (a 10,000-server fleet has 1.5 million lines).
        if line.contains("BEGIN") && BLOCK_BEGIN.is_match(line) && !BLOCK_END.is_match(line) {
            in_block = true;
            continue;
        }
        if pending_value_lines > 0 {
            pending_value_lines -= 1;
            if let Some(m) = VALUE_LINE.captures(line).and_then(|c| c.name("v")) {
                push_value(text, out, start + m.start()..start + m.end());
                pending_value_lines = 0;
            }
        }
        if pending_flag {
            if let Some(m) = LIST_ITEM.captures(line).and_then(|c| c.name("v")) {
                push_value(text, out, start + m.start()..start + m.end());
            }
        }
        // Both patterns start at the line's first non-blank: `- --pass` / `- name: X_PASSWORD`, `name: ...`.
        let lead = line.trim_start();
        let item = lead.starts_with('-');
        pending_flag = item && lead.contains("--") && FLAG_ITEM.is_match(line);
        let named = item || lead.get(..4).is_some_and(|w| w.eq_ignore_ascii_case("name"));
        if named && ENV_NAME_LINE.is_match(line) {
            pending_value_lines = 2;
        }
        if k8s_secret {
            let indent = line.len() - line.trim_start().len();
            if let Some(d) = data_indent {
                if !line.trim().is_empty() && indent <= d {
                    data_indent = None;
                } else if let Some(m) = MAP_VALUE.captures(line).and_then(|c| c.name("v")) {
                    push_value(text, out, start + m.start()..start + m.end());
                }
            }
            if let Some(c) = DATA_KEY.captures(line) {
                data_indent = Some(c.get(1).map(|m| m.len()).unwrap_or(0));
            }
        }
    }
}

/// `text` with every secret byte replaced by `*` (same length, so spans still line up), and the secrets found.
pub fn mask_source(text: &str) -> (String, Vec<String>) {
    let ranges = secret_ranges(text);
    if ranges.is_empty() {
        return (text.to_string(), Vec::new());
    }
    let mut bytes = text.as_bytes().to_vec();
    let mut found = Vec::new();
    for r in &ranges {
        for b in &mut bytes[r.clone()] {
            *b = b'*';
        }
        found.push(text[r.clone()].to_string());
    }
    // Every masked range starts and ends on a char boundary and becomes ASCII, so this stays UTF-8.
    let masked = String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    (masked, found)
}

/// Scrubs free text of a run's secrets.
///
/// Long or high-entropy secrets ([`is_distinctive`]) are replaced wherever they appear. A short,
/// word-like secret (password `wadm`, `a`) is replaced only in findings whose span (or a related
/// span) lies on the secret's own line and covers it: elsewhere the same text is a name (account
/// `wadm`) and stays readable. The built-in patterns (`password: x`, URL passwords, seeds, JWTs)
/// apply to all free text.
#[derive(Debug, Default, Clone)]
pub struct Redactor {
    /// Distinctive secret values seen in the sources, longest first (a secret containing another is replaced whole).
    secrets: Vec<String>,
    /// Short secrets per file, with where they stand.
    local: std::collections::HashMap<crate::span::FileId, Vec<LocalSecret>>,
}

#[derive(Debug, Clone)]
struct LocalSecret {
    value: Range<usize>,
    lines: Range<usize>,
    text: String,
}

/// True for a secret worth replacing everywhere: 8 characters or more, or 6 or more mixing at least
/// three character classes (lower, upper, digit, other), and not spelled like a secret key (`password`).
pub fn is_distinctive(s: &str) -> bool {
    if SECRET_KEYS.split('|').any(|k| k.eq_ignore_ascii_case(s)) {
        return false;
    }
    let n = s.chars().count();
    let classes = [
        s.chars().any(|c| c.is_ascii_lowercase()),
        s.chars().any(|c| c.is_ascii_uppercase()),
        s.chars().any(|c| c.is_ascii_digit()),
        s.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|x| **x)
    .count();
    n >= 8 || (n >= 6 && classes >= 3)
}

impl Redactor {
    /// Collects the secrets of every file of `db`.
    pub fn from_db(db: &SourceDb) -> Self {
        use rayon::prelude::*;
        // Files in parallel, merged in file order.
        let per_file: Vec<(Vec<String>, Vec<LocalSecret>)> = (0..db.len())
            .into_par_iter()
            .map(|i| {
                let f = db.get(crate::span::FileId(i as u32));
                let (mut distinct, mut local) = (Vec::new(), Vec::new());
                for r in secret_ranges(&f.text) {
                    let v = &f.text[r.clone()];
                    if v.trim().is_empty() {
                        continue;
                    }
                    if is_distinctive(v) {
                        distinct.push(v.to_string());
                    } else {
                        let start = f.text[..r.start].rfind('\n').map_or(0, |p| p + 1);
                        let end = f.text[r.end..].find('\n').map_or(f.text.len(), |p| r.end + p);
                        local.push(LocalSecret { value: r.clone(), lines: start..end, text: v.to_string() });
                    }
                }
                (distinct, local)
            })
            .collect();
        let mut set = BTreeSet::new();
        let mut local: std::collections::HashMap<crate::span::FileId, Vec<LocalSecret>> = Default::default();
        for (i, (distinct, loc)) in per_file.into_iter().enumerate() {
            set.extend(distinct);
            if !loc.is_empty() {
                local.insert(crate::span::FileId(i as u32), loc);
            }
        }
        let mut r = Self::from_secrets(set);
        r.local = local;
        r
    }

    /// A redactor for these known secret values (plus the built-in patterns); every value is replaced everywhere.
    pub fn from_secrets(secrets: impl IntoIterator<Item = String>) -> Self {
        let mut secrets: Vec<String> = secrets.into_iter().filter(|s| !s.trim().is_empty()).collect();
        secrets.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        secrets.dedup();
        Redactor { secrets, local: Default::default() }
    }

    /// `text` without secrets: known values and pattern matches become [`REDACTED`].
    pub fn text(&self, text: &str) -> String {
        self.text_at(text, &[])
    }

    /// [`Redactor::text`] for the free text of a finding at `spans`: short secrets standing at one of
    /// these spans are replaced too.
    pub fn text_at(&self, text: &str, spans: &[crate::span::Span]) -> String {
        let mut ranges = secret_ranges(text);
        let at_span = spans.iter().flat_map(|s| {
            let (a, b) = (s.start as usize, s.end as usize);
            self.local
                .get(&s.file)
                .into_iter()
                .flatten()
                .filter(move |l| a >= l.lines.start && b <= l.lines.end && a <= l.value.start && b >= l.value.end)
        });
        let mut values: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
        values.extend(at_span.map(|l| l.text.as_str()));
        for s in values {
            // A short secret (`a`, `nats`) or one spelled like a key (`password`) is only replaced where it stands alone as a quoted
            // value (`` `a` ``, `"a"`), so ordinary words in messages survive.
            let short = s.chars().count() < 8 || SECRET_KEYS.split('|').any(|k| k.eq_ignore_ascii_case(s));
            let mut from = 0;
            while let Some(i) = text[from..].find(s) {
                let (a, b) = (from + i, from + i + s.len());
                from = b;
                if short && !quoted(text, a, b) {
                    continue;
                }
                ranges.push(a..b);
            }
        }
        replace_ranges(text, ranges, REDACTED)
    }
}

/// True when `text[a..b]` is enclosed in one pair of backticks or quotes.
fn quoted(text: &str, a: usize, b: usize) -> bool {
    let before = text[..a].chars().next_back();
    let after = text[b..].chars().next();
    matches!((before, after), (Some('`'), Some('`')) | (Some('"'), Some('"')) | (Some('\''), Some('\'')))
}

/// Replaces the union of `ranges` in `text` by `with`.
fn replace_ranges(text: &str, mut ranges: Vec<Range<usize>>, with: &str) -> String {
    if ranges.is_empty() {
        return text.to_string();
    }
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in merged {
        out.push_str(&text[at..r.start]);
        out.push_str(with);
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED_U: &str = "SUAMK2FG4MI6UE3ACF3FK3OIQBCEIEZV7NSWFFEW63UXMRLFM2XLAXK4GY";
    const JWT_T: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.eyJqdGkiOiJBQkMifQ.c2lnbmF0dXJl";

    fn masked(text: &str) -> String {
        mask_source(text).0
    }

    #[test]
    fn masks_nats_config_secrets_keeping_length() {
        let text = format!(
            "authorization {{\n  user: admin\n  password: \"s3cr3t-pw\"\n  token = tok_123\n  pass   spacedpw\n}}\nleafnodes {{ remotes [{{ url: \"nats://leaf:hunter22@hub:7422\" }}] }}\nnkey_seed: {SEED_U}\njwt: {JWT_T}\n"
        );
        let m = masked(&text);
        assert_eq!(m.len(), text.len());
        for secret in ["s3cr3t-pw", "tok_123", "spacedpw", "hunter22", SEED_U, JWT_T] {
            assert!(!m.contains(secret), "{secret} leaked: {m}");
        }
        assert!(m.contains("user: admin"), "{m}");
        assert!(m.contains("nats://leaf:********@hub:7422"), "{m}");
    }

    #[test]
    fn masks_env_yaml_systemd_and_k8s() {
        let text = "WASMCLOUD_CLUSTER_SEED=SCABC\nexport NATS_PASSWORD='pa ss'\nEnvironment=WASMCLOUD_RPC_JWT=abc.def\n\
                    env:\n  - name: NATS_TOKEN\n    value: \"kube-tok\" # a comment\n  - name: NATS_HOST\n    value: hub\n\
                    services:\n  nats:\n    environment:\n      NATS_PASS: composepw\n\
                    command: [\"--user\", \"a\", \"--pass\", \"listpw\"]\n\
                    args:\n  - --ctl-seed\n  - SCFLAGSEED\n  - --rpc-jwt=abc.jwt\n";
        let m = masked(text);
        for secret in ["SCABC", "pa ss", "abc.def", "kube-tok", "composepw", "listpw", "SCFLAGSEED", "abc.jwt"] {
            assert!(!m.contains(secret), "{secret} leaked: {m}");
        }
        assert!(m.contains("value: hub"), "{m}");
    }

    #[test]
    fn masks_creds_blocks_and_k8s_secret_data() {
        let creds = format!(
            "-----BEGIN NATS USER JWT-----\n{JWT_T}\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n{SEED_U}\n------END USER NKEY SEED------\n"
        );
        let m = masked(&creds);
        assert!(!m.contains(JWT_T) && !m.contains(SEED_U), "{m}");
        assert!(m.contains("BEGIN NATS USER JWT"));
        let secret =
            "apiVersion: v1\nkind: Secret\ndata:\n  user.creds: QUJDREVG\n  other: WFla\nmetadata:\n  name: x\n";
        let m = masked(secret);
        assert!(!m.contains("QUJDREVG") && !m.contains("WFla"), "{m}");
        assert!(m.contains("name: x"));
    }

    #[test]
    fn keeps_references_and_plain_values() {
        let text = "password: $PASS\nNATS_PASSWORD: ${NATS_PASSWORD}\nport: 4222\nhost: passhost\n";
        assert_eq!(masked(text), text);
    }

    #[test]
    fn redactor_scrubs_known_values_and_patterns() {
        let r = Redactor::from_secrets(["hunter22".to_string(), "pw".to_string()]);
        let t = r.text(&format!(
            "value `hunter22` and `pw` in `pwd-file` near {SEED_U} and nats://a:b@c, no token configured, pw is short"
        ));
        assert!(t.contains("pw is short"), "short secrets outside quotes are kept: {t}");
        assert!(t.contains("no token configured"), "prose is kept: {t}");
        assert!(!t.contains("hunter22") && !t.contains(SEED_U) && !t.contains(":b@"), "{t}");
        assert!(t.contains("`pwd-file`"), "short secrets only replaced as whole words: {t}");
        assert!(!t.contains("`pw`"), "{t}");
    }

    #[test]
    fn short_secrets_are_masked_only_at_their_own_span() {
        use crate::span::Span;
        let db = SourceDb::new("/r");
        let text = "accounts { WADM { users [ {user: wadm, password: wadm} ] } }\nleafnodes { port: 7422 }\n";
        let f = db.add("/r/hub.conf".into(), text);
        let r = Redactor::from_db(&db);
        let pw = text.rfind("wadm}").unwrap();
        let at_pw = Span::new(f, pw, pw + 4);
        let elsewhere = Span::new(f, text.find("leafnodes").unwrap(), text.len() - 1);
        assert_eq!(r.text_at("wadm `wadm` connects", &[elsewhere]), "wadm `wadm` connects");
        assert_eq!(r.text("account `wadm`"), "account `wadm`");
        assert_eq!(r.text_at("value `wadm` is weak", &[at_pw]), "value `[redacted]` is weak");
        // Distinctive secrets go everywhere, with or without a span.
        let db = SourceDb::new("/r");
        db.add("/r/a.conf".into(), "authorization { password: Xy7!pQ }\n");
        assert_eq!(Redactor::from_db(&db).text("saw `Xy7!pQ`"), "saw `[redacted]`");
        assert!(is_distinctive("hunter2hunter2") && !is_distinctive("wadm") && !is_distinctive("password"));
    }
}
