//! Command-line flags: those of nats-server
//! (Go `flag` package rules, names from `nats-server --help`), the wasmCloud host, wadm and `wash up`.

use crate::model::facts::ServerFlags;
use crate::span::{Span, Spanned};

pub type Word = Spanned<String>;

/// One parsed flag: its name (without dashes), value, and the span covering flag and value.
#[derive(Debug, Clone)]
pub struct Flag {
    pub name: String,
    pub value: Option<Word>,
    pub span: Span,
}

/// Parses flags: `-f v`, `-f=v`, `--flag v`, `--flag=v`. A flag takes the next word as value when
/// it is listed in `takes_value`; other flags are booleans. Positional words are returned apart.
pub fn parse_flags(words: &[Word], takes_value: &dyn Fn(&str) -> bool) -> (Vec<Flag>, Vec<Word>) {
    let mut flags = Vec::new();
    let mut positional = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        let s = w.value.as_str();
        if s.len() > 1 && s.starts_with('-') && s != "--" {
            let name_part = s.trim_start_matches('-');
            let dashes = s.len() - name_part.len();
            if let Some(eq) = name_part.find('=') {
                let name = &name_part[..eq];
                let vstart = w.span.start as usize + dashes + eq + 1;
                let vspan = Span::new(w.span.file, vstart.min(w.span.end as usize), w.span.end as usize);
                let value = Spanned::new(name_part[eq + 1..].to_string(), vspan);
                flags.push(Flag { name: name.to_string(), value: Some(value), span: w.span });
            } else if takes_value(name_part) {
                let value = words.get(i + 1).cloned();
                let span = value.as_ref().map(|v| w.span.cover(v.span)).unwrap_or(w.span);
                flags.push(Flag { name: name_part.to_string(), value, span });
                i += 1;
            } else {
                flags.push(Flag { name: name_part.to_string(), value: None, span: w.span });
            }
        } else {
            positional.push(w.clone());
        }
        i += 1;
    }
    (flags, positional)
}

/// nats-server flags that take a value (everything else is boolean).
fn nats_takes_value(name: &str) -> bool {
    matches!(
        name,
        "a" | "addr"
            | "net"
            | "p"
            | "port"
            | "n"
            | "name"
            | "server_name"
            | "P"
            | "pid"
            | "m"
            | "http_port"
            | "ms"
            | "https_port"
            | "c"
            | "config"
            | "sl"
            | "signal"
            | "client_advertise"
            | "ports_file_dir"
            | "l"
            | "log"
            | "r"
            | "remote_syslog"
            | "log_size_limit"
            | "max_traced_msg_len"
            | "sd"
            | "store_dir"
            | "user"
            | "pass"
            | "auth"
            | "tlscert"
            | "tlskey"
            | "tlscacert"
            | "routes"
            | "cluster"
            | "cluster_name"
            | "cluster_advertise"
            | "connect_retries"
            | "cluster_listen"
            | "profile"
    )
}

/// True when `word` names the nats-server binary (`nats-server`, `/usr/bin/nats-server`).
pub fn is_nats_server_bin(word: &str) -> bool {
    let base = word.rsplit('/').next().unwrap_or(word);
    base == "nats-server" || base == "nats-server.exe"
}

/// Reads nats-server command-line flags. `words` excludes the binary itself.
pub fn nats_server_flags(words: &[Word]) -> ServerFlags {
    let (flags, _) = parse_flags(words, &nats_takes_value);
    let mut out = ServerFlags::default();
    for f in flags {
        let v = f.value.clone();
        let int = |v: &Option<Word>| {
            v.as_ref().and_then(|w| w.value.trim().parse::<i64>().ok().map(|n| Spanned::new(n, w.span)))
        };
        match f.name.as_str() {
            "js" | "jetstream" => {
                let on = v.as_ref().map(|w| !matches!(w.value.as_str(), "false" | "0" | "f" | "F" | "FALSE" | "False"));
                out.jetstream = Some(Spanned::new(on.unwrap_or(true), f.span));
            }
            "sd" | "store_dir" => out.store_dir = v,
            "a" | "addr" | "net" => out.addr = v,
            "p" | "port" => out.port = int(&v),
            "n" | "name" | "server_name" => out.name = v,
            "m" | "http_port" => out.http_port = int(&v),
            "cluster_name" => out.cluster_name = v,
            "cluster" | "cluster_listen" => out.cluster_listen = v,
            "routes" => {
                if let Some(w) = v {
                    out.routes = split_list(&w);
                }
            }
            "c" | "config" => out.config_arg = v,
            _ => {}
        }
    }
    out
}

/// False when the command line does not run a server: `-t` (test the config), `--signal`,
/// `--version`, `--help`.
pub fn nats_server_runs(words: &[Word]) -> bool {
    let (flags, _) = parse_flags(words, &nats_takes_value);
    !flags
        .iter()
        .any(|f| matches!(f.name.as_str(), "t" | "sl" | "signal" | "v" | "version" | "h" | "help" | "help_tls"))
}

/// Splits a comma-separated value into spanned parts.
pub fn split_list(w: &Word) -> Vec<Word> {
    let mut out = Vec::new();
    let mut off = 0usize;
    let exact = w.span.len() == w.value.len();
    for part in w.value.split(',') {
        let t = part.trim();
        if !t.is_empty() {
            let lead = part.len() - part.trim_start().len();
            let span = if exact {
                let s = w.span.start as usize + off + lead;
                Span::new(w.span.file, s, s + t.len())
            } else {
                w.span
            };
            out.push(Spanned::new(t.to_string(), span));
        }
        off += part.len() + 1;
    }
    out
}

/// Flags of the wasmCloud host binary, `wash up` and wadm that take a value.
pub fn wasmcloud_takes_value(name: &str) -> bool {
    !matches!(
        name,
        "detached"
            | "d"
            | "help"
            | "h"
            | "allow-latest"
            | "allow-file-load"
            | "config-service-enabled"
            | "ctl-tls"
            | "rpc-tls"
            | "enable-structured-logging"
            | "wadm-disable"
            | "nats-connect-only"
            | "multi-local"
            | "multitenant"
            | "disable-wadm"
            | "enable-ipv6"
            | "log-file"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<Word> {
        crate::deploy::shell::split_words(s, crate::span::FileId(0), 0)
    }

    #[test]
    fn nats_flags() {
        let s = "-js -a 0.0.0.0 -c /nats/config/x.conf --name na_1 -p 4223 --cluster_name NATS --cluster nats://0.0.0.0:6222 --routes=nats://a:6222,nats://b:6222 -m 8222";
        let f = nats_server_flags(&words(s));
        assert_eq!(f.jetstream.as_ref().map(|j| j.value), Some(true));
        assert_eq!(f.addr.as_ref().unwrap().value, "0.0.0.0");
        assert_eq!(f.config_arg.as_ref().unwrap().value, "/nats/config/x.conf");
        assert_eq!(f.name.as_ref().unwrap().value, "na_1");
        assert_eq!(f.port.as_ref().unwrap().value, 4223);
        assert_eq!(f.cluster_name.as_ref().unwrap().value, "NATS");
        assert_eq!(f.routes.len(), 2);
        assert_eq!(&s[f.routes[1].span.range()], "nats://b:6222");
        assert_eq!(f.http_port.as_ref().unwrap().value, 8222);
        let f = nats_server_flags(&words("--jetstream=false"));
        assert!(!f.jetstream.unwrap().value);
        let f = nats_server_flags(&words("-c=/etc/nats/nats-server.conf"));
        assert_eq!(f.config_arg.unwrap().value, "/etc/nats/nats-server.conf");
    }
}
