//! `latticelint jsmap`: the table and the exact `--json` shape helper F compares with live servers.

use serde_json::Value as J;
use std::path::Path;
use std::process::Command;

fn jsmap(args: &[&str]) -> String {
    let out =
        Command::new(env!("CARGO_BIN_EXE_latticelint")).arg("jsmap").args(args).output().expect("run latticelint");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn fixture(p: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules").join(p).to_string_lossy().into_owned()
}

#[test]
fn json_shape_and_duplicate_domain() {
    let out = jsmap(&["--json", &fixture("js-domain-duplicate/err")]);
    let v: J = serde_json::from_str(&out).unwrap();
    let arr = v.as_array().unwrap();
    // 3 servers x 1 account x ($JS.API, $JS.edge.API, $JS.hub.API)
    assert_eq!(arr.len(), 9, "{out}");
    for e in arr {
        let keys: Vec<&String> = e.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["from", "account", "subject", "responders", "outcome"]);
    }
    let mut sorted = arr.clone();
    sorted.sort_by_key(|e| {
        (
            e["from"].as_str().unwrap().to_string(),
            e["account"].as_str().unwrap().to_string(),
            e["subject"].as_str().unwrap().to_string(),
        )
    });
    assert_eq!(&sorted, arr, "entries are sorted");
    let cell =
        |from: &str, subject: &str| arr.iter().find(|e| e["from"] == from && e["subject"] == subject).unwrap().clone();
    let dup = cell("hub", "$JS.edge.API");
    assert_eq!(dup["outcome"], "duplicate");
    assert_eq!(dup["responders"], serde_json::json!(["leafA", "leafB"]));
    assert_eq!(cell("leafA", "$JS.edge.API")["responders"], serde_json::json!(["leafA"]));
    assert_eq!(cell("leafA", "$JS.hub.API")["outcome"], "answered");
    assert_eq!(cell("leafA", "$JS.hub.API")["account"], "ACC");
}

#[test]
fn json_cluster_answers_as_member_names_and_table_has_domain_columns() {
    let v: J = serde_json::from_str(&jsmap(&["--json", &fixture("js-system-account-split/ok")])).unwrap();
    let leaf = v.as_array().unwrap().iter().find(|e| e["from"] == "leaf" && e["subject"] == "$JS.API").unwrap().clone();
    assert_eq!(leaf["outcome"], "answered");
    assert_eq!(leaf["responders"], serde_json::json!(["c1", "c2", "c3"]), "extension: the hub cluster answers");
    let table = jsmap(&[&fixture("js-domain-shadowed/err-chain")]);
    let head = table.lines().next().unwrap();
    assert!(head.contains("$JS.API") && head.contains("$JS.hub.API") && head.contains("$JS.mid.API"), "{table}");
    assert!(table.contains("flaps"), "{table}");
    let h = table.lines().find(|l| l.starts_with("H ")).unwrap();
    assert!(h.contains("no-responders"), "{h}");
}
