//! Behaviour of the NATS config parser on the traps of truth/nats-conf-format.md, per version.

use latticelint::nats::{parse_str, Environment, ParseOptions, ParsedConfig};
use latticelint::source::SourceDb;
use latticelint::version::NatsVersion;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;

fn opts(v: NatsVersion) -> ParseOptions {
    ParseOptions { version: v, env: Environment::Fixed(Arc::new(BTreeMap::new())), ..Default::default() }
}

fn parse_v(text: &str, v: NatsVersion) -> ParsedConfig {
    let db = SourceDb::new("/nonexistent");
    parse_str(&db, "/nonexistent/t.conf", text, &opts(v))
}

fn parse(text: &str) -> ParsedConfig {
    parse_v(text, NatsVersion::NEWEST)
}

fn value(text: &str) -> serde_json::Value {
    let p = parse(text);
    assert!(p.ok, "{text:?} failed: {:?}", p.error);
    p.to_json()
}

fn rules(p: &ParsedConfig) -> Vec<&'static str> {
    p.diagnostics.iter().map(|d| d.rule.name).collect()
}

#[test]
fn separators_and_terminators() {
    for t in ["port = 4222", "port: 4222", "port 4222", "port:4222", "port\n4222\n"] {
        assert_eq!(value(t), json!({"port": 4222}), "{t:?}");
    }
    assert_eq!(value("port: 4222; debug: true;\n"), json!({"port": 4222, "debug": true}));
    assert!(!parse("port =: 4222\n").ok);
}

#[test]
fn integer_bracket_is_swallowed() {
    let p = parse("a: [1, 2]\n");
    assert!(!p.ok);
    let d = &p.diagnostics[0];
    assert_eq!(d.rule, "syntax-error");
    assert_eq!(d.span.start, 8, "label on the `]`");
    assert!(d.help.as_deref().unwrap().contains("[1, 2 ]"));
    assert_eq!(value("a: [1, 2 ]\n"), json!({"a": [1, 2]}));
    assert_eq!(value("a: [2k]\n"), json!({"a": ["2k"]}));
    assert_eq!(value("a: [-1]\n"), json!({"a": [-1]}));
}

#[test]
fn strings_escapes_blocks() {
    assert_eq!(value("s: a\\tb\n"), json!({"s": "a\tb"}));
    assert_eq!(value("s: 'a\\tb'\n"), json!({"s": "a\\tb"}));
    assert_eq!(value("s: \"a\\x41\"\n"), json!({"s": "aA"}));
    assert_eq!(value("s: foo#bar\n"), json!({"s": "foo#bar"}));
    assert_eq!(value("s: (\nmy-server\n)\n"), json!({"s": "\nmy-server\n"}));
    assert!(!parse("s: (x)\n").ok);
    assert!(!parse("s: \"a\\qb\"\n").ok);
    assert!(!parse("server_name: a b\n").ok);
}

#[test]
fn numbers_sizes_dates_bools() {
    assert_eq!(value("a: 1MB\nb: 1M\nc: 1kib\nd: 04222\n"), json!({"a": 1048576, "b": 1000000, "c": 1024, "d": 4222}));
    assert_eq!(value("a: 9223372036854775807k\n"), json!({"a": -1000}));
    assert!(!parse("a: 9223372036854775808\n").ok);
    assert_eq!(value("a: 1.5\nb: 127.0.0.1:4222\nc: 4abc\n"), json!({"a": 1.5, "b": "127.0.0.1:4222", "c": "4abc"}));
    assert_eq!(value("d: 2016-05-04T18:53:41Z\n"), json!({"d": "2016-05-04T18:53:41Z"}));
    assert_eq!(
        value("a: yes\nb: OFF\nc: yesterday\nd: \"true\"\n"),
        json!({"a": true, "b": false, "c": "yesterday", "d": "true"})
    );
}

#[test]
fn unmapped_suffix_loses_the_key() {
    let p = parse("port: 1kbb\ndebug: true\n");
    assert!(p.ok);
    assert_eq!(p.to_json(), json!({"debug": true}));
    assert!(rules(&p).contains(&"silent-value-loss"));
    let p = parse("cluster { port: 1kbb }\n");
    assert_eq!(p.to_json(), json!({"port": {}}));
}

