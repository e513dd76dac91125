//! Classification: what a file is, by name and content. The name says which readers to ask; each
//! reader ([`crate::deploy::Reader::recognise`]) says whether the content is its kind of file.

use crate::deploy::nats_conf::looks_like_nats;
use crate::deploy::{reader, FileKind};
use std::path::Path;

/// What a file name alone says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NameHint {
    Yaml,
    Env,
    Systemd,
    Script,
    /// `.conf`, `.cfg`, `.nats`, `.json`, `.txt`, no extension...: a NATS config if the content says so.
    MaybeConf,
    /// Source code, images, archives...: never read.
    Skip,
}

impl NameHint {
    pub(super) fn is_candidate(self) -> bool {
        self != NameHint::Skip
    }
}

/// What the name of the file at `path` says it may be.
pub(super) fn kind_by_name(path: &Path) -> NameHint {
    let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    if name == ".env" || name.starts_with(".env.") || ext == "env" {
        return NameHint::Env;
    }
    match ext.as_str() {
        // `.tpl`: Helm template helpers, reported with their chart's templates
        "yaml" | "yml" | "tpl" => NameHint::Yaml,
        "service" => NameHint::Systemd,
        "sh" | "bash" | "zsh" | "mk" => NameHint::Script,
        "conf" | "cfg" | "nats" | "json" | "txt" | "config" | "tmpl" | "" => {
            if name == "makefile" || name == "gnumakefile" || name == "justfile" || name == "dockerfile" {
                NameHint::Script
            } else {
                NameHint::MaybeConf
            }
        }
        _ => NameHint::Skip,
    }
}

/// Classifies a file by name and content; `None` for files latticelint does not read.
pub fn classify(path: &Path, text: &str) -> Option<FileKind> {
    // The first of `kinds` whose reader recognises the text.
    let ask = |kinds: &[FileKind]| kinds.iter().copied().find(|k| reader(*k).is_some_and(|r| r.recognise(path, text)));
    match kind_by_name(path) {
        NameHint::Env => ask(&[FileKind::Env]),
        NameHint::Systemd => ask(&[FileKind::Systemd]),
        NameHint::Script => ask(&[FileKind::Script]),
        // A Helm template is not YAML until rendered (reported by `file-not-linted`).
        NameHint::Yaml if is_helm_template(path, text) => None,
        NameHint::Yaml => ask(&[FileKind::Compose, FileKind::Kubernetes, FileKind::HelmValues]),
        NameHint::MaybeConf => {
            let lname = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
            if lname.ends_with(".json") && !looks_like_nats(text, 2) {
                return None;
            }
            let strong = lname.ends_with(".conf") || lname.ends_with(".nats");
            if looks_like_nats(text, if strong { 1 } else { 2 }) {
                Some(FileKind::NatsConfig)
            } else if lname.ends_with(".conf") {
                None
            } else {
                ask(&[FileKind::Script])
            }
        }
        NameHint::Skip => None,
    }
}

/// Classifies a file named on the command line: as [`classify`], except that a text file that could
/// be a NATS config by name (`.conf`, `.cfg`, `.nats`, `.txt`, no extension...) and is no script is
/// read as one even when no line looks like a known key: an include fragment that only defines
/// variables (`ALICE_PASS: ...`) is still the config the user asked to check, as `nats-server -c` would.
pub fn classify_named(path: &Path, text: &str) -> Option<FileKind> {
    classify(path, text).or_else(|| {
        let json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
        (kind_by_name(path) == NameHint::MaybeConf && !json).then_some(FileKind::NatsConfig)
    })
}

/// A Helm template (Go template text, not YAML until rendered): a YAML or `.tmpl` file, not a values
/// file, with `{{` on a line that is not a comment. Values files may hold `{{ }}` strings (passed to
/// `tpl`) and comments quoting template defaults: they stay values.
pub fn is_helm_template(path: &Path, text: &str) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let yaml_like = [".yaml", ".yml", ".tmpl", ".tpl"].iter().any(|e| name.ends_with(e));
    yaml_like
        && !name.starts_with("values")
        && text.lines().any(|l| !l.trim_start().starts_with('#') && l.contains("{{"))
}

/// `.conf`, YAML, `.env` and unit files: text by definition.
pub(super) fn named_like_config(path: &Path) -> bool {
    matches!(kind_by_name(path), NameHint::Env | NameHint::Yaml | NameHint::Systemd)
        || path.extension().is_some_and(|e| e.eq_ignore_ascii_case("conf"))
}
