//! Walks the given paths ([`walk`]) and classifies each file by name and content ([`classify`]: NATS
//! config, compose, Kubernetes, Helm values, `.env`, systemd unit, script, asking each kind's
//! [`crate::deploy::Reader`]). Reads each file once and registers it in the [`SourceDb`] in path
//! order; parses nothing.
//!
//! The walk honours `.gitignore`/`.ignore` (even outside a git repository), skips VCS and build
//! folders (`.git`, `target`, `node_modules`...), follows symlinks and survives loops. Special files
//! (FIFOs, devices, sockets), files over [`MAX_FILE_SIZE`] and files that cannot be read (permissions,
//! deleted during the walk) become `unreadable-file` diagnostics; the walk never aborts.

use crate::diagnostic::Diagnostic;
use crate::source::SourceDb;
use crate::span::{FileId, Span};
use std::path::{Path, PathBuf};

mod classify;
pub mod findings;
mod walk;

use walk::{outside_target, Examined};

pub use crate::deploy::FileKind;
pub use classify::{classify, classify_named, is_helm_template};
pub use walk::MAX_FILE_SIZE;

/// A classified file, registered in the source db.
#[derive(Debug, Clone)]
pub struct Discovered {
    pub path: PathBuf,
    pub file: FileId,
    pub kind: FileKind,
}

/// The result of a walk, sorted by path.
#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<Discovered>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The root display paths are relative to: the folder given, a file's folder, or the common ancestor.
pub fn scan_root(paths: &[PathBuf]) -> PathBuf {
    let dir_of = |p: &PathBuf| -> PathBuf {
        if p.is_dir() {
            p.clone()
        } else {
            p.parent().map(Path::to_path_buf).filter(|p| !p.as_os_str().is_empty()).unwrap_or_else(|| ".".into())
        }
    };
    let mut it = paths.iter();
    let Some(first) = it.next() else {
        return PathBuf::from(".");
    };
    let mut root = dir_of(first);
    for p in it {
        let d = dir_of(p);
        while !d.starts_with(&root) {
            if !root.pop() {
                return PathBuf::from(if d.is_absolute() { "/" } else { "." });
            }
        }
    }
    root
}

/// Walks `paths`, registers every classified file in `db`, and reports unreadable ones.
pub fn discover(paths: &[PathBuf], db: &SourceDb) -> Discovery {
    discover_excluding(paths, db, &[])
}

/// [`discover`], skipping files whose display path matches one of the `exclude` globs.
///
/// The walk, `open`/`read` and classification run in the walker's threads (a fleet of 10,000 servers
/// has 21,000 files in 10,000 folders); files are then registered in path order, so file ids and
/// output do not depend on thread timing.
pub fn discover_excluding(paths: &[PathBuf], db: &SourceDb, exclude: &[String]) -> Discovery {
    let walk::Walked { found, linked_out } = walk::walk(paths, db, exclude);

    let mut out = Discovery::default();
    let mut templates: Vec<(PathBuf, String)> = Vec::new();
    for (path, examined) in found {
        let (text, bad_utf8, kind) = match examined {
            Examined::Unreadable(reason) => {
                out.diagnostics.push(unreadable(db, &path, &reason));
                continue;
            }
            Examined::NotRead(reason) => {
                out.diagnostics.push(not_read(db, &path, reason));
                continue;
            }
            Examined::Template(text) => {
                templates.push((path, text));
                continue;
            }
            Examined::File { text, bad_utf8, kind } => (text, bad_utf8, kind),
        };
        let file = db.add(path.clone(), text);
        if let Some(target) = outside_target(&linked_out, &path) {
            out.diagnostics.push(
                Diagnostic::new(
                    &crate::discover::findings::SYMLINK_OUTSIDE_ROOT,
                    Span::point(file, 0),
                    format!(
                        "`{}` is a link to `{}`, outside the scanned folder",
                        db.display_path(&path),
                        db.display_path(&target)
                    ),
                )
                .with_label("read through a symbolic link")
                .with_help("replace the link by the file itself, or lint the folder that holds the target"),
            );
        }
        if let Some(offset) = bad_utf8 {
            out.diagnostics.push(
                Diagnostic::new(
                    &crate::nats::findings::INVALID_ENCODING,
                    Span::new(file, offset, offset + 3),
                    crate::nats::include::invalid_utf8_message(offset),
                )
                .with_label("not UTF-8")
                .with_help("save the file as UTF-8"),
            );
        }
        out.files.push(Discovered { path, file, kind });
    }
    out.diagnostics.extend(crate::deploy::helm_templates::skipped(db, templates));
    out
}

/// An info for a file named on the command line that latticelint does not read.
fn not_read(db: &SourceDb, path: &Path, reason: &str) -> Diagnostic {
    let file = db.add_unreadable(path.to_path_buf());
    Diagnostic::new(
        &crate::deploy::findings::FILE_NOT_LINTED,
        Span::point(file, 0),
        format!("`{}` is not linted: {reason}", db.display_path(path)),
    )
    .with_label("not linted")
    .with_help("name NATS configs, compose/Kubernetes YAML, Helm values, `.env`, systemd units or shell scripts")
}

