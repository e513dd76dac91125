//! The simulator against every observation of the truth topologies
//! (`truth/topologies/*/expected.json` of the shared data, real nats-server 2.9.10 and 2.15.1).
//! Each topology's configs (the `conf` files its `topology.json` launched) are linted through
//! `pipeline::lint` for the observed release, and the simulator runs on the run's model and topology.

mod support;

use latticelint::jetstream::{Outcome, Resolution, Simulator};
use latticelint::model::Model;
use latticelint::pipeline;
use latticelint::settings::Settings;
use latticelint::topology::Topology;
use latticelint::version::NatsVersion;
use serde_json::Value as J;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Topologies in the truth (`TOPOLOGIES.md` of the shared data lists them).
const TOPOLOGIES: usize = 31;
/// User-account observations of `$JS.API.INFO` / `$JS.<domain>.API.INFO` over both releases.
const OBSERVATIONS: usize = 408;

fn read_json(path: &Path) -> J {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every topology folder of the truth, sorted.
fn topology_dirs(truth: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(truth)
        .unwrap_or_else(|e| panic!("{}: {e}", truth.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for d in &dirs {
        assert!(d.join("expected.json").is_file(), "{}: no expected.json", d.display());
        assert!(d.join("topology.json").is_file(), "{}: no topology.json", d.display());
    }
    dirs
}

/// The config files the topology's servers ran with (`servers.<name>.conf` of `topology.json`).
fn launched_configs(dir: &Path, topology: &J) -> Vec<PathBuf> {
    let servers = topology["servers"].as_object().unwrap_or_else(|| panic!("{}: no servers", dir.display()));
    let mut confs: Vec<PathBuf> = servers
        .values()
        .map(|s| dir.join(s["conf"].as_str().unwrap_or_else(|| panic!("{}: a server without conf", dir.display()))))
        .collect();
    confs.sort();
    confs.dedup();
    confs
}

/// The account a probe client logs into on `server`.
fn client_account(model: &Model, server: &str, user: Option<&str>) -> Option<String> {
    let s = model.servers.iter().find(|s| s.label == server)?;
    match user {
        None => Some("$G".into()),
        Some(u) => s.accounts.iter().find(|a| a.users.iter().any(|x| x == u)).map(|a| a.name.value.clone()),
    }
}

/// Servers an observed responder token designates: a server, a cluster name, or `domain:X`.
fn unit_servers(model: &Model, topo: &Topology, token: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for alt in token.split('|') {
        if let Some(d) = alt.strip_prefix("domain:") {
            out.extend(
                topo.instances
                    .iter()
                    .filter(|i| model.server(i.server).js_domain() == Some(d))
                    .map(|i| i.label.clone()),
            );
        } else if let Some(c) = topo.clusters.iter().find(|c| c.name.as_deref() == Some(alt)) {
            out.extend(c.members.iter().map(|m| topo.instance(*m).label.clone()));
        } else {
            out.insert(alt.to_string());
        }
    }
    out
}

/// Compares a prediction with one observation; `None` when they agree.
fn compare(model: &Model, topo: &Topology, res: &Resolution, observed: &str, racy: bool) -> Option<String> {
    let want = match observed {
        "no_responders" => Some(Outcome::NoResponders),
        "timeout" => Some(Outcome::Timeout),
        "error10039" => Some(Outcome::Error),
        _ => None,
    };
    if let Some(w) = want {
        return (res.outcome != w).then(|| format!("predicted {:?} {:?}", res.outcome, res.responder_servers()));
    }
    let units: Vec<BTreeSet<String>> = observed.split('+').map(|u| unit_servers(model, topo, u)).collect();
    if racy {
        // The observed reply(ies) must be among the JetStreams that execute the request.
        let all: BTreeSet<String> = res.responder_servers().into_iter().collect();
        let ok = matches!(res.outcome, Outcome::Answered | Outcome::Duplicate)
            && units.iter().all(|u| {
                !u.is_disjoint(&all) && res.responders.iter().any(|r| r.servers.iter().any(|s| u.contains(s)))
            });
        return (!ok).then(|| format!("predicted {:?} {:?} (racy)", res.outcome, res.responder_servers()));
    }
    let outcome_ok =
        if units.len() == 1 { res.outcome == Outcome::Answered } else { res.outcome == Outcome::Duplicate };
    let mut used = vec![false; res.responders.len()];
    let mut all_matched = res.responders.len() == units.len();
    for u in &units {
        let hit = res
            .responders
            .iter()
            .enumerate()
            .find(|(i, r)| !used[*i] && !r.servers.is_empty() && r.servers.iter().all(|s| u.contains(s)));
        match hit {
            Some((i, _)) => used[i] = true,
            None => all_matched = false,
        }
    }
    (!(outcome_ok && all_matched)).then(|| format!("predicted {:?} {:?}", res.outcome, res.responder_servers()))
}

#[test]
fn simulator_reproduces_truth_topologies() {
    let truth = require!(support::require::shared("truth/topologies"));
    let dirs = topology_dirs(&truth);
    assert_eq!(dirs.len(), TOPOLOGIES, "truth topologies in {}", truth.display());
    let (mut total, mut matched) = (0usize, 0usize);
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let expected = read_json(&dir.join("expected.json"));
        let topo_json = read_json(&dir.join("topology.json"));
        let notes = expected["notes"].as_str().unwrap_or("");
        let racy = notes.contains("NONDETERMINISTIC") || notes.contains("race");
        let configs = launched_configs(dir, &topo_json);
        let observed = expected["observed"].as_object().unwrap_or_else(|| panic!("{name}: no observations"));
        let before = total;
        for (ver, obs) in observed {
            let version: NatsVersion = ver.parse().unwrap_or_else(|e| panic!("{name}: version {ver}: {e:?}"));
            let out = pipeline::lint(&configs, &Settings { nats_version: version, ..Settings::default() });
            let (model, topo) = (&out.model, &out.topology);
            assert_eq!(model.servers.len(), configs.len(), "{name} {ver}: one server per config");
            let sim = Simulator::new(model, topo, version);
            for (probe, subjects) in obs["summary"].as_object().unwrap() {
                let (server, user) = match probe.split_once('@') {
                    Some((s, _)) => (s.to_string(), topo_json["clients"][probe]["user"].as_str().map(str::to_string)),
                    None => (probe.clone(), topo_json["user"].as_str().map(str::to_string)),
                };
                let Some(from) = model.servers.iter().find(|s| s.label == server).map(|s| s.id) else {
                    failures.push(format!("{name} {ver} {probe}: no server `{server}` in the model"));
                    continue;
                };
                let Some(account) = client_account(model, &server, user.as_deref()) else {
                    failures.push(format!("{name} {ver} {probe}: no account for the probe user"));
                    continue;
                };
                let sys =
                    model.server(from).system_account.as_ref().map(|a| a.value.as_str()) == Some(account.as_str());
                if sys {
                    continue; // user-account traffic only
                }
                for (subject, observed) in subjects.as_object().unwrap() {
                    let domain = match subject.strip_prefix("$JS.").and_then(|r| r.strip_suffix(".API.INFO")) {
                        Some("") => continue,
                        Some(d) => Some(d.to_string()),
                        None if subject == "$JS.API.INFO" => None,
                        None => continue, // STREAM.NAMES extras: store contents, not routing
                    };
                    let res = sim.resolve_server(from, &account, domain.as_deref());
                    total += 1;
                    match compare(model, topo, &res, observed.as_str().unwrap(), racy) {
                        None => matched += 1,
                        Some(why) => failures.push(format!(
                            "{name} {ver} {probe} {subject}: observed {observed} but {why}; {}",
                            res.why
                        )),
                    }
                }
            }
        }
        assert!(total > before, "{name}: no observation compared");
    }
    eprintln!("simulator matched {matched} of {total} observations in {} topologies", dirs.len());
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(total, OBSERVATIONS, "observations compared");
}
