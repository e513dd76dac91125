//! docker-compose files: nats-server services (image `nats*` or a `nats-server` command: `-c` file
//! resolved through bind mounts, command-line flags), wasmCloud hosts (`WASMCLOUD_*`), wadm (`WADM_*`).
//!
//! Service names (plus `hostname`, `container_name`, network aliases) are hostnames; the compose
//! project is the file's folder. `${VAR}` is interpolated from the `.env` next to the file;
//! `environment:` overrides `env_file:`. Each service is its own locality (its own `localhost`)
//! unless `network_mode: host` or `service:<name>`.

use super::envfile::{interpolate, parse_env_text, EnvSet};
use super::flags::{is_nats_server_bin, nats_server_flags, parse_flags, split_words, wasmcloud_takes_value, Word};
use super::wasmcloud::{build_host, build_wadm, env_is_host, env_is_wadm, Decl};
use super::yaml::{self, Style, YKind, YNode};
use super::{image_repo, image_tag, is_nats_image, resolve_mount, tag_major, ConfigRef, DeployFacts, Launch, ReadCx};
use crate::diagnostic::Diagnostic;
use crate::model::Origin;
use crate::nats::findings::SYNTAX_ERROR;
use crate::span::{FileId, Span, Spanned};
use std::path::Path;

/// True when the YAML text looks like a compose file (top-level `services:` map).
pub fn looks_like_compose(name: &str, text: &str) -> bool {
    let lname = name.to_ascii_lowercase();
    let named = lname.contains("compose");
    let has_services = text.lines().any(|l| l.starts_with("services:"));
    has_services && (named || text.lines().any(|l| l.trim_start().starts_with("image:")))
}

