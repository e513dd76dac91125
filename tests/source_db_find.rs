//! `SourceDb::find` is an index lookup: first real file per path wins, embedded texts are never found.

use latticelint::source::{Embedding, SourceDb};
use std::path::{Path, PathBuf};

#[test]
fn find_returns_first_real_file_for_a_path() {
    let db = SourceDb::new("/r");
    let a = db.add(PathBuf::from("/r/a.conf"), "a: 1");
    let _emb = db.add_embedded("a.conf#x".into(), "b: 2", Embedding { parent: a, pieces: vec![(0, 0)] });
    let again = db.add(PathBuf::from("/r/a.conf"), "a: 1");
    let b = db.add(PathBuf::from("/r/b.conf"), "b: 1");
    assert_ne!(a, again);
    assert_eq!(db.find(Path::new("/r/a.conf")), Some(a));
    assert_eq!(db.find(Path::new("/r/b.conf")), Some(b));
    assert_eq!(db.find(Path::new("/r/c.conf")), None);
}

#[test]
fn find_scales_to_a_fleet() {
    let db = SourceDb::new("/r");
    let ids: Vec<_> = (0..100_000).map(|i| db.add(PathBuf::from(format!("/r/s{i}/nats.conf")), "")).collect();
    for (i, id) in ids.iter().enumerate().step_by(997) {
        assert_eq!(db.find(&PathBuf::from(format!("/r/s{i}/nats.conf"))), Some(*id));
    }
}
