//! One file's step of a run (reading a deployment file; parsing, checking and lowering a NATS
//! config) runs under [`per_file`]: a panic in it becomes an `internal-error` finding on that file,
//! and the run goes on with the other files.
//!
//! The panic hook stays quiet for a thread while it runs a guarded step (the finding carries the
//! message and where it happened); panics anywhere else are reported by the previous hook as usual.

use crate::diagnostic::Diagnostic;
use crate::source::SourceDb;
use crate::span::{FileId, Span};
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

/// The rule of the finding a caught panic becomes.
pub mod findings;

/// The panic message kept in a finding, in characters (a message may quote a whole input line).
const MESSAGE_LIMIT: usize = 300;

thread_local! {
    /// True while this thread runs a guarded step: its panic is caught, so the hook prints nothing.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    /// `file:line` of the last panic of a guarded step on this thread, recorded by the hook.
    static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

/// Installs (once per process) the hook that is quiet inside guarded steps and defers to the
/// previous hook elsewhere. It is never removed: concurrent runs (tests) share it.
fn install_hook() {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if GUARDED.with(Cell::get) {
                let location = info.location().map(|l| format!("{}:{}", l.file(), l.line()));
                LOCATION.with(|l| *l.borrow_mut() = location);
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `step` for `file`; a panic in it becomes an `internal-error` finding at the start of `file`.
pub fn per_file<T>(db: &SourceDb, file: FileId, step: impl FnOnce() -> T) -> Result<T, Box<Diagnostic>> {
    install_hook();
    let was_guarded = GUARDED.with(|g| g.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        inject_fault(db, file);
        step()
    }));
    GUARDED.with(|g| g.set(was_guarded));
    result.map_err(|payload| {
        let location = LOCATION.with(|l| l.borrow_mut().take());
        Box::new(finding(file, &panic_message(payload.as_ref()), location.as_deref()))
    })
}

/// The text of a panic payload (`panic!` with a literal or a formatted message).
fn panic_message(payload: &(dyn Any + Send)) -> String {
    let text = if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.as_str()
    } else {
        "a panic without a message"
    };
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(MESSAGE_LIMIT) {
        Some((cut, _)) => format!("{}...", &one_line[..cut]),
        None => one_line,
    }
}

/// The `internal-error` finding for a panic on `file`.
fn finding(file: FileId, message: &str, location: Option<&str>) -> Diagnostic {
    let at = location.map(|l| format!(" at {l}")).unwrap_or_default();
    Diagnostic::new(
        &findings::INTERNAL_ERROR,
        Span::new(file, 0, 0),
        format!("latticelint failed on this file: {message}{at}"),
    )
    .with_label("latticelint stopped reading here")
    .with_help(
        "this is a bug in latticelint, not in the file: please report it with the file (secrets removed) \
             and this message; the other files were linted",
    )
}

/// Test builds of the library only: a step on a file whose name starts with
/// `latticelint-inject-panic` panics, so tests can check that the run survives it.
#[cfg(test)]
fn inject_fault(db: &SourceDb, file: FileId) {
    let path = &db.get(file).path;
    if path.file_name().is_some_and(|n| n.to_string_lossy().starts_with("latticelint-inject-panic")) {
        panic!("injected fault in `{}`", path.display());
    }
}

#[cfg(not(test))]
#[inline(always)]
fn inject_fault(_: &SourceDb, _: FileId) {}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Severity;
    use crate::settings::Settings;
    use std::path::PathBuf;

    /// A hub config, a leaf config and a compose file that launches the hub: lints cleanly apart
    /// from the injected panics.
    fn deployment(dir: &std::path::Path, broken: &[&str]) -> Vec<PathBuf> {
        let files = [
            ("hub.conf", "server_name: hub\nport: 4222\njetstream { domain: hub }\nleafnodes { port: 7422 }\n"),
            ("leaf.conf", "server_name: leaf\nport: 4223\njetstream { domain: hub }\nleafnodes { remotes: [ { url: \"nats-leaf://127.0.0.1:7422\" } ] }\n"),
            ("docker-compose.yml", "services:\n  nats:\n    image: nats:2.10\n    command: [\"-c\", \"/etc/nats/hub.conf\"]\n    volumes: [\"./hub.conf:/etc/nats/hub.conf\"]\n"),
        ];
        for (name, text) in files {
            let name = if broken.contains(&name) { format!("latticelint-inject-panic-{name}") } else { name.into() };
            std::fs::write(dir.join(name), text).unwrap();
        }
        vec![dir.to_path_buf()]
    }

    fn internal_errors(outcome: &crate::pipeline::Outcome) -> Vec<(String, u32, String)> {
        let mut found: Vec<_> = outcome
            .diagnostics
            .iter()
            .filter(|d| std::ptr::eq(d.rule, &super::findings::INTERNAL_ERROR))
            .map(|d| {
                assert_eq!(d.severity, Severity::Error);
                (outcome.db.get(d.span.file).display.clone(), d.span.start, d.message.clone())
            })
            .collect();
        found.sort();
        found
    }

    #[test]
    fn a_panic_on_one_file_becomes_an_internal_error_and_the_run_goes_on() {
        let clean_dir = tempfile::tempdir().unwrap();
        let clean = crate::pipeline::lint(&deployment(clean_dir.path(), &[]), &Settings::default());
        assert!(internal_errors(&clean).is_empty());

        let dir = tempfile::tempdir().unwrap();
        let broken = ["leaf.conf", "docker-compose.yml"];
        let outcome = crate::pipeline::lint(&deployment(dir.path(), &broken), &Settings::default());
        let errors = internal_errors(&outcome);
        let files: Vec<&str> = errors.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(files, ["latticelint-inject-panic-docker-compose.yml", "latticelint-inject-panic-leaf.conf"]);
        for (file, start, message) in &errors {
            assert_eq!(*start, 0, "{file}: the finding sits at the start of the file");
            assert!(message.starts_with("latticelint failed on this file: injected fault in `"), "{message}");
            assert!(message.contains(" at src/guard/mod.rs:"), "the hook records where: {message}");
        }
        // The hub, whose file did not panic, is still read and modelled.
        assert!(outcome.model.servers.iter().any(|s| s.name.as_ref().is_some_and(|n| n.value == "hub")));
    }

    #[test]
    fn panic_messages_are_one_bounded_line() {
        let long = format!("first\nsecond {}", "x".repeat(1000));
        let payload: Box<dyn std::any::Any + Send> = Box::new(long);
        let text = super::panic_message(payload.as_ref());
        assert!(text.starts_with("first second x") && text.ends_with("...") && !text.contains('\n'));
        assert_eq!(text.chars().count(), super::MESSAGE_LIMIT + 3);
        let payload: Box<dyn std::any::Any + Send> = Box::new(7_u8);
        assert_eq!(super::panic_message(payload.as_ref()), "a panic without a message");
    }
}
