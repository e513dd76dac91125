//! Inputs found by `cargo fuzz` (fuzz/) that once crashed a reader. Each must now be read without
//! panicking; readers that catch panics internally must not need to.

use latticelint::deploy::yaml;
use latticelint::source::SourceDb;

/// Runs `f` and fails if it panicked, even where the code under test would catch the panic.
fn no_panic<T>(f: impl FnOnce() -> T) -> T {
    let hook = std::panic::take_hook();
    let panicked = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = panicked.clone();
    std::panic::set_hook(Box::new(move |_| flag.store(true, std::sync::atomic::Ordering::SeqCst)));
    let out = f();
    std::panic::set_hook(hook);
    assert!(!panicked.load(std::sync::atomic::Ordering::SeqCst), "the reader panicked (and caught it)");
    out
}

/// yaml_readers crash-01bcb5bc (minimized): a quoted scalar whose marker points at a multi-byte
/// character; `scalar_span` sliced at byte 1, inside U+FFFD.
#[test]
fn yaml_quoted_scalar_after_multibyte_char() {
    let bytes: &[u8] = b": |\n \xff\xff\n: \"\"\n";
    let text = String::from_utf8_lossy(bytes).into_owned();
    let db = SourceDb::new("/r");
    let file = db.add("/r/x.yaml".into(), text.clone());
    let (_docs, err) = no_panic(|| yaml::parse(&text, file));
    if let Some(e) = err {
        assert_ne!(e.message, "the YAML parser gave up on this file");
        assert!(e.span.end as usize <= text.len());
    }
}
