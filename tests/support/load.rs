//! Loads every `*.conf` of a folder as one deployment with the real parser and lowering.
#![allow(dead_code)]

use latticelint::model::{server::lower, Model, ServerId};
use latticelint::nats::{parse_path, ParseOptions, ParsedConfig};
use latticelint::source::SourceDb;
use std::path::Path;

pub struct Loaded {
    pub db: SourceDb,
    pub configs: Vec<ParsedConfig>,
    pub model: Model,
}

pub fn load_dir(dir: &Path) -> Loaded {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "conf"))
        .collect();
    files.sort();
    let db = SourceDb::new(dir.to_path_buf());
    let opts = ParseOptions::default();
    let mut configs = Vec::new();
    let mut model = Model::default();
    for f in files {
        let parsed = parse_path(&db, &f, &opts);
        assert!(parsed.ok, "{}: {:?}", f.display(), parsed.error);
        let mut s = lower(&parsed, &db);
        s.id = ServerId(model.servers.len() as u32);
        model.servers.push(s);
        configs.push(parsed);
    }
    Loaded { db, configs, model }
}

/// The text of the line a span starts on.
pub fn line_of(db: &SourceDb, span: latticelint::span::Span) -> String {
    let f = db.get(span.file);
    let start = f.text[..span.start as usize].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let end = f.text[span.start as usize..].find('\n').map(|i| i + span.start as usize).unwrap_or(f.text.len());
    f.text[start..end].to_string()
}
