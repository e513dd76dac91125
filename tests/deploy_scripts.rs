//! Shell scripts and Makefiles (fixtures/scripts): `nats-server` and `wash up` command lines become
//! servers, hosts and wadm with spans on the script text, and the host rules judge them.

mod support;

use latticelint::model::Origin;
use latticelint::pipeline::{lint, Outcome};
use latticelint::settings::Settings;
use latticelint::span::Span;
use std::path::PathBuf;
use support::findings::findings;

fn run(case: &str) -> Outcome {
    lint(&[PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/scripts").join(case)], &Settings::default())
}

/// `path:line:col` and the text a span covers.
fn at(out: &Outcome, span: Span) -> (String, String) {
    let loc = out.db.locate(span);
    let real = out.db.real_span(span);
    let text = out.db.get(real.file).text[real.start as usize..real.end as usize].to_string();
    (format!("{}:{}:{}", loc.path, loc.line, loc.column), text)
}

#[test]
fn wash_up_as_a_leaf_of_a_hub_started_by_the_script() {
    let out = run("wash-leaf");
    assert_eq!(findings(&out), Vec::<String>::new());
    let labels: Vec<&str> = out.model.servers.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(labels, vec!["hub", "wash up (up.sh:6)"]);
    let hub = &out.model.servers[0];
    assert_eq!(hub.origin, Origin::Script { file: "up.sh".into() });
    assert_eq!(hub.js_domain(), Some("hub"));
    // wash's own server: -js, 127.0.0.1:4000, domain from --nats-js-domain, one leaf remote bound to $G
    let wash = &out.model.servers[1];
    assert_eq!(wash.js_domain(), Some("edge"));
    assert_eq!(at(&out, wash.jetstream.as_ref().unwrap().domain.as_ref().unwrap().span).0, "up.sh:9:20");
    let client = wash.client.as_ref().unwrap();
    assert_eq!((client.host.as_deref(), client.port), (Some("127.0.0.1"), Some(4000)));
    let remotes = &wash.leafnodes.as_ref().unwrap().remotes;
    assert_eq!(remotes.len(), 1);
    assert_eq!(remotes[0].urls[0].value, "nats://127.0.0.1:7422");
    assert!(remotes[0].account.is_none());
    assert_eq!(at(&out, remotes[0].urls[0].span), ("up.sh:8:21".into(), "nats://127.0.0.1:7422".into()));
    // the host: domain from "$HUB_DOMAIN", whose span is the assignment's value
    let host = &out.model.hosts[0];
    assert_eq!(host.label, "wash up (up.sh:6)");
    assert_eq!(at(&out, host.span), ("up.sh:6:1".into(), "wash up".into()));
    assert_eq!(host.js_domain.as_ref().unwrap().value, "hub");
    assert_eq!(at(&out, host.js_domain.as_ref().unwrap().span), ("up.sh:5:12".into(), "hub".into()));
    assert_eq!((host.ctl.host.value.as_str(), host.ctl.port.value), ("127.0.0.1", 4000));
    assert_eq!(host.lattice.value, "default");
    let wadm = &out.model.wadms[0];
    assert_eq!(wadm.js_domain.as_ref().unwrap().value, "hub");
    assert_eq!(wadm.servers[0].port.value, 4000);
}

#[test]
fn a_variable_set_on_the_same_line_names_an_unknown_domain() {
    let out = run("wash-unknown");
    assert_eq!(findings(&out), vec!["host-js-domain-unknown up.sh:4:8"]);
    let host = &out.model.hosts[0];
    assert_eq!(at(&out, host.js_domain.as_ref().unwrap().span).1, "hubb");
}

#[test]
fn wash_up_next_to_a_server_without_jetstream_connects_to_it() {
    let out = run("wash-missing");
    // no server of wash's own: the script's nats-server already listens on 4222
    assert_eq!(out.model.servers.len(), 1);
    assert_eq!(out.model.servers[0].label, "nats-server (up.sh:3)");
    assert_eq!(findings(&out), vec!["host-js-domain-missing up.sh:5:1"]);
}

/// Lints a folder holding `files`.
fn lint_files(files: &[(&str, &str)]) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in files {
        std::fs::write(dir.path().join(name), body).unwrap();
    }
    lint(&[dir.path().to_path_buf()], &Settings::default())
}

#[test]
fn a_server_started_after_another_command_is_found_and_wash_up_connects_to_the_port_its_config_sets() {
    // `sleep 1 && nats-server ...`: discovery and the script reader share one command finder.
    let hub = "port: 4222\njetstream { domain: hub }\n";
    let out = lint_files(&[("up.sh", "sleep 1 && nats-server -c hub.conf &\nwash up\n"), ("hub.conf", hub)]);
    let labels: Vec<&str> = out.model.servers.iter().map(|s| s.label.as_str()).collect();
    // hub.conf listens on wash's default port: wash connects to it and starts no server
    assert_eq!(labels, vec!["nats-server (up.sh:1)"]);
    assert_eq!(out.model.hosts.len(), 1);
    assert_eq!(out.model.servers[0].origin, Origin::Script { file: "up.sh".into() });

    let other = "port: 4333\njetstream { domain: hub }\n";
    let out = lint_files(&[("up.sh", "sleep 1 && nats-server -c hub.conf &\nwash up\n"), ("hub.conf", other)]);
    let labels: Vec<&str> = out.model.servers.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(labels, vec!["nats-server (up.sh:1)", "wash up (up.sh:2)"]);
}

#[test]
fn makefile_recipe_with_make_variables_and_a_continuation() {
    let out = run("wash-make");
    let wash = &out.model.servers[0];
    assert_eq!(wash.js_domain(), Some("edge"));
    // `$(DOMAIN)` points at `DOMAIN ?= edge`
    assert_eq!(at(&out, wash.jetstream.as_ref().unwrap().domain.as_ref().unwrap().span).0, "Makefile:2:11");
    let remote = &wash.leafnodes.as_ref().unwrap().remotes[0];
    assert_eq!(remote.urls[0].value, "tls://connect.ngs.global");
    assert_eq!(remote.credentials.as_ref().unwrap().value, "./ngs.creds");
    // the host uses $JS.API, answered by wash's own server: no host finding; NGS is outside the scan
    assert!(out.model.hosts[0].js_domain.is_none());
    assert_eq!(findings(&out), vec!["leaf-remote-unresolved Makefile:8:22"]);
}

#[test]
fn exported_variables_are_the_environment_of_wash_up() {
    let out = run("wash-env");
    let wash = out.model.servers.iter().find(|s| s.label == "wash up (start.sh:7)").unwrap();
    // no --nats-js-domain: wash writes `domain=core`, the same domain as its hub
    assert_eq!(wash.js_domain(), Some("core"));
    assert_eq!(at(&out, wash.jetstream.as_ref().unwrap().domain.as_ref().unwrap().span).1, "wash up");
    assert_eq!(wash.client.as_ref().unwrap().port, Some(4100));
    let host = &out.model.hosts[0];
    assert_eq!(at(&out, host.js_domain.as_ref().unwrap().span), ("start.sh:6:28".into(), "core".into()));
    assert_eq!(host.ctl.port.value, 4100);
    // `$JS.core.API` from wash's leaf stays on the leaf: the hub's `core` is shadowed (true: both say core)
    assert_eq!(findings(&out), vec!["js-domain-shadowed start.sh:7:1"]);
}

mod hostile {
    use latticelint::deploy::{script, ReadCx};
    use latticelint::source::SourceDb;
    use proptest::prelude::*;

    /// Pieces of shell syntax (and non-ASCII text) glued at random.
    const ATOMS: &[&str] = &[
        "docker run",
        " -e",
        " \"K=é\"",
        " -v",
        " a:/etc/nats/nats-server.conf",
        " --name",
        " nats",
        " -p",
        " wasmcloud/wasmcloud",
        " --entrypoint",
        "wash",
        " up",
        " --nats-js-domain",
        " --nats-remote-url",
        "nats-server",
        " -c",
        " x.conf",
        " -js",
        "D=x",
        "export ",
        "set -a",
        ". ./e.env",
        "$D",
        "${D",
        "${D:-d}",
        "}",
        "$(",
        ")",
        "`",
        "'",
        "\"",
        "\\",
        "\n",
        "\\\n",
        ";",
        "&&",
        "|",
        "&",
        ">",
        "2>&1",
        "<<EOF",
        "EOF",
        "<<-'X'",
        "\t",
        "#",
        "é",
        "日本",
        " ",
        "=",
        "$",
        "$$",
        "$(X)",
        "\tX := 1\n",
        "@",
        "-",
        "{",
        "(",
        "--nats-port=",
        "4000",
        "--disable-wadm",
        "${#D}",
        "${D%x}",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
        #[test]
        fn random_scripts_never_panic_and_spans_stay_in_the_file(
            idx in proptest::collection::vec(0..ATOMS.len(), 0..60),
            make in any::<bool>(),
        ) {
            let text: String = idx.iter().map(|i| ATOMS[*i]).collect();
            let dir = tempfile::tempdir().unwrap();
            let name = if make { "Makefile" } else { "run.sh" };
            let path = dir.path().join(name);
            std::fs::write(&path, &text).unwrap();
            let db = SourceDb::new(dir.path());
            let file = db.add(path.clone(), text.clone());
            let facts = script::read(&ReadCx { db: &db }, file, &path);
            let mut spans = Vec::new();
            for l in &facts.launches {
                spans.push(l.span);
                spans.extend(l.flags.js_domain.iter().map(|d| d.span));
                spans.extend(l.flags.leaf_remotes.iter().flat_map(|r| r.urls.iter().map(|u| u.span)));
            }
            for h in &facts.hosts {
                spans.extend([h.span, h.lattice.span, h.ctl.host.span, h.ctl.port.span]);
                spans.extend(h.js_domain.iter().map(|d| d.span));
            }
            for w in &facts.wadms {
                spans.push(w.span);
                spans.extend(w.js_domain.iter().map(|d| d.span));
            }
            for s in spans {
                if s.file == file {
                    prop_assert!(s.start <= s.end && (s.end as usize) <= text.len(), "{s:?} in {text:?}");
                    prop_assert!(text.is_char_boundary(s.start as usize) && text.is_char_boundary(s.end as usize));
                }
            }
        }
    }
}

#[test]
fn docker_run_containers_on_one_network() {
    let out = run("docker-run");
    // the bind mount puts nats.conf at the image's default config path
    let hub = &out.model.servers[0];
    assert_eq!(hub.label, "hub");
    assert_eq!(hub.js_domain(), Some("hub"));
    assert!(hub.hostnames.contains(&"nats".to_string()));
    let host = &out.model.hosts[0];
    assert_eq!(host.ctl.host.value, "nats");
    assert_eq!(at(&out, host.js_domain.as_ref().unwrap().span), ("run.sh:7:54".into(), "lattice".into()));
    assert_eq!(out.model.wadms[0].servers[0].host.value, "nats");
    assert_eq!(findings(&out), vec!["host-js-domain-unknown run.sh:7:54"]);
}
