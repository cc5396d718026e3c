//! Where a build's time goes: each phase's duration on stderr when the environment
//! variable `GONGKAI_TIMINGS` is set (for performance work on large sites, see
//! BENCHMARKS.md). Nothing is printed otherwise.

use std::time::Instant;

/// Whether timings are printed (`GONGKAI_TIMINGS` set), read once.
fn enabled() -> bool {
    static ENABLED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ENABLED.get_or_init(|| std::env::var_os("GONGKAI_TIMINGS").is_some())
}

/// A phase being timed: its duration is printed when it is dropped.
pub struct Phase {
    what: &'static str,
    started: Instant,
}

/// Starts timing the phase `what`.
pub fn phase(what: &'static str) -> Phase {
    Phase {
        what,
        started: Instant::now(),
    }
}

impl Drop for Phase {
    fn drop(&mut self) {
        if enabled() {
            eprintln!(
                "gongkai 计时：{} {:.1} 毫秒",
                self.what,
                self.started.elapsed().as_secs_f64() * 1000.0
            );
        }
    }
}