/// nats-server 2.15 (PR #8263): a digit after a size suffix makes the whole token a string; up to
/// 2.14 the integer ends at the suffix and the lexer fails on the digit.
#[test]
fn digit_after_size_suffix_by_version() {
    let v215 = NatsVersion::new(2, 15, 0);
    let older = [NatsVersion::V2_14_5, NatsVersion::new(2, 10, 27), NatsVersion::V2_9_10];
    let cases: &[(&str, serde_json::Value, char)] = &[
        ("d: 1m30s\n", json!({"d": "1m30s"}), '3'),
        (
            "authorization { user: a, password: 4e2abc }\n",
            json!({"authorization": {"user": "a", "password": "4e2abc"}}),
            '2',
        ),
        ("t: [4e2abc, 0K1abc]\n", json!({"t": ["4e2abc", "0K1abc"]}), '2'),
        ("a: -1k2abc; b: 1KiB2x\n", json!({"a": "-1k2abc", "b": "1KiB2x"}), '2'),
        ("a: 1k\u{663}\n", json!({"a": "1k\u{663}"}), '\u{663}'),
        ("a: 1k2#c\nb: 2m3\\x41\n", json!({"a": "1k2#c", "b": "2m3A"}), '2'),
    ];
    for (text, want, bad) in cases {
        for v in [v215, NatsVersion::NEWEST] {
            let p = parse_v(text, v);
            assert!(p.ok, "{v} {text:?}: {:?}", p.error);
            assert_eq!(&p.to_json(), want, "{v} {text:?}");
        }
        for v in older {
            let p = parse_v(text, v);
            assert!(!p.ok, "{v} {text:?} parsed: {}", p.to_json());
            assert_eq!(rules(&p), ["syntax-error"], "{v} {text:?}");
            let err = p.error.unwrap();
            assert!(err.contains(&format!("but got '{bad}' instead")), "{v} {text:?}: {err}");
            let help = p.diagnostics[0].help.as_deref().unwrap_or_default();
            assert!(help.starts_with("quote the value: before nats-server 2.15"), "{v} {text:?}: {help}");
        }
    }
    // Unchanged in 2.15: no digit after the suffix, or no suffix at all.
    for v in [NatsVersion::NEWEST, NatsVersion::V2_14_5, NatsVersion::V2_9_10] {
        let p = parse_v("a: 1kabc\nb: 1e\nc: 2k\n", v);
        assert_eq!(p.to_json(), json!({"a": "1kabc", "b": 1_000_000_000_000_000_000_i64, "c": 2000}), "{v}");
        assert!(!parse_v("a: -1abc\n", v).ok, "{v}");
        assert!(!parse_v("a: 1.5e3\n", v).ok, "{v}");
        assert_eq!(parse_v("port: 1kbb\n", v).to_json(), json!({}), "{v}");
    }
}

#[test]
fn valueless_key_in_map_steals_the_map() {
    let p = parse("authorization { user }\n");
    assert!(p.ok);
    assert_eq!(p.to_json(), json!({"user": {}}));
    assert!(rules(&p).contains(&"silent-value-loss"));
}

#[test]
fn v2_9_10_drops_valueless_key_at_eof() {
    let p = parse_v("debug: true\nport\n", NatsVersion::V2_9_10);
    assert!(p.ok);
    assert_eq!(p.to_json(), json!({"debug": true}));
    assert_eq!(rules(&p), vec!["silent-value-loss"]);
    let p = parse("debug: true\nport\n");
    assert!(!p.ok);
    assert!(p.error.unwrap().starts_with("config is invalid"));
}

#[test]
fn v2_9_10_comma_drops_rest_of_value() {
    let p = parse_v("server_name: a,b\n", NatsVersion::V2_9_10);
    assert!(p.ok);
    assert_eq!(p.to_json(), json!({"server_name": "a"}));
    let d = &p.diagnostics[0];
    assert_eq!(d.rule, "silent-value-loss");
    assert!(d.help.as_deref().unwrap().contains("quote"));
    assert!(!parse("server_name: a,b\n").ok);
}

#[test]
fn v2_9_10_top_level_braces() {
    // Content after a closing top-level `}` line: error before 2.10.16, fine since.
    let text = "{\n  port: 4222\n}\ndebug: true\n";
    assert!(!parse_v(text, NatsVersion::V2_9_10).ok);
    assert_eq!(value(text), json!({"port": 4222, "debug": true}));
    let text = "{\n  port: 4222\n}\n# trailing comment\n";
    assert!(!parse_v(text, NatsVersion::V2_9_10).ok);
    assert!(parse(text).ok);
    // A nested block followed by a key: fine before, an error since.
    let text = "{ { port: 4222 } debug: true }\n";
    assert!(parse_v(text, NatsVersion::V2_9_10).ok);
    assert!(!parse(text).ok);
    // JSON-style file: both fine, and no stray-brace note for the closing `}`.
    let p = parse_v("{\n  \"port\": 4222\n}\n", NatsVersion::V2_9_10);
    assert!(p.ok && p.diagnostics.is_empty(), "{:?}", p.diagnostics);
}

#[test]
fn stray_top_level_brace_is_reported() {
    let p = parse("port: 4222\n}\n");
    assert!(p.ok);
    assert_eq!(rules(&p), vec!["silent-value-loss"]);
}

