//! systemd units: `ExecStart=` running nats-server (flags, `-c` config), the wasmCloud host or wadm,
//! with `Environment=` and `EnvironmentFile=`.
//!
//! Paths in units are absolute paths of the target machine; a config or environment file that is not
//! at that path in the scanned tree is looked up by file name next to the unit (how deployment repos
//! keep them). A unit's locality is its folder, like the config files next to it.

use super::envfile::{parse_env_text, EnvSet};
use super::flags::{is_nats_server_bin, nats_server_flags, parse_flags, wasmcloud_takes_value, Word};
use super::wasmcloud::{build_host, build_wadm, env_is_host, env_is_wadm, Decl};
use super::{config_in_tree, folder_locality, tree_path, FileFacts, FileKind, ReadCx};
use crate::deploy::shell::split_words;
use crate::model::facts::{DeployFacts, Launch};
use crate::model::Origin;
use crate::span::{FileId, Span};
use std::path::Path;

/// The reader of systemd units.
pub struct Systemd;

impl super::Reader for Systemd {
    fn kind(&self) -> FileKind {
        FileKind::Systemd
    }

    fn recognise(&self, _path: &Path, text: &str) -> bool {
        text.contains("[Service]") || text.contains("[Unit]")
    }

    fn read(&self, cx: &ReadCx, file: FileId, path: &Path) -> FileFacts {
        read(cx, file, path).into()
    }
}

/// Reads one unit.
pub fn read(cx: &ReadCx, file: FileId, path: &Path) -> DeployFacts {
    let mut out = DeployFacts::default();
    let src = cx.db.get(file);
    let text = src.text.clone();
    let dir = path.parent().unwrap_or(Path::new("."));
    let unit = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let locality = folder_locality(&src.display);
    let mut env = EnvSet::default();
    let mut exec: Option<(Vec<Word>, Span)> = None;
    let mut section = String::new();
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        let base = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let t = body.trim_start();
        let lead = body.len() - t.len();
        if t.starts_with('[') {
            section = t.trim_matches(['[', ']']).to_string();
            continue;
        }
        if section != "Service" || t.starts_with('#') || t.starts_with(';') {
            continue;
        }
        let Some((key, value)) = t.split_once('=') else {
            continue;
        };
        let vstart = base + lead + key.len() + 1;
        match key.trim() {
            "Environment" => {
                for w in split_words(value, file, vstart) {
                    if let Some((k, v)) = w.value.split_once('=') {
                        let raw = &text[w.span.range()];
                        let off = raw.find('=').map(|i| i + 1).unwrap_or(0);
                        let q = usize::from(raw.starts_with('"') || raw.starts_with('\''));
                        let vs = w.span.start as usize + off.max(q);
                        let span = Span::new(file, vs, (vs + v.len()).min(w.span.end as usize));
                        env.push(k, v, span);
                    }
                }
            }
            "EnvironmentFile" => {
                let p = value.trim().trim_start_matches('-');
                if let Some(tp) = tree_path(cx.db.root(), dir, p) {
                    if let Some(id) = cx.load(&tp) {
                        env.extend(&parse_env_text(&cx.db.get(id).text, id));
                    }
                }
            }
            "ExecStart" => {
                let v = value.trim_start_matches(['-', '@', '+', '!', ':']);
                let skip = value.len() - v.len();
                let words = split_words(v, file, vstart + skip);
                let span = Span::new(file, base + lead, base + body.len());
                exec = Some((words, span));
            }
            _ => {}
        }
    }
    let Some((argv, span)) = exec else { return out };
    let Some(bin) = argv.first() else { return out };
    let base_name = bin.value.rsplit('/').next().unwrap_or("").to_string();
    let origin = Origin::Systemd { unit: unit.clone() };
    if is_nats_server_bin(&bin.value) {
        let flags = nats_server_flags(&argv[1..]);
        let config = config_in_tree(cx.db.root(), dir, flags.config_arg.as_ref());
        let label = unit.trim_end_matches(".service").to_string();
        out.launches.push(Launch {
            origin,
            label,
            span,
            config,
            flags,
            env: env.to_map(),
            hostnames: Vec::new(),
            locality,
            replicas: 1,
            unless_listening: None,
        });
        return out;
    }
    let decl = Decl { label: unit.trim_end_matches(".service").to_string(), origin, span, locality, replicas: 1 };
    let (flags, _) = parse_flags(&argv[1..], &wasmcloud_takes_value);
    if base_name == "wadm" || (env_is_wadm(&env) && !env_is_host(&env)) {
        out.wadms.push(build_wadm(&decl, &env, &flags));
    } else if base_name == "wasmcloud" || base_name == "wasmcloud_host" || env_is_host(&env) {
        out.hosts.push(build_host(&decl, &env, &flags, base_name == "wasmcloud_host"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::facts::ConfigRef;
    use crate::source::SourceDb;
    use std::path::PathBuf;

    #[test]
    fn units() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/deploy/systemd");
        let db = SourceDb::new(root.clone());
        let cx = ReadCx { db: &db };
        let p = root.join("nats-server.service");
        let f = db.add(p.clone(), std::fs::read_to_string(&p).unwrap());
        let facts = read(&cx, f, &p);
        let l = &facts.launches[0];
        assert_eq!(l.config, ConfigRef::File(root.join("nats.conf")));
        assert!(l.flags.jetstream.as_ref().unwrap().value);
        assert_eq!(l.locality, ".");

        let p = root.join("wasmcloud.service");
        let f = db.add(p.clone(), std::fs::read_to_string(&p).unwrap());
        let facts = read(&cx, f, &p);
        let h = &facts.hosts[0];
        assert_eq!(h.js_domain.as_ref().unwrap().value, "hub");
        assert_eq!(h.lattice.value, "from-env-file");
        assert_eq!(h.ctl.host.value, "127.0.0.1");
        let loc = db.locate(h.js_domain.as_ref().unwrap().span);
        assert_eq!((loc.line, loc.column), (4, 34));
    }
}
