//! Topology building and simulation on deployment shapes the truth topologies do not cover:
//! replicas (operator sidecars, StatefulSets), names from deployment files, wrong ports,
//! leafnode authorization users, cluster-wide no echo. Each deployment is written to disk and
//! linted through `pipeline::lint`, as the binary does.

mod support;

use latticelint::jetstream::{Outcome, Simulator};
use latticelint::model::ServerId;
use latticelint::pipeline;
use latticelint::settings::Settings;
use latticelint::topology::resolve::{ListenerKind, Target};
use latticelint::topology::{HubAccount, Node};
use latticelint::version::NatsVersion;
use support::tree::write_tree;

/// Lints a deployment written from `files`; the folder lives as long as the run is read.
fn lint(files: &[(&str, &str)]) -> (tempfile::TempDir, pipeline::Outcome) {
    let dir = write_tree(files);
    let out = pipeline::lint(&[dir.path().to_path_buf()], &Settings::default());
    (dir, out)
}

fn server(out: &pipeline::Outcome, label: &str) -> ServerId {
    let labels: Vec<&str> = out.model.servers.iter().map(|s| s.label.as_str()).collect();
    out.model
        .servers
        .iter()
        .find(|s| s.label == label)
        .unwrap_or_else(|| panic!("no server `{label}` in {labels:?}"))
        .id
}

/// The hub of a Kubernetes cluster: a Deployment `nats` in `default` behind Service `nats`, so
/// `nats.default.svc.cluster.local` names it.
const HUB_K8S: &str = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: nats-config
  namespace: default
data:
  nats.conf: |
    server_name: hub
    jetstream { domain: default }
    leafnodes { port: 7422 }
---
apiVersion: v1
kind: Service
metadata:
  name: nats
  namespace: default
spec:
  selector:
    app: nats
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nats
  namespace: default