#[test]
fn variables() {
    assert_eq!(value("a.b.c = 4222\nport: $a.b.c\n"), json!({"a.b.c": 4222, "port": 4222}));
    assert_eq!(value("x: 1\nm { x: 2, y: $x }\nz: $x\n"), json!({"x": 1, "m": {"x": 2, "y": 2}, "z": 1}));
    let p = parse("port: $P\nP: 1\n");
    assert!(!p.ok);
    assert_eq!(p.diagnostics[0].rule, "undefined-variable");
    assert_eq!(value("p: $2a$11$abc\n"), json!({"p": "$2a$11$abc"}));
    assert!(!parse("p: $2b$11$abc\n").ok);
    let p = parse("P = 4222\nport: $P\n");
    assert!(p.root.entry("P").unwrap().used_as_variable);
    assert!(p.root.get("port").unwrap().via_variable.is_some());
}

fn env(vars: &[(&str, &str)], v: NatsVersion) -> ParseOptions {
    let m: BTreeMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    ParseOptions { version: v, env: Environment::Fixed(Arc::new(m)), ..Default::default() }
}

#[test]
fn environment_values_are_reparsed() {
    let db = SourceDb::new("/");
    let o = env(
        &[("SZ", "1MB"), ("M", "{ user: a, password: b }"), ("S", "hello world"), ("A", "$B"), ("B", "7")],
        NatsVersion::NEWEST,
    );
    let p = parse_str(&db, "/t.conf", "a: $SZ\nb: $M\nc: $A\n", &o);
    assert_eq!(p.to_json(), json!({"a": 1048576, "b": {"user": "a", "password": "b"}, "c": 7}));
    let p = parse_str(&db, "/t.conf", "a: $S\n", &o);
    assert!(!p.ok && p.error.unwrap().contains("could not be parsed"));
}

#[test]
fn environment_cycles_never_recurse_forever() {
    let db = SourceDb::new("/");
    for v in [NatsVersion::NEWEST, NatsVersion::V2_9_10] {
        let o = env(&[("A", "$B"), ("B", "$A")], v);
        let p = parse_str(&db, "/t.conf", "x: $A\n", &o);
        assert!(!p.ok);
        let d = &p.diagnostics[0];
        assert_eq!(d.rule, "undefined-variable");
        assert!(d.message.contains("cycle"), "{}", d.message);
        assert_eq!(d.message.contains("crashes"), v == NatsVersion::V2_9_10, "{}", d.message);
    }
}

#[test]
fn nul_is_eof_and_deep_nesting_is_refused() {
    let p = parse("port: 4222\n\0\ndebug: true\n");
    assert!(!p.ok);
    assert!(p.error.unwrap().contains("Unexpected EOF"));
    for open in ["{a:", "["] {
        let text = format!("a: {}", open.repeat(100_000));
        let p = parse(&text);
        assert!(!p.ok);
        assert!(p.diagnostics[0].message.contains("nesting deeper"), "{}", p.diagnostics[0].message);
    }
    let p = parse(&"{".repeat(100_000));
    assert!(!p.ok);
}

#[test]
fn spans_point_at_keys_and_values() {
    let p = parse("port: 4222\ncluster { name: c1 }\n");
    let e = p.root.entry("port").unwrap();
    assert_eq!((e.key_span.start, e.key_span.end), (0, 4));
    assert_eq!((e.value.span.start, e.value.span.end), (6, 10));
    let c = p.root.get("cluster").unwrap();
    assert_eq!((c.span.start, c.span.end), (19, 31));
    let n = c.as_map().unwrap().entry("name").unwrap();
    assert_eq!((n.value.span.start, n.value.span.end), (27, 29));
}

#[test]
fn v2_9_21_rejects_empty_configs() {
    assert!(!parse_v("# only a comment\n", NatsVersion::new(2, 9, 21)).ok);
    assert!(parse_v("# only a comment\n", NatsVersion::V2_9_10).ok);
    assert!(parse("# only a comment\n").ok);
}

#[test]
fn v2_11_deletes_referenced_keys() {
    let text = "port = 4222\nmonitor_port = $port\nm { a: 1, b: $a }\n";
    let p = parse_v(text, NatsVersion::new(2, 11, 5));
    assert_eq!(p.to_json(), json!({"monitor_port": 4222, "m": {"b": 1}}));
    assert_eq!(rules(&p), vec!["silent-value-loss", "silent-value-loss"]);
    let p = parse(text);
    assert_eq!(p.to_json(), json!({"port": 4222, "monitor_port": 4222, "m": {"a": 1, "b": 1}}));
    assert!(p.diagnostics.is_empty());
}

#[test]
fn map_assigned_to_the_wrong_key_is_reported_once_per_loss() {
    let p = parse("authorization { user }\nx: 1\n");
    assert_eq!(rules(&p), vec!["silent-value-loss"], "{:?}", p.diagnostics);
    assert!(p.diagnostics[0].message.contains("`authorization` is lost"));
    let p = parse("cluster { port: 1kbb }\n");
    let msgs: Vec<&str> = p.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    assert!(msgs[1].contains("`cluster` is lost"), "{msgs:?}");
}
