//! Shell scripts and Makefile recipes: `nats-server`, `wash up`, `wasmcloud`, `wadm` and
//! `docker run` command lines, with the variables the script sets before them.
//!
//! Commands are read in order with [`super::shell`]: `NAME=value` assignments, `export`,
//! `set -a`/`set +a`, `source`/`.` of an env file in the tree, `VAR=value cmd` prefixes and `env`
//! are followed, so `D=x; wash up --nats-js-domain "$D"` reads `x` (its span is the assignment's
//! value). Exported variables are the command's environment. Control flow is not followed: every
//! command line counts once, in file order. Unset variables are empty (latticelint reads files with
//! an empty environment).
//!
//! `wash up` (wasmCloud 1.x `crates/wash`, truth/jetstream-leafnodes.md §4.4) is three processes:
//! - its own nats-server: `-js --addr <nats-host> --port <nats-port>` (default `127.0.0.1:4222`)
//!   with a generated config `jetstream { domain }` (`--nats-js-domain`/`NATS_JS_DOMAIN`, default
//!   **`core`**) and, with `--nats-remote-url`/`NATS_REMOTE_URL`, one leaf remote (no `account`, so
//!   `$G`; `--nats-credsfile` its credentials); `--nats-config-file`/`NATS_CONFIG` replaces the
//!   generated config (then no domain or remote is added). No server is started with
//!   `--nats-connect-only`/`NATS_CONNECT_ONLY` (unless a remote URL is given), nor when the script
//!   already started a nats-server on that port (wash connects to a server it can reach);
//! - a host: lattice `-x/--lattice`, `--wasmcloud-js-domain`/`WASMCLOUD_JS_DOMAIN`, NATS at
//!   `--nats-host`/`--nats-port` unless `--ctl-host`/`--rpc-host`... say otherwise;
//! - wadm (unless `--disable-wadm`) on the same NATS address, domain `--wadm-js-domain` or the
//!   wash-side `WADM_JS_DOMAIN` (not `WADM_JETSTREAM_DOMAIN`).
//!
//! A `wash up` whose addresses or domains come from a command substitution or a positional
//! parameter cannot be known and is not modelled.

use super::envfile::{parse_env_text, EnvSet};
use super::flags::{is_nats_server_bin, nats_server_flags, nats_server_runs, parse_flags, wasmcloud_takes_value, Flag};
use super::shell::{self, Var, Vars, Word};
use super::systemd::{folder_locality, tree_path};
use super::wasmcloud::{build_host, build_wadm, env_is_host, env_is_wadm, Decl};
use super::{ConfigRef, DeployFacts, Launch, ReadCx, ServerFlags};
use crate::model::{Endpoint, LeafRemote, Origin, Wadm};
use crate::span::{FileId, Span, Spanned};
use std::path::Path;

/// True for Makefiles (recipes are read, `$(VAR)` is a make variable).
pub fn is_makefile(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    name == "makefile" || name == "gnumakefile" || name.ends_with(".mk")
}

struct Reader<'a, 'c> {
    cx: &'a ReadCx<'c>,
    dir: &'a Path,
    display: String,
    name: String,
    locality: String,
    allexport: bool,
    /// Client ports of nats-servers started so far by this file.
    started_ports: Vec<u16>,
    /// Command lines already modelled: the same launch in two Makefile targets or `case` branches is
    /// one server, not two.
    seen: std::collections::HashSet<String>,
    out: DeployFacts,
}

pub fn read(cx: &ReadCx, file: FileId, path: &Path) -> DeployFacts {
    let src = cx.db.get(file);
    let text = src.text.clone();
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut r = Reader {
        cx,
        dir,
        display: src.display.clone(),
        name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        locality: folder_locality(&src.display),
        allexport: false,
        started_ports: Vec::new(),
        seen: Default::default(),
        out: DeployFacts::default(),
    };
    let make = is_makefile(path);
    let mut vars = Vars::default();
    // Scripts are taken to run from their own folder: `$PWD/nats.conf` is the file beside them.
    let pwd =
        Var { value: dir.to_string_lossy().into_owned(), span: Span::point(file, 0), exported: true, unknown: false };
    vars.shell.insert("PWD".into(), pwd);
    for (off, line) in shell::logical_lines(&text) {
        if make {
            match line.strip_prefix('\t') {
                Some(recipe) => {
                    let body = recipe.trim_start_matches(['@', '-', '+', ' ', '\t']);
                    let skip = line.len() - body.len();
                    shell::for_each_command(body, file, off + skip, true, &mut vars, |v, c| r.command(v, c));
                }
                None => make_assignment(line, file, off, &mut vars),
            }
        } else {
            shell::for_each_command(line, file, off, false, &mut vars, |v, c| r.command(v, c));
        }
    }
    r.out
}

