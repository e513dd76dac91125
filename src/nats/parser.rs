//! The parser: turns lexer items into the spanned value tree with the reference parser's stack
//! machine (`conf/parse.go`): a stack of contexts (maps, arrays) and a separate stack of keys.
//! Keeping the separate key stack reproduces nats-server's quirks exactly (a value-less key in a
//! map steals the map, an unknown size suffix stores nothing and shifts later values), and is
//! where those silent losses are reported. `include` directives are resolved by
//! [`super::include_directive`], `$variables` by [`super::variables`].

use super::chars::decode_go_lossy;
use super::include::IncludeLoader;
use super::lexer::{Item, ItemType, Lexer};
use super::scan;
use super::value::{Entry, Map, Value, ValueKind};
use super::ParseOptions;
use crate::diagnostic::Diagnostic;
use crate::source::SourceDb;
use crate::span::{FileId, Span};
use crate::version::NatsVersion;
use std::path::PathBuf;

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

pub(super) enum Ctx {
    Map { map: Map, open: usize, key_depth: usize },
    Array { vals: Vec<Value>, open: usize },
}

pub(super) struct KeyRec {
    pub(super) name: String,
    pub(super) span: Span,
    /// A silent-value-loss note already covers this key.
    pub(super) reported: bool,
}

pub(crate) struct Parser<'t, 's, 'a> {
    pub(super) lx: Lexer<'t>,
    pub(super) text: &'t str,
    pub(super) file: FileId,
    /// The path nats-server knows this file by (includes resolve against its folder).
    pub(super) path: PathBuf,
    pub(super) s: &'s mut Session<'a>,
    /// Parsing an environment variable's value: no diagnostics (spans are not real).
    pub(super) quiet: bool,
    pub(super) ctxs: Vec<Ctx>,
    pub(super) keys: Vec<KeyRec>,
    /// Emptied growth buffers of closed maps and arrays, reused by the next ones opened.
    spare: SpareBuffers,
}

/// Growth buffers kept for reuse: a closed map or array is moved into an allocation of its exact
/// size, and the buffer it grew in (at most one per nesting level) serves the next one opened, so a
/// big file's tree is not interleaved with the freed buffers of its growth.
#[derive(Default)]
struct SpareBuffers {
    entries: Vec<Vec<Entry>>,
    values: Vec<Vec<Value>>,
}

fn newest_eof_check(v: NatsVersion) -> bool {
    v >= NatsVersion::new(2, 9, 22)
}

