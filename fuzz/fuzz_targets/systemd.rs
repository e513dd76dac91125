//! systemd units and command lines (`ExecStart=`, scripts): the unit reader, the script reader and the
//! shell-word/flag splitter never panic on any text.
#![no_main]

use latticelint::deploy::{flags, script, systemd, ReadCx};
use latticelint::source::SourceDb;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let db = SourceDb::new("/nonexistent-fuzz-root");
    let unit = Path::new("/nonexistent-fuzz-root/nats.service");
    let file = db.add(unit.to_path_buf(), text.clone());
    let cx = ReadCx { db: &db };
    let _ = systemd::read(&cx, file, unit);
    let _ = script::read(&cx, file, Path::new("/nonexistent-fuzz-root/up.sh"));
    let words = flags::split_words(&text, file, 0);
    let _ = flags::nats_server_flags(&words);
    let _ = flags::parse_flags(&words, &flags::wasmcloud_takes_value);
    for w in &words {
        let _ = flags::split_list(w);
    }
});
