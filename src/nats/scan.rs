//! The token scanners of the lexer, as nom 8 combinators over the input bytes: runs of blanks,
//! digits, unquoted strings and bare keys, the tail of a datetime, escapes, `\xHH` bytes, booleans
//! and size suffixes. Comment, quoted-string and block-string bodies ([`till_any`]) are found with
//! `memchr` instead: they are most of the bytes of a config, and a byte-at-a-time scan was the
//! lexer's biggest cost.
//!
//! Each scanner reads what one lexer state would read rune by rune and stops where the state has a
//! decision to make; the states themselves ([`super::lexer`]) stay a hand-written machine, since
//! what a rune means depends on the context stack (nats-server's `conf/lex.go`). Scanning bytes is
//! exact for the ASCII stop sets used here: UTF-8 continuation bytes never equal an ASCII byte.

use nom::branch::alt;
use nom::bytes::complete::{tag, tag_no_case, take_till, take_while, take_while_m_n};
use nom::character::complete::{char, satisfy};
use nom::combinator::{all_consuming, map_res, opt, value};
use nom::{IResult, Parser};

type Res<'a, T> = IResult<&'a [u8], T>;

/// Length of what `p` matches at the start of `input` (0 when it fails).
fn matched<'a>(
    mut p: impl Parser<&'a [u8], Output = &'a [u8], Error = nom::error::Error<&'a [u8]>>,
    input: &'a [u8],
) -> usize {
    p.parse(input).map(|(_, m)| m.len()).unwrap_or(0)
}

/// Spaces and tabs; with `newlines` also `\n`, `\r`, `\v` and `\f` (what the value and key states
/// skip one rune at a time).
pub fn blanks(input: &[u8], newlines: bool) -> usize {
    matched(take_while(|c| c == b' ' || c == b'\t' || (newlines && matches!(c, b'\n' | b'\r' | 0x0b | 0x0c))), input)
}

/// ASCII digits (number states loop on them).
pub fn digits(input: &[u8]) -> usize {
    matched(take_while(|c: u8| c.is_ascii_digit()), input)
}

/// Everything before the first byte of `stop` or a NUL (which reads as EOF): comment bodies
/// (`\n\r`), quoted bodies (`'`, `"\`), block strings (`)`).
pub fn till_any(input: &[u8], stop: &[u8]) -> usize {
    let found = match *stop {
        [a] => memchr::memchr2(0, a, input),
        [a, b] => memchr::memchr3(0, a, b, input),
        _ => input.iter().position(|&c| c == 0 || stop.contains(&c)),
    };
    found.unwrap_or(input.len())
}

/// The runes of an unquoted string that neither end it nor start an escape.
pub fn unquoted(input: &[u8]) -> usize {
    matched(
        take_till(|c| matches!(c, b'\\' | b'\n' | b'\r' | 0 | b';' | b',' | b']' | b'}' | b' ' | b'\t' | b'\'')),
        input,
    )
}

/// The ASCII runes of a bare key up to a blank, a separator or a NUL; stops at the first
/// non-ASCII byte too (whether that rune is a space takes Unicode tables: the lexer decides).
pub fn bare_key_ascii(input: &[u8]) -> usize {
    matched(
        take_till(|c| c >= 0x80 || matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | b'=' | b':' | 0)),
        input,
    )
}

fn two_digits(input: &[u8]) -> Res<'_, &[u8]> {
    take_while_m_n(2, 2, |c: u8| c.is_ascii_digit()).parse(input)
}

/// Length of a well-formed datetime tail after `YYYY-`: `MM-DDThh:mm:ssZ` (15 bytes), or `None`
/// when it is not one (the lexer then walks it rune by rune to report where it breaks).
pub fn datetime_tail(input: &[u8]) -> Option<usize> {
    let sep = |c| char::<&[u8], nom::error::Error<&[u8]>>(c);
    let mut tail =
        (two_digits, sep('-'), two_digits, sep('T'), two_digits, sep(':'), two_digits, sep(':'), two_digits, sep('Z'));
    tail.parse(input).ok().map(|(rest, _)| input.len() - rest.len())
}

/// The byte an escape stands for (`\t \n \r \" \\`), after the backslash; `None` for `\x` and others.
pub fn escape(input: &[u8]) -> Option<&'static [u8]> {
    let mut p = alt((
        value(&b"\t"[..], char::<&[u8], nom::error::Error<&[u8]>>('t')),
        value(&b"\n"[..], char('n')),
        value(&b"\r"[..], char('r')),
        value(&b"\""[..], char('"')),
        value(&b"\\"[..], char('\\')),
    ));
    p.parse(input).ok().map(|(_, b)| b)
}

/// The byte of the two hex digits of `\xHH` (exactly two ASCII hex digits).
pub fn hex_byte(raw: &[u8]) -> Option<u8> {
    let hex = take_while_m_n(2, 2, |c: u8| c.is_ascii_hexdigit());
    let mut p = all_consuming(map_res(hex, |h: &[u8]| u8::from_str_radix(std::str::from_utf8(h).unwrap_or("x"), 16)));
    let parsed: Res<'_, u8> = p.parse(raw);
    parsed.ok().map(|(_, b)| b)
}

