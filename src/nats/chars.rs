//! Character classes exactly as nats-server's lexer (Go `unicode` package) sees them, and the
//! byte-level text decoding Go applies to invalid UTF-8.

/// Go `unicode.IsSpace`: the Unicode White_Space property (same set as Rust's `char::is_whitespace`).
#[inline]
pub fn is_space(c: char) -> bool {
    if c.is_ascii() {
        matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
    } else {
        c.is_whitespace()
    }
}

/// `isWhitespace` of the lexer: only space and tab.
#[inline]
pub fn is_ws(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// `isNL`: a lone CR counts as a newline.
#[inline]
pub fn is_nl(c: char) -> bool {
    c == '\n' || c == '\r'
}

/// `isKeySeparator`.
#[inline]
pub fn is_sep(c: char) -> bool {
    c == '=' || c == ':'
}

/// `isNumberSuffix`.
#[inline]
pub fn is_suffix(c: char) -> bool {
    matches!(c, 'k' | 'K' | 'm' | 'M' | 'g' | 'G' | 't' | 'T' | 'p' | 'P' | 'e' | 'E')
}

/// Go `unicode.IsDigit`: general category Nd (Unicode 15), not just ASCII.
#[inline]
pub fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    let u = c as u32;
    ND.binary_search_by(|&(lo, hi)| {
        if hi < u {
            std::cmp::Ordering::Less
        } else if lo > u {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    })
    .is_ok()
}

const ND: &[(u32, u32)] = &[
    (0x30, 0x39),
    (0x660, 0x669),
    (0x6F0, 0x6F9),
    (0x7C0, 0x7C9),
    (0x966, 0x96F),
    (0x9E6, 0x9EF),
    (0xA66, 0xA6F),
    (0xAE6, 0xAEF),
    (0xB66, 0xB6F),
    (0xBE6, 0xBEF),
    (0xC66, 0xC6F),
    (0xCE6, 0xCEF),
    (0xD66, 0xD6F),
    (0xDE6, 0xDEF),
    (0xE50, 0xE59),
    (0xED0, 0xED9),
    (0xF20, 0xF29),
    (0x1040, 0x1049),
    (0x1090, 0x1099),
    (0x17E0, 0x17E9),
    (0x1810, 0x1819),
    (0x1946, 0x194F),
    (0x19D0, 0x19D9),
    (0x1A80, 0x1A89),
    (0x1A90, 0x1A99),
    (0x1B50, 0x1B59),
    (0x1BB0, 0x1BB9),
    (0x1C40, 0x1C49),
    (0x1C50, 0x1C59),
    (0xA620, 0xA629),
    (0xA8D0, 0xA8D9),
    (0xA900, 0xA909),
    (0xA9D0, 0xA9D9),
    (0xA9F0, 0xA9F9),
    (0xAA50, 0xAA59),
    (0xABF0, 0xABF9),
    (0xFF10, 0xFF19),
    (0x104A0, 0x104A9),
    (0x10D30, 0x10D39),
    (0x11066, 0x1106F),
    (0x110F0, 0x110F9),
    (0x11136, 0x1113F),
    (0x111D0, 0x111D9),
    (0x112F0, 0x112F9),
    (0x11450, 0x11459),
    (0x114D0, 0x114D9),
    (0x11650, 0x11659),
    (0x116C0, 0x116C9),
    (0x11730, 0x11739),
    (0x118E0, 0x118E9),
    (0x11950, 0x11959),
    (0x11C50, 0x11C59),
    (0x11D50, 0x11D59),
    (0x11DA0, 0x11DA9),
    (0x11F50, 0x11F59),
    (0x16A60, 0x16A69),
    (0x16AC0, 0x16AC9),
    (0x16B50, 0x16B59),
    (0x1D7CE, 0x1D7FF),
    (0x1E140, 0x1E149),
    (0x1E2F0, 0x1E2F9),
    (0x1E4F0, 0x1E4F9),
    (0x1E950, 0x1E959),
    (0x1FBF0, 0x1FBF9),
];

/// Decodes bytes like Go's `utf8.DecodeRune` loop: every byte that does not start a valid
/// sequence becomes one U+FFFD (Rust's `from_utf8_lossy` merges some runs; Go's JSON output does not).
/// Returns the text and the byte offset (in the input) of the first invalid byte, if any.
pub fn decode_go_lossy(bytes: &[u8]) -> (String, Option<usize>) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_owned(), None),
        Err(_) => decode_invalid(bytes),
    }
}

/// [`decode_go_lossy`] of bytes it may keep: valid UTF-8 (the usual case) is not copied.
pub fn decode_go_lossy_owned(bytes: Vec<u8>) -> (String, Option<usize>) {
    match String::from_utf8(bytes) {
        Ok(s) => (s, None),
        Err(e) => decode_invalid(e.as_bytes()),
    }
}

fn decode_invalid(bytes: &[u8]) -> (String, Option<usize>) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_owned(), None),
        Err(e) => {
            let first = e.valid_up_to();
            let mut out = String::with_capacity(bytes.len() + 8);
            let mut rest = bytes;
            loop {
                match std::str::from_utf8(rest) {
                    Ok(s) => {
                        out.push_str(s);
                        break;
                    }
                    Err(e) => {
                        let good = e.valid_up_to();
                        // SAFETY-free: the prefix was validated by from_utf8.
                        out.push_str(std::str::from_utf8(&rest[..good]).unwrap_or_default());
                        out.push('\u{FFFD}');
                        rest = &rest[good + 1..];
                    }
                }
            }
            (out, Some(first))
        }
    }
}

/// Go `strings.ToLower(s) == "include"` (per-rune simple case mapping; `İ` lowers to `i`).
pub fn is_include_keyword(s: &str) -> bool {
    let mut it = s.chars().map(|c| if c == '\u{130}' { 'i' } else { c.to_ascii_lowercase() });
    "include".chars().all(|w| it.next() == Some(w)) && it.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_classes() {
        assert!(is_digit('٣') && is_digit('7') && !is_digit('x') && !is_digit('²'));
        assert!(is_space('\u{85}') && is_space('\u{3000}') && !is_space('x'));
        assert!(
            is_include_keyword("INCLUDE") && is_include_keyword("\u{130}nclude") && !is_include_keyword("includes")
        );
    }

    #[test]
    fn lossy_per_byte() {
        let (s, first) = decode_go_lossy(b"a\xf0\x9f\x98b");
        assert_eq!(s, "a\u{FFFD}\u{FFFD}\u{FFFD}b");
        assert_eq!(first, Some(1));
        assert_eq!(decode_go_lossy(b"ok").1, None);
    }
}