/// `NAME = value`, `NAME := value`, `NAME ?= value`, `NAME += value`, `export NAME = value`.
fn make_assignment(line: &str, file: FileId, off: usize, vars: &mut Vars) {
    let t = line.trim_start();
    let (t, exported) = match t.strip_prefix("export ") {
        Some(r) => (r.trim_start(), true),
        None => (t.strip_prefix("override ").map(str::trim_start).unwrap_or(t), false),
    };
    let nlen = t.bytes().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-')).count();
    if nlen == 0 {
        return;
    }
    let name = &t[..nlen];
    let rest = t[nlen..].trim_start();
    let (op, value) = if let Some(v) = rest.strip_prefix("::=").or_else(|| rest.strip_prefix(":=")) {
        (":=", v)
    } else if let Some(v) = rest.strip_prefix("?=") {
        ("?=", v)
    } else if let Some(v) = rest.strip_prefix("+=") {
        ("+=", v)
    } else if let Some(v) = rest.strip_prefix('=') {
        ("=", v)
    } else {
        return;
    };
    let value = value.split(" #").next().unwrap_or("").trim();
    let vstart = off + (value.as_ptr() as usize - line.as_ptr() as usize);
    let span = Span::new(file, vstart, vstart + value.len());
    let unknown = value.contains("$(shell") || value.contains('`');
    match op {
        "?=" if vars.make.contains_key(name) => {}
        "+=" => {
            if let Some(v) = vars.make.get_mut(name) {
                v.value = format!("{} {value}", v.value).trim().to_string();
                v.span = v.span.cover(span);
            } else {
                vars.make.insert(name.into(), Var { value: value.into(), span, exported, unknown });
            }
        }
        _ => {
            vars.make.insert(name.into(), Var { value: value.into(), span, exported, unknown });
        }
    }
}

/// Words that may precede the command proper.
const PREFIXES: &[&str] = &[
    "then", "do", "else", "elif", "if", "while", "until", "!", "{", "}", "time", "exec", "nohup", "command", "builtin",
];

