//! `invalid-value`: values of the wrong type or format for their key, as nats-server checks them.

use super::validators::{go_duration_secs, is_size_string, subject_ok, url_problem};
use crate::diagnostic::{Diagnostic, Severity};
use crate::nats::keys::{self, Key, Ty};
use crate::nats::{Map, ParsedConfig, Value, ValueKind};
use crate::source::SourceDb;
use crate::span::Span;
use crate::version::NatsVersion;

crate::declare_rule! {
    /// ## What it does
    /// Checks every value against the type nats-server expects for its key: quoted numbers and booleans
    /// (`port: "4222"`, `debug: "true"`), unquoted digit-only passwords or `yes`/`no` names (numbers and
    /// booleans, not strings), `listen: "4222"` (not `host:port`), size strings other than
    /// `"<int>K|M|G|T"` (`"1GB"`), durations Go cannot parse, integers out of range, values outside an
    /// enum, maps where a value is expected and the reverse. Also: names with spaces (`server_name`,
    /// `cluster.name`, `gateway.name`; rejected since 2.11.0), JetStream domains with `.`, `*`, `>` or
    /// whitespace, `extension_hint` other than `will_extend`/`no_extend`, `store_dir` both at the top
    /// level and in `jetstream {}`, authorization mixing a user, a token and `users`, and nkeys of the
    /// wrong role or with a bad checksum (account `nkey`, user `nkey`, remote `seed`, callout `issuer`),
    /// mapping destinations cut short at an unquoted `}`, and a `resolver {}` map without `dir`.
    ///
    /// ## Why is this bad?
    /// nats-server converts values with Go type assertions while it processes the config: a mismatch
    /// is an error (`interface conversion: interface {} is string, not int64`) and the server refuses
    /// to start; `nats-server -t` reports these. A few checks run only at startup (`validateOptions`):
    /// the JetStream domain, `extension_hint` (clustered JetStream) and, before 2.11.0, nothing at all
    /// for names with spaces; their label says that `nats-server -t` does not report them.
    /// See `truth/nats-conf-format.md` §3.1 (value typing) and §4 (semantic checks, P = processing,
    /// S = startup), and the types of `truth/nats-conf-keys.json`.
    ///
    /// ## Example
    /// ```nats title="nats.conf"
    /// port: "4222"
    /// listen: "4222"
    /// authorization { user: admin, password: 12345 }
    /// jetstream { max_mem: "1GB", domain: "eu.west" }
    /// ```
    ///
    /// ## How to fix
    /// Write the value in the form the message names: unquote numbers and booleans, quote strings that
    /// look like numbers or booleans (`password: "12345"`), use `host:port` or a bare port number,
    /// `"1G"` or an unquoted `1GB`, a Go duration such as `30s`, and a domain without dots.
    ///
    /// ## References
    /// - nats-server `server/opts.go` (`parseListen`, `getStorageSize`, `parseDuration`, `parseJetStream`)
    /// - nats-server `server/jetstream.go` `validateJetStreamOptions`
    pub(crate) static META = { name: "invalid-value", summary: "value of the wrong type or format for its key", severity: Error }
}

/// Label of findings that `nats-server -t` reports (the agreement script keys on these words).
pub const LABEL_CHECKED: &str = "nats-server rejects this while reading the config (`nats-server -t` reports it)";
/// Label of findings that only make the server fail at startup.
pub const LABEL_STARTUP: &str = "nats-server refuses to start with this (`nats-server -t` does not report it)";

/// Keys whose values are secrets: never quoted back in messages.
const SECRET_KEYS: &[&str] = &[
    "password",
    "pass",
    "token",
    "encryption_key",
    "key",
    "ek",
    "prev_encryption_key",
    "prev_key",
    "prev_ek",
    "nkey",
    "seed",
    "encryption_password",
    "srk_password",
];

/// A value that does not fit.
struct Bad {
    span: Span,
    message: String,
    help: Option<String>,
    startup_only: bool,
    severity: Severity,
}

impl Bad {
    fn new(span: Span, message: String) -> Self {
        Bad { span, message, help: None, startup_only: false, severity: Severity::Error }
    }
    fn help(mut self, h: impl Into<String>) -> Self {
        self.help = Some(h.into());
        self
    }
    fn startup(mut self) -> Self {
        self.startup_only = true;
        self
    }
    fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }
    fn into_diag(self) -> Diagnostic {
        let label = if self.severity == Severity::Warning {
            "nats-server accepts this now, but see below"
        } else if self.startup_only {
            LABEL_STARTUP
        } else {
            LABEL_CHECKED
        };
        let d = Diagnostic::new(&META, self.span, self.message).with_label(label).with_severity(self.severity);
        match self.help {
            Some(h) => d.with_help(h),
            None => d,
        }
    }
}