spec:
  replicas: 1
  template:
    metadata:
      labels:
        app: nats
    spec:
      containers:
        - name: nats
          image: nats:2.10-alpine
          args: [\"--config\", \"/etc/nats-config/nats.conf\"]
          volumeMounts:
            - name: config
              mountPath: /etc/nats-config
      volumes:
        - name: config
          configMap:
            name: nats-config
";

/// wasmcloud-operator hosts: three pods, each with a leaf sidecar (JetStream domain `leaf`, one
/// remote to `nats://nats.default.svc.cluster.local:7422`).
const OPERATOR_HOSTS: &str = "\
apiVersion: k8s.wasmcloud.dev/v1alpha1
kind: WasmCloudHostConfig
metadata:
  name: hosts
  namespace: default
spec:
  lattice: default
  hostReplicas: 3
";

#[test]
fn operator_sidecar_replicas_are_independent_jetstreams_with_one_domain() {
    let (_d, out) = lint(&[("hub.yaml", HUB_K8S), ("hosts.yaml", OPERATOR_HOSTS)]);
    let topo = &out.topology;
    assert_eq!(topo.instances.len(), 4, "the hub and three sidecars");
    assert_eq!(topo.leaf_links.len(), 3, "each replica dials the hub");
    assert!(topo.leaf_links.iter().all(|l| l.hub_account == HubAccount::Known("$G".into())));
    let sim = Simulator::new(&out.model, topo, NatsVersion::NEWEST);
    let sidecars = ["hosts-nats-sidecar-0", "hosts-nats-sidecar-1", "hosts-nats-sidecar-2"];
    let r = sim.resolve_server(server(&out, "hub"), "$G", Some("leaf"));
    assert_eq!(r.outcome, Outcome::Duplicate);
    assert_eq!(r.responder_servers(), sidecars);
    // Each sidecar answers its own domain and reaches the hub's.
    let s1 = topo.instances.iter().find(|i| i.label == sidecars[1]).expect("sidecar replica 1").id;
    assert_eq!(sim.resolve(s1, "$G", Some("leaf")).responder_servers(), [sidecars[1]]);
    assert_eq!(sim.resolve(s1, "$G", Some("default")).responder_servers(), ["hub"]);
    assert_eq!(sim.resolve(s1, "$G", None).responder_servers(), [sidecars[1]]);
}

/// A StatefulSet of three pods behind the headless Service `nats-headless`, routed by pod DNS names.
const STATEFULSET: &str = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: nats-config
  namespace: ns
data:
  nats.conf: |
    jetstream { domain: hub }
    cluster { name: nats, port: 6222, routes: [nats://nats-0.nats-headless.ns.svc:6222, nats://nats-1.nats-headless.ns.svc:6222] }
---
apiVersion: v1
kind: Service
metadata:
  name: nats-headless
  namespace: ns
spec:
  clusterIP: None
  selector:
    app: nats
---
apiVersion: v1
kind: Service
metadata:
  name: nats
  namespace: ns
spec:
  selector:
    app: nats
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: nats
  namespace: ns
spec:
  serviceName: nats-headless
  replicas: 3
  template:
    metadata:
      labels:
        app: nats
    spec:
      containers:
        - name: nats
          image: nats:2.10-alpine
          args: [\"--config\", \"/etc/nats-config/nats.conf\"]
          volumeMounts:
            - name: config
              mountPath: /etc/nats-config
      volumes:
        - name: config
          configMap:
            name: nats-config
";

#[test]
fn statefulset_pods_routed_by_pod_dns_form_one_cluster() {
    let (_d, out) = lint(&[("nats.yaml", STATEFULSET)]);
    let topo = &out.topology;
    assert_eq!(out.model.servers.len(), 1, "one server with three replicas");
    assert_eq!(topo.clusters.len(), 1);
    assert_eq!(topo.clusters[0].members.len(), 3);
    let sim = Simulator::new(&out.model, topo, NatsVersion::NEWEST);
    let r = sim.resolve_server(server(&out, "nats"), "$G", Some("hub"));
    assert_eq!(r.outcome, Outcome::Answered);
    assert_eq!(r.responders[0].label, "nats");
    assert_eq!(r.responder_servers(), ["nats-0", "nats-1", "nats-2"]);
}

const COMPOSE_HUB_LEAF: &str = "\
services:
  hub:
    image: nats:2.10
    command: [\"-c\", \"/etc/nats/nats.conf\"]
    volumes:
      - ./hub.conf:/etc/nats/nats.conf:ro
  leaf:
    image: nats:2.10
    command: [\"-c\", \"/etc/nats/nats.conf\"]
    volumes:
      - ./leaf.conf:/etc/nats/nats.conf:ro
";

#[test]
fn remote_on_a_client_port_is_wrong_port_and_unknown_names_are_external() {
    let hub = "server_name: hub\nlisten: 0.0.0.0:4222\nleafnodes { port: 7422 }\n";
    let leaf = "server_name: leaf\nleafnodes { remotes: [ { url: \"nats://hub:4222\" }, { url: \"tls://connect.ngs.global\" } ] }\n";
    let (_d, out) = lint(&[("docker-compose.yml", COMPOSE_HUB_LEAF), ("hub.conf", hub), ("leaf.conf", leaf)]);
    let topo = &out.topology;
    assert!(topo.leaf_links.is_empty());
    let hub_id = server(&out, "hub");
    let leaf_id = server(&out, "leaf");
    let remotes: Vec<_> = topo.remotes.iter().filter(|r| r.server == leaf_id).collect();
    assert_eq!(remotes.len(), 2, "{:?}", topo.remotes);
    assert_eq!(remotes[0].urls[0].1, Target::WrongPort { server: hub_id, kind: ListenerKind::Client, port: 4222 });
    assert!(matches!(remotes[1].urls[0].1, Target::Unresolved { .. }));
    let externals = topo.graph.node_indices().filter(|n| matches!(topo.graph[*n], Node::External(_))).count();
    assert_eq!(externals, 2);
}

#[test]
fn leafnode_authorization_users_pick_the_hub_account() {
    let hub = "server_name: hub\njetstream { domain: hub }\naccounts { APP: { jetstream: enabled, users: [{user: app, password: x}] }, EDGE: { jetstream: enabled } }\nleafnodes { listen: 127.0.0.1:17422, authorization { users: [ {user: edge, password: y, account: EDGE} ] } }\n";
    let leaf = "server_name: leaf\njetstream { domain: leaf }\nleafnodes { remotes: [ { url: \"nats-leaf://edge:y@127.0.0.1:17422\" }, { url: \"nats-leaf://app:x@127.0.0.1:17422\" } ] }\n";
    let (_d, out) = lint(&[("hub.conf", hub), ("leaf.conf", leaf)]);
    let topo = &out.topology;
    assert_eq!(topo.leaf_links.len(), 2, "{:?}", topo.leaf_links);
    assert_eq!(topo.leaf_links[0].hub_account, HubAccount::Known("EDGE".into()));
    assert!(matches!(topo.leaf_links[1].hub_account, HubAccount::Unknown(_)), "app is not a leafnode user");
    let sim = Simulator::new(&out.model, topo, NatsVersion::NEWEST);
    let hub_id = server(&out, "hub");
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
        let (_d, out) = lint(&[("hub.conf", hub), ("store1.conf", &a), ("store2.conf", &b)]);
        assert_eq!(out.topology.leaf_links.len(), 2, "{name1}/{name2}: both stores dial the hub");
        let sim = Simulator::new(&out.model, &out.topology, NatsVersion::NEWEST);
        let r = sim.resolve_server(server(&out, "store1"), "$G", Some("store2"));
        assert_eq!(r.outcome == Outcome::Answered, reachable, "{name1}/{name2}: {r:?}");
    }
}
