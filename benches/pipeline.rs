//! Criterion benches of the passes after parsing, on generated fleets (examples/fleetgen.rs):
//! topology build, JetStream simulator construction, one host-style request walk, the rule passes,
//! and the whole `pipeline::lint`. Sizes are edge servers; a pass that is quadratic in servers shows
//! up as a 10× step costing 100×.
//!
//! `cargo bench --bench pipeline` (set `FLEET_SIZES=1000,10000` to choose sizes).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use latticelint::jetstream::Simulator;
use latticelint::pipeline;
use latticelint::rules::{self, Context};
use latticelint::settings::Settings;
use latticelint::topology::Topology;
use std::path::PathBuf;
use std::time::Duration;

#[allow(dead_code)]
#[path = "../examples/fleetgen.rs"]
mod fleetgen;

fn sizes() -> Vec<usize> {
    std::env::var("FLEET_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1000, 10000])
}

fn fleet(n: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("fleet");
    fleetgen::generate(&fleetgen::Args { servers: n, out: out.clone(), seed: 7 }).expect("fleetgen");
    (dir, out)
}

fn passes(c: &mut Criterion) {
    let settings = Settings::default();
    let mut g = c.benchmark_group("passes");
    g.sample_size(10).measurement_time(Duration::from_secs(10)).warm_up_time(Duration::from_secs(1));
    for n in sizes() {
        let (_keep, dir) = fleet(n);
        let outcome = pipeline::lint(std::slice::from_ref(&dir), &settings);
        let model = &outcome.model;
        g.bench_with_input(BenchmarkId::new("topology", n), &n, |b, _| b.iter(|| Topology::build(model, &outcome.db)));
        g.bench_with_input(BenchmarkId::new("simulator", n), &n, |b, _| {
            b.iter(|| Simulator::new(model, &outcome.topology, settings.nats_version))
        });
        let sim = Simulator::new(model, &outcome.topology, settings.nats_version);
        // The request every wasmCloud host of the fleet makes: `$JS.hub.API` from its leaf.
        let from = outcome.topology.instances.last().map(|i| i.id).expect("an instance");
        g.bench_with_input(BenchmarkId::new("resolve_one", n), &n, |b, _| {
            b.iter(|| sim.resolve(from, "TENANT_A", Some("hub")))
        });
        // The rules over the model and topology; the per-config rules run inside the parse (`lint`).
        // Simulator and host views are built once per run by the pipeline, as here.
        let hosts = rules::host_views(model, &outcome.topology, &sim);
        g.bench_with_input(BenchmarkId::new("model_rules", n), &n, |b, _| {
            b.iter(|| {
                let cx = Context {
                    db: &outcome.db,
                    model,
                    topology: &outcome.topology,
                    settings: &settings,
                    simulator: &sim,
                    hosts: &hosts,
                };
                rules::run(&cx)
            })
        });
        g.bench_with_input(BenchmarkId::new("lint", n), &n, |b, _| {
            b.iter(|| pipeline::lint(std::slice::from_ref(&dir), &settings))
        });
    }
    g.finish();
}

criterion_group!(benches, passes);
criterion_main!(benches);