/// Versions whose lexer reads `1m30s`/`4e2abc` (a digit after a size suffix) as one string (PR #8263).
fn suffix_digit_strings(v: NatsVersion) -> bool {
    v >= NatsVersion::new(2, 15, 0)
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
            spare: SpareBuffers::default(),
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

    pub(super) fn push_diag(&mut self, d: Diagnostic) {
        if !self.quiet {
            self.s.diagnostics.push(d);
        }
    }

    /// Reports a failure as a diagnostic (unless quiet) and returns it.
    pub(super) fn fail(&mut self, go: String, d: Diagnostic, quiet_kind: FailKind) -> Failure {
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
            let d = Diagnostic::new(&crate::nats::findings::SYNTAX_ERROR, self.span(0, 0), "config has no values")
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
                &crate::nats::findings::SILENT_VALUE_LOSS,
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
        let mut d =
            Diagnostic::new(&crate::nats::findings::SYNTAX_ERROR, k.span, format!("key `{}` has no value", k.name))
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
                    &crate::nats::findings::SILENT_VALUE_LOSS,
                    k.span,
                    "stray `}` at the top level is read as a key named `}` and ignored",
                )
                .with_label("no `{` opens this")
                .with_help("remove the `}` or add the matching `{`")
            } else if self.comma_before(k.span.start as usize) {
                Diagnostic::new(
                    &crate::nats::findings::SILENT_VALUE_LOSS,
                    k.span,
                    format!("`{}` after a `,` becomes a key without a value and is dropped", k.name),
                )
                .with_label("dropped by nats-server before 2.9.22, an error since")
                .with_help("a `,` ends an unquoted value: quote the whole value (`\"a,b\"`)")
            } else {
                Diagnostic::new(
                    &crate::nats::findings::SILENT_VALUE_LOSS,
                    k.span,
                    format!("key `{}` has no value and is dropped", k.name),
                )
                .with_label("dropped by nats-server before 2.9.22, an error since")
                .with_help("give the key a value (`key: value`) or remove it")
            };
            self.push_diag(d);
        }
        self.keys = keys;
    }

    pub(super) fn set_value(&mut self, val: Value, included_from: Option<Span>, used: bool) -> Result<(), Failure> {
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
                    included_from: included_from.map(Box::new),
                });
                Ok(())
            }
            _ => {
                let d = Diagnostic::new(&crate::nats::findings::SYNTAX_ERROR, val.span, "value without a key")
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
                let entries = self.spare.entries.pop().unwrap_or_default();
                self.ctxs.push(Ctx::Map { map: Map { entries }, open: it.start, key_depth });
                Ok(())
            }
            ItemType::MapEnd => {
                if self.ctxs.len() < 2 {
                    let d = Diagnostic::new(&crate::nats::findings::SYNTAX_ERROR, span, "unbalanced `}`")
                        .with_help("please report this input");
                    return Err(self.fail("BUG in parser, context stack empty".into(), d, FailKind::Syntax));
                }
                let ctx = self.ctxs.pop().expect("length checked");
                let (kind, open) = match ctx {
                    Ctx::Map { map, open, key_depth } => {
                        self.check_map_dangling(key_depth, open, it.end);
                        (ValueKind::Map(Map { entries: exact(map.entries, &mut self.spare.entries) }), open)
                    }
                    Ctx::Array { vals, open } => (ValueKind::Array(exact(vals, &mut self.spare.values)), open),
                };
                self.set_value(Value::new(kind, self.span(open, it.end)), None, false)
            }
            ItemType::ArrayStart => {
                let vals = self.spare.values.pop().unwrap_or_default();
                self.ctxs.push(Ctx::Array { vals, open: it.start });
                Ok(())
            }
            ItemType::ArrayEnd => {
                if let Some(Ctx::Array { open, .. }) = self.ctxs.last() {
                    let open = *open;
                    self.report_swallowed(open);
                }
                if self.ctxs.len() < 2 {
                    let d = Diagnostic::new(&crate::nats::findings::SYNTAX_ERROR, span, "unbalanced `]`")
                        .with_help("please report this input");
                    return Err(self.fail("BUG in parser, context stack empty".into(), d, FailKind::Syntax));
                }
                let ctx = self.ctxs.pop().expect("length checked");
                let (kind, open) = match ctx {
                    Ctx::Array { vals, open } => (ValueKind::Array(exact(vals, &mut self.spare.values)), open),
                    Ctx::Map { map, open, .. } => {
                        (ValueKind::Map(Map { entries: exact(map.entries, &mut self.spare.entries) }), open)
                    }
                };
                self.set_value(Value::new(kind, self.span(open, it.end)), None, false)
            }
            ItemType::String => {
                let s = self.item_text(&it);
                self.set_value(Value::new(ValueKind::String(s), span), None, false)
            }
            ItemType::Bool => {
                let b = scan::bool_value(self.lx.text(&it));
                self.set_value(Value::new(ValueKind::Bool(b), span), None, false)
            }
            ItemType::Integer => self.integer(&it, span),
            ItemType::Float => {
                let t = self.lx.text(&it);
                match t.parse::<f64>() {
                    Ok(f) if f.is_finite() => self.set_value(Value::new(ValueKind::Float(f), span), None, false),
                    Ok(_) => {
                        let d = Diagnostic::new(
                            &crate::nats::findings::SYNTAX_ERROR,
                            span,
                            format!("float `{t}` is out of range"),
                        )
                        .with_label("too large for a 64-bit float")
                        .with_help("use a smaller number");
                        Err(self.fail(format!("float '{t}' is out of the range"), d, FailKind::Syntax))
                    }
                    Err(_) => {
                        let d = Diagnostic::new(
                            &crate::nats::findings::SYNTAX_ERROR,
                            span,
                            format!("`{t}` is not a float"),
                        )
                        .with_label("only ASCII digits form numbers")
                        .with_help("write the number with ASCII digits or quote it");
                        Err(self.fail(format!("expected float, but got '{t}'"), d, FailKind::Syntax))
                    }
                }
            }
            ItemType::Datetime => {
                let t = self.lx.text(&it);
                if scan::valid_zulu(t) {
                    self.set_value(Value::new(ValueKind::DateTime(t.to_string()), span), None, false)
                } else {
                    let d = Diagnostic::new(
                        &crate::nats::findings::SYNTAX_ERROR,
                        span,
                        format!("`{t}` is not a valid datetime"),
                    )
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
                &crate::nats::findings::SILENT_VALUE_LOSS,
                k.span,
                format!("key `{}` has no value: nats-server stores this map under `{}`{lost}", k.name, k.name),
            )
            .with_label("key without a value")
            .with_related(span, "this map is assigned to the value-less key")
            .with_help("give the key a value (`key: value`) or remove it")
        } else if let Some(o) = outer {
            Diagnostic::new(
                &crate::nats::findings::SILENT_VALUE_LOSS,
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
        let (digits, suffix) = scan::split_integer(t);
        // Unicode digits make it no integer, even when the ASCII digits before them overflow.
        let num = match digits.is_ascii().then(|| digits.parse::<i64>()) {
            Some(Ok(n)) => n,
            Some(Err(e))
                if matches!(e.kind(), std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow) =>
            {
                let d = Diagnostic::new(
                    &crate::nats::findings::SYNTAX_ERROR,
                    span,
                    format!("integer `{t}` is out of range"),
                )
                .with_label("does not fit in a signed 64-bit integer")
                .with_help("use a value between -9223372036854775808 and 9223372036854775807");
                return Err(self.fail(format!("integer '{t}' is out of the range"), d, FailKind::Syntax));
            }
            _ => {
                let d = Diagnostic::new(&crate::nats::findings::SYNTAX_ERROR, span, format!("`{t}` is not an integer"))
                    .with_label("only ASCII digits form numbers")
                    .with_help("write the number with ASCII digits or quote the value");
                return Err(self.fail(format!("expected integer, but got '{t}'"), d, FailKind::Syntax));
            }
        };
        let suffix = suffix.trim().to_ascii_lowercase();
        match scan::size_multiplier(&suffix) {
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
            &crate::nats::findings::SILENT_VALUE_LOSS,
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
            Diagnostic::new(
                &crate::nats::findings::SYNTAX_ERROR,
                self.span(b, b + 1),
                "`]` right after an integer does not close the array",
            )
            .with_label("read as part of the value, not as the end of the array")
            .with_related(span, format!("the parse then fails here: {}", e.message()))
            .with_help("nats-server swallows `]` right after an integer: write `[1, 2 ]` or put `]` on its own line")
        } else if self.lx.suffix_split == Some(it.start) {
            Diagnostic::new(&crate::nats::findings::SYNTAX_ERROR, span, e.message())
                .with_label("the number ended at the size suffix before this digit")
                .with_help(format!(
                    "quote the value: before nats-server 2.15 a digit right after a size suffix (`k`, `m`, `e`, ...) ends the number (e.g. `1m30s` is `1m`, then `30s`); 2.15 reads the word as a string, this profile is {}",
                    self.s.opts.version
                ))
        } else {
            Diagnostic::new(&crate::nats::findings::SYNTAX_ERROR, span, e.message())
                .with_label(e.label())
                .with_help(e.help())
        };
        let d = match unclosed {
            Some((sp, msg)) => d.with_related(sp, msg),
            None => d,
        };
        let d = self.with_server_line(d, it.end);
        self.fail(go, d, FailKind::Syntax)
    }
}

/// A closed map's or array's items without the spare capacity of its growth: most maps and arrays
/// of a config are small, and their slack was most of the memory a big file's tree took. The items
/// are moved into an allocation of their exact size (`shrink_to_fit` may keep a block up to twice as
/// big) and the emptied growth buffer is kept in `spare` for the next map or array.
fn exact<T>(mut grown: Vec<T>, spare: &mut Vec<Vec<T>>) -> Vec<T> {
    if grown.capacity() == grown.len() {
        return grown;
    }
    let mut exact = Vec::with_capacity(grown.len());
    exact.append(&mut grown);
    spare.push(grown);
    exact
}
