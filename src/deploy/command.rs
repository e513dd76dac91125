//! Finding the commands a script or Makefile runs: the one command finder of discovery (does this
//! file launch anything?) and of the script reader (what does it launch?).
//!
//! Commands are split by the shell lexer ([`super::shell`]) on `;`, `&`, `&&`, `|`, `||`, new lines
//! and `\` continuations, so `sleep 1 && nats-server -c x.conf` is two commands; the words that only
//! run another command (`sudo`, `exec`, `nohup`, `env X=Y`, `then`, `if`, `time`...) are skipped.

use super::shell::{self, Command, Vars, Word};
use crate::span::FileId;
use std::path::Path;

/// Words that may precede the command proper.
const PREFIXES: &[&str] = &[
    "then", "do", "else", "elif", "if", "while", "until", "!", "{", "}", "time", "exec", "nohup", "command", "builtin",
];

/// A simple command as run: the `NAME=value` words before the program (also those after `env`),
/// and the program with its arguments (empty for a command of assignments only).
pub struct Invocation<'c> {
    pub assignments: Vec<&'c Word>,
    pub argv: &'c [Word],
}

/// Splits `cmd` into its assignments and the program it runs.
pub fn invocation(cmd: &[Word]) -> Invocation<'_> {
    let mut i = 0;
    let mut assignments: Vec<&Word> = Vec::new();
    loop {
        while i < cmd.len() && cmd[i].assign.is_some() {
            assignments.push(&cmd[i]);
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
    Invocation { assignments, argv: cmd.get(i..).unwrap_or(&[]) }
}

/// What a command starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Launcher {
    /// `nats-server ...` (any path to the binary).
    NatsServer,
    /// `wash up ...`.
    WashUp,
    /// The wasmCloud host binary; `legacy` for the pre-1.0 `wasmcloud_host`.
    Host {
        legacy: bool,
    },
    Wadm,
    /// `docker|podman|nerdctl [container] run ...`: the options start at `argv[options]`.
    ContainerRun {
        options: usize,
    },
}

/// The program's name without its folder.
pub fn program_name(argv: &[Word]) -> &str {
    argv.first().map_or("", |w| w.value.rsplit('/').next().unwrap_or(""))
}

/// What `argv` (a program and its arguments, see [`invocation`]) launches, if anything.
pub fn launcher(argv: &[Word]) -> Option<Launcher> {
    let bin = argv.first()?;
    if super::flags::is_nats_server_bin(&bin.value) {
        return Some(Launcher::NatsServer);
    }
    let arg = |k: usize| argv.get(k).map(|w| w.value.as_str());
    match program_name(argv) {
        "wash" if arg(1) == Some("up") => Some(Launcher::WashUp),
        "wasmcloud" => Some(Launcher::Host { legacy: false }),
        "wasmcloud_host" => Some(Launcher::Host { legacy: true }),
        "wadm" => Some(Launcher::Wadm),
        "docker" | "podman" | "nerdctl" => match (arg(1), arg(2)) {
            (Some("run"), _) => Some(Launcher::ContainerRun { options: 2 }),
            (Some("container"), Some("run")) => Some(Launcher::ContainerRun { options: 3 }),
            _ => None,
        },
        _ => None,
    }
}

/// True for Makefiles (recipes are read, `$(VAR)` is a make variable).
pub fn is_makefile(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    name == "makefile" || name == "gnumakefile" || name.ends_with(".mk")
}

/// Calls `command` with every simple command of a script (or of a Makefile's recipes), in order,
/// with `vars` as they are when it is reached; `assignment` sees the other lines of a Makefile
/// (variable assignments). `text` is the whole of `file`.
pub fn for_each_command(
    text: &str,
    file: FileId,
    make: bool,
    vars: &mut Vars,
    mut command: impl FnMut(&mut Vars, Command),
    mut assignment: impl FnMut(&str, usize, &mut Vars),
) {
    for (off, line) in shell::logical_lines(text) {
        if !make {
            shell::for_each_command(line, file, off, false, vars, &mut command);
            continue;
        }
        match line.strip_prefix('\t') {
            Some(recipe) => {
                // Makefile recipe markers (`@` silent, `-` ignore errors, `+` always run).
                let body = recipe.trim_start_matches(['@', '-', '+', ' ', '\t']);
                let skip = line.len() - body.len();
                shell::for_each_command(body, file, off + skip, true, vars, &mut command);
            }
            None => assignment(line, off, vars),
        }
    }
}

/// Words that must appear in a file for it to launch anything (a cheap test before lexing).
const LAUNCH_WORDS: &[&str] = &["nats-server", "wash", "wasmcloud", "wadm"];

/// True when some command of the script or Makefile at `path` launches nats-server, `wash up`, a
/// wasmCloud host, wadm, or a container of one of them.
pub fn launches_anything(path: &Path, text: &str) -> bool {
    let containers = ["docker", "podman", "nerdctl"].iter().any(|w| text.contains(w));
    if !containers && !LAUNCH_WORDS.iter().any(|w| text.contains(w)) {
        return false;
    }
    let mut found = false;
    let mut vars = Vars::default();
    for_each_command(
        text,
        FileId(0),
        is_makefile(path),
        &mut vars,
        |_, cmd| {
            found = found
                || match launcher(invocation(&cmd).argv) {
                    Some(Launcher::ContainerRun { .. }) => {
                        // a container of nats-server, a wasmCloud host or wadm
                        let words = cmd.iter().map(|w| w.value.to_ascii_lowercase()).collect::<Vec<_>>().join(" ");
                        ["nats", "wasmcloud", "wadm"].iter().any(|w| words.contains(w))
                    }
                    Some(_) => true,
                    None => false,
                };
        },
        |_, _, _| {},
    );
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn launches_after_other_commands_and_prefixes() {
        let p = Path::new("run.sh");
        assert!(launches_anything(p, "sleep 1 && nats-server -c x.conf\n"));
        assert!(launches_anything(p, "true; sudo -u nats env A=1 nohup /usr/bin/nats-server -js &\n"));
        assert!(launches_anything(p, "if true; then exec \\\n  wash up; fi\n"));
        assert!(launches_anything(p, "docker container run -d nats:2.10 -js\n"));
        assert!(!launches_anything(p, "docker run -d postgres\n"));
        assert!(!launches_anything(p, "# nats-server -c x.conf\necho nats-server\n"));
        assert!(launches_anything(Path::new("Makefile"), "up:\n\t@-wash up --nats-js-domain edge\n"));
    }
}