impl Reader<'_, '_> {
    fn command(&mut self, vars: &mut Vars, cmd: Vec<Word>) {
        let mut i = 0;
        let mut prefix: Vec<&Word> = Vec::new();
        loop {
            while i < cmd.len() && cmd[i].assign.is_some() {
                prefix.push(&cmd[i]);
                i += 1;
            }
            let Some(w) = cmd.get(i) else { break };
            let v = w.value.as_str();
            if PREFIXES.contains(&v) {
                i += 1;
            } else if v == "sudo" || v == "env" {
                i += 1;
                while let Some(f) = cmd.get(i).filter(|f| f.value.starts_with('-')) {
                    // `sudo -u user`, `env -u NAME`: options with a value
                    i += if matches!(f.value.as_str(), "-u" | "-g" | "-C" | "-h" | "-p") { 2 } else { 1 };
                }
            } else {
                break;
            }
        }
        if i >= cmd.len() {
            // assignments only: shell variables
            for w in prefix {
                let (name, span) = w.assign.clone().expect("assignment");
                let exported = self.allexport || vars.shell.get(&name).is_some_and(|v| v.exported);
                let value = w.value[name.len() + 1..].to_string();
                vars.shell.insert(name, Var { value, span, exported, unknown: w.unknown });
            }
            return;
        }
        let mut env = EnvSet::default();
        let mut unknown_env: Vec<String> = Vec::new();
        let mut exported: Vec<(&String, &Var)> =
            vars.make.iter().chain(vars.shell.iter()).filter(|(_, v)| v.exported).collect();
        exported.sort_by_key(|(_, v)| (v.span.start, v.span.end));
        for (name, v) in exported {
            env.push(name.clone(), v.value.clone(), v.span);
            if v.unknown {
                unknown_env.push(name.clone());
            }
        }
        for w in &prefix {
            let (name, span) = w.assign.clone().expect("assignment");
            env.push(name.clone(), w.value[name.len() + 1..].to_string(), span);
            if w.unknown {
                unknown_env.push(name);
            }
        }
        let bin = &cmd[i];
        let args = &cmd[i + 1..];
        let base = bin.value.rsplit('/').next().unwrap_or("");
        let span = bin.span.cover(cmd.last().map(|w| w.span).unwrap_or(bin.span));
        match base {
            "export" | "declare" | "typeset" | "readonly" | "local" => {
                let export = base == "export" || args.iter().any(|a| a.value.starts_with('-') && a.value.contains('x'));
                for a in args {
                    if let Some((name, vspan)) = &a.assign {
                        let value = a.value[name.len() + 1..].to_string();
                        let exported = export || self.allexport || vars.shell.get(name).is_some_and(|v| v.exported);
                        vars.shell.insert(name.clone(), Var { value, span: *vspan, exported, unknown: a.unknown });
                    } else if export && !a.value.starts_with('-') {
                        if let Some(v) = vars.shell.get_mut(&a.value) {
                            v.exported = true;
                        }
                    }
                }
            }
            "unset" => {
                for a in args {
                    vars.shell.remove(&a.value);
                }
            }
            "set" => {
                for (k, a) in args.iter().enumerate() {
                    match a.value.as_str() {
                        v if v.starts_with('-') && !v.starts_with("--") && v.contains('a') => self.allexport = true,
                        v if v.starts_with('+') && v.contains('a') => self.allexport = false,
                        "allexport" if k > 0 => self.allexport = args[k - 1].value == "-o",
                        _ => {}
                    }
                }
            }
            "source" | "." => self.source(vars, args),
            _ if is_nats_server_bin(&bin.value) => self.nats_server(args, span, &env),
            "wash" if args.first().is_some_and(|a| a.value == "up") => {
                let wash_span = bin.span.cover(args[0].span);
                self.wash_up(&args[1..], wash_span, &env, &unknown_env);
            }
            "wasmcloud" | "wasmcloud_host" => {
                let flags = to_flags(args, &wasmcloud_takes_value);
                let decl = self.decl(span, "wasmcloud");
                self.out.hosts.push(build_host(&decl, &env, &flags, base == "wasmcloud_host"));
            }
            "wadm" => {
                let flags = to_flags(args, &wasmcloud_takes_value);
                let decl = self.decl(span, "wadm");
                self.out.wadms.push(build_wadm(&decl, &env, &flags));
            }
            "docker" | "podman" | "nerdctl" => {
                let run = match args {
                    [a, rest @ ..] if a.value == "run" => rest,
                    [a, b, rest @ ..] if a.value == "container" && b.value == "run" => rest,
                    _ => return,
                };
                self.docker_run(run, span, &env);
            }
            _ => {}
        }
    }

