//! The NATS config parser never panics or hangs, whatever the text; every diagnostic span lies
//! inside its file. Includes are served from memory: `a.conf` is the input itself (cycles), `b.conf`
//! the input's second half, anything else fails like a missing file.
#![no_main]

use latticelint::nats::{
    parse_str, Environment, IncludeError, IncludeLoader, IncludeRequest, LoadedInclude, ParseOptions,
};
use latticelint::source::SourceDb;
use latticelint::version::NatsVersion;
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use std::sync::Arc;

struct MemLoader {
    text: String,
}

impl IncludeLoader for MemLoader {
    fn load(&self, db: &SourceDb, req: &IncludeRequest) -> Result<LoadedInclude, IncludeError> {
        let name = req.written.trim();
        let text = match name {
            "a.conf" => self.text.clone(),
            "b.conf" => {
                let mut mid = self.text.len() / 2;
                while !self.text.is_char_boundary(mid) {
                    mid -= 1;
                }
                self.text[mid..].to_string()
            }
            _ => return Err(IncludeError { reason: format!("open {}: no such file or directory", req.resolved.display()) }),
        };
        let identity = format!("mem:{name}");
        let file = db.add(req.resolved.clone(), text);
        Ok(LoadedInclude { file, identity, warning: None })
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(body).into_owned();
    let version = if mode & 1 == 0 { NatsVersion::default() } else { NatsVersion::new(2, 9, 10) };
    let mut env = BTreeMap::new();
    env.insert("HOST".to_string(), "0.0.0.0".to_string());
    env.insert("PORT".to_string(), "4222".to_string());
    let opts = ParseOptions {
        version,
        env: Environment::Fixed(Arc::new(env)),
        root: Some("/fuzz".into()),
        loader: Some(Arc::new(MemLoader { text: text.clone() })),
        config_path: None,
    };
    let db = SourceDb::new("/fuzz");
    let parsed = parse_str(&db, "/fuzz/main.conf", &text, &opts);
    let _ = parsed.to_json();
    for d in &parsed.diagnostics {
        let f = db.get(d.span.file);
        assert!(d.span.start <= d.span.end, "inverted span in {}: {:?}", d.rule, d.span);
        assert!(d.span.end as usize <= f.text.len(), "span past the end in {}: {:?}", d.rule, d.span);
        let _ = db.locate(d.span);
    }
});
