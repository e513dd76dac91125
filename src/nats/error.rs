//! Lexer errors: the reference parser's wording (for `parse --json`) and latticelint's own
//! message, label and help (for diagnostics).

/// Go's `%v` of a rune in lexer errors: the character itself, `\n` escaped, EOF printed as NUL.
fn go_rune(c: char) -> String {
    if c == '\n' {
        "\\n".into()
    } else {
        c.to_string()
    }
}

/// How a rune is shown in a diagnostic message.
fn shown(c: char) -> String {
    match c {
        '\0' => "end of input".into(),
        '\n' => "a new line".into(),
        '\r' => "a carriage return".into(),
        _ => format!("`{c}`"),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LexError {
    UnexpectedEof,
    TopValueEnd(char),
    BlockValueEnd(char),
    BlockEnd(char),
    /// A key separator where a key should start (`true` inside a map).
    KeySeparator(char, bool),
    /// `"an array"`, `"a map"`, `"a block"`, `"a number"` after `include`.
    IncludeStart(&'static str),
    IncludeEscape,
    IncludeNewline,
    /// EOF inside a quoted include path (`true`: double quotes).
    IncludeQuotedEof(bool),
    /// `.` starting a value (`true`: the `, not '.'` variant of number states).
    FloatStart(bool),
    ValueNewline,
    ArrayValueTerm,
    ArrayValueEnd(char),
    MapArrayEnd,
    MapEof,
    MapQuotedKeyEof(bool),
    MapKeyEof,
    MapValueTerm,
    MapValueEnd(char),
    BlockEof,
    InvalidEscape(char),
    HexEol,
    HexBad(String),
    ExpectedDigit(char),
    IsoFull,
    IsoDigit(char),
    IsoChar(char, char),
    FloatDigit(char),
    TooDeep,
    Bug,
}

impl LexError {
    /// The message nats-server's lexer produces (inside `Parse error on line N: '…'`).
    pub fn go_message(&self) -> String {
        use LexError::*;
        match self {
            UnexpectedEof => "Unexpected EOF.".into(),
            TopValueEnd(r) => format!(
                "Expected a top-level value to end with a new line, comment or EOF, but got '{}' instead.",
                go_rune(*r)
            ),
            BlockValueEnd(r) => format!(
                "Expected a block-level value to end with a new line, comment or EOF, but got '{}' instead.",
                go_rune(*r)
            ),
            BlockEnd(r) => format!("Expected a block-level to end with a '}}', but got '{}' instead.", go_rune(*r)),
            KeySeparator(r, false) => format!("Unexpected key separator '{}'", go_rune(*r)),
            KeySeparator(r, true) => format!("Unexpected key separator '{}'.", go_rune(*r)),
            IncludeStart(what) => format!("Expected include value but found start of {what}"),
            IncludeEscape => "Expected include value but found escape sequence".into(),
            IncludeNewline => "Expected include value but found new line".into(),
            IncludeQuotedEof(false) => "Unexpected EOF in quoted include".into(),
            IncludeQuotedEof(true) => "Unexpected EOF in double quoted include".into(),
            FloatStart(false) => "Floats must start with a digit".into(),
            FloatStart(true) => "Floats must start with a digit, not '.'.".into(),
            ValueNewline => "Expected value but found new line".into(),
            ArrayValueTerm => "Unexpected array value terminator ','.".into(),
            ArrayValueEnd(r) => format!(
                "Expected an array value terminator ',' or an array terminator ']', but got '{}' instead.",
                go_rune(*r)
            ),
            MapArrayEnd => "Unexpected array end ']' processing map.".into(),
            MapEof => "Unexpected EOF processing map.".into(),
            MapQuotedKeyEof(false) => "Unexpected EOF processing quoted map key.".into(),
            MapQuotedKeyEof(true) => "Unexpected EOF processing double quoted map key.".into(),
            MapKeyEof => "Unexpected EOF processing map key.".into(),
            MapValueTerm => "Unexpected map value terminator ','.".into(),
            MapValueEnd(r) => format!(
                "Expected a map value terminator ',' or a map terminator '}}', but got '{}' instead.",
                go_rune(*r)
            ),
            BlockEof => "Unexpected EOF processing block.".into(),
            InvalidEscape(r) => format!(
                "Invalid escape character '{}'. Only the following escape characters are allowed: \\xXX, \\t, \\n, \\r, \\\", \\\\.",
                go_rune(*r)
            ),
            HexEol => "Expected two hexadecimal digits after '\\x', but hit end of line".into(),
            HexBad(s) => format!("Expected two hexadecimal digits after '\\x', but got '{s}'"),
            ExpectedDigit(r) => format!("Expected a digit but got '{}'.", go_rune(*r)),
            IsoFull => "All ISO8601 dates must be in full Zulu form.".into(),
            IsoDigit(r) => format!("Expected digit in ISO8601 datetime, but found '{}' instead.", go_rune(*r)),
            IsoChar(f, r) => {
                format!("Expected '{}' in ISO8601 datetime, but found '{}' instead.", go_rune(*f), go_rune(*r))
            }
            FloatDigit(r) => format!("Floats must have a digit after the '.', but got '{}' instead.", go_rune(*r)),
            TooDeep => format!("nesting deeper than {} levels", super::lexer::MAX_DEPTH),
            Bug => "BUG in lexer: no states to pop.".into(),
        }
    }

    /// Diagnostic message: lower-case, fact first.
    pub fn message(&self) -> String {
        use LexError::*;
        match self {
            UnexpectedEof => "unexpected end of input".into(),
            TopValueEnd(r) => format!("unexpected {} after a top-level value", shown(*r)),
            BlockValueEnd(r) => format!("unexpected {} after a value in a top-level block", shown(*r)),
            BlockEnd(r) => format!("expected `}}` to close a top-level block, found {}", shown(*r)),
            KeySeparator(r, _) => {
                format!("unexpected key separator `{r}` where a key should start")
            }
            IncludeStart(what) => format!("`include` path starts like {what}"),
            IncludeEscape => "`include` path starts with an escape sequence".into(),
            IncludeNewline => "`include` has no path on its line".into(),
            IncludeQuotedEof(_) => "unterminated quoted `include` path".into(),
            FloatStart(_) => "a value cannot start with `.`".into(),
            ValueNewline => "expected a value, found a new line".into(),
            ArrayValueTerm => "unexpected `,` in an array where a value should be".into(),
            ArrayValueEnd(r) => format!("expected `,`, a new line or `]` after an array value, found {}", shown(*r)),
            MapArrayEnd => "unexpected `]` inside a map".into(),
            MapEof => "map is not closed before the end of input".into(),
            MapQuotedKeyEof(_) => "unterminated quoted key in a map".into(),
            MapKeyEof => "map key runs into the end of input".into(),
            MapValueTerm => "unexpected `,` in a map where a value should be".into(),
            MapValueEnd(r) => format!("expected `,`, a new line or `}}` after a map value, found {}", shown(*r)),
            BlockEof => "block string `(` is never closed".into(),
            InvalidEscape(r) => format!("invalid escape `\\{r}`"),
            HexEol | HexBad(_) => "`\\x` must be followed by two hexadecimal digits".into(),
            ExpectedDigit(r) => format!("expected a digit after `-`, found {}", shown(*r)),
            IsoFull | IsoDigit(_) | IsoChar(..) => "malformed datetime".into(),
            FloatDigit(r) => format!("expected a digit after the decimal point, found {}", shown(*r)),
            TooDeep => format!("nesting deeper than {} levels", super::lexer::MAX_DEPTH),
            Bug => "internal lexer error".into(),
        }
    }

    pub fn label(&self) -> String {
        use LexError::*;
        match self {
            UnexpectedEof | MapEof | MapKeyEof | MapQuotedKeyEof(_) | BlockEof | IncludeQuotedEof(_) => {
                "input ends here".into()
            }
            TooDeep => "too deep".into(),
            _ => "unexpected here".into(),
        }
    }

    pub fn help(&self) -> String {
        use LexError::*;
        match self {
            UnexpectedEof => "a NUL byte or a lone `/` ends the input for nats-server; remove it or quote the text".into(),
            TopValueEnd(_) => "put one `key: value` per line (or separate them with `;`), and quote values that contain spaces".into(),
            BlockValueEnd(_) | BlockEnd(_) => "close the top-level `{` block with `}` and end each entry with a new line, `,` or `;`".into(),
            KeySeparator(..) => "remove the extra `=`/`:` or write a key before it".into(),
            IncludeStart(_) | IncludeEscape => "quote the include path: `include \"./file.conf\"`".into(),
            IncludeNewline => "write the path on the same line: `include ./file.conf`".into(),
            IncludeQuotedEof(_) => "close the quote around the include path".into(),
            FloatStart(_) => "write a leading digit (`0.5`) or quote the value".into(),
            ValueNewline => "put the value on the same line as its key".into(),
            ArrayValueTerm => "remove the extra `,` (a trailing comma is fine, a leading or doubled one is not)".into(),
            ArrayValueEnd(_) => "separate array values with `,` or new lines and quote values containing spaces".into(),
            MapArrayEnd => "close the map with `}` before the `]`".into(),
            MapEof | MapQuotedKeyEof(_) | MapKeyEof => "add the missing `}` (and closing quote) for this map".into(),
            MapValueTerm => "remove the extra `,`".into(),
            MapValueEnd(_) => "end each map entry with a new line, `,` or `;`; quote values containing spaces".into(),
            BlockEof => "close a `(` block string with `)` alone on its own line, followed by a new line (LF line endings)".into(),
            InvalidEscape(_) | HexEol | HexBad(_) => {
                "only \\xXX, \\t, \\n, \\r, \\\" and \\\\ are escapes (also in unquoted values): double the backslash or use single quotes".into()
            }
            ExpectedDigit(_) => "unquoted values cannot start with `-`: quote the value".into(),
            IsoFull | IsoDigit(_) | IsoChar(..) => {
                "datetimes must be `YYYY-MM-DDThh:mm:ssZ`; quote the value if it is meant as a string".into()
            }
            FloatDigit(_) => "write digits after the `.` or quote the value".into(),
            TooDeep => "flatten the configuration; nats-server configs never need this much nesting".into(),
            Bug => "please report this input".into(),
        }
    }
}
