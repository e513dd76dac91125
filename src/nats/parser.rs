//! The parser: turns lexer items into the spanned value tree with the reference parser's stack
//! machine (`conf/parse.go`): a stack of contexts (maps, arrays) and a separate stack of keys.
//! Keeping the separate key stack reproduces nats-server's quirks exactly (a value-less key in a
//! map steals the map, an unknown size suffix stores nothing and shifts later values), and is
//! where those silent losses are reported. Includes and `$variables` are resolved here.

use super::chars::decode_go_lossy;
use super::include::{go_dir, go_join, IncludeLoader, IncludeRequest};
use super::lexer::{Item, ItemType, Lexer};
use super::value::{Entry, Map, Value, ValueKind, VariableOrigin};
use super::ParseOptions;
use crate::diagnostic::Diagnostic;
use crate::nats::findings::{
    INCLUDE_CYCLE, INCLUDE_NOT_FOUND, INCLUDE_OUTSIDE_ROOT, INVALID_ENCODING, SILENT_VALUE_LOSS, SYNTAX_ERROR,
    UNDEFINED_VARIABLE,
};
use crate::source::SourceDb;
use crate::span::{FileId, Span};
use crate::version::NatsVersion;
use std::path::{Path, PathBuf};

/// Includes nested deeper than this are refused (cycles are caught earlier).
const MAX_INCLUDE_DEPTH: usize = 64;
/// Environment variables referring to each other deeper than this are refused.
const MAX_ENV_DEPTH: usize = 64;

/// State shared by the parse of one file and of everything it includes.
pub(crate) struct Session<'a> {
    pub db: &'a SourceDb,
    pub opts: &'a ParseOptions,
    pub loader: &'a dyn IncludeLoader,
    pub diagnostics: Vec<Diagnostic>,
    pub includes: Vec<FileId>,
    /// Files being parsed, outermost first: (identity, file, directive that included it).
    pub include_stack: Vec<(String, FileId, Option<Span>)>,
    /// Environment variables being resolved, outermost first.
    pub env_chain: Vec<String>,
    /// Path of the top-level file, canonicalised into its identity on the first include.
    pub root_path: PathBuf,
}

/// Why a parse stopped. `go` is the reference parser's error text.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub go: String,
    pub kind: FailKind,
}

#[derive(Debug, Clone)]
pub(crate) enum FailKind {
    /// A diagnostic was already pushed.
    Reported,
    Syntax,
    Cycle(Vec<String>),
    NotFound(String),
}

enum Ctx {
    Map { map: Map, open: usize, key_depth: usize },
    Array { vals: Vec<Value>, open: usize },
}

struct KeyRec {
    name: String,
    span: Span,
    /// A silent-value-loss note already covers this key.
    reported: bool,
}

pub(crate) struct Parser<'t, 's, 'a> {
    lx: Lexer<'t>,
    text: &'t str,
    file: FileId,
    /// The path nats-server knows this file by (includes resolve against its folder).
    path: PathBuf,
    s: &'s mut Session<'a>,
    /// Parsing an environment variable's value: no diagnostics (spans are not real).
    quiet: bool,
    ctxs: Vec<Ctx>,
    keys: Vec<KeyRec>,
}

fn newest_eof_check(v: NatsVersion) -> bool {
    v >= NatsVersion::new(2, 9, 22)
}

/// Versions whose lexer reads `1m30s`/`4e2abc` (a digit after a size suffix) as one string (PR #8263).
fn suffix_digit_strings(v: NatsVersion) -> bool {
    v >= NatsVersion::new(2, 15, 0)
}

/// Versions that detect environment variable cycles instead of crashing.
fn detects_env_cycles(v: NatsVersion) -> bool {
    match (v.major, v.minor) {
        (2, 11) => v.patch >= 12,
        (2, 12) => v.patch >= 4,
        (2, 13) => false,
        (2, m) => m >= 14,
        (maj, _) => maj > 2,
    }
}

/// Releases that delete every `$`-referenced key before the server sees the config
/// (`cleanupUsedEnvVars`, v2.11.0-v2.11.17 and v2.12.0-v2.12.5).
pub(crate) fn deletes_used_variables(v: NatsVersion) -> bool {
    matches!((v.major, v.minor, v.patch), (2, 11, 0..=17) | (2, 12, 0..=5))
}

/// Removes `$`-referenced entries recursively through maps (not arrays), like `cleanupUsedEnvVars`,
/// reporting each as `silent-value-loss`.
pub(crate) fn delete_used_variables(m: &mut Map, v: NatsVersion, out: &mut Vec<Diagnostic>) {
    m.entries.retain_mut(|e| {
        if e.used_as_variable {
            out.push(
                Diagnostic::new(
                    &SILENT_VALUE_LOSS,
                    e.key_span,
                    format!("`{}` is referenced as `${}`, and nats-server {v} deletes referenced keys before using the config", e.key, e.key),
                )
                .with_label("deleted by nats-server 2.11.0-2.11.17 and 2.12.0-2.12.5")
                .with_help("upgrade nats-server, or keep the setting and the variable under different names"),
            );
            return false;
        }
        if let ValueKind::Map(inner) = &mut e.value.kind {
            delete_used_variables(inner, v, out);
        }
        true
    });
}

