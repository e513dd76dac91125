//! Shell scripts and Makefile recipes: `nats-server`, `wash up`, `wasmcloud`, `wadm` and
//! `docker run` command lines, with the variables the script sets before them.
//!
//! Commands are found with [`super::command`] (the finder discovery uses too) and read in order:
//! `NAME=value` assignments, `export`, `set -a`/`set +a`, `source`/`.` of an env file in the tree,
//! `VAR=value cmd` prefixes and `env` are followed, so `D=x; wash up --nats-js-domain "$D"` reads `x` (its span is the assignment's
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
//!   already started a nats-server on that port (wash connects to a server it can reach; when that
//!   port is set by the server's config, the model decides once the config is parsed:
//!   [`crate::model::facts::UnlessListening`]);
//! - a host: lattice `-x/--lattice`, `--wasmcloud-js-domain`/`WASMCLOUD_JS_DOMAIN`, NATS at
//!   `--nats-host`/`--nats-port` unless `--ctl-host`/`--rpc-host`... say otherwise;
//! - wadm (unless `--disable-wadm`) on the same NATS address, domain `--wadm-js-domain` or the
//!   wash-side `WADM_JS_DOMAIN` (not `WADM_JETSTREAM_DOMAIN`).
//!
//! A `wash up` whose addresses or domains come from a command substitution or a positional
//! parameter cannot be known and is not modelled.

mod docker;
mod make;
mod wash;

use super::command::{self, Launcher};
use super::envfile::{parse_env_text, EnvSet};
use super::flags::{nats_server_flags, nats_server_runs, parse_flags, wasmcloud_takes_value, Flag};
use super::shell::{Var, Vars, Word};
use super::wasmcloud::{build_host, build_wadm, Decl};
use super::{config_in_tree, folder_locality, tree_path, FileFacts, FileKind, ReadCx};
use crate::model::facts::{ConfigRef, DeployFacts, Launch};
use crate::model::Origin;
use crate::span::{FileId, Span, Spanned};
use std::path::Path;

pub use command::is_makefile;
pub use wash::wash_takes_value;

/// The reader of shell scripts and Makefiles.
pub struct Script;

impl super::Reader for Script {
    fn kind(&self) -> FileKind {
        FileKind::Script
    }

    fn recognise(&self, path: &Path, text: &str) -> bool {
        command::launches_anything(path, text)
    }

    fn read(&self, cx: &ReadCx, file: FileId, path: &Path) -> FileFacts {
        read(cx, file, path).into()
    }
}

/// The client port of a nats-server the script started.
#[derive(Clone, Copy)]
enum Started {
    /// Known from its flags (or the default).
    Port(u16),
    /// Set by its config: decided once the config is parsed (index into the file's launches).
    ByConfig(usize),
}

struct ScriptReader<'a, 'c> {
    cx: &'a ReadCx<'c>,
    dir: &'a Path,
    display: String,
    name: String,
    locality: String,
    allexport: bool,
    /// The nats-servers started so far by this file.
    started: Vec<Started>,
    /// Command lines already modelled: the same launch in two Makefile targets or `case` branches is
    /// one server, not two.
    seen: std::collections::HashSet<String>,
    out: DeployFacts,
}

/// Reads one script or Makefile.
pub fn read(cx: &ReadCx, file: FileId, path: &Path) -> DeployFacts {
    let src = cx.db.get(file);
    let text = src.text.clone();
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut r = ScriptReader {
        cx,
        dir,
        display: src.display.clone(),
        name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        locality: folder_locality(&src.display),
        allexport: false,
        started: Vec::new(),
        seen: Default::default(),
        out: DeployFacts::default(),
    };
    let mut vars = Vars::default();
    // Scripts are taken to run from their own folder: `$PWD/nats.conf` is the file beside them.
    let pwd =
        Var { value: dir.to_string_lossy().into_owned(), span: Span::point(file, 0), exported: true, unknown: false };
    vars.shell.insert("PWD".into(), pwd);
    command::for_each_command(
        &text,
        file,
        command::is_makefile(path),
        &mut vars,
        |v, c| r.command(v, c),
        |line, off, v| make::assignment(line, file, off, v),
    );
    r.out
}

impl ScriptReader<'_, '_> {
    fn command(&mut self, vars: &mut Vars, cmd: Vec<Word>) {
        let run = command::invocation(&cmd);
        let Some(bin) = run.argv.first() else {
            // assignments only: shell variables
            for w in run.assignments {
                let (name, span) = w.assign.clone().expect("assignment");
                let exported = self.allexport || vars.shell.get(&name).is_some_and(|v| v.exported);
                let value = w.value[name.len() + 1..].to_string();
                vars.shell.insert(name, Var { value, span, exported, unknown: w.unknown });
            }
            return;
        };
        let args = &run.argv[1..];
        let span = bin.span.cover(cmd.last().map(|w| w.span).unwrap_or(bin.span));
        let Some(launcher) = command::launcher(run.argv) else {
            self.builtin(vars, command::program_name(run.argv), args);
            return;
        };
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
        for w in &run.assignments {
            let (name, span) = w.assign.clone().expect("assignment");
            env.push(name.clone(), w.value[name.len() + 1..].to_string(), span);
            if w.unknown {
                unknown_env.push(name);
            }
        }
        match launcher {
            Launcher::NatsServer => self.nats_server(args, span, &env),
            Launcher::WashUp => {
                let wash_span = bin.span.cover(args[0].span);
                self.wash_up(&args[1..], wash_span, &env, &unknown_env);
            }
            Launcher::Host { legacy } => {
                let flags = to_flags(args, &wasmcloud_takes_value);
                let decl = self.decl(span, "wasmcloud");
                self.out.hosts.push(build_host(&decl, &env, &flags, legacy));
            }
            Launcher::Wadm => {
                let flags = to_flags(args, &wasmcloud_takes_value);
                let decl = self.decl(span, "wadm");
                self.out.wadms.push(build_wadm(&decl, &env, &flags));
            }
            Launcher::ContainerRun { options } => self.docker_run(&run.argv[options..], span, &env),
        }
    }

    /// The shell builtins that change variables: `export`/`declare`..., `unset`, `set -a`, `source`.
    fn builtin(&mut self, vars: &mut Vars, name: &str, args: &[Word]) {
        match name {
            "export" | "declare" | "typeset" | "readonly" | "local" => {
                let export = name == "export" || args.iter().any(|a| a.value.starts_with('-') && a.value.contains('x'));
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
            _ => {}
        }
    }

    /// `source FILE` / `. FILE` of an env file in the tree (`KEY=value` lines).
    fn source(&mut self, vars: &mut Vars, args: &[Word]) {
        let Some(path) = args.first().and_then(|a| tree_path(self.cx.db.root(), self.dir, &a.value)) else { return };
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
        let config = config_in_tree(self.cx.db.root(), self.dir, flags.config_arg.as_ref());
        self.started.push(match (&flags.port, &config) {
            (Some(p), _) => Started::Port(u16::try_from(p.value).unwrap_or(4222)),
            (None, ConfigRef::File(_)) => Started::ByConfig(self.out.launches.len()),
            (None, _) => Started::Port(4222),
        });
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
            unless_listening: None,
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
