//! Topology building and simulation on deployment shapes the truth topologies do not cover:
//! replicas (operator sidecars, StatefulSets), names from deployment files, wrong ports,
//! leafnode authorization users, cluster-wide no echo.

mod support;

use latticelint::jetstream::{Outcome, Simulator};
use latticelint::model::Model;
use latticelint::topology::resolve::{ListenerKind, Target};
use latticelint::topology::{HubAccount, Topology};
use latticelint::version::NatsVersion;

fn model(confs: &[(&str, &str)]) -> (tempfile::TempDir, Model) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in confs {
        std::fs::write(dir.path().join(format!("{name}.conf")), text).unwrap();
    }
    let m = support::load::load_dir(dir.path()).model;
    (dir, m)
}

fn server_mut<'a>(m: &'a mut Model, label: &str) -> &'a mut latticelint::model::Server {
    m.servers.iter_mut().find(|s| s.label == label).unwrap()
}

const HUB: &str = "server_name: hub\njetstream { domain: default }\nleafnodes { port: 7422 }\n";
const SIDECAR: &str =
    "server_name: sidecar\nlisten: 127.0.0.1:4222\njetstream { domain: leaf }\nleafnodes { remotes: [ { url: \"nats://nats.default.svc.cluster.local:7422\" } ] }\n";

#[test]
fn operator_sidecar_replicas_are_independent_jetstreams_with_one_domain() {
    let (_d, mut m) = model(&[("hub", HUB), ("sidecar", SIDECAR)]);
    server_mut(&mut m, "hub").hostnames = vec!["nats.default.svc.cluster.local".into(), "nats".into()];
    server_mut(&mut m, "hub").locality = "k8s/default".into();
    let sc = server_mut(&mut m, "sidecar");
    sc.replicas = 3;
    sc.locality = "pod/host".into();
    let topo = Topology::from_model(&m);
    assert_eq!(topo.instances.len(), 4);
    assert_eq!(topo.leaf_links.len(), 3, "each replica dials the hub");
    assert!(topo.leaf_links.iter().all(|l| l.hub_account == HubAccount::Known("$G".into())));
    let sim = Simulator::new(&m, &topo, NatsVersion::NEWEST);
    let r = sim.resolve_server(m.servers[0].id, "$G", Some("leaf"));
    assert_eq!(r.outcome, Outcome::Duplicate);
    assert_eq!(r.responder_servers(), ["sidecar-0", "sidecar-1", "sidecar-2"]);
    // Each sidecar answers its own domain and reaches the hub's.
    let s1 = topo.instances.iter().find(|i| i.label == "sidecar-1").unwrap().id;
    assert_eq!(sim.resolve(s1, "$G", Some("leaf")).responder_servers(), ["sidecar-1"]);
    assert_eq!(sim.resolve(s1, "$G", Some("default")).responder_servers(), ["hub"]);
    assert_eq!(sim.resolve(s1, "$G", None).responder_servers(), ["sidecar-1"]);
}

#[test]
fn statefulset_pods_routed_by_pod_dns_form_one_cluster() {
    let conf = "jetstream { domain: hub }\ncluster { name: nats, port: 6222, routes: [nats://nats-0.nats-headless.ns.svc:6222, nats://nats-1.nats-headless.ns.svc:6222] }\n";
    let (_d, mut m) = model(&[("nats", conf)]);
    let s = &mut m.servers[0];
    s.label = "nats".into();
    s.replicas = 3;
    s.hostnames = vec!["nats-headless.ns.svc".into(), "nats.ns.svc".into()];
    let topo = Topology::from_model(&m);
    assert_eq!(topo.clusters.len(), 1);
    assert_eq!(topo.clusters[0].members.len(), 3);
    let sim = Simulator::new(&m, &topo, NatsVersion::NEWEST);
    let r = sim.resolve_server(m.servers[0].id, "$G", Some("hub"));
    assert_eq!(r.outcome, Outcome::Answered);
    assert_eq!(r.responders[0].label, "nats");
    assert_eq!(r.responder_servers(), ["nats-0", "nats-1", "nats-2"]);
}

