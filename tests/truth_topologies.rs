//! The simulator against every observation of the truth topologies
//! (/work/shared/truth/topologies/*/expected.json, real nats-server 2.9.10 and 2.15.1).

mod support;

use latticelint::jetstream::{Outcome, Resolution, Simulator};
use latticelint::model::Model;
use latticelint::topology::Topology;
use latticelint::version::NatsVersion;
use serde_json::Value as J;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const TRUTH: &str = "/work/shared/truth/topologies";

fn topo_dirs() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = match std::fs::read_dir(TRUTH) {
        Ok(rd) => rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.join("expected.json").exists()).collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    v
}

fn load_model(dir: &Path) -> Model {
    support::load::load_dir(dir).model
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
    let dirs = topo_dirs();
    if dirs.is_empty() {
        eprintln!("truth topologies not available; skipping");
        return;
    }
    assert!(dirs.len() >= 31, "expected 31 truth topologies, found {}", dirs.len());
    let (mut total, mut matched) = (0usize, 0usize);
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let expected: J = serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
        let topo_json: J = serde_json::from_str(&std::fs::read_to_string(dir.join("topology.json")).unwrap()).unwrap();
        let notes = expected["notes"].as_str().unwrap_or("");
        let racy = notes.contains("NONDETERMINISTIC") || notes.contains("race");
        let model = load_model(dir);
        let topo = Topology::from_model(&model);
        for (ver, obs) in expected["observed"].as_object().unwrap() {
            let version: NatsVersion = ver.parse().unwrap();
            let sim = Simulator::new(&model, &topo, version);
            for (probe, subjects) in obs["summary"].as_object().unwrap() {
                let (server, user) = match probe.split_once('@') {
                    Some((s, _)) => (s.to_string(), topo_json["clients"][probe]["user"].as_str().map(str::to_string)),
                    None => (probe.clone(), topo_json["user"].as_str().map(str::to_string)),
                };
                let Some(account) = client_account(&model, &server, user.as_deref()) else {
                    failures.push(format!("{name} {ver} {probe}: no account for the probe user"));
                    continue;
                };
                let from = model.servers.iter().find(|s| s.label == server).unwrap().id;
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
                    let domain = if subject == "$JS.API.INFO" { None } else { domain };
                    let res = sim.resolve_server(from, &account, domain.as_deref());
                    total += 1;
                    match compare(&model, &topo, &res, observed.as_str().unwrap(), racy) {
                        None => matched += 1,
                        Some(why) => failures.push(format!(
                            "{name} {ver} {probe} {subject}: observed {observed} but {why}; {}",
                            res.why
                        )),
                    }
                }
            }
        }
    }
    eprintln!("simulator matched {matched} of {total} observations");
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
    assert!(total > 200, "too few observations compared: {total}");
}
