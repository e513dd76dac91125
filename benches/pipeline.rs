//! Criterion benches of whole lint runs on generated fleets (examples/fleetgen.rs), through the entry
//! points the binary calls: `pipeline::lint` (`jsmap`, `graph`) and `pipeline::lint_redacting`
//! (`check`). Sizes are edge servers; a run that is quadratic in servers shows up as a 10× step
//! costing 100×. Where the time goes inside one run: `LATTICELINT_TIMINGS=1 latticelint check DIR`
//! prints each phase (discover, deploy, parse, model, topology, rules).
//!
//! `cargo bench --bench pipeline` (set `FLEET_SIZES=1000,10000` to choose sizes).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use latticelint::pipeline;
use latticelint::settings::Settings;
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

fn runs(c: &mut Criterion) {
    let settings = Settings::default();
    let mut g = c.benchmark_group("pipeline");
    g.sample_size(10).measurement_time(Duration::from_secs(10)).warm_up_time(Duration::from_secs(1));
    for n in sizes() {
        let (_keep, dir) = fleet(n);
        let paths = std::slice::from_ref(&dir);
        g.bench_with_input(BenchmarkId::new("lint", n), &n, |b, _| b.iter(|| pipeline::lint(paths, &settings)));
        g.bench_with_input(BenchmarkId::new("lint_redacting", n), &n, |b, _| {
            b.iter(|| pipeline::lint_redacting(paths, &settings))
        });
    }
    g.finish();
}

criterion_group!(benches, runs);
criterion_main!(benches);