/// What a check needs besides the value.
struct Cx<'a> {
    db: &'a SourceDb,
    version: NatsVersion,
    /// The key as written, for messages.
    key: &'a str,
    secret: bool,
}

impl Cx<'_> {
    fn text(&self, v: &Value) -> String {
        let f = self.db.get(v.span.file);
        f.text.get(v.span.range()).unwrap_or("").to_string()
    }

    /// `a string `"4222"``, or just `a string` for secrets and long values.
    fn found(&self, v: &Value) -> String {
        let kind = match v.kind {
            ValueKind::Map(_) => "a map",
            ValueKind::Array(_) => "an array",
            ValueKind::String(_) => "a string",
            ValueKind::Integer(_) => "an integer",
            ValueKind::Float(_) => "a float",
            ValueKind::Bool(_) => "a boolean",
            ValueKind::DateTime(_) => "a datetime",
        };
        let text = self.text(v);
        if self.secret
            || matches!(v.kind, ValueKind::Map(_) | ValueKind::Array(_))
            || text.is_empty()
            || text.len() > 60
            || text.contains('\n')
        {
            kind.to_string()
        } else {
            format!("{kind} `{text}`")
        }
    }
}

/// All findings of this rule on one config (used by `check` and by tests).
pub fn check_config(cfg: &ParsedConfig, db: &SourceDb, version: NatsVersion, out: &mut Vec<Diagnostic>) {
    // A config the parser rejects never reaches nats-server's value checks.
    if !cfg.ok {
        return;
    }
    let clustered = keys::get(&cfg.root, keys::top(), "cluster").and_then(Value::as_map).is_some();
    keys::walk(&cfg.root, keys::top(), version, &mut |v| {
        let Some(k) = v.key.filter(|k| k.known_in(version)) else {
            return;
        };
        let lower = v.entry.key.to_ascii_lowercase();
        let c = Cx { db, version, key: &v.entry.key, secret: SECRET_KEYS.contains(&lower.as_str()) };
        if let Err(bad) = conforms(&c, &v.entry.value, &k.ty) {
            out.push(bad.into_diag());
            return;
        }
        if let Some(bad) = semantic(&c, v.block.path, k, &v.entry.value, clustered) {
            out.push(bad.into_diag());
        }
    });
    whole_config(&cfg.root, out);
}

/// A human name of a type, for "expected ..." messages.
fn expected(ty: &Ty) -> String {
    match ty {
        Ty::Str | Ty::Name | Ty::JsDomain | Ty::Semver | Ty::ResolverStr => "a string".into(),
        Ty::Nkey(role) => role.describe().into(),
        Ty::Int | Ty::IntRange { .. } => "an integer".into(),
        Ty::PercentStr => "a percentage such as `\"50%\"`".into(),
        Ty::Float => "a float".into(),
        Ty::Bool => "a boolean (`true`/`false`)".into(),
        Ty::Duration | Ty::DurationStr { .. } => "a duration such as `30s`".into(),
        Ty::Timeout => "seconds or a duration such as `2s`".into(),
        Ty::Size => "a size (`1G` unquoted, or `\"1G\"`)".into(),
        Ty::HostPort => "a port number or `host:port`".into(),
        Ty::Url => "a URL string".into(),
        Ty::Subject => "a subject string".into(),
        Ty::Enum { values, .. } => {
            format!("one of {}", values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", "))
        }
        Ty::Block(p) => format!("a map (`{} {{}}`)", p.rsplit('.').next().unwrap_or(p).trim_end_matches("[]")),
        Ty::FreeMap(_) | Ty::AnyMap => "a map".into(),
        Ty::Array(_) => "an array".into(),
        Ty::OneOf(alts) => {
            let mut parts: Vec<String> = Vec::new();
            for a in alts.iter() {
                let e = expected(a);
                if !parts.contains(&e) {
                    parts.push(e);
                }
            }
            parts.join(" or ")
        }
        Ty::Any => "any value".into(),
        Ty::Rejected(_) => "nothing".into(),
    }
}

