//! The JetStream routing simulator: which JetStream answers `$JS.API` / `$JS.<domain>.API` entering
//! server S in account A (truth/jetstream-leafnodes.md).
//!
//! Steps: [`links`] computes the permissions of both ends of every leaf connection; an interest
//! fixpoint (mapping sources and service imports advertised as `LS+`, hop by hop, with the spoke
//! rule of §1.6) decides where a request can travel; links whose hub rejects a literal `LS+`
//! flap (§0 rule 4) and are taken down; [`groups`] merges JetStream-enabled servers into meta
//! groups; finally a request is walked from its entry point: mappings apply on client/leaf ingress
//! (the nearest mapping wins), service imports hand unprefixed requests to the system account,
//! whose JetStreams all execute them (§1.5).

pub mod clients;
pub mod facts;
pub mod groups;
pub mod interest;
pub mod links;
pub mod map;
mod sim;
pub mod subject;

pub use interest::{Flap, State};
pub use sim::Simulator;

use crate::topology::InstanceId;

/// What the requester sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    /// Exactly one JetStream answers.
    Answered,
    /// 503: nothing had interest in the subject.
    NoResponders,
    /// Delivered, but no JetStream replies (account without JetStream that has leaf connections, dropped message).
    Timeout,
    /// Several JetStreams execute the request.
    Duplicate,
    /// A JetStream replies with error 10039 "jetstream not enabled for account".
    Error,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Answered => "answered",
            Outcome::NoResponders => "no-responders",
            Outcome::Timeout => "timeout",
            Outcome::Duplicate => "duplicate",
            Outcome::Error => "error",
        }
    }
}

/// One JetStream that answers (or executes) a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Responder {
    /// Cluster name for a clustered JetStream, else the server label.
    pub label: String,
    /// Labels of the servers that may answer (a cluster's possible meta leaders), sorted.
    pub servers: Vec<String>,
    pub instances: Vec<InstanceId>,
    /// The JetStream domain of the answering servers (`None` = no domain).
    pub domain: Option<String>,
}

/// The answer to "who answers this request".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    pub outcome: Outcome,
    /// Sorted by label.
    pub responders: Vec<Responder>,
    /// Which reply the requester sees is a race (both JetStreams execute through the system account).
    pub racy: bool,
    /// One line per route the request takes, e.g. `leaf -> hub (leaf ACC→ACC); $JS.hub.API mapped at hub`.
    pub paths: Vec<String>,
    /// A one-line explanation.
    pub why: String,
}

impl Resolution {
    /// Every server label that may answer, sorted and deduplicated.
    pub fn responder_servers(&self) -> Vec<String> {
        let mut v: Vec<String> = self.responders.iter().flat_map(|r| r.servers.iter().cloned()).collect();
        v.sort();
        v.dedup();
        v
    }
}

/// The subject prefix a domain selects: `$JS.API` or `$JS.<d>.API`.
pub fn api_prefix(domain: Option<&str>) -> String {
    match domain {
        Some(d) if !d.is_empty() => format!("$JS.{d}.API"),
        _ => "$JS.API".to_string(),
    }
}
