//! The layering of the crate: the top-level modules of `src/` must not import each other in a
//! cycle (README, "Architecture"). Reads every `src/**/*.rs` outside `#[cfg(test)]` items, takes
//! each `crate::<module>` path (including `use crate::{a, b}` groups) as an edge from the file's
//! top-level module to `<module>`, and looks for strongly connected components.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Source text with comments removed and string and char literals blanked out, so only code is left.
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == b'r' && matches!(b.get(i + 1), Some(b'"') | Some(b'#')) && !is_ident(b, i) {
            // Raw string r"..." or r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&b'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&b'"') {
                out.push(c as char);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= b.len() {
                    break;
                }
                if b[j] == b'"' && (0..hashes).all(|k| b.get(j + 1 + k) == Some(&b'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == b'\'' {
            // A char literal ('x', '\n', '\u{..}'), or a lifetime, which is kept.
            let close = if b.get(i + 1) == Some(&b'\\') {
                b[i + 2..].iter().position(|&x| x == b'\'').map(|p| i + 2 + p)
            } else {
                let ch_len = text[i + 1..].chars().next().map(char::len_utf8).unwrap_or(1);
                (b.get(i + 1 + ch_len) == Some(&b'\'')).then_some(i + 1 + ch_len)
            };
            match close {
                Some(end) => {
                    out.push_str("' '");
                    i = end + 1;
                }
                None => {
                    out.push('\'');
                    i += 1;
                }
            }
        } else {
            let ch = text[i..].chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

fn is_ident(b: &[u8], i: usize) -> bool {
    i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')
}

/// `code` without the items marked `#[cfg(test)]`.
fn without_test_items(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let item = &rest[at + "#[cfg(test)]".len()..];
        let b = item.as_bytes();
        let end = match (item.find('{'), item.find(';')) {
            (Some(open), semi) if semi.map_or(true, |s| open < s) => {
                let mut depth = 0;
                let mut end = b.len();
                for (k, &c) in b.iter().enumerate().skip(open) {
                    if c == b'{' {
                        depth += 1;
                    } else if c == b'}' {
                        depth -= 1;
                        if depth == 0 {
                            end = k + 1;
                            break;
                        }
                    }
                }
                end
            }
            (_, Some(semi)) => semi + 1,
            _ => b.len(),
        };
        rest = &item[end..];
    }
    out.push_str(rest);
    out
}

/// The identifiers right after each `crate::` (for `crate::{a::x, b}`, `a` and `b`).
fn crate_paths(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let ident = |s: &str| s.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect::<String>();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().last();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue; // e.g. `mycrate::`
        }
        let tail = rest.trim_start();
        if let Some(group) = tail.strip_prefix('{') {
            // Top-level names of the group: split on commas at brace depth 0.
            let mut depth = 0;
            let mut item_start = true;
            for (k, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && !c.is_whitespace() => {
                        item_start = false;
                        let name = ident(&group[k..]);
                        if !name.is_empty() {
                            out.insert(name);
                        }
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(tail);
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Edges `from -> to` between top-level modules, each with one file that makes it.
fn module_graph(src: &Path) -> (BTreeSet<String>, BTreeMap<(String, String), String>) {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let module_of = |p: &Path| -> Option<String> {
        let rel = p.strip_prefix(src).ok()?;
        let first = rel.components().next()?.as_os_str().to_string_lossy().into_owned();
        let name = first.strip_suffix(".rs").unwrap_or(&first).to_string();
        (name != "lib" && name != "main").then_some(name)
    };
    let modules: BTreeSet<String> = files.iter().filter_map(|p| module_of(p)).collect();
    let mut edges = BTreeMap::new();
    for f in &files {
        let Some(from) = module_of(f) else { continue };
        let code = without_test_items(&code_only(&std::fs::read_to_string(f).unwrap()));
        for to in crate_paths(&code) {
            if to != from && modules.contains(&to) {
                let rel = f.strip_prefix(src).unwrap().display().to_string();
                edges.entry((from.clone(), to)).or_insert(rel);
            }
        }
    }
    (modules, edges)
}

/// Strongly connected components with more than one module (Tarjan), each sorted.
fn cycles(modules: &BTreeSet<String>, edges: &BTreeMap<(String, String), String>) -> Vec<Vec<String>> {
    let names: Vec<&String> = modules.iter().collect();
    let idx: BTreeMap<&String, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let mut adj = vec![Vec::new(); names.len()];
    for (a, b) in edges.keys() {
        adj[idx[a]].push(idx[b]);
    }
    struct T {
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        out: Vec<Vec<usize>>,
    }
    fn visit(v: usize, adj: &[Vec<usize>], t: &mut T) {
        t.index[v] = Some(t.next);
        t.low[v] = t.next;
        t.next += 1;
        t.stack.push(v);
        t.on[v] = true;
        for &w in &adj[v] {
            match t.index[w] {
                None => {
                    visit(w, adj, t);
                    t.low[v] = t.low[v].min(t.low[w]);
                }
                Some(iw) if t.on[w] => t.low[v] = t.low[v].min(iw),
                _ => {}
            }
        }
        if Some(t.low[v]) == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on[w] = false;
                comp.push(w);
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                t.out.push(comp);
            }
        }
    }
    let n = names.len();
    let mut t =
        T { index: vec![None; n], low: vec![0; n], on: vec![false; n], stack: Vec::new(), next: 0, out: Vec::new() };
    for v in 0..n {
        if t.index[v].is_none() {
            visit(v, &adj, &mut t);
        }
    }
    let mut out: Vec<Vec<String>> =
        t.out.into_iter().map(|c| c.into_iter().map(|i| names[i].clone()).collect::<Vec<_>>()).collect();
    for c in &mut out {
        c.sort();
    }
    out.sort();
    out
}

#[test]
fn top_level_modules_import_each_other_without_cycles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let (modules, edges) = module_graph(&src);
    assert!(modules.contains("pipeline") && modules.contains("rules"), "no modules found in {}", src.display());
    let found = cycles(&modules, &edges);
    let mut report = String::new();
    for c in &found {
        report.push_str(&format!("cycle among {}:\n", c.join(", ")));
        for ((a, b), file) in &edges {
            if c.contains(a) && c.contains(b) {
                report.push_str(&format!("  {a} -> {b}  (e.g. src/{file})\n"));
            }
        }
    }
    assert!(found.is_empty(), "{} import cycle(s) between top-level modules:\n{report}", found.len());
}

#[test]
fn the_scanner_sees_paths_and_skips_tests_comments_and_strings() {
    let text = "use crate::{a::x, b};\n// crate::c\nlet s = \"crate::d\";\nfn f<'a>() { crate::e::g(); }\n\
                #[cfg(test)]\nmod tests { use crate::f; }\nuse crate::h;\n";
    let got = crate_paths(&without_test_items(&code_only(text)));
    assert_eq!(got.into_iter().collect::<Vec<_>>(), ["a", "b", "e", "h"]);
    let m: BTreeSet<String> = ["x", "y", "z"].map(String::from).into();
    let e: BTreeMap<(String, String), String> =
        [("x", "y"), ("y", "x"), ("y", "z")].map(|(a, b)| ((a.into(), b.into()), String::new())).into();
    assert_eq!(cycles(&m, &e), [["x".to_string(), "y".to_string()]]);
}
