//! Property tests: random and mutated inputs never panic, and every span lies inside its file on
//! character boundaries.

use latticelint::nats::{parse_str, Environment, Map, ParseOptions, Value, ValueKind};
use latticelint::source::SourceDb;
use latticelint::span::Span;
use latticelint::version::NatsVersion;
use proptest::prelude::*;
use std::sync::Arc;

const ATOMS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ";",
    ":",
    "=",
    " ",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "#",
    "//",
    "/",
    "\"",
    "'",
    "\\",
    "\\x4",
    "\\x41",
    "\\t",
    "(",
    ")",
    "\n)\n",
    "(\n",
    "1",
    "12",
    "-",
    "-1",
    "1.5",
    "1.",
    ".5",
    "1k",
    "1kbb",
    "1mib",
    "2e",
    "1.2.3.4",
    "127.0.0.1:4222",
    "2016-05-04T18:53:41Z",
    "2016-02-30T00:00:00Z",
    "2024-",
    "true",
    "No",
    "$",
    "$a",
    "$HOME",
    "$2a$11$x",
    "${x}",
    "include ",
    "include x.conf",
    "a",
    "key",
    "port",
    "x y",
    "\0",
    "é",
    "٣",
    "\u{a0}",
    "\u{2028}",
    "\u{b}",
    "99999999999999999999",
    "9223372036854775807k",
    "\\q",
    "{ a: 1 }",
    "[1, 2 ]",
    "[1,2]",
    "a { b }",
    "}\n",
    "{\n",
];

const SEED: &str =
    "port: 4222\nserver_name: n1 # c\ncluster { name: c1, routes: [\n  nats://a:6222\n  nats://b:6222\n] }\n\
jetstream { store_dir: /data, max_mem: 1G, domain: hub }\naccounts { A { users: [{user: a, password: $2a$11$abc}] } }\n\
leafnodes { remotes = [ { url: \"nats-leaf://h:7422\", account: A } ] }\nx = $port\ns: (\nblock\n)\n";

fn check_value(v: &Value, text: &str, file: &Span) {
    check_span(&v.span, text, file);
    match &v.kind {
        ValueKind::Map(m) => check_map(m, text, file),
        ValueKind::Array(a) => a.iter().for_each(|x| check_value(x, text, file)),
        _ => {}
    }
}

fn check_map(m: &Map, text: &str, file: &Span) {
    for e in &m.entries {
        check_span(&e.key_span, text, file);
        check_value(&e.value, text, file);
    }
}

fn check_span(s: &Span, text: &str, file: &Span) {
    assert_eq!(s.file, file.file, "span in another file");
    let (a, b) = (s.start as usize, s.end as usize);
    assert!(a <= b && b <= text.len(), "span {a}..{b} outside 0..{}", text.len());
    assert!(text.is_char_boundary(a) && text.is_char_boundary(b), "span {a}..{b} not on char boundaries of {text:?}");
}

fn run(text: &str) {
    for v in [NatsVersion::NEWEST, NatsVersion::V2_9_10] {
        let db = SourceDb::new("/nonexistent");
        let opts = ParseOptions {
            version: v,
            env: Environment::Fixed(Arc::new([("HOME".to_string(), "{ a: [1 ] }".to_string())].into())),
            ..Default::default()
        };
        let p = parse_str(&db, "/nonexistent/p.conf", text, &opts);
        let file = Span::point(p.file, 0);
        check_map(&p.root, text, &file);
        for d in &p.diagnostics {
            check_span(&d.span, text, &file);
            d.related.iter().for_each(|r| check_span(&r.span, text, &file));
        }
        assert_eq!(p.ok, p.error.is_none());
        if !p.ok {
            assert!(!p.diagnostics.is_empty(), "{text:?} failed without a diagnostic: {:?}", p.error);
        }
    }
}

fn mutate(seed: &str, ops: &[(usize, usize, usize)]) -> String {
    let mut s: Vec<char> = seed.chars().collect();
    for &(op, at, atom) in ops {
        let i = at % (s.len() + 1);
        let a: Vec<char> = ATOMS[atom % ATOMS.len()].chars().collect();
        match op % 3 {
            0 => {
                s.splice(i..i, a);
            }
            1 => {
                let end = (i + 1 + atom % 4).min(s.len());
                s.drain(i.min(end)..end);
            }
            _ => {
                if i < s.len() {
                    s.splice(i..i + 1, a);
                }
            }
        }
    }
    s.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_atoms_never_panic(idx in proptest::collection::vec(0..ATOMS.len(), 0..40)) {
        let text: String = idx.iter().map(|&i| ATOMS[i]).collect();
        run(&text);
    }

    #[test]
    fn mutated_configs_never_panic(ops in proptest::collection::vec((0usize..3, 0usize..4096, 0usize..1000), 1..8)) {
        run(&mutate(SEED, &ops));
    }

    #[test]
    fn arbitrary_strings_never_panic(text in "\\PC{0,200}") {
        run(&text);
    }
}