/// Checks a value's type and format (nats-conf-format.md §3.1).
fn conforms(c: &Cx, v: &Value, ty: &Ty) -> Result<(), Bad> {
    let mismatch = || {
        let mut bad = Bad::new(v.span, format!("`{}` must be {}, not {}", c.key, expected(ty), c.found(v)));
        if let Some(h) = quoting_help(c, v, ty) {
            bad = bad.help(h);
        }
        bad
    };
    match (ty, &v.kind) {
        (Ty::Any, _) => Ok(()),
        (Ty::Rejected(msg), _) => Err(Bad::new(
            v.span,
            format!("`{}` is not allowed here: {}", c.key, msg.trim_start_matches("error: ").to_lowercase()),
        )
        .help("remove it")),
        (Ty::OneOf(alts), _) => {
            let mut first_err = None;
            for a in alts.iter() {
                match conforms(c, v, a) {
                    Ok(()) => return Ok(()),
                    // An alternative of the right shape decides the message (e.g. a bad enum string).
                    Err(e) if same_shape(a, v) && first_err.is_none() => first_err = Some(e),
                    Err(_) => {}
                }
            }
            Err(first_err.unwrap_or_else(mismatch))
        }
        (Ty::Str | Ty::Name | Ty::JsDomain | Ty::Semver, ValueKind::String(_)) => Ok(()),
        (Ty::Nkey(role), ValueKind::String(s)) => {
            if role.is_valid(s.trim()) {
                Ok(())
            } else {
                Err(Bad::new(v.span, format!("`{}` is not {}", c.key, role.describe())).help(
                    "copy the key from `nsc` or `nk` output; a key of another role or with a typo fails its checksum",
                ))
            }
        }
        (Ty::ResolverStr, ValueKind::String(s)) => {
            let u = s.trim().to_ascii_uppercase();
            if u == "MEM" || u == "MEMORY" || (u.starts_with("URL(") && u.ends_with(')')) {
                Ok(())
            } else {
                Err(Bad::new(
                    v.span,
                    format!("`{}` must be `MEM`, `MEMORY` or `URL(\"...\")`, not {}", c.key, c.found(v)),
                )
                .help("use one of those forms, or a `resolver { type: full, dir: ... }` map"))
            }
        }
        (Ty::Int, ValueKind::Integer(_)) => Ok(()),
        (Ty::IntRange { min, max }, ValueKind::Integer(i)) => {
            if i < min || i > max {
                let range = match (*min, *max) {
                    (i64::MIN, m) => format!("at most {m}"),
                    (m, i64::MAX) => format!("at least {m}"),
                    (a, b) => format!("between {a} and {b}"),
                };
                Err(Bad::new(v.span, format!("`{}` must be {range}, not `{i}`", c.key)))
            } else {
                Ok(())
            }
        }
        (Ty::PercentStr, ValueKind::String(s)) => match s.strip_suffix('%').map(str::trim).map(str::parse::<i64>) {
            Some(Ok(_)) => Ok(()),
            _ => Err(mismatch()),
        },
        (Ty::Float, ValueKind::Float(_)) => Ok(()),
        (Ty::Bool, ValueKind::Bool(_)) => Ok(()),
        (Ty::Duration, ValueKind::Integer(_)) => Ok(()), // seconds with a warning: silent-value-loss
        (Ty::Duration | Ty::DurationStr { .. } | Ty::Timeout, ValueKind::String(s)) => match go_duration_secs(s) {
            Some(secs) => match ty {
                Ty::DurationStr { min_secs: Some(m) } if secs < *m as f64 => {
                    Err(Bad::new(v.span, format!("`{}` must be at least {}s, not `{s}`", c.key, m)))
                }
                _ => Ok(()),
            },
            None => Err(Bad::new(v.span, format!("`{}` is not a valid duration: {}", c.key, c.found(v))).help(
                "use a Go duration: a number with a unit `ns`, `us`, `ms`, `s`, `m` or `h`, e.g. `30s`, `1m30s`",
            )),
        },
        (Ty::Timeout, ValueKind::Integer(_) | ValueKind::Float(_)) => Ok(()),
        (Ty::Size, ValueKind::Integer(_)) => Ok(()),
        (Ty::Size, ValueKind::String(s)) => {
            if s.is_empty() || is_size_string(s) {
                Ok(())
            } else {
                Err(Bad::new(v.span, format!("`{}` is not a valid size: {}", c.key, c.found(v))).help(
                    "a quoted size is a number with one upper-case suffix `K`, `M`, `G` or `T` (`\"1G\"`); unquoted sizes take conf suffixes (`1GB`)",
                ))
            }
        }
        (Ty::HostPort, ValueKind::Integer(_)) => Ok(()),
        (Ty::HostPort, ValueKind::String(s)) => {
            if crate::model::server::split_host_port(s).is_some() {
                Ok(())
            } else {
                Err(Bad::new(v.span, format!("`{}` must be a port number or `host:port`, not {}", c.key, c.found(v)))
                    .help(format!(
                        "write the port as a number (`{}: 4222`) or give a host (`\"0.0.0.0:4222\"`)",
                        c.key
                    )))
            }
        }
        (Ty::Url, ValueKind::String(s)) => match url_problem(s) {
            None => Ok(()),
            Some(why) => Err(Bad::new(v.span, format!("`{}` is not a valid URL: {why}", c.key))),
        },
        (Ty::Subject, ValueKind::String(s)) => {
            if subject_ok(s) {
                Ok(())
            } else {
                Err(Bad::new(v.span, format!("`{}` is not a valid subject: {}", c.key, c.found(v))))
            }
        }
        (Ty::Enum { values, case_insensitive }, ValueKind::String(s)) => {
            let ok = values.iter().any(|x| if *case_insensitive { x.eq_ignore_ascii_case(s) } else { x == s });
            if ok {
                Ok(())
            } else {
                Err(Bad::new(v.span, format!("`{}` must be {}, not {}", c.key, expected(ty), c.found(v))))
            }
        }
        (Ty::Block(_) | Ty::AnyMap, ValueKind::Map(_)) => Ok(()),
        (Ty::FreeMap(inner), ValueKind::Map(m)) => {
            for e in &m.entries {
                let ec = Cx { key: &e.key, ..*c };
                conforms(&ec, &e.value, inner)?;
            }
            Ok(())
        }
        (Ty::Array(inner), ValueKind::Array(items)) => {
            for it in items {
                conforms(c, it, inner)?;
            }
            Ok(())
        }
        _ => Err(mismatch()),
    }
}

