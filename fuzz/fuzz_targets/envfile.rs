//! `.env` parsing and `${VAR}` interpolation never panic; spans lie inside the text.
#![no_main]

use latticelint::deploy::envfile::{interpolate, parse_env_text};
use latticelint::source::SourceDb;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let db = SourceDb::new("/r");
    let file = db.add("/r/app.env".into(), text.clone());
    let env = parse_env_text(&text, file);
    let map = env.to_map();
    let _ = interpolate(&text, &|k: &str| map.get(k).cloned());
    let _ = interpolate(&text, &|_: &str| None);
});
