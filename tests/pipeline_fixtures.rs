//! `pipeline::lint` over fixtures/deploy: compose and Kubernetes files become one model.

use latticelint::pipeline::lint;
use latticelint::settings::Settings;
use std::path::PathBuf;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/deploy")
}

#[test]
fn compose_and_kubernetes_make_one_model() {
    let out = lint(&[fixtures()], &Settings::default());
    let labels: Vec<&str> = out.model.servers.iter().map(|s| s.label.as_str()).collect();
    assert!(labels.contains(&"hub"), "{labels:?}");
    // the StatefulSet's server_name comes from $SERVER_NAME = $(POD_NAME) = nats-0
    let nats = out.model.servers.iter().find(|s| s.label == "nats-0").expect("kube nats server");
    assert_eq!(nats.replicas, 3);
    assert_eq!(nats.js_domain(), Some("hub"));
    // the account comes from `include accounts.conf`, a sibling key of the ConfigMap
    assert!(nats.account("APP").is_some_and(|a| a.jetstream.as_ref().is_some_and(|j| j.value)));
    let loc = out.db.locate(nats.jetstream.as_ref().unwrap().domain.as_ref().unwrap().span);
    assert_eq!((loc.path.as_str(), loc.line), ("kube/nats.yaml", 12));

    let hub = out.model.servers.iter().find(|s| s.label == "hub").unwrap();
    assert!(hub.js_enabled());
    assert_eq!(hub.js_domain(), Some("hubdomain"));

    let side = out.model.servers.iter().find(|s| s.label == "edge-hosts-nats-sidecar").unwrap();
    assert_eq!(side.js_domain(), Some("custom-leaf"));
    assert_eq!(side.replicas, 3);
    let op = out.model.hosts.iter().find(|h| h.label == "edge-hosts").unwrap();
    assert_eq!(op.sidecar, Some(side.id));

    assert_eq!(out.model.hosts.len(), 4);
    assert_eq!(out.model.wadms.len(), 2);
    let errors: Vec<_> = out.diagnostics.iter().filter(|d| d.rule == "include-not-found").collect();
    assert!(errors.is_empty(), "{errors:?}");
}