/// True when the alternative expects the value's kind (so its own error is the useful one).
fn same_shape(ty: &Ty, v: &Value) -> bool {
    matches!(
        (ty, &v.kind),
        (Ty::Enum { .. } | Ty::DurationStr { .. } | Ty::Duration | Ty::ResolverStr | Ty::Size, ValueKind::String(_))
            | (Ty::IntRange { .. }, ValueKind::Integer(_))
    )
}

/// Help for values that only need (un)quoting.
fn quoting_help(c: &Cx, v: &Value, ty: &Ty) -> Option<String> {
    let wants = |pred: &dyn Fn(&Ty) -> bool| match ty {
        Ty::OneOf(alts) => alts.iter().any(pred),
        t => pred(t),
    };
    match &v.kind {
        ValueKind::String(s) => {
            let t = s.trim();
            let is_int = t.parse::<i64>().is_ok();
            let is_bool = matches!(t.to_ascii_lowercase().as_str(), "true" | "false" | "yes" | "no" | "on" | "off");
            if is_int && wants(&|t| matches!(t, Ty::Int | Ty::IntRange { .. } | Ty::Size | Ty::Timeout)) {
                return Some(format!("remove the quotes: `{}: {t}`", c.key));
            }
            if is_bool && wants(&|t| matches!(t, Ty::Bool)) {
                return Some(format!("remove the quotes: `{}: {}`", c.key, t.to_ascii_lowercase()));
            }
            None
        }
        ValueKind::Integer(_) | ValueKind::Float(_) | ValueKind::Bool(_)
            if wants(&|t| matches!(t, Ty::Str | Ty::Name | Ty::JsDomain | Ty::Subject | Ty::Url)) =>
        {
            if c.secret {
                Some("quote the value: unquoted digits and `true`/`yes`/`no`/`on`/`off` are not strings".into())
            } else {
                Some(format!("quote the value: `{}: \"{}\"`", c.key, c.text(v)))
            }
        }
        _ => None,
    }
}

