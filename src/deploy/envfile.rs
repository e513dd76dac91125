//! Environment variables with spans: `.env` files, `${VAR}` interpolation (docker-compose rules)
//! and the [`EnvSet`] every reader hands to [`super::wasmcloud`].

use crate::span::{FileId, Span};
use std::collections::BTreeMap;

/// One variable and the span of its value (or of the line that sets it when the value is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    pub name: String,
    pub value: String,
    pub span: Span,
}

/// Variables in order of assignment; the last assignment of a name wins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvSet {
    pub vars: Vec<EnvVar>,
}

impl EnvSet {
    pub fn get(&self, name: &str) -> Option<&EnvVar> {
        self.vars.iter().rev().find(|v| v.name == name)
    }

    /// The value of `name`, ignoring empty values.
    pub fn value(&self, name: &str) -> Option<&EnvVar> {
        self.get(name).filter(|v| !v.value.is_empty())
    }

    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>, span: Span) {
        self.vars.push(EnvVar { name: name.into(), value: value.into(), span });
    }

    pub fn extend(&mut self, other: &EnvSet) {
        self.vars.extend(other.vars.iter().cloned());
    }

    pub fn to_map(&self) -> BTreeMap<String, String> {
        self.vars.iter().map(|v| (v.name.clone(), v.value.clone())).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.vars.is_empty()
    }
}

/// `.env` files: read by the files that name them (compose `env_file:`, `EnvironmentFile=`,
/// `source`), so on their own they add no facts.
pub struct EnvFile;

impl super::Reader for EnvFile {
    fn kind(&self) -> super::FileKind {
        super::FileKind::Env
    }

    fn recognise(&self, _path: &std::path::Path, _text: &str) -> bool {
        true
    }

    fn read(&self, _cx: &super::ReadCx, _file: FileId, _path: &std::path::Path) -> super::FileFacts {
        super::FileFacts::default()
    }
}

/// Parses a `.env` / systemd `EnvironmentFile=` text: `KEY=VALUE`, `export KEY=VALUE`, `#` comments,
/// single or double quotes.
pub fn parse_env_text(text: &str, file: FileId) -> EnvSet {
    let mut out = EnvSet::default();
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        let base = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let lead = body.len() - body.trim_start().len();
        let mut rest = &body[lead..];
        let mut pos = base + lead;
        if rest.starts_with('#') || rest.is_empty() {
            continue;
        }
        if let Some(r) = rest.strip_prefix("export ") {
            pos += rest.len() - r.len();
            rest = r;
        }
        let Some(eq) = rest.find('=') else { continue };
        let name = rest[..eq].trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-') {
            continue;
        }
        let raw = &rest[eq + 1..];
        let vlead = raw.len() - raw.trim_start().len();
        let raw_t = raw.trim_start();
        let vstart = pos + eq + 1 + vlead;
        let (value, vs, ve) = if let Some(q) = raw_t.chars().next().filter(|c| *c == '"' || *c == '\'') {
            match raw_t[1..].find(q) {
                Some(end) => (raw_t[1..1 + end].to_string(), vstart + 1, vstart + 1 + end),
                None => (raw_t[1..].to_string(), vstart + 1, vstart + raw_t.len()),
            }
        } else {
            let v = match raw_t.find(" #") {
                Some(i) => &raw_t[..i],
                None => raw_t,
            };
            let v = v.trim_end();
            (v.to_string(), vstart, vstart + v.len())
        };
        let span =
            if value.is_empty() { Span::new(file, base + lead, base + body.len()) } else { Span::new(file, vs, ve) };
        out.push(name, value, span);
    }
    out
}

/// docker-compose interpolation: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
/// `${VAR:?err}`, `${VAR:+alt}`. Unknown variables become empty.
pub fn interpolate(s: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    if !s.contains('$') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' {
            let ch = s[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
            continue;
        }
        if i + 1 < b.len() && b[i + 1] == b'$' {
            out.push('$');
            i += 2;
            continue;
        }
        if i + 1 < b.len() && b[i + 1] == b'{' {
            if let Some(close) = find_close(&s[i + 2..]) {
                let inner = &s[i + 2..i + 2 + close];
                out.push_str(&expand_braced(inner, lookup));
                i += close + 3;
                continue;
            }
            out.push_str(&s[i..]);
            break;
        }
        let name_len = s[i + 1..].bytes().take_while(|c| c.is_ascii_alphanumeric() || *c == b'_').count();
        if name_len == 0 {
            out.push('$');
            i += 1;
            continue;
        }
        out.push_str(&lookup(&s[i + 1..i + 1 + name_len]).unwrap_or_default());
        i += 1 + name_len;
    }
    out
}

fn find_close(s: &str) -> Option<usize> {
    let mut depth = 0;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

fn expand_braced(inner: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let name_len = inner.bytes().take_while(|c| c.is_ascii_alphanumeric() || *c == b'_').count();
    let name = &inner[..name_len];
    let op = &inner[name_len..];
    let val = lookup(name);
    let set_nonempty = val.as_deref().is_some_and(|v| !v.is_empty());
    if let Some(def) = op.strip_prefix(":-") {
        return if set_nonempty { val.unwrap_or_default() } else { interpolate(def, lookup) };
    }
    if let Some(def) = op.strip_prefix('-') {
        return match val {
            Some(v) => v,
            None => interpolate(def, lookup),
        };
    }
    if let Some(alt) = op.strip_prefix(":+") {
        return if set_nonempty { interpolate(alt, lookup) } else { String::new() };
    }
    if let Some(alt) = op.strip_prefix('+') {
        return if val.is_some() { interpolate(alt, lookup) } else { String::new() };
    }
    val.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_file_lines_and_spans() {
        let text = "# c\nexport A=1\nB=\"two words\"\nC=x # note\nEMPTY=\nbad line\n";
        let env = parse_env_text(text, FileId(0));
        assert_eq!(env.get("A").unwrap().value, "1");
        let b = env.get("B").unwrap();
        assert_eq!(b.value, "two words");
        assert_eq!(&text[b.span.range()], "two words");
        assert_eq!(env.get("C").unwrap().value, "x");
        assert_eq!(env.get("EMPTY").unwrap().value, "");
        assert!(env.value("EMPTY").is_none());
        assert_eq!(env.vars.len(), 4);
    }

    #[test]
    fn compose_interpolation() {
        let f = |n: &str| match n {
            "D" => Some("dom".to_string()),
            "E" => Some(String::new()),
            _ => None,
        };
        assert_eq!(interpolate("${D}", &f), "dom");
        assert_eq!(interpolate("x-$D-y", &f), "x-dom-y");
        assert_eq!(interpolate("${E:-def}", &f), "def");
        assert_eq!(interpolate("${E-def}", &f), "");
        assert_eq!(interpolate("${NOPE:-a${D}}", &f), "adom");
        assert_eq!(interpolate("$$D", &f), "$D");
        assert_eq!(interpolate("${UNSET}", &f), "");
    }
}
