//! latticelint: a linter and validator for NATS and wasmCloud deployments.
//!
//! Pipeline: [`discover`] walks the given paths and classifies files → [`nats`] parses NATS configs
//! (includes, variables, spans) and [`deploy`] reads compose/Kubernetes/.env/systemd files → [`model`]
//! holds typed servers, wasmCloud hosts and wadm → [`topology`] builds the petgraph of routes,
//! gateways and leaf connections → [`jetstream`] simulates which JetStream answers `$JS.<d>.API` →
//! [`rules`] produce [`diagnostic::Diagnostic`]s → [`report`] renders them. The modules form layers
//! without import cycles (README, "Architecture"; checked by tests/architecture.rs).

pub mod cli;
pub mod commands;
pub mod config;
pub mod deploy;
pub mod diagnostic;
pub mod discover;
pub mod guard;
pub mod jetstream;
pub mod memory;
pub mod model;
pub mod nats;
pub mod output;
pub mod pipeline;
pub mod redact;
pub mod report;
pub mod rules;
pub mod settings;
pub mod source;
pub mod span;
pub mod suppress;
pub mod timings;
pub mod topology;
pub mod version;
