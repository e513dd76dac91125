//! Every `(* example: TEXT ==> RESULT *)` of grammar/nats.ebnf parses to RESULT, and every
//! production has an example, so the grammar and the parser cannot drift apart.

use latticelint::nats::{parse_str, Environment, ParseOptions};
use latticelint::source::SourceDb;
use std::collections::BTreeMap;
use std::sync::Arc;

const EBNF: &str = include_str!("../grammar/nats.ebnf");

/// Expands the example notation: `⏎` newline, `⇥` tab, `␀` NUL, `«U+XXXX»` a character.
fn expand(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('«') {
        out.push_str(&rest[..i]);
        let after = &rest[i + '«'.len_utf8()..];
        let end = after.find('»').expect("unclosed «");
        let hex = after[..end].trim_start_matches("U+");
        out.push(char::from_u32(u32::from_str_radix(hex, 16).expect("hex")).expect("char"));
        rest = &after[end + '»'.len_utf8()..];
    }
    out.push_str(rest);
    out.replace('⏎', "\n").replace('⇥', "\t").replace('␀', "\0")
}

fn examples() -> Vec<(String, String)> {
    EBNF.lines()
        .filter_map(|l| l.trim().strip_prefix("(* example: ")?.strip_suffix(" *)"))
        .map(|e| {
            let (text, result) = e.rsplit_once(" ==> ").expect("example without ==>");
            (expand(text), result.to_string())
        })
        .collect()
}

#[test]
fn every_example_parses_as_documented() {
    let opts = ParseOptions { env: Environment::Fixed(Arc::new(BTreeMap::new())), ..Default::default() };
    let ex = examples();
    assert!(ex.len() >= 40, "only {} examples found", ex.len());
    for (text, result) in ex {
        let db = SourceDb::new("/nonexistent");
        let p = parse_str(&db, "/nonexistent/example.conf", &text, &opts);
        if result == "error" {
            assert!(!p.ok, "{text:?} should fail but gave {}", p.to_json());
            assert!(!p.diagnostics.is_empty(), "{text:?} failed without a diagnostic");
        } else {
            let want: serde_json::Value = serde_json::from_str(&result).expect("example result is JSON");
            assert!(p.ok, "{text:?} failed: {:?}", p.error);
            assert_eq!(p.to_json(), want, "{text:?}");
        }
    }
}

#[test]
fn every_production_has_an_example() {
    let lines: Vec<&str> = EBNF.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        let is_production = l.split_once(" = ").is_some_and(|(name, _)| {
            !name.is_empty() && name.trim_end().chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }) && !l.starts_with(' ');
        if !is_production {
            continue;
        }
        let name = l.split_whitespace().next().unwrap_or_default();
        let starts_production =
            |n: &&&str| n.split_once(" = ").is_some() && !n.starts_with(' ') && !n.starts_with("(*");
        let has = lines[i + 1..].iter().take_while(|n| !starts_production(n)).any(|n| n.contains("(* example: "));
        assert!(has, "production `{name}` (line {}) has no example", i + 1);
    }
}
