//! The station's clock: the system clock, or a simulated one that starts at a
//! given instant and runs at real speed from there (for scenarios, tests and
//! screenshots that must not depend on when they run). A simulated clock can
//! be moved forward (`clock jump` on the control socket): the soak bench
//! lives a year in minutes that way.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use jiff::{SignedDuration, Timestamp};
use tokio::time::Instant;

/// Where `now` comes from. The domain never reads a clock; the loop asks this.
/// Clones share a simulated clock's jumps.
#[derive(Clone, Debug)]
pub struct Clock {
    simulated: Option<Arc<Simulated>>,
}

/// A simulated clock: `start` at `at`, plus the jumps made since.
#[derive(Debug)]
struct Simulated {
    start: Timestamp,
    at: Instant,
    jumped_ns: AtomicI64,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self { simulated: None }
    }

    /// A clock that reads `start` now and advances with (tokio's) time.
    pub fn starting_at(start: Timestamp) -> Self {
        Self {
            simulated: Some(Arc::new(Simulated {
                start,
                at: Instant::now(),
                jumped_ns: AtomicI64::new(0),
            })),
        }
    }

    pub fn now(&self) -> Timestamp {
        match &self.simulated {
            None => Timestamp::now(),
            Some(s) => {
                let elapsed = SignedDuration::try_from(s.at.elapsed())
                    .unwrap_or(SignedDuration::MAX)
                    .saturating_add(SignedDuration::from_nanos(
                        s.jumped_ns.load(Ordering::Relaxed),
                    ));
                s.start.saturating_add(elapsed).unwrap_or(s.start)
            }
        }
    }

    /// Moves a simulated clock forward to `to`. The system clock is not ours
    /// to move, and time never runs backwards here.
    pub fn jump_to(&self, to: Timestamp) -> Result<(), String> {
        let Some(s) = &self.simulated else {
            return Err(
                "only a simulated clock (run --clock) can jump; this kiosk keeps the system's time"
                    .into(),
            );
        };
        let now = self.now();
        if to <= now {
            return Err(format!(
                "the clock jumps only forward: it is already {now}, past {to}"
            ));
        }
        let by = to.duration_since(now);
        let ns = i64::try_from(by.as_nanos()).map_err(|_| "too far a jump".to_string())?;
        s.jumped_ns.fetch_add(ns, Ordering::Relaxed);
        Ok(())
    }

    pub fn is_simulated(&self) -> bool {
        self.simulated.is_some()
    }
}

/// What the system says of its clock: `(synchronized, rtc)`. Synchronised
/// when systemd-timesyncd has marked it (`timesync/synchronized` in `run`),
/// else as `timedatectl` reports NTP (chrony too), else unknown; `rtc` when
/// `rtc_class` holds a real-time clock (the Pi 5's; a Pi 4 has none).
pub fn clock_source(run: &Path, rtc_class: &Path) -> (Option<bool>, bool) {
    let rtc = std::fs::read_dir(rtc_class)
        .map(|mut d| d.next().is_some())
        .unwrap_or(false);
    if run.join("timesync/synchronized").exists() {
        return (Some(true), rtc);
    }
    let reported = std::process::Command::new("timedatectl")
        .args(["show", "--property=NTPSynchronized", "--value"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| match String::from_utf8_lossy(&o.stdout).trim() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        });
    (reported, rtc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_simulated_clock_advances_with_tokio_time() {
        let start: Timestamp = "2026-11-30T01:00:00Z".parse().unwrap();
        let clock = Clock::starting_at(start);
        assert_eq!(clock.now(), start);
        tokio::time::advance(std::time::Duration::from_secs(90)).await;
        assert_eq!(
            clock.now(),
            "2026-11-30T01:01:30Z".parse::<Timestamp>().unwrap()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_simulated_clock_jumps_forward_for_every_clone_and_never_back() {
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        let clock = Clock::starting_at(at("2026-11-30T01:00:00Z"));
        let seen = clock.clone();
        clock.jump_to(at("2026-12-01T00:25:00Z")).unwrap();
        assert_eq!(seen.now(), at("2026-12-01T00:25:00Z"));
        // It runs on from where it jumped to.
        tokio::time::advance(std::time::Duration::from_secs(60)).await;
        assert_eq!(clock.now(), at("2026-12-01T00:26:00Z"));
        let back = clock.jump_to(at("2026-12-01T00:00:00Z")).unwrap_err();
        assert!(back.contains("only forward"), "{back}");
        assert!(clock.jump_to(clock.now()).is_err());
        assert_eq!(seen.now(), at("2026-12-01T00:26:00Z"));
        let system = Clock::system().jump_to(at("2099-01-01T00:00:00Z"));
        assert!(system.unwrap_err().contains("only a simulated clock"));
    }

    #[test]
    fn timesyncd_marks_a_synchronised_clock_and_an_rtc_is_found_in_its_class() {
        let run = tempfile::tempdir().unwrap();
        let rtc = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(run.path().join("timesync")).unwrap();
        std::fs::write(run.path().join("timesync/synchronized"), "").unwrap();
        assert_eq!(clock_source(run.path(), rtc.path()), (Some(true), false));
        std::fs::create_dir(rtc.path().join("rtc0")).unwrap();
        assert_eq!(clock_source(run.path(), rtc.path()), (Some(true), true));
        let missing = rtc.path().join("nothing");
        assert!(!clock_source(run.path(), &missing).1);
    }
}
