//! Network addresses as deployments write them: one definition each of `host:port` splitting and
//! of "this machine" hosts, for config listeners, flags, environment values and dialed URLs
//! (the topology's dial-URL parsing builds on them).

/// Splits `host:port` the way Go's `net.SplitHostPort` reads it: `[v6]:port`, or one `:` before the
/// port. The port is `None` when there is none to split off (`host`, `[::1]`, `::1`: an unbracketed
/// IPv6 address is all host); `None` overall for an unclosed `[`.
pub fn split_host_port(s: &str) -> Option<(&str, Option<&str>)> {
    if let Some(rest) = s.strip_prefix('[') {
        let close = rest.find(']')?;
        return Some((&rest[..close], rest[close + 1..].strip_prefix(':')));
    }
    Some(match s.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => (h, Some(p)),
        _ => (s, None),
    })
}

/// Strips a `nats://`/`tls://` scheme, userinfo and a trailing `/`: `nats://u:p@h:4222/` → `h:4222`.
pub fn strip_url(s: &str) -> &str {
    let s = s.trim();
    let s = s.split_once("://").map(|(_, r)| r).unwrap_or(s);
    let s = s.rsplit_once('@').map(|(_, r)| r).unwrap_or(s);
    s.trim_end_matches('/')
}

/// Host and numeric port of a value that may be a URL (`nats://h:4222`, `h:4222`, `h`), for settings
/// read from the environment and flags; a port that is not a number is dropped.
pub fn host_and_port(s: &str) -> (String, Option<u16>) {
    let s = strip_url(s);
    match split_host_port(s) {
        Some((h, p)) => (h.to_string(), p.and_then(|p| p.parse().ok())),
        None => (s.to_string(), None),
    }
}

/// `localhost`, `127.x`, `::1`, `0.0.0.0` and `::` (dialing the unspecified address reaches the local
/// machine), in any case, with or without IPv6 brackets.
pub fn is_loopback_host(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
    h == "localhost" || h.starts_with("127.") || h == "::1" || h == "0.0.0.0" || h == "::" || h.ends_with(".localhost")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_port_forms() {
        assert_eq!(split_host_port("h:4222"), Some(("h", Some("4222"))));
        assert_eq!(split_host_port(":4222"), Some(("", Some("4222"))));
        assert_eq!(split_host_port("[::1]:7422"), Some(("::1", Some("7422"))));
        assert_eq!(split_host_port("[::1]"), Some(("::1", None)));
        assert_eq!(split_host_port("::1"), Some(("::1", None)));
        assert_eq!(split_host_port("[::1"), None);
        assert_eq!(host_and_port("nats://u:p@nats:4223/"), ("nats".into(), Some(4223)));
        assert_eq!(host_and_port("b"), ("b".into(), None));
        assert!(is_loopback_host("[::1]") && is_loopback_host("LOCALHOST") && !is_loopback_host("nats"));
    }
}
