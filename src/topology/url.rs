//! Minimal parsing of the URLs NATS configs dial (`nats-leaf://user:pass@host:port`, `host:port`),
//! keeping only what routing needs: never the password.

/// The parts of a dialed URL that matter for resolution. The password is dropped at parse time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialUrl {
    /// Lower-cased scheme (`nats`, `nats-leaf`, `tls`, `ws`, ...), `None` when written without one.
    pub scheme: Option<String>,
    /// The user name of the userinfo, if any.
    pub user: Option<String>,
    /// True when the userinfo had a password (or token) part.
    pub has_password: bool,
    /// Lower-cased host (brackets of IPv6 literals removed).
    pub host: String,
    pub port: Option<u16>,
}

impl DialUrl {
    /// Parses `url`; `None` when there is no host at all.
    pub fn parse(url: &str) -> Option<DialUrl> {
        let url = url.trim();
        let (scheme, rest) = match url.find("://") {
            Some(i) => (Some(url[..i].to_ascii_lowercase()), &url[i + 3..]),
            None => (None, url),
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let (userinfo, hostport) = match authority.rfind('@') {
            Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
            None => (None, authority),
        };
        let (user, has_password) = match userinfo {
            Some(ui) => match ui.split_once(':') {
                Some((u, _)) => (Some(u.to_string()), true),
                None => (Some(ui.to_string()), false),
            },
            None => (None, false),
        };
        let (host, port) = crate::model::address::split_host_port(hostport)?;
        let port = port.and_then(|p| p.parse().ok());
        if host.is_empty() {
            return None;
        }
        Some(DialUrl {
            scheme,
            user: user.filter(|u| !u.is_empty()),
            has_password,
            host: host.to_ascii_lowercase(),
            port,
        })
    }

    /// True for hosts that mean "this machine".
    pub fn is_loopback(&self) -> bool {
        is_loopback_host(&self.host)
    }

    /// `scheme://host:port` with any userinfo removed, for display.
    pub fn redacted(&self) -> String {
        let mut s = String::new();
        if let Some(sc) = &self.scheme {
            s.push_str(sc);
            s.push_str("://");
        }
        if self.host.contains(':') {
            s.push('[');
            s.push_str(&self.host);
            s.push(']');
        } else {
            s.push_str(&self.host);
        }
        if let Some(p) = self.port {
            s.push(':');
            s.push_str(&p.to_string());
        }
        s
    }
}

pub use crate::model::address::is_loopback_host;

/// Removes the userinfo of any URL-looking text (for messages).
pub fn redact(url: &str) -> String {
    match DialUrl::parse(url) {
        Some(u) if url.contains('@') => u.redacted(),
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_drops_password() {
        let u = DialUrl::parse("nats-leaf://acc:s3cr3t@127.0.0.1:14102").unwrap();
        assert_eq!(u.scheme.as_deref(), Some("nats-leaf"));
        assert_eq!(u.user.as_deref(), Some("acc"));
        assert!(u.has_password);
        assert_eq!(u.host, "127.0.0.1");
        assert_eq!(u.port, Some(14102));
        assert!(!u.redacted().contains("s3cr3t"));
        let u = DialUrl::parse("nats://leafuser:pw@localhost").unwrap();
        assert_eq!((u.host.as_str(), u.port), ("localhost", None));
        let u = DialUrl::parse("nats-0.nats.default.svc:6222").unwrap();
        assert_eq!((u.host.as_str(), u.port, u.scheme), ("nats-0.nats.default.svc", Some(6222), None));
        let u = DialUrl::parse("tls://[::1]:7422").unwrap();
        assert_eq!((u.host.as_str(), u.port), ("::1", Some(7422)));
        assert!(u.is_loopback());
        assert!(DialUrl::parse("nats://").is_none());
        assert_eq!(redact("nats://a:b@h:1"), "nats://h:1");
    }
}
