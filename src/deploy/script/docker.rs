//! `docker run` (and podman, nerdctl) command lines: nats-server, wasmCloud host and wadm containers.

use super::{flag_word, ScriptReader};
use crate::deploy::envfile::{parse_env_text, EnvSet};
use crate::deploy::flags::{
    is_nats_server_bin, nats_server_flags, nats_server_runs, parse_flags, wasmcloud_takes_value,
};
use crate::deploy::shell::Word;
use crate::deploy::wasmcloud::{build_host, build_wadm, env_is_host, env_is_wadm, Decl};
use crate::deploy::{container_config, image_repo, image_tag, is_nats_image, tag_major, tree_path};
use crate::model::facts::Launch;
use crate::model::Origin;
use crate::span::{Span, Spanned};

impl ScriptReader<'_, '_> {
    /// `docker run [OPTIONS] IMAGE [ARGS]`: a nats-server container (image `nats*` or a `nats-server`
    /// command; `-c` resolved through `-v` bind mounts, the image's default config path when no
    /// arguments are given), a wasmCloud host or wadm container (`-e`, `--env-file`). `--name`,
    /// `--hostname` and `--network-alias` are hostnames; a container with `--network host` or
    /// published ports (`-p`) shares the script's `localhost`, others have their own.
    pub(super) fn docker_run(&mut self, args: &[Word], span: Span, script_env: &EnvSet) {
        const BOOL: &[&str] = &[
            "d",
            "detach",
            "i",
            "interactive",
            "t",
            "tty",
            "rm",
            "privileged",
            "init",
            "read-only",
            "P",
            "publish-all",
            "q",
            "quiet",
            "it",
            "dit",
            "ti",
        ];
        let mut env = EnvSet::default();
        let (mut mounts, mut hostnames) = (Vec::new(), Vec::new());
        let (mut name, mut network, mut entrypoint, mut published) = (None, None, None, false);
        let mut i = 0;
        let mut image: Option<&Word> = None;
        while i < args.len() {
            let w = &args[i];
            let v = w.value.as_str();
            i += 1;
            if !v.starts_with('-') || v == "-" {
                image = Some(w);
                break;
            }
            let body = v.trim_start_matches('-');
            let (opt, inline) = match body.split_once('=') {
                Some((o, val)) if v.starts_with("--") => (o, Some(val.to_string())),
                _ if !v.starts_with("--") && body.len() > 1 && !body.chars().all(|c| "dit".contains(c)) => {
                    (&body[..1], Some(body[1..].to_string()))
                }
                _ => (body, None),
            };
            if BOOL.contains(&opt) || (!v.starts_with("--") && body.chars().all(|c| "dit".contains(c))) {
                continue;
            }
            let (value, vspan) = match inline {
                Some(val) => (val, w.value_span()),
                None => match args.get(i) {
                    Some(n) => {
                        i += 1;
                        (n.value.clone(), n.value_span())
                    }
                    None => break,
                },
            };
            match opt {
                "e" | "env" => match value.split_once('=') {
                    Some((k, val)) => {
                        // point at the value inside `K=V` (or `"K=V"`) when the text is written so
                        let src = self.cx.db.get(vspan.file);
                        let raw = src.text.get(vspan.start as usize..vspan.end as usize).unwrap_or("");
                        let q = usize::from(raw.starts_with(['"', '\'']));
                        let at = vspan.start as usize + q + k.len() + 1;
                        let written = raw.get(q..).unwrap_or("");
                        let vs = if written.starts_with(&format!("{k}=")) && written[k.len() + 1..].starts_with(val) {
                            Span::new(vspan.file, at, at + val.len())
                        } else {
                            vspan
                        };
                        env.push(k, val, vs)
                    }
                    None => {
                        if let Some(sv) = script_env.get(&value) {
                            env.push(value.clone(), sv.value.clone(), sv.span);
                        }
                    }
                },
                "env-file" => {
                    if let Some(id) = tree_path(self.cx.db.root(), self.dir, &value).and_then(|p| self.cx.load(&p)) {
                        env.extend(&parse_env_text(&self.cx.db.get(id).text, id));
                    }
                }
                "v" | "volume" => {
                    let mut parts = value.splitn(3, ':');
                    if let (Some(src), Some(dst)) = (parts.next(), parts.next()) {
                        mounts.push((src.to_string(), dst.to_string()));
                    }
                }
                "name" => name = Some(value),
                "h" | "hostname" | "network-alias" | "net-alias" => hostnames.push(value),
                "network" | "net" => network = Some(value),
                "p" | "publish" => published = true,
                "entrypoint" => entrypoint = Some(Spanned::new(value, vspan)),
                _ => {}
            }
        }
        let Some(image) = image else { return };
        let key = args.iter().map(|w| w.value.as_str()).collect::<Vec<_>>().join("\0");
        if !self.seen.insert(format!("docker run\0{key}")) {
            return;
        }
        let command: Vec<crate::deploy::flags::Word> = args[i..].iter().map(flag_word).collect();
        let mut argv: Vec<crate::deploy::flags::Word> = entrypoint.into_iter().collect();
        argv.extend(command.iter().cloned());
        let display = name.clone().unwrap_or_else(|| image_repo(&image.value));
        if let Some(n) = &name {
            hostnames.insert(0, n.clone());
        }
        let locality = if network.as_deref() == Some("host") || published {
            self.locality.clone()
        } else {
            format!("docker:{}/{display}", self.display)
        };
        let line = self.cx.db.locate(span).line;
        let label = format!("{display} ({}:{line})", self.name);
        let origin = Origin::Script { file: self.display.clone() };
        let nats_pos = argv.iter().position(|w| is_nats_server_bin(&w.value));
        if is_nats_image(&image.value) || nats_pos.is_some() {
            let nargs: Vec<crate::deploy::flags::Word> = match nats_pos {
                Some(p) => argv[p + 1..].to_vec(),
                None => argv.clone(),
            };
            if !nats_server_runs(&nargs) {
                return;
            }
            let flags = nats_server_flags(&nargs);
            // the image's CMD applies without arguments
            let root = self.cx.db.root();
            let config = container_config(root, self.dir, &mounts, flags.config_arg.as_ref(), command.is_empty());
            self.out.launches.push(Launch {
                origin,
                label,
                span,
                config,
                flags,
                env: env.to_map(),
                hostnames,
                locality,
                replicas: 1,
                unless_listening: None,
            });
            return;
        }
        let repo = image_repo(&image.value);
        let decl = Decl { label, origin, span, locality, replicas: 1 };
        let flags = parse_flags(&argv, &wasmcloud_takes_value).0;
        let is_wadm = repo.ends_with("wadm") || (env_is_wadm(&env) && !env_is_host(&env));
        if is_wadm {
            self.out.wadms.push(build_wadm(&decl, &env, &flags));
        } else if repo == "wasmcloud/wasmcloud" || repo.ends_with("wasmcloud_host") || env_is_host(&env) {
            let legacy = tag_major(&image_tag(&image.value)) == Some(0) || repo.ends_with("wasmcloud_host");
            self.out.hosts.push(build_host(&decl, &env, &flags, legacy));
        }
    }
}
