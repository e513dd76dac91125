//! Parser throughput over the corpus `.conf` files (parsed from memory, like `natsconf-oracle -time`).
//! Files that fail to parse or need includes are left out, as the oracle does.
// A benchmark: it reports on the terminal (the `[lints]` table holds src/ to its writer).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use latticelint::nats::{parse_file, Environment, ParseOptions};
use latticelint::source::SourceDb;
use std::collections::BTreeMap;
use std::sync::Arc;

fn corpus() -> Vec<(String, String)> {
    // LATTICELINT_BENCH_CORPUS, else the corpus of the shared data ($LATTICELINT_SHARED, else
    // ../shared beside the clone).
    let root = std::env::var_os("LATTICELINT_BENCH_CORPUS").map(std::path::PathBuf::from).unwrap_or_else(|| {
        std::env::var_os("LATTICELINT_SHARED")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"))
            .join("corpus")
    });
    assert!(root.is_dir(), "no corpus at {} (set LATTICELINT_BENCH_CORPUS or LATTICELINT_SHARED)", root.display());
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(&root).sort_by_file_name().into_iter().filter_map(Result::ok) {
        let p = e.path();
        if p.extension().and_then(|x| x.to_str()) != Some("conf") {
            continue;
        }
        if let Ok(text) = std::fs::read_to_string(p) {
            out.push((p.display().to_string(), text));
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let opts = ParseOptions { env: Environment::Fixed(Arc::new(BTreeMap::new())), ..Default::default() };
    let texts: Vec<String> = corpus()
        .into_iter()
        .filter(|(name, text)| {
            let db = SourceDb::new("/");
            let f = db.add(name.into(), text.as_str());
            let p = parse_file(&db, f, &opts);
            p.ok && p.includes.is_empty() && !text.contains("include ")
        })
        .map(|(_, t)| t)
        .collect();
    if texts.is_empty() {
        eprintln!("no corpus found; set LATTICELINT_BENCH_CORPUS");
        return;
    }
    let total: usize = texts.iter().map(String::len).sum();
    let db = SourceDb::new("/");
    let ids: Vec<_> =
        texts.iter().enumerate().map(|(i, t)| db.add(format!("/bench/{i}.conf").into(), t.as_str())).collect();
    let mut g = c.benchmark_group("parser");
    g.throughput(Throughput::Bytes(total as u64));
    g.bench_function(format!("corpus_{}_files_{}_bytes", texts.len(), total), |b| {
        b.iter(|| {
            for &id in &ids {
                std::hint::black_box(parse_file(&db, id, &opts));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
