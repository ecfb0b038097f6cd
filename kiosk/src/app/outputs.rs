//! The board's outputs as the station drives them: the alarm and siren relays
//! and the buzzer follow the station's state after every change (so a latched
//! alarm turns its relay on again after a restart), a bad rating beeps the
//! buzzer briefly, and the heartbeat toggles every second while the station is
//! healthy, for an external watchdog or alarm panel.
//!
//! The levels are kept here and reported by the `state` command; on a Pi
//! `board::pi::OutputDriver` sets the profile's lines by role, sets again a
//! line that failed, and plays the buzzer's cadence.

use jiff::{SignedDuration, Timestamp};

use board::pi::{Buzzer, Output, OutputDriver};

use crate::domain::{BuzzerPattern, OutputState};

/// How long a bad rating's beeps last.
const BEEPS: SignedDuration = SignedDuration::from_secs(3);

/// What the board's buzzer plays for the station's pattern.
fn buzzer(pattern: BuzzerPattern) -> Buzzer {
    match pattern {
        BuzzerPattern::Off => Buzzer::Off,
        BuzzerPattern::Alarm => Buzzer::Alarm,
        BuzzerPattern::Fault => Buzzer::Fault,
        BuzzerPattern::BadRating => Buzzer::BadRating,
        BuzzerPattern::Reminder => Buzzer::Reminder,
    }
}

/// The outputs and what they did.
pub struct Outputs {
    lines: Option<OutputDriver>,
    wanted: Option<OutputState>,
    beeps_until: Option<Timestamp>,
    remind_until: Option<Timestamp>,
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
            remind_until: None,
            buzzer: BuzzerPattern::Off,
            heartbeat: false,
            toggles: 0,
            changes: 0,
        }
    }
}

impl Outputs {
    /// Drives the board's lines from now on.
    pub fn drive(&mut self, lines: OutputDriver) {
        lines.buzzer(buzzer(self.buzzer));
        self.lines = Some(lines);
        if let Some(wanted) = self.wanted {
            self.apply(wanted);
        }
    }

    /// Sets the relays to `wanted` (those already there are left alone).
    fn apply(&self, wanted: OutputState) {
        if let Some(l) = &self.lines {
            l.set(Output::AlarmRelay, wanted.alarm_relay);
            l.set(Output::SirenRelay, wanted.siren_relay);
        }
    }

    /// Brings the outputs in line with the station at `now`.
    pub fn update(&mut self, wanted: OutputState, now: Timestamp) {
        if self.beeps_until.is_some_and(|until| now >= until) {
            self.beeps_until = None;
        }
        if self.remind_until.is_some_and(|until| now >= until) {
            self.remind_until = None;
        }
        // An alarm or a fault outranks the bad rating's beeps, and they
        // the reminder's.
        let buzzer = match wanted.buzzer {
            BuzzerPattern::Off if self.beeps_until.is_some() => BuzzerPattern::BadRating,
            BuzzerPattern::Off if self.remind_until.is_some() => BuzzerPattern::Reminder,
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
            if self.buzzer != buzzer
                && let Some(l) = &self.lines
            {
                l.buzzer(self::buzzer(buzzer));
            }
            self.wanted = Some(wanted);
            self.buzzer = buzzer;
            self.changes += 1;
        }
        // Also a relay whose line failed last time is set again.
        self.apply(wanted);
    }

    /// A bad rating: three short beeps, unless something louder sounds.
    pub fn bad_rating(&mut self, now: Timestamp) {
        self.beeps_until = now.checked_add(BEEPS).ok();
    }

    /// A case's deadline newly missed or coming: two long beeps, unless
    /// something more urgent sounds.
    pub fn remind(&mut self, now: Timestamp) {
        self.remind_until = now.checked_add(BEEPS).ok();
    }

    /// One second passed: the heartbeat toggles while the station is healthy
    /// and stops (so the watchdog notices) when it is not.
    pub fn beat(&mut self, healthy: bool) {
        if healthy {
            self.heartbeat = !self.heartbeat;
            self.toggles += 1;
            if let Some(l) = &self.lines {
                l.set(Output::Heartbeat, self.heartbeat);
            }
        }
    }

