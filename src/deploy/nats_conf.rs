//! Recognising NATS server configs and include fragments by content, whatever their extension.
//! They have no [`super::Reader`]: the pipeline parses them.

/// Top-level keys of a NATS config (and of include fragments).
const NATS_KEYS: &[&str] = &[
    "listen",
    "port",
    "host",
    "net",
    "server_name",
    "jetstream",
    "leafnodes",
    "leaf",
    "cluster",
    "gateway",
    "gateways",
    "accounts",
    "include",
    "authorization",
    "http",
    "http_port",
    "monitor_port",
    "https_port",
    "websocket",
    "mqtt",
    "system_account",
    "operator",
    "resolver",
    "resolver_preload",
    "routes",
    "remotes",
    "users",
    "no_auth_user",
    "default_js_domain",
    "store_dir",
    "max_payload",
    "max_connections",
    "pid_file",
    "lame_duck_duration",
    "debug",
    "trace",
    "logtime",
    "log_file",
    "tls",
    "server_tags",
    "no_sys_acc",
    "client_advertise",
    "ping_interval",
    "write_deadline",
    "domain",
    "max_file_store",
    "max_memory_store",
    "mappings",
];

/// True when at least `min` lines start with a NATS key followed by `:`, `=`, `{`, `[` or a value.
pub fn looks_like_nats(text: &str, min: usize) -> bool {
    let mut score = 0;
    let mut foreign = 0;
    for line in text.lines().take(400) {
        let t = line.trim_start().trim_start_matches(['"', '\'']);
        if t.starts_with("server {") || t.starts_with("location ") || t.starts_with("<") || t.starts_with("[") {
            foreign += 1;
        }
        let key_len = t.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'$').count();
        if key_len == 0 {
            continue;
        }
        let key = &t[..key_len];
        let rest = t[key_len..].trim_start_matches(['"', '\'']);
        let sep = rest.trim_start().chars().next();
        let kv = matches!(sep, Some(':' | '=' | '{' | '['))
            || (rest.starts_with(' ') && sep.is_some() && key != "include")
            || (key == "include" && rest.starts_with(' '));
        if kv && NATS_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key)) {
            score += 1;
            if score >= min && foreign == 0 {
                return true;
            }
        }
    }
    score >= min && foreign * 4 < score
}