/// Checks beyond the type (nats-conf-format.md §4), by block and canonical key.
fn semantic(c: &Cx, block: &str, k: &Key, v: &Value, clustered: bool) -> Option<Bad> {
    let s = v.as_str()?;
    match (block, k.canonical) {
        ("", "server_name") | ("cluster", "name") | ("gateway", "name") if s.contains(' ') => {
            let what = match block {
                "" => "server name",
                "cluster" => "cluster name",
                _ => "gateway name",
            };
            let bad =
                Bad::new(v.span, format!("{what} `{s}` contains a space")).help("remove the spaces (use `-` or `_`)");
            if c.version.at_least(NatsVersion::new(2, 11, 0)) {
                Some(bad)
            } else {
                Some(bad.warning().help(format!(
                    "nats-server 2.11.0 and later reject {what}s with spaces (`{what} cannot contain spaces`); use `-` or `_`"
                )))
            }
        }
        ("jetstream", "domain") => {
            let bad_char = s.chars().find(|ch| matches!(ch, '.' | '*' | '>') || ch.is_whitespace());
            bad_char.map(|ch| {
                Bad::new(v.span, format!("JetStream domain `{s}` contains `{}`", ch.escape_default()))
                    .help("a domain is one subject token (`$JS.<domain>.API`): no `.`, `*`, `>` or whitespace")
                    .startup()
            })
        }
        ("mappings", _) | ("mapping_dest", "dest") if s.matches("{{").count() != s.matches("}}").count() => {
            let bad = Bad::new(v.span, format!("mapping destination `{s}` has an unclosed `{{{{`"))
                .help("quote the destination: an unquoted `}` ends the map (`\"orders.central.{{wildcard(1)}}\"`)");
            // 2.9.10 rejects the destination (`not using all of the token wildcard(s)`); 2.15.1 accepts it as written.
            Some(if c.version.at_least(NatsVersion::new(2, 10, 0)) { bad.warning() } else { bad })
        }
        ("jetstream", "extension_hint") if s != "will_extend" && s != "no_extend" => {
            let bad = Bad::new(v.span, format!("`extension_hint` must be `will_extend` or `no_extend`, not `{s}`"))
                .help("use `will_extend` or `no_extend` (exact spelling)")
                .startup();
            Some(if clustered { bad } else { bad.warning() })
        }
        _ => None,
    }
}

/// Checks that involve several keys of one config.
fn whole_config(root: &Map, out: &mut Vec<Diagnostic>) {
    let top = keys::top();
    // `store_dir` at the top level and in `jetstream {}` (opts.go:1312-1318, 2690-2695).
    if let (Some(a), Some(js)) =
        (keys::entry(root, top, "store_dir"), keys::get(root, top, "jetstream").and_then(Value::as_map))
    {
        if let Some(b) = keys::block("jetstream").and_then(|jb| keys::entry(js, jb, "store_dir")) {
            out.push(
                Bad::new(b.key_span, "`store_dir` is set both at the top level and in `jetstream {}`".into())
                    .help("keep one `store_dir` (nats-server: `Duplicate 'store_dir' configuration`)")
                    .into_diag()
                    .with_related(a.key_span, "top-level `store_dir`"),
            );
        }
    }
    // Top-level authorization: user/password with token, token or user with users (opts.go:1219-1271).
    if let Some(auth) = keys::get(root, top, "authorization").and_then(Value::as_map) {
        let Some(ab) = keys::block("authorization") else {
            return;
        };
        let user = keys::entry(auth, ab, "user");
        let token = keys::entry(auth, ab, "token");
        let users = keys::entry(auth, ab, "users");
        let msg = match (user, token, users) {
            (Some(_), Some(t), _) => Some((t.key_span, "`authorization` has both a user/password and a `token`")),
            (_, Some(t), Some(_)) => Some((t.key_span, "`authorization` has both a `token` and `users`")),
            (Some(u), None, Some(_)) => Some((u.key_span, "`authorization` has both a single `user` and `users`")),
            _ => None,
        };
        if let Some((span, m)) = msg {
            out.push(Bad::new(span, m.into()).help("use one form of authentication in `authorization {}`").into_diag());
        }
    }
    // A `resolver {}` map needs `dir` (opts.go:1615-1627; 2.9.10: `dir has no value`).
    if let Some(e) = keys::entry(root, top, "resolver") {
        if let Some(m) = e.value.as_map() {
            if m.get("dir").is_none() {
                out.push(
                    Bad::new(e.key_span, "`resolver {}` has no `dir`".into())
                        .help("give the JWT directory (`dir: \"./jwt\"`) and `type: full` or `cache`, or use `resolver: MEMORY`")
                        .into_diag(),
                );
            }
        }
    }
    // `$G` is reserved (opts.go:3667-3991).
    if let Some(accs) = keys::get(root, top, "accounts").and_then(Value::as_map) {
        for e in accs.entries.iter().filter(|e| e.key == "$G") {
            out.push(
                Bad::new(e.key_span, "account name `$G` is reserved".into()).help("rename the account").into_diag(),
            );
        }
    }
}