/// Reads one compose file.
pub fn read(cx: &ReadCx, file: FileId, path: &Path) -> DeployFacts {
    let mut out = DeployFacts::default();
    let text = cx.db.get(file).text.clone();
    let (docs, err) = yaml::parse(&text, file);
    if let Some(e) = err {
        out.diagnostics.push(
            Diagnostic::new(&SYNTAX_ERROR, e.span, format!("invalid YAML: {}", e.message))
                .with_label("the YAML parser stops here"),
        );
    }
    let Some(doc) = docs.first() else { return out };
    let Some(services) = doc.get("services") else {
        return out;
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let project = cx.db.display_path(dir);
    let project = if project.is_empty() { ".".to_string() } else { project };
    let dotenv = cx.load(&dir.join(".env")).map(|id| parse_env_text(&cx.db.get(id).text, id)).unwrap_or_default();
    let lookup = |n: &str| dotenv.get(n).map(|v| v.value.clone());

    let entries = services.entries();
    for (key, svc) in &entries {
        let Some(name) = key.as_str() else { continue };
        let name = name.to_string();
        let decl_span = key.span;
        let image = svc.get("image").and_then(|n| n.as_str()).map(|s| interpolate(s, &lookup)).unwrap_or_default();
        let command = words_of(svc.get("command"), file, &lookup);
        let entrypoint = words_of(svc.get("entrypoint"), file, &lookup);
        let env = service_env(cx, svc, dir, file, &lookup);
        let replicas = svc
            .path(&["deploy", "replicas"])
            .or_else(|| svc.get("scale"))
            .and_then(|n| n.as_i64())
            .map(|n| n.max(0) as u32)
            .unwrap_or(1);
        let locality = match svc.get("network_mode").and_then(|n| n.as_str()) {
            Some("host") => "host".to_string(),
            Some(m) if m.starts_with("service:") => format!("compose:{project}/{}", &m[8..]),
            _ => format!("compose:{project}/{name}"),
        };
        let mut hostnames = vec![name.clone()];
        for k in ["hostname", "container_name"] {
            if let Some(h) = svc.get(k).and_then(|n| n.as_str()) {
                hostnames.push(interpolate(h, &lookup));
            }
        }
        if let Some(nets) = svc.get("networks") {
            for (_, net) in nets.entries() {
                for a in net.get("aliases").map(|a| a.as_seq()).unwrap_or(&[]) {
                    if let Some(s) = a.as_str() {
                        hostnames.push(s.to_string());
                    }
                }
            }
        }
        let repo = image_repo(&image);
        let origin = Origin::Compose { project: project.clone(), service: name.clone() };

        // The full argv: entrypoint + command; find a nats-server invocation.
        let mut argv: Vec<Word> = entrypoint.clone();
        argv.extend(command.iter().cloned());
        let nats_pos = argv.iter().position(|w| is_nats_server_bin(&w.value));
        let is_nats = is_nats_image(&image) || nats_pos.is_some();
        if is_nats {
            let args: Vec<Word> = match nats_pos {
                Some(p) => argv[p + 1..].to_vec(),
                None if entrypoint.is_empty() => command.clone(),
                None => argv.clone(),
            };
            let mounts = mounts_of(svc, &lookup);
            let flags = nats_server_flags(&args);
            let config = match &flags.config_arg {
                Some(c) => match resolve_mount(dir, &mounts, &c.value) {
                    Some(p) => ConfigRef::File(p),
                    None => ConfigRef::Unresolved(c.clone()),
                },
                // The image's CMD (`--config /etc/nats/nats-server.conf`, or `nats-server.conf` in the
                // scratch image) applies only when no `command:` is given.
                None if command.is_empty() => ["/etc/nats/nats-server.conf", "/nats-server.conf"]
                    .iter()
                    .find_map(|p| resolve_mount(dir, &mounts, p))
                    .map(ConfigRef::File)
                    .unwrap_or(ConfigRef::None),
                None => ConfigRef::None,
            };
            out.launches.push(Launch {
                origin,
                label: name.clone(),
                span: decl_span,
                config,
                flags,
                env: env.to_map(),
                hostnames,
                locality,
                replicas,
            });
            continue;
        }
        let decl = Decl { label: name.clone(), origin, span: decl_span, locality, replicas };
        let (flags, _) = parse_flags(&argv, &wasmcloud_takes_value);
        let is_wadm = repo.ends_with("wadm") || (env_is_wadm(&env) && !env_is_host(&env));
        let is_host = !is_wadm
            && (repo == "wasmcloud/wasmcloud"
                || repo.ends_with("wasmcloud_host")
                || repo.ends_with("/wasmcloud")
                || env_is_host(&env));
        if is_wadm {
            out.wadms.push(build_wadm(&decl, &env, &flags));
        } else if is_host {
            let legacy = tag_major(&image_tag(&image)) == Some(0) || repo.ends_with("wasmcloud_host");
            out.hosts.push(build_host(&decl, &env, &flags, legacy));
        }
    }
    out
}

/// `command:`/`entrypoint:` as words: a list (one word per item) or a string (shell-split).
fn words_of(node: Option<&YNode>, file: FileId, lookup: &dyn Fn(&str) -> Option<String>) -> Vec<Word> {
    let Some(node) = node else { return Vec::new() };
    match &node.kind {
        YKind::Seq(items) => {
            items.iter().filter_map(|i| i.as_str().map(|s| Spanned::new(interpolate(s, lookup), i.span))).collect()
        }
        YKind::Scalar(s, style) => {
            let base = node.span.start as usize + usize::from(*style == Style::Quoted);
            let mut ws = split_words(s, file, base);
            for w in &mut ws {
                w.value = interpolate(&w.value, lookup);
            }
            ws
        }
        YKind::Map(_) => Vec::new(),
    }
}

/// `env_file:` then `environment:` (list `K=V` or map), interpolated.
fn service_env(cx: &ReadCx, svc: &YNode, dir: &Path, file: FileId, lookup: &dyn Fn(&str) -> Option<String>) -> EnvSet {
    let mut env = EnvSet::default();
    if let Some(ef) = svc.get("env_file") {
        let items: Vec<&YNode> = match &ef.kind {
            YKind::Seq(s) => s.iter().collect(),
            _ => vec![ef],
        };
        for it in items {
            let p = it.as_str().or_else(|| it.get("path").and_then(|n| n.as_str()));
            if let Some(p) = p {
                if let Some(id) = cx.load(&super::normalize_join(dir, &interpolate(p, lookup))) {
                    env.extend(&parse_env_text(&cx.db.get(id).text, id));
                }
            }
        }
    }
    if let Some(e) = svc.get("environment") {
        match &e.kind {
            YKind::Seq(items) => {
                for it in items {
                    let Some(s) = it.as_str() else { continue };
                    let Some((k, v)) = s.split_once('=') else {
                        continue;
                    };
                    let quoted = matches!(&it.kind, YKind::Scalar(_, Style::Quoted));
                    let vstart = it.span.start as usize + usize::from(quoted) + k.len() + 1;
                    let span = if v.is_empty() { it.span } else { Span::new(file, vstart, vstart + v.len()) };
                    env.push(k.trim(), interpolate(v, lookup), span);
                }
            }
            YKind::Map(_) => {
                for (k, v) in e.entries() {
                    let Some(k) = k.as_str() else { continue };
                    let val = v.as_str().map(|s| interpolate(s, lookup)).unwrap_or_default();
                    env.push(k, val, v.span);
                }
            }
            _ => {}
        }
    }
    env
}

/// Bind mounts `(source, target)` of `volumes:` (short `src:dst[:mode]` or long form).
fn mounts_of(svc: &YNode, lookup: &dyn Fn(&str) -> Option<String>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for v in svc.get("volumes").map(|v| v.as_seq()).unwrap_or(&[]) {
        if let Some(s) = v.as_str() {
            let s = interpolate(s, lookup);
            let parts: Vec<&str> = s.split(':').collect();
            if parts.len() >= 2 && (parts[0].starts_with('.') || parts[0].starts_with('/') || parts[0].starts_with('~'))
            {
                out.push((parts[0].to_string(), parts[1].to_string()));
            }
        } else if let (Some(src), Some(dst)) =
            (v.get("source").and_then(|n| n.as_str()), v.get("target").and_then(|n| n.as_str()))
        {
            out.push((interpolate(src, lookup), interpolate(dst, lookup)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceDb;
    use std::path::PathBuf;

    fn fixture(rel: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/deploy").join(rel)
    }

    #[test]
    fn compose_servers_hosts_and_wadm() {
        let root = fixture("compose");
        let db = SourceDb::new(root.clone());
        let path = root.join("docker-compose.yml");
        let file = db.add(path.clone(), std::fs::read_to_string(&path).unwrap());
        let facts = read(&ReadCx { db: &db }, file, &path);
        assert!(facts.diagnostics.is_empty(), "{:?}", facts.diagnostics);
        assert_eq!(facts.launches.len(), 2);
        let hub = &facts.launches[0];
        assert_eq!(hub.label, "hub");
        assert_eq!(hub.config, ConfigRef::File(root.join("conf/hub.conf")));
        assert!(hub.flags.jetstream.as_ref().unwrap().value);
        let leaf = &facts.launches[1];
        assert_eq!(leaf.replicas, 3);
        assert_eq!(leaf.flags.name.as_ref().unwrap().value, "leaf-1");
        assert!(matches!(&leaf.config, ConfigRef::Unresolved(c) if c.value == "/missing.conf"));
        assert!(leaf.hostnames.contains(&"leaf-alias".to_string()));

        assert_eq!(facts.hosts.len(), 1);
        let h = &facts.hosts[0];
        // ${DOMAIN} comes from .env, the lattice from env_file
        assert_eq!(h.js_domain.as_ref().unwrap().value, "hubdomain");
        assert_eq!(h.lattice.value, "mylattice");
        assert_eq!(h.ctl.host.value, "hub");
        let loc = db.locate(h.ctl.host.span);
        assert_eq!((loc.path.as_str(), loc.line), ("docker-compose.yml", 21));
        assert_eq!(h.ctl.port.value, 4222);
        assert_eq!(facts.wadms.len(), 1);
        assert_eq!(facts.wadms[0].servers[0].host.value, "hub");
        assert_eq!(facts.wadms[0].js_domain.as_ref().unwrap().value, "hubdomain");
    }

    #[test]
    fn broken_yaml_is_a_diagnostic() {
        let db = SourceDb::new("/");
        let f = db.add(PathBuf::from("/x/compose.yml"), "services:\n  a: [1,\n");
        let facts = read(&ReadCx { db: &db }, f, Path::new("/x/compose.yml"));
        assert_eq!(facts.diagnostics.len(), 1);
        assert_eq!(facts.diagnostics[0].rule, "syntax-error");
    }
}