/// 1-based line of a byte offset, counting `\n` only (like the reference lexer).
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    1 + text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count()
}

/// Byte offset of `offset` from the previous `\n` (the reference's error column).
fn col_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    match text.as_bytes()[..end].iter().rposition(|&b| b == b'\n') {
        Some(i) => end - i,
        None => end,
    }
}

impl<'t, 's, 'a> Parser<'t, 's, 'a> {
    pub fn new(text: &'t str, file: FileId, path: PathBuf, s: &'s mut Session<'a>, quiet: bool) -> Self {
        let blocks = s.opts.version >= NatsVersion::new(2, 10, 16);
        let mut lx = Lexer::new(text, blocks);
        lx.suffix_digit_string = suffix_digit_strings(s.opts.version);
        Parser {
            lx,
            text,
            file,
            path,
            s,
            quiet,
            ctxs: vec![Ctx::Map { map: Map::default(), open: 0, key_depth: 0 }],
            keys: Vec::new(),
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        let len = self.text.len();
        let mut s = start.min(len);
        let mut e = end.min(len).max(s);
        while !self.text.is_char_boundary(s) {
            s -= 1;
        }
        while !self.text.is_char_boundary(e) {
            e += 1;
        }
        Span::new(self.file, s, e)
    }

    fn item_span(&self, it: &Item) -> Span {
        self.span(it.start, it.end)
    }

    fn push_diag(&mut self, d: Diagnostic) {
        if !self.quiet {
            self.s.diagnostics.push(d);
        }
    }

    /// Reports a failure as a diagnostic (unless quiet) and returns it.
    fn fail(&mut self, go: String, d: Diagnostic, quiet_kind: FailKind) -> Failure {
        if self.quiet {
            Failure { go, kind: quiet_kind }
        } else {
            self.s.diagnostics.push(d);
            Failure { go, kind: FailKind::Reported }
        }
    }

    /// Parses everything; returns the top-level map (partial after an error) and the outcome.
    pub fn run(mut self) -> (Map, Result<(), Failure>) {
        let mut res = self.run_items();
        if res.is_ok() {
            self.report_leftovers();
        }
        let root = match self.ctxs.swap_remove(0) {
            Ctx::Map { map, .. } => map,
            Ctx::Array { .. } => Map::default(),
        };
        if res.is_ok() && root.is_empty() && self.s.opts.version == NatsVersion::new(2, 9, 21) {
            let d = Diagnostic::new(&SYNTAX_ERROR, self.span(0, 0), "config has no values")
                .with_label("empty configuration")
                .with_help("nats-server 2.9.21 rejects empty configs (and empty includes): add a setting or upgrade");
            res = Err(self.fail("config has no values or is empty".into(), d, FailKind::Syntax));
        }
        (root, res)
    }

    fn run_items(&mut self) -> Result<(), Failure> {
        let mut prev_key = false;
        loop {
            let it = self.lx.next_item();
            if it.typ == ItemType::Eof {
                if prev_key && newest_eof_check(self.s.opts.version) {
                    if let Some(k) = self.keys.last() {
                        if k.name != "}" {
                            return Err(self.valueless_key_error(&it));
                        }
                    }
                }
                break;
            }
            prev_key = it.typ == ItemType::Key;
            self.process(it)?;
        }
        self.report_swallowed(0);
        Ok(())
    }

    /// `]` swallowed after an integer inside an array that still closed (by a later `]`): the
    /// value silently became a string such as `"2]"`.
    fn report_swallowed(&mut self, after: usize) {
        let keep = self.lx.swallowed_brackets.iter().take_while(|&&b| b < after).count();
        let gone: Vec<usize> = self.lx.swallowed_brackets.drain(keep..).collect();
        for b in gone {
            let d = Diagnostic::new(
                &SILENT_VALUE_LOSS,
                self.span(b, b + 1),
                "`]` right after an integer is read as part of a string value",
            )
            .with_label("this `]` becomes part of the value")
            .with_help("nats-server swallows `]` right after an integer: write `[1, 2 ]` or put `]` on its own line");
            self.push_diag(d);
        }
    }

    fn valueless_key_error(&mut self, eof: &Item) -> Failure {
        let k = self.keys.last().expect("checked by caller");
        let go = format!(
            "config is invalid ({}:{}:{})",
            self.path.display(),
            line_of(self.text, eof.end),
            col_of(self.text, eof.end)
        );
        let comma = self.comma_before(k.span.start as usize);
        let mut d = Diagnostic::new(&SYNTAX_ERROR, k.span, format!("key `{}` has no value", k.name))
            .with_label("key without a value at the end of the file");
        d = d.with_help(if comma {
            "a `,` ends an unquoted value, so the text after it became a key: quote the whole value (`\"a,b\"`)"
                .to_string()
        } else {
            "give the key a value (`key: value`) or remove it; nats-server 2.9.22+ rejects the file".to_string()
        });
        let d = self.with_server_line(d, eof.end);
        self.fail(go, d, FailKind::Syntax)
    }

    /// Adds a related label where nats-server reports an error (`offset`, the lexer's position) when
    /// that is on another line than the finding: its lexer counts a line when it reads the `\n`, so
    /// an error at a line end (a key without a value, `include` without a path) or at the end of the
    /// input (an unclosed string, map or array) is reported on the next line.
    fn with_server_line(&self, d: Diagnostic, offset: usize) -> Diagnostic {
        let offset = offset.min(self.text.len());
        let line = line_of(self.text, offset);
        let same = |sp: &Span| sp.file == self.file && line_of(self.text, sp.start as usize) == line;
        if same(&d.span) || d.related.iter().any(|r| same(&r.span)) {
            return d;
        }
        d.with_related(self.span(offset, offset), format!("nats-server reports this error on line {line}"))
    }

    /// True when the last non-blank character before `offset` on its line is a `,`.
    fn comma_before(&self, offset: usize) -> bool {
        let before = &self.text[..offset.min(self.text.len())];
        before.trim_end_matches([' ', '\t']).ends_with(',')
    }

    /// Silent losses left on the key stack once the file parsed.
    fn report_leftovers(&mut self) {
        let skipped = self.lx.skipped_top_braces;
        let keys = std::mem::take(&mut self.keys);
        for k in keys.iter().filter(|k| !k.reported) {
            let d = if k.name == "}" {
                if skipped > 0 {
                    continue; // closes a JSON-style file whose `{` nats-server 2.9 skipped
                }
                Diagnostic::new(
                    &SILENT_VALUE_LOSS,
                    k.span,
                    "stray `}` at the top level is read as a key named `}` and ignored",
                )
                .with_label("no `{` opens this")
                .with_help("remove the `}` or add the matching `{`")
            } else if self.comma_before(k.span.start as usize) {
                Diagnostic::new(
                    &SILENT_VALUE_LOSS,
                    k.span,
                    format!("`{}` after a `,` becomes a key without a value and is dropped", k.name),
                )
                .with_label("dropped by nats-server before 2.9.22, an error since")
                .with_help("a `,` ends an unquoted value: quote the whole value (`\"a,b\"`)")
            } else {
                Diagnostic::new(&SILENT_VALUE_LOSS, k.span, format!("key `{}` has no value and is dropped", k.name))
                    .with_label("dropped by nats-server before 2.9.22, an error since")
                    .with_help("give the key a value (`key: value`) or remove it")
            };
            self.push_diag(d);
        }
        self.keys = keys;
    }

    fn set_value(&mut self, val: Value, included_from: Option<Span>, used: bool) -> Result<(), Failure> {
        let key = match self.ctxs.last_mut() {
            Some(Ctx::Array { vals, .. }) => {
                vals.push(val);
                return Ok(());
            }
            Some(Ctx::Map { .. }) => self.keys.pop(),
            None => None,
        };
        match (key, self.ctxs.last_mut()) {
            (Some(k), Some(Ctx::Map { map, .. })) => {
                map.entries.push(Entry {
                    key: k.name,
                    key_span: k.span,
                    value: val,
                    used_as_variable: used,
                    included_from,
                });
                Ok(())
            }
            _ => {
                let d = Diagnostic::new(&SYNTAX_ERROR, val.span, "value without a key")
                    .with_help("please report this input");
                Err(self.fail("BUG in parser, keys stack empty".into(), d, FailKind::Syntax))
            }
        }
    }

    fn item_text(&self, it: &Item) -> String {
        match &it.owned {
            Some(bytes) => decode_go_lossy(bytes).0,
            None => self.lx.text(it).to_string(),
        }
    }

    fn process(&mut self, it: Item) -> Result<(), Failure> {
        let span = self.item_span(&it);
        match it.typ {
            ItemType::Error => Err(self.lex_error(&it)),
            ItemType::Key => {
                let name = self.item_text(&it);
                self.keys.push(KeyRec { name, span, reported: false });
                Ok(())
            }
            ItemType::MapStart => {
                let key_depth = self.keys.len();
                self.ctxs.push(Ctx::Map { map: Map::default(), open: it.start, key_depth });
                Ok(())
            }
            ItemType::MapEnd => {
                if self.ctxs.len() < 2 {
                    let d =
                        Diagnostic::new(&SYNTAX_ERROR, span, "unbalanced `}`").with_help("please report this input");
                    return Err(self.fail("BUG in parser, context stack empty".into(), d, FailKind::Syntax));
                }
                let ctx = self.ctxs.pop().expect("length checked");
                let (kind, open) = match ctx {
                    Ctx::Map { map, open, key_depth } => {
                        self.check_map_dangling(key_depth, open, it.end);
                        (ValueKind::Map(map), open)
                    }
                    Ctx::Array { vals, open } => (ValueKind::Array(vals), open),
                };
                self.set_value(Value::new(kind, self.span(open, it.end)), None, false)
            }
            ItemType::ArrayStart => {
                self.ctxs.push(Ctx::Array { vals: Vec::new(), open: it.start });
                Ok(())
            }
            ItemType::ArrayEnd => {
                if let Some(Ctx::Array { open, .. }) = self.ctxs.last() {
                    let open = *open;
                    self.report_swallowed(open);
                }
                if self.ctxs.len() < 2 {
                    let d =
                        Diagnostic::new(&SYNTAX_ERROR, span, "unbalanced `]`").with_help("please report this input");
                    return Err(self.fail("BUG in parser, context stack empty".into(), d, FailKind::Syntax));
                }
                let ctx = self.ctxs.pop().expect("length checked");
                let (kind, open) = match ctx {
                    Ctx::Array { vals, open } => (ValueKind::Array(vals), open),
                    Ctx::Map { map, open, .. } => (ValueKind::Map(map), open),
                };
                self.set_value(Value::new(kind, self.span(open, it.end)), None, false)
            }
            ItemType::String => {
                let s = self.item_text(&it);
                self.set_value(Value::new(ValueKind::String(s), span), None, false)
            }
            ItemType::Bool => {
                let b = matches!(self.lx.text(&it).to_ascii_lowercase().as_str(), "true" | "yes" | "on");
                self.set_value(Value::new(ValueKind::Bool(b), span), None, false)
            }
            ItemType::Integer => self.integer(&it, span),
            ItemType::Float => {
                let t = self.lx.text(&it);
                match t.parse::<f64>() {
                    Ok(f) if f.is_finite() => self.set_value(Value::new(ValueKind::Float(f), span), None, false),
                    Ok(_) => {
                        let d = Diagnostic::new(&SYNTAX_ERROR, span, format!("float `{t}` is out of range"))
                            .with_label("too large for a 64-bit float")
                            .with_help("use a smaller number");
                        Err(self.fail(format!("float '{t}' is out of the range"), d, FailKind::Syntax))
                    }
                    Err(_) => {
                        let d = Diagnostic::new(&SYNTAX_ERROR, span, format!("`{t}` is not a float"))
                            .with_label("only ASCII digits form numbers")
                            .with_help("write the number with ASCII digits or quote it");
                        Err(self.fail(format!("expected float, but got '{t}'"), d, FailKind::Syntax))
                    }
                }
            }
            ItemType::Datetime => {
                let t = self.lx.text(&it);
                if valid_zulu(t) {
                    self.set_value(Value::new(ValueKind::DateTime(t.to_string()), span), None, false)
                } else {
                    let d = Diagnostic::new(&SYNTAX_ERROR, span, format!("`{t}` is not a valid datetime"))
                        .with_label("month, day or time out of range")
                        .with_help("write a real date as `YYYY-MM-DDThh:mm:ssZ`, or quote the value");
                    Err(self.fail(format!("expected Zulu formatted DateTime, but got '{t}'"), d, FailKind::Syntax))
                }
            }
            ItemType::Variable => self.variable(&it, span),
            ItemType::Include => self.include(&it, span),
            ItemType::Comment | ItemType::Eof => Ok(()),
        }
    }

    /// A map closed while a key inside it still waits for a value (`{ key }` or an unknown size
    /// suffix): nats-server stores the map under that key, and the map's own key is left dangling.
    fn check_map_dangling(&mut self, key_depth: usize, open: usize, close: usize) {
        if self.keys.len() <= key_depth {
            return;
        }
        let span = self.span(open, close);
        let outer = match key_depth.checked_sub(1).and_then(|i| self.keys.get_mut(i)) {
            Some(o) => {
                let was = o.reported;
                o.reported = true;
                (!was).then(|| o.name.clone())
            }
            None => None,
        };
        let Some(k) = self.keys.last_mut() else { return };
        let lost = outer.as_ref().map(|o| format!(" and `{o}` is lost")).unwrap_or_default();
        let d = if !k.reported {
            k.reported = true;
            Diagnostic::new(
                &SILENT_VALUE_LOSS,
                k.span,
                format!("key `{}` has no value: nats-server stores this map under `{}`{lost}", k.name, k.name),
            )
            .with_label("key without a value")
            .with_related(span, "this map is assigned to the value-less key")
            .with_help("give the key a value (`key: value`) or remove it")
        } else if let Some(o) = outer {
            Diagnostic::new(
                &SILENT_VALUE_LOSS,
                span,
                format!(
                    "nats-server stores this map under `{}` (left without a value above) and `{o}` is lost",
                    k.name
                ),
            )
            .with_label("assigned to the wrong key")
            .with_related(k.span, "this key has no value")
            .with_help("fix the value of the key inside the map")
        } else {
            return;
        };
        self.push_diag(d);
    }

    fn integer(&mut self, it: &Item, span: Span) -> Result<(), Failure> {
        let t = self.lx.text(it);
        let bytes = t.as_bytes();
        let runes = t.chars().take_while(|&c| super::chars::is_digit(c) || c == '-').count();
        let cut = runes.min(bytes.len());
        let num_str = std::str::from_utf8(&bytes[..cut]).ok();
        let num = match num_str.map(|s| s.parse::<i64>()) {
            Some(Ok(n)) => n,
            Some(Err(e))
                if matches!(e.kind(), std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow) =>
            {
                let d = Diagnostic::new(&SYNTAX_ERROR, span, format!("integer `{t}` is out of range"))
                    .with_label("does not fit in a signed 64-bit integer")
                    .with_help("use a value between -9223372036854775808 and 9223372036854775807");
                return Err(self.fail(format!("integer '{t}' is out of the range"), d, FailKind::Syntax));
            }
            _ => {
                let d = Diagnostic::new(&SYNTAX_ERROR, span, format!("`{t}` is not an integer"))
                    .with_label("only ASCII digits form numbers")
                    .with_help("write the number with ASCII digits or quote the value");
                return Err(self.fail(format!("expected integer, but got '{t}'"), d, FailKind::Syntax));
            }
        };
        let suffix = std::str::from_utf8(&bytes[cut..])
            .map(|s| s.trim().to_ascii_lowercase())
            .unwrap_or_else(|_| "\u{FFFD}".into());
        let mult: Option<i64> = match suffix.as_str() {
            "" => Some(1),
            "k" => Some(1_000),
            "kb" | "ki" | "kib" => Some(1 << 10),
            "m" => Some(1_000_000),
            "mb" | "mi" | "mib" => Some(1 << 20),
            "g" => Some(1_000_000_000),
            "gb" | "gi" | "gib" => Some(1 << 30),
            "t" => Some(1_000_000_000_000),
            "tb" | "ti" | "tib" => Some(1 << 40),
            "p" => Some(1_000_000_000_000_000),
            "pb" | "pi" | "pib" => Some(1 << 50),
            "e" => Some(1_000_000_000_000_000_000),
            "eb" | "ei" | "eib" => Some(1 << 60),
            _ => None,
        };
        match mult {
            Some(m) => self.set_value(Value::new(ValueKind::Integer(num.wrapping_mul(m)), span), None, false),
            None => {
                self.report_unmapped_suffix(t, &suffix, span);
                Ok(())
            }
        }
    }

    fn report_unmapped_suffix(&mut self, t: &str, suffix: &str, span: Span) {
        let key = self.keys.last_mut().map(|k| {
            k.reported = true;
            k.name.clone()
        });
        let in_array = matches!(self.ctxs.last(), Some(Ctx::Array { .. }));
        let lost = match (&key, in_array) {
            (_, true) => "the array element is dropped".to_string(),
            (Some(k), false) => {
                format!("key `{k}` is lost and the next value may be stored under it")
            }
            (None, false) => "the value is dropped".to_string(),
        };
        let d = Diagnostic::new(
            &SILENT_VALUE_LOSS,
            span,
            format!("size suffix `{suffix}` of `{t}` is unknown to nats-server: no value is stored and {lost}"),
        )
        .with_label("unknown size suffix")
        .with_help(
            "use k, m, g, t, p, e (powers of 1000) or kb/ki/kib, mb/mi/mib, ... (powers of 1024), or quote the value",
        );
        self.push_diag(d);
    }

    fn lex_error(&mut self, it: &Item) -> Failure {
        let e = it.error.as_deref().cloned().unwrap_or(super::error::LexError::Bug);
        let go = format!("Parse error on line {}: '{}'", line_of(self.text, it.end), e.go_message());
        let mut span = self.item_span(it);
        if span.is_empty() && span.start as usize == self.text.len() && !self.text.is_empty() {
            // at the end of input: point at the last character
            let last = self.text.char_indices().next_back().map(|(i, _)| i).unwrap_or(0);
            span = self.span(last, self.text.len());
        }
        let at_eof = it.end >= self.text.len() || self.text.as_bytes().get(it.start) == Some(&0);
        let unclosed = if at_eof {
            self.ctxs.iter().skip(1).last().map(|c| match c {
                Ctx::Map { open, .. } => (self.span(*open, *open + 1), "this `{` is never closed"),
                Ctx::Array { open, .. } => (self.span(*open, *open + 1), "this `[` is never closed"),
            })
        } else {
            None
        };
        let in_array_or_after = !self.lx.swallowed_brackets.is_empty();
        let d = if in_array_or_after {
            let b = *self.lx.swallowed_brackets.last().expect("non-empty");
            self.lx.swallowed_brackets.clear();
            Diagnostic::new(&SYNTAX_ERROR, self.span(b, b + 1), "`]` right after an integer does not close the array")
                .with_label("read as part of the value, not as the end of the array")
                .with_related(span, format!("the parse then fails here: {}", e.message()))
                .with_help(
                    "nats-server swallows `]` right after an integer: write `[1, 2 ]` or put `]` on its own line",
                )
        } else if self.lx.suffix_split == Some(it.start) {
            Diagnostic::new(&SYNTAX_ERROR, span, e.message())
                .with_label("the number ended at the size suffix before this digit")
                .with_help(format!(
                    "quote the value: before nats-server 2.15 a digit right after a size suffix (`k`, `m`, `e`, ...) ends the number (e.g. `1m30s` is `1m`, then `30s`); 2.15 reads the word as a string, this profile is {}",
                    self.s.opts.version
                ))
        } else {
            Diagnostic::new(&SYNTAX_ERROR, span, e.message()).with_label(e.label()).with_help(e.help())
        };
        let d = match unclosed {
            Some((sp, msg)) => d.with_related(sp, msg),
            None => d,
        };
        let d = self.with_server_line(d, it.end);
        self.fail(go, d, FailKind::Syntax)
    }

    fn variable(&mut self, it: &Item, span: Span) -> Result<(), Failure> {
        let name = self.lx.text(it).to_string();
        let line = line_of(self.text, it.end);
        match self.lookup(&name, span) {
            Ok(Some(v)) => {
                let used = false;
                self.set_value(v, None, used)
            }
            Ok(None) => {
                let go = format!("variable reference for '{name}' on line {line} can not be found");
                let help = if name.starts_with("2b$") || name.starts_with("2y$") {
                    "nats-server only treats `$2a$` bcrypt hashes as literals: quote the hash or generate a `$2a$` one"
                        .to_string()
                } else if name.starts_with('{') {
                    "`${NAME}` is not supported: write `$NAME`".to_string()
                } else {
                    format!("define `{name}` earlier in this or an enclosing block, or set the environment variable `{name}`")
                };
                let d = Diagnostic::new(&UNDEFINED_VARIABLE, span, format!("variable `{name}` is not defined"))
                    .with_label("not defined before this point nor in the environment")
                    .with_help(help);
                Err(self.fail(go, d, FailKind::NotFound(name)))
            }
            Err(f) => {
                let go = format!("variable reference for '{name}' on line {line} could not be parsed: {}", f.go);
                let d = match &f.kind {
                    FailKind::Cycle(chain) => {
                        let crash = if detects_env_cycles(self.s.opts.version) {
                            String::new()
                        } else {
                            format!("; nats-server {} crashes with a stack overflow here", self.s.opts.version)
                        };
                        Diagnostic::new(
                            &UNDEFINED_VARIABLE,
                            span,
                            format!(
                                "environment variables refer to each other in a cycle: {}{crash}",
                                chain.join(" → ")
                            ),
                        )
                        .with_label("cycle starts here")
                        .with_help("make one of the environment variables hold a value instead of a `$` reference")
                    }
                    FailKind::NotFound(inner) => Diagnostic::new(
                        &UNDEFINED_VARIABLE,
                        span,
                        format!("environment variable `{name}` refers to `{inner}`, which is not defined"),
                    )
                    .with_label("resolved through the environment")
                    .with_help(format!("set `{inner}` or change the value of `{name}`")),
                    _ => Diagnostic::new(
                        &SYNTAX_ERROR,
                        span,
                        format!("value of environment variable `{name}` does not parse: {}", f.go),
                    )
                    .with_label("value comes from the environment")
                    .with_help("quote the value inside the variable (e.g. `\"hello world\"`) or fix its syntax"),
                };
                let kind = f.kind.clone();
                if matches!(kind, FailKind::Reported) {
                    return Err(Failure { go, kind });
                }
                Err(self.fail(go, d, kind))
            }
        }
    }

    /// `lookupVariable`: bcrypt literal, enclosing maps innermost first, then the environment.
    fn lookup(&mut self, name: &str, reference: Span) -> Result<Option<Value>, Failure> {
        if name.starts_with("2a$") {
            return Ok(Some(Value::new(ValueKind::String(format!("${name}")), reference)));
        }
        for ctx in self.ctxs.iter_mut().rev() {
            if let Ctx::Map { map, .. } = ctx {
                if let Some(e) = map.entries.iter_mut().rev().find(|e| e.key == name) {
                    e.used_as_variable = true;
                    let mut v = e.value.clone();
                    let definition = Some(e.value.span);
                    v.span = reference;
                    v.via_variable = Some(VariableOrigin { name: name.to_string(), reference, definition });
                    return Ok(Some(v));
                }
            }
        }
        if self.s.env_chain.iter().any(|n| n == name) {
            let mut chain: Vec<String> =
                self.s.env_chain.iter().skip_while(|n| *n != name).map(|n| format!("`{n}`")).collect();
            chain.push(format!("`{name}`"));
            return Err(Failure { go: format!("variable reference cycle for '{name}'"), kind: FailKind::Cycle(chain) });
        }
        let Some(raw) = self.s.opts.env.lookup(name) else {
            return Ok(None);
        };
        if self.s.env_chain.len() >= MAX_ENV_DEPTH {
            return Err(Failure {
                go: format!("variable reference for '{name}' nests environment variables too deeply"),
                kind: FailKind::Syntax,
            });
        }
        let text = format!("pk={raw}");
        self.s.env_chain.push(name.to_string());
        let (map, res) = {
            let sub = Parser::new(&text, self.file, PathBuf::new(), &mut *self.s, true);
            sub.run()
        };
        self.s.env_chain.pop();
        res?;
        Ok(map.get("pk").cloned().map(|mut v| {
            respan(&mut v, reference);
            v.via_variable = Some(VariableOrigin { name: name.to_string(), reference, definition: None });
            v
        }))
    }

    fn include(&mut self, it: &Item, directive: Span) -> Result<(), Failure> {
        let written = self.lx.text(it).to_string();
        let resolved = go_join(&go_dir(&self.path), &written);
        let req = IncludeRequest {
            including: self.file,
            including_path: &self.path,
            written: &written,
            resolved: resolved.clone(),
        };
        let loaded = match self.s.loader.load(self.s.db, &req) {
            Ok(l) => l,
            Err(e) => {
                let go = format!("error parsing include file '{written}', error opening config file: {}", e.reason);
                // Paths in diagnostics are relative to the scanned root, like every other path shown.
                let shown = self.s.db.display_path(&resolved);
                let reason = e.reason.replace(&resolved.display().to_string(), &shown);
                let help = if written.starts_with('/') {
                    format!("nats-server joins even absolute include paths under the including file's folder (it opens `{shown}`): use a path relative to this file")
                } else {
                    format!("include paths are relative to the including file's folder; nats-server opens `{shown}`")
                };
                let d = Diagnostic::new(
                    &INCLUDE_NOT_FOUND,
                    directive,
                    format!("included file `{written}` cannot be read: {reason}"),
                )
                .with_label("included here")
                .with_help(help);
                return Err(self.fail(go, d, FailKind::Syntax));
            }
        };
        if self.s.include_stack[0].0.is_empty() {
            let p = &self.s.root_path;
            self.s.include_stack[0].0 = self.s.db.canonical_or_same(p).to_string_lossy().into_owned();
        }
        if let Some(pos) = self.s.include_stack.iter().position(|(id, ..)| *id == loaded.identity) {
            let mut names: Vec<String> = self.s.include_stack[pos..]
                .iter()
                .map(|(_, f, _)| format!("`{}`", self.s.db.get(*f).display))
                .collect();
            names.push(format!("`{}`", self.s.db.get(loaded.file).display));
            let mut d = Diagnostic::new(&INCLUDE_CYCLE, directive, format!("include cycle: {}", names.join(" → ")))
                .with_label("this include closes the cycle")
                .with_help("remove one of the includes; nats-server recurses until it crashes with a stack overflow");
            for (_, _, dir) in self.s.include_stack[pos..].iter() {
                if let Some(sp) = dir {
                    d = d.with_related(*sp, "included here");
                }
            }
            let plain: Vec<String> = names.iter().map(|n| n.trim_matches('`').to_string()).collect();
            let go = format!("error parsing include file '{written}', include cycle: {}", plain.join(" -> "));
            return Err(self.fail(go, d, FailKind::Syntax));
        }
        if self.s.include_stack.len() > MAX_INCLUDE_DEPTH {
            let d = Diagnostic::new(
                &INCLUDE_CYCLE,
                directive,
                format!("includes nest deeper than {MAX_INCLUDE_DEPTH} files"),
            )
            .with_label("included here")
            .with_help("flatten the include chain");
            return Err(self.fail(
                format!("error parsing include file '{written}', includes nest too deeply"),
                d,
                FailKind::Syntax,
            ));
        }
        if let Some(d) = self.outside_root(loaded.file, directive, &written) {
            self.push_diag(d);
        }
        if let Some(w) = &loaded.warning {
            let d = Diagnostic::new(&INVALID_ENCODING, directive, format!("included file `{written}` has {w}"))
                .with_label("included here")
                .with_help("save the file as UTF-8");
            self.push_diag(d);
        }
        if !self.s.includes.contains(&loaded.file) {
            self.s.includes.push(loaded.file);
        }
        let source = self.s.db.get(loaded.file);
        self.s.include_stack.push((loaded.identity.clone(), loaded.file, Some(directive)));
        let (map, res) = {
            let sub = Parser::new(&source.text[..], loaded.file, resolved, &mut *self.s, self.quiet);
            sub.run()
        };
        self.s.include_stack.pop();
        if let Err(f) = res {
            return Err(Failure { go: format!("error parsing include file '{written}', {}", f.go), kind: f.kind });
        }
        let mut seen = std::collections::HashSet::new();
        let entries: Vec<Entry> = map.entries.into_iter().rev().filter(|e| seen.insert(e.key.clone())).collect();
        for e in entries.into_iter().rev() {
            self.keys.push(KeyRec { name: e.key, span: e.key_span, reported: false });
            self.set_value(e.value, Some(directive), e.used_as_variable)?;
        }
        Ok(())
    }
}

impl Parser<'_, '_, '_> {
    /// `include-outside-root` when `opts.root` is set and the file read (a real file, after
    /// following symbolic links) lies outside it.
    fn outside_root(&self, file: FileId, directive: Span, written: &str) -> Option<Diagnostic> {
        let root = self.s.opts.root.as_ref()?;
        let source = self.s.db.get(file);
        if source.embedding.is_some() {
            return None;
        }
        let abs = |p: &Path| -> PathBuf {
            self.s.db.canonical(p).unwrap_or_else(|| {
                let joined =
                    if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(p) };
                PathBuf::from(super::include::go_clean(&joined.to_string_lossy()))
            })
        };
        let (root_abs, file_abs) = (abs(root), abs(&source.path));
        if file_abs.starts_with(&root_abs) {
            return None;
        }
        Some(
            Diagnostic::new(
                &INCLUDE_OUTSIDE_ROOT,
                directive,
                format!(
                    "include `{written}` reads `{}`, outside the scanned folder",
                    relative_to(&root_abs, &file_abs)
                ),
            )
            .with_label("leaves the scanned folder")
            .with_help("keep included files inside the deployment folder, or lint the folder that holds both"),
        )
    }
}