#[test]
fn remote_on_a_client_port_is_wrong_port_and_unknown_names_are_external() {
    let hub = "server_name: hub\nlisten: 0.0.0.0:4222\nleafnodes { port: 7422 }\n";
    let leaf = "server_name: leaf\nleafnodes { remotes: [ { url: \"nats://hub:4222\" }, { url: \"tls://connect.ngs.global\" } ] }\n";
    let (_d, mut m) = model(&[("hub", hub), ("leaf", leaf)]);
    server_mut(&mut m, "hub").hostnames = vec!["hub".into()];
    server_mut(&mut m, "hub").locality = "compose/hub".into();
    let topo = Topology::from_model(&m);
    assert!(topo.leaf_links.is_empty());
    let hub_id = m.servers.iter().find(|s| s.label == "hub").unwrap().id;
    assert_eq!(topo.remotes[0].urls[0].1, Target::WrongPort { server: hub_id, kind: ListenerKind::Client, port: 4222 });
    assert!(matches!(topo.remotes[1].urls[0].1, Target::Unresolved { .. }));
    let externals = topo
        .graph
        .node_indices()
        .filter(|n| matches!(topo.graph[*n], latticelint::topology::Node::External(_)))
        .count();
    assert_eq!(externals, 2);
}

#[test]
fn leafnode_authorization_users_pick_the_hub_account() {
    let hub = "server_name: hub\njetstream { domain: hub }\naccounts { APP: { jetstream: enabled, users: [{user: app, password: x}] }, EDGE: { jetstream: enabled } }\nleafnodes { listen: 127.0.0.1:17422, authorization { users: [ {user: edge, password: y, account: EDGE} ] } }\n";
    let leaf = "server_name: leaf\njetstream { domain: leaf }\nleafnodes { remotes: [ { url: \"nats-leaf://edge:y@127.0.0.1:17422\" }, { url: \"nats-leaf://app:x@127.0.0.1:17422\" } ] }\n";
    let (_d, m) = model(&[("hub", hub), ("leaf", leaf)]);
    let topo = Topology::from_model(&m);
    assert_eq!(topo.leaf_links[0].hub_account, HubAccount::Known("EDGE".into()));
    assert!(matches!(topo.leaf_links[1].hub_account, HubAccount::Unknown(_)), "app is not a leafnode user");
    let sim = Simulator::new(&m, &topo, NatsVersion::NEWEST);
    let hub_id = m.servers.iter().find(|s| s.label == "hub").unwrap().id;
    assert_eq!(sim.resolve_server(hub_id, "EDGE", Some("leaf")).responder_servers(), ["leaf"]);
    assert_eq!(sim.resolve_server(hub_id, "APP", Some("leaf")).outcome, Outcome::NoResponders);
}

#[test]
fn spokes_sharing_a_cluster_name_do_not_reach_each_other_through_the_hub() {
    let hub = "server_name: hub\nleafnodes { listen: 127.0.0.1:17500 }\n";
    let store = |n: &str, cname: &str, port: u16| {
        format!("server_name: {n}\njetstream {{ domain: {n} }}\ncluster {{ name: {cname}, listen: 127.0.0.1:{port} }}\nleafnodes {{ remotes: [ {{ url: \"nats-leaf://127.0.0.1:17500\" }} ] }}\n")
    };
    for (name1, name2, reachable) in [("stores", "stores", false), ("s1", "s2", true)] {
        let (a, b) = (store("store1", name1, 17501), store("store2", name2, 17502));
        let (_d, m) = model(&[("hub", hub), ("store1", &a), ("store2", &b)]);
        let topo = Topology::from_model(&m);
        let sim = Simulator::new(&m, &topo, NatsVersion::NEWEST);
        let s1 = m.servers.iter().find(|s| s.label == "store1").unwrap().id;
        let r = sim.resolve_server(s1, "$G", Some("store2"));
        assert_eq!(r.outcome == Outcome::Answered, reachable, "{name1}/{name2}: {r:?}");
    }
}