    /// The outputs as the `state` command reports them.
    pub fn state(&self) -> crate::state::OutputsState {
        let wanted = self.wanted.unwrap_or(OutputState {
            alarm_relay: false,
            siren_relay: false,
            buzzer: BuzzerPattern::Off,
        });
        crate::state::OutputsState {
            alarm_relay: wanted.alarm_relay,
            siren_relay: wanted.siren_relay,
            buzzer: self.buzzer,
            heartbeat: self.heartbeat,
            heartbeat_toggles: self.toggles,
            changes: self.changes,
        }
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
        assert_eq!(o.state().buzzer, BuzzerPattern::BadRating);
        let alarm = OutputState {
            alarm_relay: true,
            siren_relay: false,
            buzzer: BuzzerPattern::Alarm,
        };
        o.update(alarm, t(2));
        assert_eq!(o.state().buzzer, BuzzerPattern::Alarm);
        assert!(o.state().alarm_relay);
        o.update(QUIET, t(5));
        assert_eq!(
            o.state().buzzer,
            BuzzerPattern::Off,
            "the beeps are over by then"
        );
    }

    #[test]
    fn a_reminder_beeps_briefly_below_a_bad_rating() {
        let mut o = Outputs::default();
        o.update(QUIET, t(0));
        o.remind(t(1));
        o.update(QUIET, t(1));
        assert_eq!(o.state().buzzer, BuzzerPattern::Reminder);
        o.bad_rating(t(2));
        o.update(QUIET, t(2));
        assert_eq!(o.state().buzzer, BuzzerPattern::BadRating);
        o.update(QUIET, t(6));
        assert_eq!(o.state().buzzer, BuzzerPattern::Off, "both are over");
    }

    const ALARM: OutputState = OutputState {
        alarm_relay: true,
        siren_relay: true,
        buzzer: BuzzerPattern::Alarm,
    };

    /// The reference Pi's outputs on simulated lines.
    fn driven() -> (Outputs, board::pi::sim::SimGpio) {
        let profile =
            board::profile::BoardProfile::parse("pi.toml", board::profile::PI_2_WINDOWS).unwrap();
        let (sim, (_, lines)) = board::pi::sim::SimGpio::open(&profile);
        let mut o = Outputs::default();
        o.drive(OutputDriver::new(lines, &profile.outputs));
        (o, sim)
    }

    #[test]
    fn the_relays_and_heartbeat_follow_and_a_failed_line_is_set_again() {
        let (mut o, sim) = driven();
        o.update(QUIET, t(0));
        o.update(ALARM, t(1));
        o.update(ALARM, t(2));
        o.beat(true);
        o.beat(false);
        assert_eq!(sim.settings(Some(Output::AlarmRelay)), [false, true]);
        assert_eq!(sim.settings(Some(Output::SirenRelay)), [false, true]);
        assert_eq!(sim.settings(Some(Output::Heartbeat)), [true]);
        // The relay's line fails as the alarm ends; it is set at the next
        // update, though nothing changed by then.
        sim.fail_outputs(true);
        o.update(QUIET, t(3));
        assert_eq!(sim.output(Some(Output::AlarmRelay)), Some(true));
        sim.fail_outputs(false);
        o.update(QUIET, t(4));
        assert_eq!(sim.settings(Some(Output::AlarmRelay)), [false, true, false]);
        assert_eq!(sim.settings(Some(Output::SirenRelay)), [false, true, false]);
    }

    #[test]
    fn a_bad_rating_beeps_the_buzzer_and_an_alarm_sounds_it_on() {
        let (mut o, sim) = driven();
        let wait = |on| sim.wait_output(None, on, std::time::Duration::from_secs(5));
        assert!(wait(false), "quiet at start");
        o.bad_rating(t(0));
        o.update(QUIET, t(0));
        while sim.settings(None).len() < 7 {
            let last = *sim.settings(None).last().unwrap();
            assert!(wait(!last));
        }
        assert_eq!(
            sim.settings(None),
            [false, true, false, true, false, true, false],
            "three beeps, then quiet"
        );
        o.update(ALARM, t(1));
        assert!(wait(true), "an alarm sounds on");
    }

    #[test]
    fn the_heartbeat_toggles_only_while_healthy() {
        let mut o = Outputs::default();
        o.beat(true);
        o.beat(true);
        o.beat(false);
        assert_eq!(o.state().heartbeat_toggles, 2);
        assert!(!o.state().heartbeat);
    }
}
