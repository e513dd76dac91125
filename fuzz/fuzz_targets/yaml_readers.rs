//! The YAML reader and the compose reader never panic or hang on any text (Kubernetes and Helm
//! readers are run on it too); spans of the YAML tree and of diagnostics lie inside the file.
#![no_main]

use latticelint::deploy::{compose, helm, kube, yaml, ReadCx};
use latticelint::source::SourceDb;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let db = SourceDb::new("/nonexistent-fuzz-root");
    let path = Path::new("/nonexistent-fuzz-root/docker-compose.yml");
    let file = db.add(path.to_path_buf(), text.clone());
    let (docs, err) = yaml::parse(&text, file);
    if let Some(e) = err {
        assert!(e.span.end as usize <= text.len());
    }
    for d in &docs {
        let _ = yaml::embedding_pieces(&text, d);
    }
    let cx = ReadCx { db: &db };
    for facts in [compose::read(&cx, file, path), kube::read(&cx, file, path), helm::read(&cx, file, path)] {
        for d in &facts.diagnostics {
            let f = db.get(d.span.file);
            assert!(d.span.start <= d.span.end && d.span.end as usize <= f.text.len(), "{}: {:?}", d.rule, d.span);
            let _ = db.locate(d.span);
        }
    }
});