/// `to` relative to the folder `from` (both absolute), with `/` separators: `../outside/a.conf`.
fn relative_to(from: &Path, to: &Path) -> String {
    let f: Vec<_> = from.components().collect();
    let t: Vec<_> = to.components().collect();
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".into(); f.len() - common];
    parts.extend(t[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    parts.join("/")
}

/// Points every span of an environment-derived value at the `$NAME` reference.
fn respan(v: &mut Value, span: Span) {
    v.span = span;
    match &mut v.kind {
        ValueKind::Map(m) => {
            for e in &mut m.entries {
                e.key_span = span;
                respan(&mut e.value, span);
            }
        }
        ValueKind::Array(a) => a.iter_mut().for_each(|x| respan(x, span)),
        _ => {}
    }
}

/// Go `time.Parse("2006-01-02T15:04:05Z", s)` succeeds (ASCII digits, real calendar date).
fn valid_zulu(s: &str) -> bool {
    use nom::bytes::complete::{tag, take_while_m_n};
    use nom::combinator::{all_consuming, map_res};
    use nom::sequence::tuple;
    use nom::IResult;
    fn num<'a>(n: usize) -> impl FnMut(&'a str) -> IResult<&'a str, u32> {
        map_res(take_while_m_n(n, n, |c: char| c.is_ascii_digit()), |d: &'a str| d.parse::<u32>())
    }
    let parsed: IResult<&str, _> = all_consuming(tuple((
        num(4),
        tag("-"),
        num(2),
        tag("-"),
        num(2),
        tag("T"),
        num(2),
        tag(":"),
        num(2),
        tag(":"),
        num(2),
        tag("Z"),
    )))(s);
    let Ok((_, (y, _, mo, _, d, _, h, _, mi, _, se, _))) = parsed else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match mo {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d) && h < 24 && mi < 60 && se < 60
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zulu_dates() {
        assert!(valid_zulu("2016-05-04T18:53:41Z"));
        assert!(valid_zulu("2024-02-29T00:00:00Z"));
        assert!(!valid_zulu("2023-02-29T00:00:00Z"));
        assert!(!valid_zulu("2023-13-01T00:00:00Z"));
        assert!(!valid_zulu("2023-01-01T24:00:00Z"));
    }

    #[test]
    fn env_cycle_versions() {
        assert!(detects_env_cycles(NatsVersion::NEWEST));
        assert!(detects_env_cycles(NatsVersion::new(2, 11, 12)));
        assert!(!detects_env_cycles(NatsVersion::new(2, 11, 11)));
        assert!(!detects_env_cycles(NatsVersion::new(2, 10, 27)));
        assert!(!detects_env_cycles(NatsVersion::V2_9_10));
    }
}
