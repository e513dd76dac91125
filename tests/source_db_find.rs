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

/// The memoized `SourceDb::canonical` agrees with `std::fs::canonicalize` through links to files and
/// folders, relative links, links outside the folder and paths that do not resolve.
#[cfg(unix)]
#[test]
fn canonical_agrees_with_std_canonicalize() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let base = std::fs::canonicalize(tmp.path()).unwrap();
    let (real, outside) = (base.join("real"), base.join("outside"));
    std::fs::create_dir_all(real.join("sub")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(real.join("sub/a.conf"), "port: 1").unwrap();
    std::fs::write(outside.join("b.conf"), "port: 2").unwrap();
    symlink(&real, base.join("dirlink")).unwrap();
    symlink("sub/a.conf", real.join("rel.conf")).unwrap();
    symlink(outside.join("b.conf"), real.join("sub/b.conf")).unwrap();
    // Through a link whose path is itself reached through a link.
    symlink(base.join("dirlink/sub"), base.join("sublink")).unwrap();
    let db = SourceDb::new(&real);
    let cases = [
        real.join("sub/a.conf"),
        base.join("dirlink/sub/a.conf"),
        base.join("dirlink/rel.conf"),
        real.join("sub/b.conf"),
        base.join("sublink/b.conf"),
        base.join("sublink/a.conf"),
        base.join("dirlink"),
        real.join("missing.conf"),
        real.join("sub/a.conf/not-a-folder"),
        base.join("dirlink/../real/sub/a.conf"),
    ];
    for _ in 0..2 {
        for p in &cases {
            assert_eq!(db.canonical(p), std::fs::canonicalize(p).ok(), "{}", p.display());
        }
    }
    assert_eq!(db.canonical(&base.join("sublink/b.conf")), Some(outside.join("b.conf")));
    assert_eq!(db.canonical_or_same(&real.join("missing.conf")), real.join("missing.conf"));
}