    /// `docker run [OPTIONS] IMAGE [ARGS]`: a nats-server container (image `nats*` or a `nats-server`
    /// command; `-c` resolved through `-v` bind mounts, the image's default config path when no
    /// arguments are given), a wasmCloud host or wadm container (`-e`, `--env-file`). `--name`,
    /// `--hostname` and `--network-alias` are hostnames; a container with `--network host` or
    /// published ports (`-p`) shares the script's `localhost`, others have their own.
    fn docker_run(&mut self, args: &[Word], span: Span, script_env: &EnvSet) {
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
                    if let Some(id) = tree_path(self.dir, &value).and_then(|p| self.cx.load(&p)) {
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
        let command: Vec<super::flags::Word> = args[i..].iter().map(flag_word).collect();
        let mut argv: Vec<super::flags::Word> = entrypoint.into_iter().collect();
        argv.extend(command.iter().cloned());
        let display = name.clone().unwrap_or_else(|| super::image_repo(&image.value));
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
        if super::is_nats_image(&image.value) || nats_pos.is_some() {
            let nargs: Vec<super::flags::Word> = match nats_pos {
                Some(p) => argv[p + 1..].to_vec(),
                None => argv.clone(),
            };
            if !nats_server_runs(&nargs) {
                return;
            }
            let flags = nats_server_flags(&nargs);
            let config = match &flags.config_arg {
                Some(c) => match super::resolve_mount(self.dir, &mounts, &c.value) {
                    Some(p) => ConfigRef::File(p),
                    None => ConfigRef::Unresolved(c.clone()),
                },
                // the image's CMD (`--config /etc/nats/nats-server.conf`) applies without arguments
                None if command.is_empty() => ["/etc/nats/nats-server.conf", "/nats-server.conf"]
                    .iter()
                    .find_map(|p| super::resolve_mount(self.dir, &mounts, p))
                    .map(ConfigRef::File)
                    .unwrap_or(ConfigRef::None),
                None => ConfigRef::None,
            };
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
            });
            return;
        }
        let repo = super::image_repo(&image.value);
        let decl = Decl { label, origin, span, locality, replicas: 1 };
        let flags = parse_flags(&argv, &wasmcloud_takes_value).0;
        let is_wadm = repo.ends_with("wadm") || (env_is_wadm(&env) && !env_is_host(&env));
        if is_wadm {
            self.out.wadms.push(build_wadm(&decl, &env, &flags));
        } else if repo == "wasmcloud/wasmcloud" || repo.ends_with("wasmcloud_host") || env_is_host(&env) {
            let legacy =
                super::tag_major(&super::image_tag(&image.value)) == Some(0) || repo.ends_with("wasmcloud_host");
            self.out.hosts.push(build_host(&decl, &env, &flags, legacy));
        }
    }

    /// `source FILE` / `. FILE` of an env file in the tree (`KEY=value` lines).
    fn source(&mut self, vars: &mut Vars, args: &[Word]) {
        let Some(path) = args.first().and_then(|a| tree_path(self.dir, &a.value)) else { return };
        let Some(id) = self.cx.load(&path) else { return };
        let text = self.cx.db.get(id).text.clone();
        for v in parse_env_text(&text, id).vars {
            let line_start = text[..(v.span.start as usize).min(text.len())].rfind('\n').map_or(0, |i| i + 1);
            let exported = self.allexport || text[line_start..].trim_start().starts_with("export ");
            vars.shell.insert(v.name, Var { value: v.value, span: v.span, exported, unknown: false });
        }
    }

    fn decl(&self, span: Span, what: &str) -> Decl {
        let line = self.cx.db.locate(span).line;
        Decl {
            label: format!("{what} ({}:{line})", self.name),
            origin: Origin::Script { file: self.display.clone() },
            span,
            locality: self.locality.clone(),
            replicas: 1,
        }
    }

    fn nats_server(&mut self, args: &[Word], span: Span, env: &EnvSet) {
        let words: Vec<super::flags::Word> = args.iter().map(flag_word).collect();
        let key = words.iter().map(|w| w.value.as_str()).collect::<Vec<_>>().join("\0");
        if !nats_server_runs(&words) || !self.seen.insert(format!("nats-server\0{key}")) {
            return;
        }
        let flags = nats_server_flags(&words);
        let config = match &flags.config_arg {
            Some(c) => match tree_path(self.dir, &c.value) {
                Some(p) => ConfigRef::File(p),
                None => ConfigRef::Unresolved(c.clone()),
            },
            None => ConfigRef::None,
        };
        let port = flags
            .port
            .as_ref()
            .map(|p| p.value)
            .or_else(|| self.config_port(&config, env))
            .and_then(|p| u16::try_from(p).ok())
            .unwrap_or(4222);
        self.started_ports.push(port);
        let decl = self.decl(span, "nats-server");
        self.out.launches.push(Launch {
            origin: decl.origin,
            label: decl.label,
            span,
            config,
            flags,
            env: env.to_map(),
            hostnames: Vec::new(),
            locality: self.locality.clone(),
            replicas: 1,
        });
    }

    /// The client port a launched config sets (to know whether a later `wash up` connects to it).
    fn config_port(&self, config: &ConfigRef, env: &EnvSet) -> Option<i64> {
        let ConfigRef::File(p) = config else { return None };
        let id = self.cx.load(p)?;
        let opts = crate::nats::ParseOptions {
            env: crate::nats::Environment::Fixed(std::sync::Arc::new(env.to_map())),
            ..crate::nats::ParseOptions::default()
        };
        let parsed = crate::nats::parse_file(self.cx.db, id, &opts);
        let server = crate::model::assemble::lower(&parsed, self.cx.db);
        server.client.and_then(|l| l.port)
    }

    fn wash_up(&mut self, args: &[Word], wash_span: Span, env: &EnvSet, unknown_env: &[String]) {
        let (flags, _) = parse_flags(&args.iter().map(flag_word).collect::<Vec<_>>(), &wash_takes_value);
        // A flag whose words could not be known (command substitution, `$1`).
        let unknown_flag = |names: &[&str]| {
            flags.iter().any(|f| {
                names.contains(&f.name.as_str())
                    && args.iter().any(|a| a.unknown && a.span.start >= f.span.start && a.span.end <= f.span.end)
            })
        };
        const ROUTING: &[&str] = &[
            "nats-js-domain",
            "wasmcloud-js-domain",
            "wadm-js-domain",
            "nats-remote-url",
            "nats-host",
            "nats-port",
            "nats-config-file",
            "ctl-host",
            "ctl-port",
            "x",
            "lattice",
        ];
        const ROUTING_ENV: &[&str] = &[
            "NATS_JS_DOMAIN",
            "WASMCLOUD_JS_DOMAIN",
            "WADM_JS_DOMAIN",
            "NATS_REMOTE_URL",
            "WASMCLOUD_NATS_HOST",
            "WASMCLOUD_NATS_PORT",
            "NATS_CONFIG",
            "WASMCLOUD_CTL_HOST",
            "WASMCLOUD_CTL_PORT",
            "WASMCLOUD_LATTICE",
        ];
        if unknown_flag(ROUTING) || unknown_env.iter().any(|n| ROUTING_ENV.contains(&n.as_str())) {
            return;
        }
        let setting = |names: &[&str], var: &str| -> Option<Spanned<String>> {
            flags
                .iter()
                .rev()
                .find(|f| names.contains(&f.name.as_str()))
                .and_then(|f| f.value.clone())
                .or_else(|| env.value(var).map(|v| Spanned::new(v.value.clone(), v.span)))
                .filter(|v| !v.value.is_empty())
        };
        let present = |name: &str, var: &str| {
            flags.iter().any(|f| f.name == name && f.value.as_ref().map_or(true, |v| truthy(&v.value)))
                || env.value(var).is_some_and(|v| truthy(&v.value))
        };
        // One model per distinct setup (`up:` and `up-detached:` targets differ only in `-d`).
        let mut key: Vec<String> = flags
            .iter()
            .filter(|f| !matches!(f.name.as_str(), "d" | "detached" | "detach" | "multi-local"))
            .map(|f| format!("{}={}", f.name, f.value.as_ref().map_or("", |v| v.value.as_str())))
            .chain(ROUTING_ENV.iter().filter_map(|n| env.value(n).map(|v| format!("{n}={}", v.value))))
            .collect();
        key.sort();
        if !self.seen.insert(format!("wash up\0{}", key.join("\0"))) {
            return;
        }
        let host = setting(&["nats-host"], "WASMCLOUD_NATS_HOST");
        let port = setting(&["nats-port"], "WASMCLOUD_NATS_PORT");
        let port_n = port.as_ref().and_then(|p| p.value.trim().parse::<u16>().ok()).unwrap_or(4222);
        let remote = setting(&["nats-remote-url"], "NATS_REMOTE_URL");
        let creds = setting(&["nats-credsfile"], "NATS_CREDSFILE");
        let config = setting(&["nats-config-file"], "NATS_CONFIG");
        let connect_only = present("nats-connect-only", "NATS_CONNECT_ONLY");
        let reachable = self.started_ports.contains(&port_n);
        if remote.is_some() || (!connect_only && !reachable) {
            let domain = setting(&["nats-js-domain"], "NATS_JS_DOMAIN");
            let net = (host.clone(), port.clone());
            self.wash_server(net, domain, remote, creds.clone(), config, wash_span, env);
        }
        // The host: wash passes its settings on as the host's own (credsfile flags renamed).
        let host_flags: Vec<Flag> = flags
            .iter()
            .cloned()
            .map(|mut f| {
                if let Some(which) = f.name.strip_suffix("-credsfile").filter(|w| matches!(*w, "ctl" | "rpc")) {
                    f.name = format!("{which}-creds");
                }
                f
            })
            .collect();
        let mut host_env = env.clone();
        for which in ["CTL", "RPC"] {
            if let Some(v) = env.value(&format!("WASMCLOUD_{which}_CREDSFILE")) {
                host_env.push(format!("WASMCLOUD_{which}_CREDS"), v.value.clone(), v.span);
            }
        }
        let decl = self.decl(wash_span, "wash up");
        let decl = Decl { span: wash_span, ..decl };
        self.out.hosts.push(build_host(&decl, &host_env, &host_flags, false));
        if !present("disable-wadm", "") {
            let endpoint = Endpoint {
                host: host.clone().unwrap_or_else(|| Spanned::new("127.0.0.1".into(), wash_span)),
                port: Spanned::new(port_n, port.as_ref().map_or(wash_span, |p| p.span)),
                defaulted: host.is_none() && port.is_none(),
            };
            self.out.wadms.push(Wadm {
                label: decl.label.clone(),
                origin: decl.origin.clone(),
                span: wash_span,
                js_domain: setting(&["wadm-js-domain"], "WADM_JS_DOMAIN"),
                servers: vec![endpoint],
                credentials: creds,
                locality: self.locality.clone(),
            });
        }
    }

    /// The nats-server `wash up` starts (see the module doc); `net` is `--nats-host`/`--nats-port`.
    #[allow(clippy::too_many_arguments)]
    fn wash_server(
        &mut self,
        net: (Option<Spanned<String>>, Option<Spanned<String>>),
        domain: Option<Spanned<String>>,
        remote: Option<Spanned<String>>,
        creds: Option<Spanned<String>>,
        config: Option<Spanned<String>>,
        wash_span: Span,
        env: &EnvSet,
    ) {
        let (host, port) = net;
        let mut sf = ServerFlags {
            jetstream: Some(Spanned::new(true, wash_span)),
            addr: Some(host.unwrap_or_else(|| Spanned::new("127.0.0.1".into(), wash_span))),
            port: Some(match port.as_ref().and_then(|p| p.value.trim().parse::<i64>().ok().map(|n| (n, p.span))) {
                Some((n, s)) => Spanned::new(n, s),
                None => Spanned::new(4222, wash_span),
            }),
            ..ServerFlags::default()
        };
        let config_ref = match &config {
            Some(c) => {
                sf.config_arg = Some(c.clone());
                match tree_path(self.dir, &c.value) {
                    Some(p) => ConfigRef::File(p),
                    None => ConfigRef::Unresolved(c.clone()),
                }
            }
            None => {
                // wash's generated config: a domain (default `core`) and the remote, if any
                sf.js_domain = Some(domain.unwrap_or_else(|| Spanned::new("core".into(), wash_span)));
                if let Some(url) = remote {
                    sf.leaf_remotes.push(LeafRemote {
                        span: url.span,
                        urls: vec![url],
                        account: None,
                        credentials: creds,
                        deny_imports: Vec::new(),
                        deny_exports: Vec::new(),
                        hub: false,
                    });
                }
                ConfigRef::None
            }
        };
        self.started_ports.push(sf.port.as_ref().and_then(|p| u16::try_from(p.value).ok()).unwrap_or(4222));
        let decl = self.decl(wash_span, "wash up");
        self.out.launches.push(Launch {
            origin: decl.origin,
            label: decl.label,
            span: wash_span,
            config: config_ref,
            flags: sf,
            env: env.to_map(),
            hostnames: Vec::new(),
            locality: self.locality.clone(),
            replicas: 1,
        });
    }
}

