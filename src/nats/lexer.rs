//! The lexer: a state machine ported state by state from nats-server's `conf/lex.go`
//! (Rob Pike style). Each [`St`] variant is one `lexXxx` state function; the stack of states
//! gives the context (top level, map, array, top-level block) a value returns to.
//!
//! Tokenisation is context dependent, so the states are kept rather than turned into a clean
//! grammar: the machine, its state stack and its rune-by-rune error reporting are hand-written.
//! Inside the states, the runs of bytes a state would loop over (blanks, digits, comment, quoted
//! and block bodies, unquoted strings, bare keys, a well-formed datetime tail, escapes, `\xHH`,
//! booleans) are read by the nom 8 scanners of [`super::scan`].
//! A NUL byte reads as EOF (but, as in Go, advances the position), and `]` right after an integer
//! is swallowed into a string. Pull-based: [`Lexer::next_item`] runs states until an item is ready.

use super::chars::{is_digit, is_include_keyword, is_nl, is_sep, is_space, is_suffix, is_ws};
use super::error::LexError;
use super::scan;

/// The lexer's end-of-input rune (Go `eof = 0`): also what a NUL byte decodes to.
pub const EOF: char = '\0';

/// Nesting deeper than this (maps, arrays, top-level blocks) is an error instead of a deep stack.
pub const MAX_DEPTH: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemType {
    Error,
    Eof,
    Key,
    Comment,
    String,
    Bool,
    Integer,
    Float,
    Datetime,
    ArrayStart,
    ArrayEnd,
    MapStart,
    MapEnd,
    Variable,
    Include,
}

/// One token. `vstart..vend` is the raw value text unless `owned` holds the unescaped bytes;
/// `start..end` is the span to report (quotes included for quoted strings).
#[derive(Debug, Clone)]
pub struct Item {
    pub typ: ItemType,
    pub vstart: usize,
    pub vend: usize,
    pub owned: Option<Vec<u8>>,
    pub start: usize,
    pub end: usize,
    pub error: Option<Box<LexError>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum St {
    Top,
    TopValueEnd,
    BlockStart,
    BlockValueEnd,
    BlockEnd,
    KeyStart,
    DubQuotedKey,
    QuotedKey,
    Key,
    KeyEnd,
    IncludeStart,
    Include,
    IncludeQuoted,
    IncludeDubQuoted,
    IncludeString,
    Value,
    ArrayValue,
    ArrayValueEnd,
    ArrayEnd,
    MapKeyStart,
    MapQuotedKey,
    MapDubQuotedKey,
    MapKey,
    MapKeyEnd,
    MapValue,
    MapValueEnd,
    MapEnd,
    QuotedString,
    DubQuotedString,
    Str,
    Block,
    StringEscape,
    StringBinary,
    NumberStart,
    Number,
    ConvenientNumber,
    DateAfterYear,
    NegNumberStart,
    NegNumber,
    FloatStart,
    Float,
    IpAddr,
    CommentStart,
    Comment,
    Done,
}

pub struct Lexer<'a> {
    src: &'a str,
    b: &'a [u8],
    start: usize,
    pos: usize,
    width: usize,
    /// Byte offset of the last decoded rune (its span is `last..last+width`).
    last: usize,
    state: St,
    stack: Vec<St>,
    parts: Vec<u8>,
    has_parts: bool,
    parts_start: usize,
    string_state: St,
    /// The item of the last step (every state emits at most one).
    item: Option<Item>,
    /// v2.10.16+: top-level `{ … }` are block scopes; before, a top-level `{` is skipped.
    blocks: bool,
    /// Offsets of `]` swallowed into a string right after an integer inside an array.
    pub swallowed_brackets: Vec<usize>,
    /// 2.9 profile: top-level `{` skipped so far (a final `}` key then closes a JSON-style file).
    pub skipped_top_braces: usize,
    /// 2.15+: a digit right after a size suffix (`1m30s`, `4e2abc`) makes the value a string;
    /// before, it ends the integer (`1m`) and the lexer then fails on the digit
    /// (nats-io/nats-server PR #8263, issue #6891).
    pub suffix_digit_string: bool,
    /// Offset of the last digit that ended a suffixed integer (`3` of `1m30s`, before 2.15).
    pub suffix_split: Option<usize>,
}

/// How an array or a map ends its elements (see [`Lexer::value_end`]).
struct Container {
    value_end: St,
    next_element: St,
    close: char,
    end: St,
    semicolon_separates: bool,
    /// The map state consumes its `}` before [`St::MapEnd`]; the array state leaves `]` to [`St::ArrayEnd`].
    ignore_close: bool,
    unexpected: fn(char) -> LexError,
}

