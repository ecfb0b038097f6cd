//! The board's outputs as the station drives them: the alarm and siren relays
//! and the buzzer follow the station's state after every change (so a latched
//! alarm turns its relay on again after a restart), a bad rating beeps the
//! buzzer briefly, and the heartbeat toggles every second while the station is
//! healthy, for an external watchdog or alarm panel.
//!
//! The levels are kept here and reported by the `state` command; on a Pi the
//! profile's GPIO lines follow them (the buzzer line is on while any pattern
//! sounds: an active buzzer module beeps by itself).

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use board::gpio::OutputLines;

use crate::domain::{BuzzerPattern, OutputState};

/// How long a bad rating's beeps last.
const BEEPS: SignedDuration = SignedDuration::from_secs(3);

/// The board's output lines and which pin is which.
struct Lines {
    lines: Box<dyn OutputLines>,
    pins: board::profile::Outputs,
    /// The last failure, logged once.
    failed: Option<String>,
}

impl Lines {
    fn set(&mut self, pin: Option<u32>, on: bool) {
        let Some(pin) = pin else { return };
        match self.lines.set(pin, on) {
            Ok(()) => self.failed = None,
            Err(e) => {
                let e = e.to_string();
                if self.failed.as_ref() != Some(&e) {
                    tracing::error!("outputs: {e}");
                }
                self.failed = Some(e);
            }
        }
    }
}

/// The outputs and what they did.
pub struct Outputs {
    lines: Option<Lines>,
    wanted: Option<OutputState>,
    beeps_until: Option<Timestamp>,
    buzzer: BuzzerPattern,
    heartbeat: bool,
    toggles: u64,
    /// Changes of the relays and buzzer, in order, for the `state` command.
    changes: u64,
}

impl Default for Outputs {
    fn default() -> Self {
        Self {
            lines: None,
            wanted: None,
            beeps_until: None,
            buzzer: BuzzerPattern::Off,
            heartbeat: false,
            toggles: 0,
            changes: 0,
        }
    }
}

impl Outputs {
    /// Drives the board's lines from now on.
    pub fn drive(&mut self, lines: Box<dyn OutputLines>, pins: board::profile::Outputs) {
        self.lines = Some(Lines {
            lines,
            pins,
            failed: None,
        });
    }

    /// Brings the outputs in line with the station at `now`.
    pub fn update(&mut self, wanted: OutputState, now: Timestamp) {
        if self.beeps_until.is_some_and(|until| now >= until) {
            self.beeps_until = None;
        }
        // An alarm or a fault outranks the bad rating's beeps.
        let buzzer = match wanted.buzzer {
            BuzzerPattern::Off if self.beeps_until.is_some() => BuzzerPattern::BadRating,
            other => other,
        };
        if self.wanted != Some(wanted) || self.buzzer != buzzer {
            if self
                .wanted
                .is_none_or(|w| w.alarm_relay != wanted.alarm_relay)
            {
                tracing::info!("alarm relay {}", on_off(wanted.alarm_relay));
            }
            if self
                .wanted
                .is_none_or(|w| w.siren_relay != wanted.siren_relay)
            {
                tracing::info!("siren relay {}", on_off(wanted.siren_relay));
            }
            if self.buzzer != buzzer {
                tracing::info!("buzzer {buzzer:?}");
            }
            self.wanted = Some(wanted);
            self.buzzer = buzzer;
            self.changes += 1;
            if let Some(l) = &mut self.lines {
                l.set(l.pins.alarm_relay, wanted.alarm_relay);
                l.set(l.pins.siren_relay, wanted.siren_relay);
                l.set(l.pins.buzzer, buzzer != BuzzerPattern::Off);
            }
        }
    }

    /// A bad rating: three short beeps, unless something louder sounds.
    pub fn bad_rating(&mut self, now: Timestamp) {
        self.beeps_until = now.checked_add(BEEPS).ok();
    }

    /// One second passed: the heartbeat toggles while the station is healthy
    /// and stops (so the watchdog notices) when it is not.
    pub fn beat(&mut self, healthy: bool) {
        if healthy {
            self.heartbeat = !self.heartbeat;
            self.toggles += 1;
            if let Some(l) = &mut self.lines {
                l.set(l.pins.heartbeat, self.heartbeat);
            }
        }
    }

    /// The outputs as the `state` command reports them.
    pub fn state(&self) -> Value {
        let wanted = self.wanted.unwrap_or(OutputState {
            alarm_relay: false,
            siren_relay: false,
            buzzer: BuzzerPattern::Off,
        });
        json!({
            "alarm_relay": wanted.alarm_relay,
            "siren_relay": wanted.siren_relay,
            "buzzer": self.buzzer,
            "heartbeat": self.heartbeat,
            "heartbeat_toggles": self.toggles,
            "changes": self.changes,
        })
    }
}

fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_796_000_000 + s).unwrap()
    }

    const QUIET: OutputState = OutputState {
        alarm_relay: false,
        siren_relay: false,
        buzzer: BuzzerPattern::Off,
    };

    #[test]
    fn a_bad_rating_beeps_briefly_and_an_alarm_outranks_it() {
        let mut o = Outputs::default();
        o.update(QUIET, t(0));
        o.bad_rating(t(1));
        o.update(QUIET, t(1));
        assert_eq!(o.state()["buzzer"], "bad_rating");
        let alarm = OutputState {
            alarm_relay: true,
            siren_relay: false,
            buzzer: BuzzerPattern::Alarm,
        };
        o.update(alarm, t(2));
        assert_eq!(o.state()["buzzer"], "alarm");
        assert_eq!(o.state()["alarm_relay"], true);
        o.update(QUIET, t(5));
        assert_eq!(o.state()["buzzer"], "off", "the beeps are over by then");
    }

    /// Output lines that keep what they were told.
    struct Recorded(std::sync::Arc<std::sync::Mutex<Vec<(u32, bool)>>>);

    impl OutputLines for Recorded {
        fn set(&mut self, pin: u32, on: bool) -> Result<(), board::gpio::GpioError> {
            self.0.lock().unwrap().push((pin, on));
            Ok(())
        }
    }

    #[test]
    fn the_board_lines_follow_the_relays_buzzer_and_heartbeat() {
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut o = Outputs::default();
        let pins = board::profile::Outputs {
            buzzer: Some(18),
            alarm_relay: Some(23),
            siren_relay: None,
            heartbeat: Some(4),
        };
        o.drive(Box::new(Recorded(seen.clone())), pins);
        o.update(QUIET, t(0));
        assert_eq!(*seen.lock().unwrap(), [(23, false), (18, false)]);
        seen.lock().unwrap().clear();
        let alarm = OutputState {
            alarm_relay: true,
            siren_relay: true,
            buzzer: BuzzerPattern::Alarm,
        };
        o.update(alarm, t(1));
        o.update(alarm, t(2));
        o.beat(true);
        o.beat(false);
        assert_eq!(*seen.lock().unwrap(), [(23, true), (18, true), (4, true)]);
    }

    #[test]
    fn the_heartbeat_toggles_only_while_healthy() {
        let mut o = Outputs::default();
        o.beat(true);
        o.beat(true);
        o.beat(false);
        assert_eq!(o.state()["heartbeat_toggles"], 2);
        assert_eq!(o.state()["heartbeat"], false);
    }
}