/// A shell word as a flag word: the span of its variable's value when it is exactly one variable.
fn flag_word(w: &Word) -> super::flags::Word {
    Spanned::new(w.value.clone(), w.value_span())
}

fn to_flags(args: &[Word], takes_value: &dyn Fn(&str) -> bool) -> Vec<Flag> {
    parse_flags(&args.iter().map(flag_word).collect::<Vec<_>>(), takes_value).0
}

/// clap's reading of a boolean from the environment (`FalseyValueParser`).
fn truthy(v: &str) -> bool {
    !matches!(v.trim().to_ascii_lowercase().as_str(), "" | "0" | "false" | "f" | "no" | "n" | "off")
}

/// `wash up` flags that take a value (its boolean flags listed; everything else takes one).
pub fn wash_takes_value(name: &str) -> bool {
    !matches!(
        name,
        "d" | "detached"
            | "detach"
            | "h"
            | "help"
            | "nats-connect-only"
            | "disable-wadm"
            | "multi-local"
            | "wasmcloud-start-only"
            | "allow-latest"
            | "rpc-tls"
            | "ctl-tls"
            | "rpc-tls-first"
            | "ctl-tls-first"
            | "config-service-enabled"
            | "enable-structured-logging"
            | "enable-ipv6"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceDb;

    fn read_script(files: &[(&str, &str)], script: &str) -> (SourceDb, DeployFacts) {
        let dir = tempfile::tempdir().unwrap();
        for (name, body) in files {
            std::fs::write(dir.path().join(name), body).unwrap();
        }
        let db = SourceDb::new(dir.path());
        let p = dir.path().join(script);
        let f = db.add(p.clone(), std::fs::read_to_string(&p).unwrap());
        let facts = read(&ReadCx { db: &db }, f, &p);
        (db, facts)
    }

    #[test]
    fn connect_only_config_file_disable_wadm_and_sourced_env() {
        let (_, f) =
            read_script(&[("a.sh", "wash up --nats-connect-only --nats-host nats.example --disable-wadm\n")], "a.sh");
        assert!(f.launches.is_empty());
        assert!(f.wadms.is_empty());
        assert_eq!(f.hosts[0].ctl.host.value, "nats.example");

        let script = "set -a\n. ./wash.env\nset +a\nwash up --nats-config-file leaf.conf --nats-host 127.0.0.1 --nats-port 4222\n";
        let env = "WASMCLOUD_LATTICE=edge\nWADM_JS_DOMAIN=hub\n";
        let (_, f) = read_script(&[("b.sh", script), ("wash.env", env), ("leaf.conf", "port: 4222\n")], "b.sh");
        let l = &f.launches[0];
        assert!(matches!(&l.config, ConfigRef::File(p) if p.ends_with("leaf.conf")));
        // a config file of the user's: wash adds no domain of its own
        assert!(l.flags.js_domain.is_none());
        assert_eq!(f.hosts[0].lattice.value, "edge");
        assert_eq!(f.wadms[0].js_domain.as_ref().unwrap().value, "hub");
    }

    #[test]
    fn unexported_variables_are_not_the_environment_and_unknown_values_are_not_guessed() {
        let (_, f) = read_script(&[("a.sh", "WASMCLOUD_JS_DOMAIN=hub\nwash up\n")], "a.sh");
        assert!(f.hosts[0].js_domain.is_none());
        let (_, f) = read_script(&[("b.sh", "wash up --wasmcloud-js-domain \"$1\"\n")], "b.sh");
        assert!(f.hosts.is_empty() && f.launches.is_empty());
        let (_, f) = read_script(&[("c.sh", "WASMCLOUD_JS_DOMAIN=hub wash up\n")], "c.sh");
        assert_eq!(f.hosts[0].js_domain.as_ref().unwrap().value, "hub");
    }

    #[test]
    fn repeated_and_non_running_command_lines_are_not_extra_servers() {
        let make = "up:\n\twash up --nats-js-domain edge\nup-bg:\n\twash up -d --nats-js-domain edge\nrun:\n\tnats-server -c hub.conf\nagain:\n\tnats-server -c hub.conf\ncheck:\n\tnats-server -t -c hub.conf\nreload:\n\tnats-server --signal reload\n";
        let (_, f) = read_script(&[("Makefile", make), ("hub.conf", "port: 4333\n")], "Makefile");
        assert_eq!(f.launches.len(), 2, "{:?}", f.launches.iter().map(|l| &l.label).collect::<Vec<_>>());
        assert_eq!(f.hosts.len(), 1);
        assert_eq!(f.wadms.len(), 1);
    }

    #[test]
    fn nats_server_command_lines() {
        let script = "#!/bin/sh\nexec /usr/local/bin/nats-server \\\n  -js --name edge-1 -p 4333 \\\n  --routes nats://a:6222,nats://b:6222\n";
        let (db, f) = read_script(&[("run.sh", script)], "run.sh");
        let l = &f.launches[0];
        assert_eq!(l.label, "nats-server (run.sh:2)");
        assert_eq!(l.flags.name.as_ref().unwrap().value, "edge-1");
        assert_eq!(l.flags.port.as_ref().unwrap().value, 4333);
        assert_eq!(l.flags.routes.len(), 2);
        let loc = db.locate(l.flags.routes[1].span);
        assert_eq!((loc.line, loc.column), (4, 26));
        assert_eq!(l.config, ConfigRef::None);
    }
}
