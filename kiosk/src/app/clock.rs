//! The station's clock: the system clock, or a simulated one that starts at a
//! given instant and runs at real speed from there (for scenarios, tests and
//! screenshots that must not depend on when they run).

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
}