const ARRAY: Container = Container {
    value_end: St::ArrayValueEnd,
    next_element: St::ArrayValue,
    close: ']',
    end: St::ArrayEnd,
    semicolon_separates: false,
    ignore_close: false,
    unexpected: LexError::ArrayValueEnd,
};

const MAP: Container = Container {
    value_end: St::MapValueEnd,
    next_element: St::MapKeyStart,
    close: '}',
    end: St::MapEnd,
    semicolon_separates: true,
    ignore_close: true,
    unexpected: LexError::MapValueEnd,
};

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str, blocks: bool) -> Self {
        Lexer {
            src,
            b: src.as_bytes(),
            start: 0,
            pos: 0,
            width: 0,
            last: 0,
            state: St::Top,
            stack: Vec::with_capacity(16),
            parts: Vec::new(),
            has_parts: false,
            parts_start: 0,
            string_state: St::Str,
            item: None,
            blocks,
            swallowed_brackets: Vec::new(),
            skipped_top_braces: 0,
            suffix_digit_string: false,
            suffix_split: None,
        }
    }

    /// The next token; after an `Eof` or `Error` item it keeps returning `Eof`.
    pub fn next_item(&mut self) -> Item {
        loop {
            if let Some(it) = self.item.take() {
                return it;
            }
            if self.state == St::Done {
                return Item {
                    typ: ItemType::Eof,
                    vstart: self.pos,
                    vend: self.pos,
                    owned: None,
                    start: self.pos,
                    end: self.pos,
                    error: None,
                };
            }
            self.step();
        }
    }

    /// Raw text of an item's value.
    pub fn text(&self, it: &Item) -> &'a str {
        self.src.get(it.vstart..it.vend).unwrap_or("")
    }

    // ---- primitives (lex.go next/backup/peek/ignore/emit) ----

    #[inline]
    fn next(&mut self) -> char {
        if self.pos >= self.b.len() {
            self.width = 0;
            self.last = self.pos;
            return EOF;
        }
        self.last = self.pos;
        let c = self.b[self.pos];
        if c < 0x80 {
            self.width = 1;
            self.pos += 1;
            return c as char;
        }
        // Only lexBlock's double backup can land inside a multi-byte rune; Go then reads RuneError.
        let r = if self.src.is_char_boundary(self.pos) {
            self.src[self.pos..].chars().next().unwrap_or('\u{FFFD}')
        } else {
            self.width = 1;
            self.pos += 1;
            return '\u{FFFD}';
        };
        self.width = r.len_utf8();
        self.pos += self.width;
        r
    }

    #[inline]
    fn backup(&mut self) {
        self.pos -= self.width;
    }

    #[inline]
    fn peek(&mut self) -> char {
        let r = self.next();
        self.backup();
        r
    }

    #[inline]
    fn ignore(&mut self) {
        self.start = self.pos;
    }

    fn push(&mut self, s: St) {
        self.stack.push(s);
    }

    fn pop(&mut self) -> St {
        match self.stack.pop() {
            Some(s) => s,
            None => self.errorf(LexError::Bug),
        }
    }

    fn item(&self, typ: ItemType, start: usize, end: usize) -> Item {
        Item { typ, vstart: self.start, vend: self.pos, owned: None, start, end, error: None }
    }

    /// `emit`: value `input[start:pos]` (string parts are only ever pending for strings).
    fn emit(&mut self, typ: ItemType) {
        let it = self.item(typ, self.start, self.pos);
        self.item = Some(it);
        self.start = self.pos;
    }

    fn emit_span(&mut self, typ: ItemType, start: usize, end: usize) {
        let it = self.item(typ, start, end);
        self.item = Some(it);
        self.start = self.pos;
    }

    /// `emitString`: joins escaped parts with the rest; `quote` widens the span over the quotes.
    fn emit_string(&mut self, quote: usize) {
        let span_start = if self.has_parts { self.parts_start } else { self.start };
        let mut it = self.item(ItemType::String, span_start.saturating_sub(quote), self.pos + quote);
        if self.has_parts {
            let mut v = std::mem::take(&mut self.parts);
            v.extend_from_slice(&self.b[self.start..self.pos]);
            it.owned = Some(v);
            self.has_parts = false;
        }
        self.item = Some(it);
        self.start = self.pos;
    }

    fn add_current_part(&mut self, offset: usize) {
        if !self.has_parts {
            self.has_parts = true;
            self.parts_start = self.start;
            self.parts.clear();
        }
        let end = self.pos - offset;
        if self.start < end {
            self.parts.extend_from_slice(&self.b[self.start..end]);
        }
        self.start = self.pos;
    }

    fn add_part(&mut self, s: &[u8]) -> St {
        self.parts.extend_from_slice(s);
        self.start = self.pos;
        self.string_state
    }

    /// `errorf`: emits an error item on the last decoded rune and stops.
    fn errorf(&mut self, e: LexError) -> St {
        let (s, end) = if self.width > 0 { (self.last, self.last + self.width) } else { (self.pos, self.pos) };
        self.error_at(e, s, end)
    }

    fn error_at(&mut self, e: LexError, start: usize, end: usize) -> St {
        let mut it = self.item(ItemType::Error, start, end);
        it.error = Some(Box::new(e));
        self.item = Some(it);
        St::Done
    }

    fn eof_or_error(&mut self) -> St {
        if self.pos > self.start {
            return self.errorf(LexError::UnexpectedEof);
        }
        self.emit(ItemType::Eof);
        St::Done
    }

    fn deep(&self) -> bool {
        self.stack.len() >= MAX_DEPTH
    }

    /// The input from the current position.
    #[inline]
    fn rest(&self) -> &'a [u8] {
        self.b.get(self.pos..).unwrap_or_default()
    }

    /// Bulk-skips bytes until one in `stop` (ASCII bytes) or a NUL ([`scan::till_any`]).
    fn skip_till(&mut self, stop: &'static [u8]) {
        let n = scan::till_any(self.rest(), stop);
        if n > 0 {
            self.pos += n;
            // a later backup() must not undo the skipped text
            self.width = 0;
        }
    }

    /// Skips ASCII blanks that the current state would skip one by one (` `, `\t`, and with
    /// `newlines` also `\n`, `\r`, `\v`, `\f`), then `ignore`s them if `ignore` is set.
    #[inline]
    fn skip_blanks(&mut self, newlines: bool, ignore: bool) {
        let n = scan::blanks(self.rest(), newlines);
        if n > 0 {
            self.pos += n;
            self.width = 0;
            if ignore {
                self.start = self.pos;
            }
        }
    }

    /// Skips ASCII digits (number states loop on them one by one).
    #[inline]
    fn skip_digits(&mut self) {
        let n = scan::digits(self.rest());
        if n > 0 {
            self.pos += n;
            self.width = 0;
        }
    }

    /// `keyCheckKeyword`.
    fn key_check_keyword(&mut self, fall: St, push: Option<St>) -> St {
        let key = self.src.get(self.start..self.pos).unwrap_or("");
        if is_include_keyword(key) {
            self.ignore();
            if let Some(p) = push {
                self.push(p);
            }
            return St::IncludeStart;
        }
        self.emit(ItemType::Key);
        fall
    }

    fn is_bool(&self) -> bool {
        scan::is_bool(self.src.get(self.start..self.pos).unwrap_or(""))
    }

    // ---- the states ----

    fn step(&mut self) {
        self.state = match self.state {
            St::Top => self.top(),
            St::TopValueEnd => self.top_value_end(),
            St::BlockStart => self.block_start(),
            St::BlockValueEnd => self.block_value_end(),
            St::BlockEnd => self.block_end(),
            St::KeyStart => self.key_start(),
            St::DubQuotedKey => self.quoted_key('"'),
            St::QuotedKey => self.quoted_key('\''),
            St::Key => self.key(),
            St::KeyEnd => self.key_end(),
            St::IncludeStart => self.include_start(),
            St::Include => self.include(),
            St::IncludeQuoted => self.include_quoted('\''),
            St::IncludeDubQuoted => self.include_quoted('"'),
            St::IncludeString => self.include_string(),
            St::Value => self.value(),
            St::ArrayValue => self.array_value(),
            St::ArrayValueEnd => self.array_value_end(),
            St::ArrayEnd => self.array_end(),
            St::MapKeyStart => self.map_key_start(),
            St::MapQuotedKey => self.map_quoted_key('\''),
            St::MapDubQuotedKey => self.map_quoted_key('"'),
            St::MapKey => self.map_key(),
            St::MapKeyEnd => self.map_key_end(),
            St::MapValue => self.map_value(),
            St::MapValueEnd => self.map_value_end(),
            St::MapEnd => self.map_end(),
            St::QuotedString => self.quoted_string(),
            St::DubQuotedString => self.dub_quoted_string(),
            St::Str => self.string(),
            St::Block => self.block(),
            St::StringEscape => self.string_escape(),
            St::StringBinary => self.string_binary(),
            St::NumberStart | St::NegNumberStart => self.number_start(),
            St::Number => self.number(),
            St::ConvenientNumber => self.convenient_number(),
            St::DateAfterYear => self.date_after_year(),
            St::NegNumber => self.neg_number(),
            St::FloatStart => self.float_start(),
            St::Float => self.float(),
            St::IpAddr => self.ip_addr(),
            St::CommentStart => self.comment_start(),
            St::Comment => self.comment(),
            St::Done => St::Done,
        }
    }

    fn top(&mut self) -> St {
        self.skip_blanks(true, true);
        let r = self.next();
        if is_space(r) {
            self.ignore();
            return St::Top;
        }
        match r {
            '{' => {
                if self.blocks {
                    if self.deep() {
                        return self.errorf(LexError::TooDeep);
                    }
                    self.push(St::Top);
                    self.ignore();
                    St::BlockStart
                } else {
                    self.skipped_top_braces += 1;
                    self.ignore();
                    St::Top
                }
            }
            '#' => {
                self.push(St::Top);
                St::CommentStart
            }
            '/' => {
                if self.next() == '/' {
                    self.push(St::Top);
                    return St::CommentStart;
                }
                self.backup();
                self.eof_or_error()
            }
            EOF => self.eof_or_error(),
            _ => {
                self.backup();
                self.push(St::TopValueEnd);
                St::KeyStart
            }
        }
    }

    fn top_value_end(&mut self) -> St {
        self.skip_blanks(false, false);
        let r = self.next();
        match r {
            '#' => {
                self.push(St::Top);
                St::CommentStart
            }
            '/' => {
                if self.next() == '/' {
                    self.push(St::Top);
                    return St::CommentStart;
                }
                self.backup();
                St::TopValueEnd
            }
            ' ' | '\t' => St::TopValueEnd,
            '\n' | '\r' | EOF | ';' | ',' | '}' => {
                self.ignore();
                St::Top
            }
            _ => self.errorf(LexError::TopValueEnd(r)),
        }
    }

    fn block_start(&mut self) -> St {
        self.skip_blanks(true, true);
        let r = self.next();
        if is_space(r) {
            self.ignore();
            return St::BlockStart;
        }
        match r {
            '{' => {
                if self.deep() {
                    return self.errorf(LexError::TooDeep);
                }
                self.push(St::BlockEnd);
                self.ignore();
                St::BlockStart
            }
            '}' => {
                self.ignore();
                self.pop()
            }
            '#' => {
                self.push(St::BlockStart);
                St::CommentStart
            }
            '/' => {
                if self.next() == '/' {
                    self.push(St::BlockStart);
                    return St::CommentStart;
                }
                self.backup();
                self.eof_or_error()
            }
            EOF => self.eof_or_error(),
            _ => {
                self.backup();
                self.push(St::BlockValueEnd);
                St::KeyStart
            }
        }
    }

    fn block_value_end(&mut self) -> St {
        let r = self.next();
        match r {
            '#' => {
                self.push(St::BlockValueEnd);
                St::CommentStart
            }
            '/' => {
                if self.next() == '/' {
                    self.push(St::BlockValueEnd);
                    return St::CommentStart;
                }
                self.backup();
                St::BlockValueEnd
            }
            ' ' | '\t' => St::BlockValueEnd,
            '\n' | '\r' | ';' | ',' => {
                self.ignore();
                St::BlockStart
            }
            '}' => {
                self.backup();
                St::BlockEnd
            }
            _ => self.errorf(LexError::BlockValueEnd(r)),
        }
    }

    fn block_end(&mut self) -> St {
        let r = self.next();
        match r {
            '#' => {
                self.push(St::BlockStart);
                St::CommentStart
            }
            '/' => {
                if self.next() == '/' {
                    self.push(St::BlockStart);
                    return St::CommentStart;
                }
                self.backup();
                St::BlockEnd
            }
            '\n' | '\r' | ' ' | '\t' => St::BlockEnd,
            ';' | ',' => {
                self.ignore();
                St::BlockStart
            }
            '}' => {
                self.ignore();
                self.pop()
            }
            _ => self.errorf(LexError::BlockEnd(r)),
        }
    }

    fn key_start(&mut self) -> St {
        let r = self.peek();
        if is_sep(r) {
            return self.errorf(LexError::KeySeparator(r, false));
        }
        if is_space(r) {
            self.next();
            self.ignore();
            return St::KeyStart;
        }
        match r {
            '"' => {
                self.next();
                self.ignore();
                St::DubQuotedKey
            }
            '\'' => {
                self.next();
                self.ignore();
                St::QuotedKey
            }
            _ => {
                self.ignore();
                self.next();
                St::Key
            }
        }
    }

    /// lexDubQuotedKey / lexQuotedKey (top level).
    fn quoted_key(&mut self, q: char) -> St {
        self.skip_till(if q == '"' { b"\"" } else { b"'" });
        let r = self.peek();
        if r == q {
            self.emit(ItemType::Key);
            self.next();
            self.ignore();
            return St::KeyEnd;
        }
        if r == EOF {
            return self.eof_or_error();
        }
        self.next();
        if q == '"' {
            St::DubQuotedKey
        } else {
            St::QuotedKey
        }
    }

    /// Advances over runes that cannot end a bare key (unicode space, separators, EOF).
    fn scan_bare_key(&mut self) {
        loop {
            self.pos += scan::bare_key_ascii(self.rest());
            if !matches!(self.b.get(self.pos), Some(&c) if c >= 0x80) {
                return;
            }
            // a non-ASCII rune: a key ends at a Unicode space too
            let r = self.src.get(self.pos..).and_then(|t| t.chars().next()).unwrap_or('\u{FFFD}');
            if is_space(r) {
                return;
            }
            self.pos += r.len_utf8().max(1);
        }
    }

    fn key(&mut self) -> St {
        self.scan_bare_key();
        let r = self.peek();
        if is_space(r) {
            return self.key_check_keyword(St::KeyEnd, None);
        }
        if is_sep(r) || r == EOF {
            self.emit(ItemType::Key);
            return St::KeyEnd;
        }
        self.next();
        St::Key
    }

    fn key_end(&mut self) -> St {
        self.skip_blanks(true, true);
        let r = self.next();
        if is_space(r) {
            self.ignore();
            return St::KeyEnd;
        }
        if is_sep(r) {
            self.ignore();
            return St::Value;
        }
        if r == EOF {
            self.emit(ItemType::Eof);
            return St::Done;
        }
        self.backup();
        St::Value
    }

    fn include_start(&mut self) -> St {
        let r = self.next();
        if is_ws(r) {
            self.ignore();
            return St::IncludeStart;
        }
        self.backup();
        St::Include
    }

    fn include(&mut self) -> St {
        let r = self.next();
        match r {
            '\'' => {
                self.ignore();
                St::IncludeQuoted
            }
            '"' => {
                self.ignore();
                St::IncludeDubQuoted
            }
            '[' => self.errorf(LexError::IncludeStart("an array")),
            '{' => self.errorf(LexError::IncludeStart("a map")),
            '(' => self.errorf(LexError::IncludeStart("a block")),
            '\\' => self.errorf(LexError::IncludeEscape),
            '\n' | '\r' => self.errorf(LexError::IncludeNewline),
            _ if r == '-' || is_digit(r) => self.errorf(LexError::IncludeStart("a number")),
            _ => {
                self.backup();
                St::IncludeString
            }
        }
    }

    fn include_quoted(&mut self, q: char) -> St {
        self.skip_till(if q == '"' { b"\"" } else { b"'" });
        let r = self.next();
        if r == q {
            self.backup();
            self.emit_span(ItemType::Include, self.start - 1, self.pos + 1);
            self.next();
            self.ignore();
            return self.pop();
        }
        if r == EOF {
            return self.errorf(LexError::IncludeQuotedEof(q == '"'));
        }
        if q == '"' {
            St::IncludeDubQuoted
        } else {
            St::IncludeQuoted
        }
    }

    fn include_string(&mut self) -> St {
        let r = self.next();
        if is_nl(r) || r == EOF || r == ';' || r == '}' || is_ws(r) {
            self.backup();
            self.emit(ItemType::Include);
            return self.pop();
        }
        if r == '\'' {
            self.backup();
            self.emit(ItemType::Include);
            self.next();
            self.ignore();
            return self.pop();
        }
        St::IncludeString
    }

    fn value(&mut self) -> St {
        self.skip_blanks(false, true);
        let r = self.next();
        if is_ws(r) {
            self.ignore();
            return St::Value;
        }
        match r {
            '[' | '{' => {
                if self.deep() {
                    return self.errorf(LexError::TooDeep);
                }
                self.ignore();
                let (typ, next) = if r == '[' {
                    (ItemType::ArrayStart, St::ArrayValue)
                } else {
                    (ItemType::MapStart, St::MapKeyStart)
                };
                self.emit_span(typ, self.pos - 1, self.pos);
                next
            }
            '\'' => {
                self.ignore();
                St::QuotedString
            }
            '"' => {
                self.ignore();
                self.string_state = St::DubQuotedString;
                St::DubQuotedString
            }
            '-' => St::NegNumberStart,
            '(' => {
                self.ignore();
                St::Block
            }
            '.' => self.errorf(LexError::FloatStart(false)),
            '\n' | '\r' => self.errorf(LexError::ValueNewline),
            _ if is_digit(r) => {
                self.backup();
                St::NumberStart
            }
            _ => {
                self.backup();
                self.string_state = St::Str;
                St::Str
            }
        }
    }

    fn array_value(&mut self) -> St {
        self.skip_blanks(true, true);
        let r = self.next();
        if is_space(r) {
            self.ignore();
            return St::ArrayValue;
        }
        match r {
            '#' => {
                self.push(St::ArrayValue);
                St::CommentStart
            }
            '/' => {
                if self.next() == '/' {
                    self.push(St::ArrayValue);
                    return St::CommentStart;
                }
                self.backup();
                self.errorf(LexError::ArrayValueTerm)
            }
            ',' => self.errorf(LexError::ArrayValueTerm),
            ']' => St::ArrayEnd,
            _ => {
                self.backup();
                self.push(St::ArrayValueEnd);
                St::Value
            }
        }
    }

    fn array_value_end(&mut self) -> St {
        self.value_end(&ARRAY)
    }

    fn array_end(&mut self) -> St {
        self.ignore();
        self.emit_span(ItemType::ArrayEnd, self.pos - 1, self.pos);
        self.pop()
    }

    fn map_key_start(&mut self) -> St {
        self.skip_blanks(true, true);
        let r = self.peek();
        if is_sep(r) {
            return self.errorf(LexError::KeySeparator(r, true));
        }
        if r == ']' {
            return self.errorf(LexError::MapArrayEnd);
        }
        if is_space(r) {
            self.next();
            self.ignore();
            return St::MapKeyStart;
        }
        match r {
            '}' => {
                self.next();
                self.ignore();
                return St::MapEnd;
            }
            '#' => {
                self.next();
                self.push(St::MapKeyStart);
                return St::CommentStart;
            }
            '/' => {
                self.next();
                if self.next() == '/' {
                    self.push(St::MapKeyStart);
                    return St::CommentStart;
                }
                self.backup();
            }
            '\'' => {
                self.next();
                self.ignore();
                return St::MapQuotedKey;
            }
            '"' => {
                self.next();
                self.ignore();
                return St::MapDubQuotedKey;
            }
            EOF => return self.errorf(LexError::MapEof),
            _ => {}
        }
        self.ignore();
        self.next();
        St::MapKey
    }

    fn map_quoted_key(&mut self, q: char) -> St {
        self.skip_till(if q == '"' { b"\"" } else { b"'" });
        let r = self.peek();
        if r == EOF {
            return self.errorf(LexError::MapQuotedKeyEof(q == '"'));
        }
        if r == q {
            self.emit(ItemType::Key);
            self.next();
            self.ignore();
            return St::MapKeyEnd;
        }
        self.next();
        if q == '"' {
            St::MapDubQuotedKey
        } else {
            St::MapQuotedKey
        }
    }

    fn map_key(&mut self) -> St {
        self.scan_bare_key();
        let r = self.peek();
        if r == EOF {
            return self.errorf(LexError::MapKeyEof);
        }
        if is_space(r) {
            return self.key_check_keyword(St::MapKeyEnd, Some(St::MapValueEnd));
        }
        if is_sep(r) {
            self.emit(ItemType::Key);
            return St::MapKeyEnd;
        }
        self.next();
        St::MapKey
    }

    fn map_key_end(&mut self) -> St {
        self.skip_blanks(true, true);
        let r = self.next();
        if is_space(r) {
            self.ignore();
            return St::MapKeyEnd;
        }
        if is_sep(r) {
            self.ignore();
            return St::MapValue;
        }
        self.backup();
        St::MapValue
    }

    fn map_value(&mut self) -> St {
        self.skip_blanks(true, true);
        let r = self.next();
        if is_space(r) {
            self.ignore();
            return St::MapValue;
        }
        match r {
            ',' => self.errorf(LexError::MapValueTerm),
            '}' => {
                self.ignore();
                St::MapEnd
            }
            _ => {
                self.backup();
                self.push(St::MapValueEnd);
                St::Value
            }
        }
    }

    fn map_value_end(&mut self) -> St {
        self.value_end(&MAP)
    }

    /// After a value inside an array or a map: blanks, a comment, a separator (back to the next
    /// element) or the closing bracket. Maps also take `;` as a separator, like the reference lexer.
    fn value_end(&mut self, c: &Container) -> St {
        self.skip_blanks(false, true);
        let r = self.next();
        match r {
            ' ' | '\t' => {
                self.ignore();
                c.value_end
            }
            '#' => {
                self.push(c.value_end);
                St::CommentStart
            }
            '/' => {
                if self.next() == '/' {
                    self.push(c.value_end);
                    return St::CommentStart;
                }
                self.backup();
                self.ignore();
                c.next_element
            }
            ',' | '\n' | '\r' => {
                self.ignore();
                c.next_element
            }
            ';' if c.semicolon_separates => {
                self.ignore();
                c.next_element
            }
            _ if r == c.close => {
                if c.ignore_close {
                    self.ignore();
                }
                c.end
            }
            _ => self.errorf((c.unexpected)(r)),
        }
    }

    fn map_end(&mut self) -> St {
        self.ignore();
        self.emit_span(ItemType::MapEnd, self.pos - 1, self.pos);
        self.pop()
    }

    fn quoted_string(&mut self) -> St {
        self.skip_till(b"'");
        let r = self.next();
        if r == '\'' {
            self.backup();
            self.emit_string(1);
            self.next();
            self.ignore();
            return self.pop();
        }
        if r == EOF {
            return self.eof_or_error();
        }
        St::QuotedString
    }

    fn dub_quoted_string(&mut self) -> St {
        self.skip_till(b"\"\\");
        let r = self.next();
        match r {
            '\\' => {
                self.add_current_part(1);
                St::StringEscape
            }
            '"' => {
                self.backup();
                self.emit_string(1);
                self.next();
                self.ignore();
                self.pop()
            }
            EOF => self.eof_or_error(),
            _ => St::DubQuotedString,
        }
    }

    /// Advances over runes that neither end an unquoted string nor start an escape.
    fn scan_unquoted(&mut self) {
        self.pos += scan::unquoted(self.rest());
    }

    fn string(&mut self) -> St {
        self.scan_unquoted();
        let r = self.next();
        match r {
            '\\' => {
                self.add_current_part(1);
                St::StringEscape
            }
            '\n' | '\r' | EOF | ';' | ',' | ']' | '}' | ' ' | '\t' => {
                self.backup();
                if self.has_parts {
                    self.emit_string(0);
                } else if self.is_bool() {
                    self.emit(ItemType::Bool);
                } else if self.b.get(self.start) == Some(&b'$') {
                    let s = self.start;
                    self.start += 1;
                    self.emit_span(ItemType::Variable, s, self.pos);
                } else {
                    self.emit_string(0);
                }
                self.pop()
            }
            '\'' => {
                self.backup();
                self.emit_string(0);
                self.next();
                self.ignore();
                self.pop()
            }
            _ => St::Str,
        }
    }

    fn block(&mut self) -> St {
        self.skip_till(b")");
        let r = self.next();
        match r {
            ')' => {
                self.backup();
                self.backup();
                if self.next() != '\n' {
                    self.next();
                    return St::Block;
                }
                self.next();
                let after = self.next();
                if after == '\n' || after == EOF {
                    self.backup();
                    self.backup();
                    let s = self.start;
                    self.emit_span(ItemType::String, s.saturating_sub(1), self.pos + 1);
                    self.next();
                    self.ignore();
                    return self.pop();
                }
                self.backup();
                St::Block
            }
            EOF => self.errorf(LexError::BlockEof),
            _ => St::Block,
        }
    }

    fn string_escape(&mut self) -> St {
        let r = self.next();
        if r == 'x' {
            return St::StringBinary;
        }
        match scan::escape(self.b.get(self.last..self.pos).unwrap_or_default()) {
            Some(byte) => self.add_part(byte),
            None => {
                let s = self.last.saturating_sub(1);
                let e = self.last + self.width;
                self.error_at(LexError::InvalidEscape(r), s, e)
            }
        }
    }

    fn string_binary(&mut self) -> St {
        if is_nl(self.next()) || is_nl(self.next()) {
            return self.errorf(LexError::HexEol);
        }
        let offset = self.pos.saturating_sub(2);
        let raw = &self.b[offset..self.pos];
        match scan::hex_byte(raw) {
            Some(byte) => self.add_part(&[byte]),
            None => {
                let shown = String::from_utf8_lossy(raw).into_owned();
                let s = offset.saturating_sub(2);
                let mut e = self.pos;
                while e < self.src.len() && !self.src.is_char_boundary(e) {
                    e += 1;
                }
                self.error_at(LexError::HexBad(shown), s, e)
            }
        }
    }

    /// lexNumberOrDateOrStringOrIPStart and lexNegNumberStart (identical checks).
    fn number_start(&mut self) -> St {
        let neg = self.state == St::NegNumberStart;
        let r = self.next();
        if !is_digit(r) {
            if r == '.' {
                return self.errorf(LexError::FloatStart(true));
            }
            return self.errorf(LexError::ExpectedDigit(r));
        }
        if neg {
            St::NegNumber
        } else {
            St::Number
        }
    }

    fn int_end(r: char) -> bool {
        is_nl(r) || r == EOF || r == '}' || r == ';' || r == ',' || is_ws(r) || is_digit(r)
    }

    fn number(&mut self) -> St {
        self.skip_digits();
        let r = self.next();
        if r == '-' {
            if self.pos - self.start != 5 {
                return self.errorf(LexError::IsoFull);
            }
            return St::DateAfterYear;
        }
        if is_digit(r) {
            return St::Number;
        }
        if r == '.' {
            return St::FloatStart;
        }
        if is_suffix(r) {
            return St::ConvenientNumber;
        }
        if !Self::int_end(r) {
            if r == ']' && self.stack.last() == Some(&St::ArrayValueEnd) {
                self.swallowed_brackets.push(self.last);
            }
            self.string_state = St::Str;
            return St::Str;
        }
        self.backup();
        self.emit(ItemType::Integer);
        self.pop()
    }

    fn convenient_number(&mut self) -> St {
        let r = self.next();
        if matches!(r, 'b' | 'B' | 'i' | 'I') {
            return St::ConvenientNumber;
        }
        self.backup();
        if Self::int_end(r) && !(self.suffix_digit_string && is_digit(r)) {
            if is_digit(r) {
                self.suffix_split = Some(self.pos);
            }
            self.emit(ItemType::Integer);
            return self.pop();
        }
        self.string_state = St::Str;
        St::Str
    }

    fn date_after_year(&mut self) -> St {
        if let Some(n) = scan::datetime_tail(self.rest()) {
            // as if read rune by rune: the last rune read is the `Z`
            self.pos += n;
            self.last = self.pos - 1;
            self.width = 1;
            self.emit(ItemType::Datetime);
            return self.pop();
        }
        // not a datetime: walk it rune by rune to report the first rune out of place
        const FORMAT: &[char] = &['0', '0', '-', '0', '0', 'T', '0', '0', ':', '0', '0', ':', '0', '0', 'Z'];
        for &f in FORMAT {
            let r = self.next();
            if f == '0' {
                if !is_digit(r) {
                    return self.errorf(LexError::IsoDigit(r));
                }
            } else if f != r {
                return self.errorf(LexError::IsoChar(f, r));
            }
        }
        self.emit(ItemType::Datetime);
        self.pop()
    }

    fn neg_number(&mut self) -> St {
        self.skip_digits();
        let r = self.next();
        if is_digit(r) {
            return St::NegNumber;
        }
        if r == '.' {
            return St::FloatStart;
        }
        if is_suffix(r) {
            return St::ConvenientNumber;
        }
        self.backup();
        self.emit(ItemType::Integer);
        self.pop()
    }

    fn float_start(&mut self) -> St {
        let r = self.next();
        if !is_digit(r) {
            return self.errorf(LexError::FloatDigit(r));
        }
        St::Float
    }

    fn float(&mut self) -> St {
        self.skip_digits();
        let r = self.next();
        if is_digit(r) {
            return St::Float;
        }
        if r == '.' {
            return St::IpAddr;
        }
        self.backup();
        self.emit(ItemType::Float);
        self.pop()
    }

    fn ip_addr(&mut self) -> St {
        let r = self.next();
        if is_digit(r) || r == '.' || r == ':' || r == '-' {
            return St::IpAddr;
        }
        self.backup();
        self.emit(ItemType::String);
        self.pop()
    }

    fn comment_start(&mut self) -> St {
        self.ignore();
        St::Comment
    }

    fn comment(&mut self) -> St {
        self.skip_till(b"\n\r");
        let r = self.peek();
        if is_nl(r) || r == EOF {
            self.emit(ItemType::Comment);
            return self.pop();
        }
        self.next();
        St::Comment
    }
}
