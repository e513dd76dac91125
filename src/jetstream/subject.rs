//! NATS subject matching (`*` one token, `>` the rest).

/// True when `pattern` matches the literal `subject`.
pub fn matches(pattern: &str, subject: &str) -> bool {
    let mut p = pattern.split('.');
    let mut s = subject.split('.');
    loop {
        match (p.next(), s.next()) {
            (Some(">"), Some(_)) => return true,
            (Some("*"), Some(_)) => {}
            (Some(a), Some(b)) if a == b => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

/// True when any pattern matches.
pub fn any_matches<'a>(patterns: impl IntoIterator<Item = &'a str>, subject: &str) -> bool {
    patterns.into_iter().any(|p| matches(p, subject))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(matches("$JS.>", "$JS.hub.API.INFO"));
        assert!(matches("$JS.API.>", "$JS.API.INFO"));
        assert!(!matches("$JS.API.>", "$JS.hub.API.INFO"));
        assert!(matches("$JS.*.API.>", "$JS.hub.API.INFO"));
        assert!(!matches("$JS.*.API.>", "$JS.API.INFO"));
        assert!(!matches("$JS.>", "$JS"));
        assert!(matches("a.b", "a.b"));
        assert!(!matches("a.b", "a.b.c"));
    }
}