fn unreadable(db: &SourceDb, path: &Path, reason: &str) -> Diagnostic {
    let file = db.add_unreadable(path.to_path_buf());
    Diagnostic::new(
        &crate::nats::findings::UNREADABLE_FILE,
        Span::point(file, 0),
        format!("cannot read `{}`: {reason}", db.display_path(path)),
    )
    .with_label("not read")
    .with_help("make the file readable, or exclude it with .gitignore/.ignore")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_by_content() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(classify(&p("a/server.txt"), "port: 4222\njetstream { domain: x }\n"), Some(FileKind::NatsConfig));
        assert_eq!(classify(&p("a/users.conf"), "users = [\n {user: a}\n]\n"), Some(FileKind::NatsConfig));
        assert_eq!(classify(&p("a/nginx.conf"), "server {\n  location / {}\n}\n"), None);
        assert_eq!(classify(&p("a/notes.txt"), "hello world\n"), None);
        assert_eq!(classify(&p("a/x.yaml"), "services:\n  nats:\n    image: nats\n"), Some(FileKind::Compose));
        assert_eq!(
            classify(&p("a/x.yaml"), "apiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: Service\n"),
            Some(FileKind::Kubernetes)
        );
        assert_eq!(
            classify(&p("a/values.yaml"), "config:\n  jetstream:\n    enabled: true\n"),
            Some(FileKind::HelmValues)
        );
        assert_eq!(classify(&p("a/t.yaml"), "a: {{ .Values.x }}\n"), None);
        assert_eq!(classify(&p("a/.env"), "A=1\n"), Some(FileKind::Env));
        assert_eq!(classify(&p("a/run.sh"), "#!/bin/sh\nexec nats-server -c x.conf\n"), Some(FileKind::Script));
        assert_eq!(classify(&p("a/run.sh"), "#!/bin/sh\necho hi\n"), None);
        assert_eq!(
            classify(&p("a/run.sh"), "docker run -d --name nats -p 4222:4222 nats -js\n"),
            Some(FileKind::Script)
        );
        assert_eq!(classify(&p("a/run.sh"), "docker run -d postgres\n"), None);
        assert_eq!(classify(&p("a/up.sh"), "D=x NATS_JS_DOMAIN=$D wash up -d\n"), Some(FileKind::Script));
        assert_eq!(classify(&p("a/Makefile"), "up:\n\t@wash up --nats-js-domain edge\n"), Some(FileKind::Script));
        assert_eq!(
            classify(&p("a/start"), "#!/usr/bin/env bash\nexec nats-server -c hub.conf\n"),
            Some(FileKind::Script)
        );
        assert_eq!(
            classify(&p("a/nats.service"), "[Unit]\n[Service]\nExecStart=/usr/bin/nats-server\n"),
            Some(FileKind::Systemd)
        );
        assert_eq!(classify(&p("a/main.go"), "port: 4222"), None);
    }

    #[test]
    fn walk_skips_ignored_and_reports_special_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::create_dir_all(root.join("node_modules/x")).unwrap();
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join(".git/config.conf"), "port: 1\n").unwrap();
        std::fs::write(root.join("node_modules/x/a.conf"), "port: 1\n").unwrap();
        std::fs::write(root.join("sub/a.conf"), "port: 4222\n").unwrap();
        std::fs::write(root.join("sub/ignored.conf"), "port: 4222\n").unwrap();
        std::fs::write(root.join(".gitignore"), "ignored.conf\n").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root, root.join("sub/loop")).unwrap();
            std::os::unix::fs::symlink("/dev/zero", root.join("zero.conf")).unwrap();
            let fifo = root.join("pipe.conf");
            let _ = std::process::Command::new("mkfifo").arg(&fifo).status();
        }
        let db = SourceDb::new(root);
        let d = discover(&[root.to_path_buf()], &db);
        let names: Vec<String> = d.files.iter().map(|f| db.get(f.file).display.clone()).collect();
        assert_eq!(names, vec!["sub/a.conf".to_string()]);
        #[cfg(unix)]
        {
            let msgs: Vec<&str> = d.diagnostics.iter().map(|d| d.message.as_str()).collect();
            assert!(msgs.iter().any(|m| m.contains("zero.conf") && m.contains("device")), "{msgs:?}");
            if root.join("pipe.conf").exists() {
                assert!(msgs.iter().any(|m| m.contains("pipe.conf") && m.contains("FIFO")), "{msgs:?}");
            }
            assert!(d.diagnostics.iter().all(|d| d.rule == "unreadable-file"));
        }
    }

    #[test]
    fn unreadable_file_is_a_diagnostic() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("locked.conf");
        std::fs::write(&f, "port: 4222\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o000)).unwrap();
            let db = SourceDb::new(dir.path());
            let d = discover(&[dir.path().to_path_buf()], &db);
            // root can read anything; only assert when permissions bite
            if std::fs::read(&f).is_err() {
                assert_eq!(d.diagnostics.len(), 1);
                assert!(d.diagnostics[0].message.contains("permission denied"));
            }
            let missing = discover(&[dir.path().join("nope")], &db);
            assert_eq!(missing.diagnostics.len(), 1);
        }
    }
}
