//! Makefile variable assignments (recipes are shell commands, read by the script reader).

use crate::deploy::shell::{Var, Vars};
use crate::span::{FileId, Span};

/// `NAME = value`, `NAME := value`, `NAME ?= value`, `NAME += value`, `export NAME = value`.
pub(super) fn assignment(line: &str, file: FileId, off: usize, vars: &mut Vars) {
    let t = line.trim_start();
    let (t, exported) = match t.strip_prefix("export ") {
        Some(r) => (r.trim_start(), true),
        None => (t.strip_prefix("override ").map(str::trim_start).unwrap_or(t), false),
    };
    let nlen = t.bytes().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-')).count();
    if nlen == 0 {
        return;
    }
    let name = &t[..nlen];
    let rest = t[nlen..].trim_start();
    let (op, value) = if let Some(v) = rest.strip_prefix("::=").or_else(|| rest.strip_prefix(":=")) {
        (":=", v)
    } else if let Some(v) = rest.strip_prefix("?=") {
        ("?=", v)
    } else if let Some(v) = rest.strip_prefix("+=") {
        ("+=", v)
    } else if let Some(v) = rest.strip_prefix('=') {
        ("=", v)
    } else {
        return;
    };
    let value = value.split(" #").next().unwrap_or("").trim();
    let vstart = off + (value.as_ptr() as usize - line.as_ptr() as usize);
    let span = Span::new(file, vstart, vstart + value.len());
    let unknown = value.contains("$(shell") || value.contains('`');
    match op {
        "?=" if vars.make.contains_key(name) => {}
        "+=" => {
            if let Some(v) = vars.make.get_mut(name) {
                v.value = format!("{} {value}", v.value).trim().to_string();
                v.span = v.span.cover(span);
            } else {
                vars.make.insert(name.into(), Var { value: value.into(), span, exported, unknown });
            }
        }
        _ => {
            vars.make.insert(name.into(), Var { value: value.into(), span, exported, unknown });
        }
    }
}
