//! Line/column lookup and embedded-span mapping never panic, whatever the text and offsets.
#![no_main]

use latticelint::source::{Embedding, SourceDb};
use latticelint::span::Span;
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let (head, body) = data.split_at(8);
    let text = String::from_utf8_lossy(body).into_owned();
    let db = SourceDb::new("/r");
    let parent = db.add(PathBuf::from("/r/a.yaml"), text.clone());
    let a = u32::from(u16::from_le_bytes([head[0], head[1]]));
    let b = u32::from(u16::from_le_bytes([head[2], head[3]]));
    let c = u32::from(u16::from_le_bytes([head[4], head[5]]));
    let emb = db.add_embedded("a.yaml#conf".into(), text, Embedding { parent, pieces: vec![(0, a), (b.min(c), c)] });
    for file in [parent, emb] {
        let f = db.get(file);
        let _ = f.line_col(a);
        let _ = f.line_col(b);
        let _ = f.line_text(c);
        let _ = f.line_text(u32::from(head[6]));
        let loc = db.locate(Span { file, start: a.min(b), end: a.max(b) });
        assert!(loc.line >= 1 && loc.column >= 1);
    }
});