/// Whether an unquoted word is a boolean (`true false on off yes no`, any ASCII case).
pub fn is_bool(word: &str) -> bool {
    // most words are not: skip nom's alternatives for them
    let quick =
        word.len() >= 2 && word.len() <= 5 && matches!(word.as_bytes()[0] | 0x20, b't' | b'f' | b'o' | b'y' | b'n');
    if !quick {
        return false;
    }
    // on bytes: nom's case-insensitive `tag` on `&str` folds Unicode case, Go's check only ASCII
    let words = alt((
        tag_no_case::<&[u8], &[u8], nom::error::Error<&[u8]>>(b"true"),
        tag_no_case(&b"false"[..]),
        tag_no_case(&b"on"[..]),
        tag_no_case(&b"off"[..]),
        tag_no_case(&b"yes"[..]),
        tag_no_case(&b"no"[..]),
    ));
    all_consuming(words).parse(word.as_bytes()).is_ok()
}

/// The value of a boolean word: `true`, `yes` and `on` (any ASCII case) are true.
pub fn bool_value(word: &str) -> bool {
    let truthy = alt((
        tag_no_case::<&[u8], &[u8], nom::error::Error<&[u8]>>(b"true"),
        tag_no_case(&b"yes"[..]),
        tag_no_case(&b"on"[..]),
    ));
    all_consuming(truthy).parse(word.as_bytes()).is_ok()
}

/// An integer's text split into its number (digits, Unicode ones too, and `-`) and its suffix.
pub fn split_integer(text: &str) -> (&str, &str) {
    let mut number = take_while::<_, &str, nom::error::Error<&str>>(|c: char| super::chars::is_digit(c) || c == '-');
    match number.parse(text) {
        Ok((suffix, number)) => (number, suffix),
        Err(_) => ("", text),
    }
}

/// The multiplier of a size suffix (already trimmed), ASCII case-insensitive: `k m g t p e` are
/// powers of 1000, the same letters followed by `b`, `i` or `ib` powers of 1024; `""` is 1.
pub fn size_multiplier(suffix: &str) -> Option<i64> {
    if suffix.is_empty() {
        return Some(1);
    }
    const LETTERS: &[u8] = b"kmgtpe";
    let letter = satisfy::<_, &[u8], nom::error::Error<&[u8]>>(|c| LETTERS.contains(&(c as u8).to_ascii_lowercase()));
    let binary = opt(alt((tag_no_case(&b"ib"[..]), tag_no_case(&b"b"[..]), tag_no_case(&b"i"[..]))));
    let (_, (letter, binary)) = all_consuming((letter, binary)).parse(suffix.as_bytes()).ok()?;
    let power = LETTERS.iter().position(|&l| l == (letter as u8).to_ascii_lowercase())? as u32 + 1;
    Some(if binary.is_some() { 1_i64 << (10 * power) } else { 1000_i64.pow(power) })
}

/// Go `time.Parse("2006-01-02T15:04:05Z", s)` succeeds (ASCII digits, a real calendar date).
pub fn valid_zulu(s: &str) -> bool {
    fn num<'a>(n: usize) -> impl Parser<&'a str, Output = u32, Error = nom::error::Error<&'a str>> {
        map_res(take_while_m_n(n, n, |c: char| c.is_ascii_digit()), |d: &'a str| d.parse::<u32>())
    }
    let date =
        (num(4), tag("-"), num(2), tag("-"), num(2), tag("T"), num(2), tag(":"), num(2), tag(":"), num(2), tag("Z"));
    let Ok((_, (y, _, mo, _, d, _, h, _, mi, _, se, _))) = all_consuming(date).parse(s) else {
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
    fn size_suffixes() {
        assert_eq!(size_multiplier(""), Some(1));
        assert_eq!(size_multiplier("k"), Some(1000));
        assert_eq!(size_multiplier("KiB"), Some(1024));
        assert_eq!(size_multiplier("mb"), Some(1 << 20));
        assert_eq!(size_multiplier("E"), Some(1_000_000_000_000_000_000));
        assert_eq!(size_multiplier("ei"), Some(1 << 60));
        assert_eq!(size_multiplier("kbb"), None);
        assert_eq!(size_multiplier("x"), None);
    }

    #[test]
    fn scanners() {
        assert_eq!(blanks(b" \t\nx", false), 2);
        assert_eq!(blanks(b" \t\nx", true), 3);
        assert_eq!(till_any(b"abc\0\n", b"\n\r"), 3);
        assert_eq!(unquoted("a.b,c".as_bytes()), 3);
        assert_eq!(datetime_tail(b"05-04T18:53:41Z\n"), Some(15));
        assert_eq!(datetime_tail(b"05-04T18:53:41"), None);
        assert_eq!(hex_byte(b"4f"), Some(0x4f));
        assert_eq!(hex_byte(b"4g"), None);
        assert!(is_bool("ON") && !is_bool("onn") && bool_value("Yes") && !bool_value("off"));
        assert_eq!(split_integer("12kb"), ("12", "kb"));
    }
}
