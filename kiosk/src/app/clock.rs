//! The station's clock: the system clock, or a simulated one that starts at a
//! given instant and runs at real speed from there (for scenarios, tests and
//! screenshots that must not depend on when they run).

use std::path::Path;

use jiff::{SignedDuration, Timestamp};
use tokio::time::Instant;

/// Where `now` comes from. The domain never reads a clock; the loop asks this.
#[derive(Clone, Debug)]
pub struct Clock {
    simulated: Option<(Timestamp, Instant)>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self { simulated: None }
    }

    /// A clock that reads `start` now and advances with (tokio's) time.
    pub fn starting_at(start: Timestamp) -> Self {
        Self {
            simulated: Some((start, Instant::now())),
        }
    }

    pub fn now(&self) -> Timestamp {
        match self.simulated {
            None => Timestamp::now(),
            Some((start, at)) => {
                let elapsed = SignedDuration::try_from(at.elapsed()).unwrap_or(SignedDuration::MAX);
                start.saturating_add(elapsed).unwrap_or(start)
            }
        }
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
