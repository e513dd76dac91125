//! Opt-in phase timings for profiling large fleets: with `LATTICELINT_TIMINGS` set, each timed phase
//! prints its wall time to stderr when it ends. Off by default; never part of any report format.

use once_cell::sync::Lazy;
use std::time::Instant;

static ENABLED: Lazy<bool> = Lazy::new(|| std::env::var_os("LATTICELINT_TIMINGS").is_some());

/// A running phase; prints `phase NAME: N ms` to stderr when dropped (if timings are on).
pub struct Phase {
    name: &'static str,
    start: Option<Instant>,
}

/// Starts timing `name` (a no-op unless `LATTICELINT_TIMINGS` is set).
pub fn phase(name: &'static str) -> Phase {
    Phase { name, start: ENABLED.then(Instant::now) }
}

impl Drop for Phase {
    fn drop(&mut self) {
        if let Some(start) = self.start {
            crate::output::stderr_line!(
                "phase {:<12} {:>8.1} ms  rss {:>6} MB",
                self.name,
                start.elapsed().as_secs_f64() * 1e3,
                resident_mb().map_or_else(|| "?".into(), |m| m.to_string())
            );
        }
    }
}

/// The process's resident set size in MB (Linux `/proc/self/statm`; `None` elsewhere).
fn resident_mb() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096 / (1 << 20))
}
