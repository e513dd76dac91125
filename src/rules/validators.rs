//! Validators of NATS config value formats, as nats-server's Go code checks them: Go durations,
//! storage sizes, URLs and subjects. Pure functions of one string; the `invalid-value` rule
//! (`invalid_value.rs`) decides where each applies.

/// Seconds of a Go `time.ParseDuration` string, `None` when Go rejects it.
pub(crate) fn go_duration_secs(s: &str) -> Option<f64> {
    let (neg, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest == "0" {
        return Some(0.0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0;
    while !rest.is_empty() {
        let num_end = rest.find(|ch: char| !ch.is_ascii_digit() && ch != '.').unwrap_or(rest.len());
        let num = &rest[..num_end];
        if num.is_empty() || num == "." || num.matches('.').count() > 1 {
            return None;
        }
        let n: f64 = num.parse().ok()?;
        rest = &rest[num_end..];
        let unit_end = rest.find(|ch: char| ch.is_ascii_digit() || ch == '.').unwrap_or(rest.len());
        let mult = match &rest[..unit_end] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += n * mult;
        rest = &rest[unit_end..];
    }
    Some(if neg { -total } else { total })
}

/// `getStorageSize` strings: an int with one suffix `K`, `M`, `G` or `T` (opts.go:2485-2518).
pub(crate) fn is_size_string(s: &str) -> bool {
    let Some(last) = s.chars().last() else {
        return false;
    };
    let prefix = &s[..s.len() - last.len_utf8()];
    matches!(last, 'K' | 'M' | 'G' | 'T') && prefix.parse::<i64>().is_ok()
}

/// What Go's `net/url.Parse` rejects in practice: a non-numeric port, spaces or control characters.
pub(crate) fn url_problem(s: &str) -> Option<String> {
    let s = s.trim();
    if s.chars().any(|ch| ch.is_control()) {
        return Some("it contains a control character".into());
    }
    let (_, after) = s.split_once("://")?;
    let authority = after.split(['/', '?', '#']).next().unwrap_or("");
    let hostport = authority.rsplit_once('@').map(|(_, h)| h).unwrap_or(authority);
    if hostport.contains(' ') {
        return Some(format!("the host `{hostport}` contains a space"));
    }
    let port = if let Some(rest) = hostport.strip_prefix('[') {
        rest.split_once(']').and_then(|(_, p)| p.strip_prefix(':'))
    } else {
        hostport.rsplit_once(':').map(|(_, p)| p)
    };
    match port {
        Some(p) if !p.chars().all(|ch| ch.is_ascii_digit()) => Some(format!("the port `{p}` is not a number")),
        _ => None,
    }
}

/// `IsValidSubject`: non-empty tokens, `>` only as the last token, no whitespace.
pub(crate) fn subject_ok(s: &str) -> bool {
    if s.is_empty() {
        return false;
    }
    let tokens: Vec<&str> = s.split('.').collect();
    for (i, t) in tokens.iter().enumerate() {
        if t.is_empty() || t.chars().any(char::is_whitespace) {
            return false;
        }
        if *t == ">" && i + 1 != tokens.len() {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(go_duration_secs("30s"), Some(30.0));
        assert_eq!(go_duration_secs("1m30s"), Some(90.0));
        assert_eq!(go_duration_secs("500ms"), Some(0.5));
        assert_eq!(go_duration_secs("1.5h"), Some(5400.0));
        assert_eq!(go_duration_secs("0"), Some(0.0));
        assert_eq!(go_duration_secs("30"), None);
        assert_eq!(go_duration_secs("2 m"), None);
        assert_eq!(go_duration_secs("1d"), None);
        assert_eq!(go_duration_secs(""), None);
    }

    #[test]
    fn sizes_urls_subjects() {
        assert!(is_size_string("1G"));
        assert!(is_size_string("512M"));
        assert!(!is_size_string("1GB"));
        assert!(!is_size_string("1g"));
        assert!(!is_size_string("1024"));
        assert_eq!(url_problem("nats://h:4222"), None);
        assert_eq!(url_problem("nats://u:p@h"), None);
        assert!(url_problem("nats://h:port").is_some());
        assert!(subject_ok("$JS.API.>"));
        assert!(!subject_ok("a..b"));
        assert!(!subject_ok("a.>.b"));
    }
}
