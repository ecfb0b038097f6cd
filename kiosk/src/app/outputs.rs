//! The board's outputs as the station drives them: the alarm and siren relays
//! and the buzzer follow the station's state after every change (so a latched
//! alarm turns its relay on again after a restart), a bad rating beeps the
//! buzzer briefly, and the heartbeat toggles every second while the station is
//! healthy, for an external watchdog or alarm panel.
//!
//! The levels are kept here and reported by the `state` command; on a Pi the
//! profile's GPIO lines follow them: a line that could not be set is set
//! again at the next change or heartbeat, and the buzzer line plays its
//! pattern's cadence on a thread of its own (continuous for an alarm, a short
//! beep every ten seconds for a fault, three short beeps for a bad rating).

use std::collections::BTreeMap;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use board::gpio::OutputLines;

use crate::domain::{BuzzerPattern, OutputState};

/// How long a bad rating's beeps last.
const BEEPS: SignedDuration = SignedDuration::from_secs(3);

/// The board's output lines, shared by the station loop and the buzzer's
/// thread, with the level each pin was last set to and its last failure.
struct Driven {
    lines: Box<dyn OutputLines>,
    applied: BTreeMap<u32, bool>,
    failed: BTreeMap<u32, String>,
}

impl Driven {
    /// Sets `pin` unless it is at `on` already; a failure is logged once per
    /// pin and message, and tried again at the next call.
    fn set(&mut self, pin: u32, on: bool) {
        if self.applied.get(&pin) == Some(&on) {
            return;
        }
        match self.lines.set(pin, on) {
            Ok(()) => {
                self.applied.insert(pin, on);
                if self.failed.remove(&pin).is_some() {
                    tracing::info!("outputs: GPIO {pin} is driven again");
                }
            }
            Err(e) => {
                let e = e.to_string();
                if self.failed.get(&pin) != Some(&e) {
                    tracing::error!("outputs: {e}");
                }
                self.applied.remove(&pin);
                self.failed.insert(pin, e);
            }
        }
    }
}

/// Locks the lines; a thread that panicked while holding them left nothing
/// half-done that matters (levels are set again anyway).
fn lock(driven: &Mutex<Driven>) -> std::sync::MutexGuard<'_, Driven> {
    driven.lock().unwrap_or_else(|p| p.into_inner())
}

/// The board's output lines and which pin is which.
struct Lines {
    driven: Arc<Mutex<Driven>>,
    pins: board::profile::Outputs,
    /// The buzzer's thread, told each new pattern.
    buzzer: Option<Sender<BuzzerPattern>>,
}

impl Lines {
    fn set(&self, pin: Option<u32>, on: bool) {
        if let Some(pin) = pin {
            lock(&self.driven).set(pin, on);
        }
    }
}

/// A pattern's cadence: `(on, for how long)` steps, and whether they repeat.
pub fn cadence(pattern: BuzzerPattern) -> (&'static [(bool, Duration)], bool) {
    const BEEP: Duration = Duration::from_millis(150);
    const OFF: [(bool, Duration); 1] = [(false, Duration::MAX)];
    const ON: [(bool, Duration); 1] = [(true, Duration::MAX)];
    const FAULT: [(bool, Duration); 2] = [
        (true, Duration::from_millis(200)),
        (false, Duration::from_millis(9_800)),
    ];
    const BAD: [(bool, Duration); 6] = [
        (true, BEEP),
        (false, BEEP),
        (true, BEEP),
        (false, BEEP),
        (true, BEEP),
        (false, Duration::MAX),
    ];
    match pattern {
        BuzzerPattern::Off => (&OFF, false),
        BuzzerPattern::Alarm => (&ON, false),
        BuzzerPattern::Fault => (&FAULT, true),
        BuzzerPattern::BadRating => (&BAD, false),
    }
}

/// The buzzer's thread: plays the latest pattern until told another, and
/// ends when the outputs are dropped.
fn play(driven: Arc<Mutex<Driven>>, pin: u32, patterns: Receiver<BuzzerPattern>) {
    let mut pattern = BuzzerPattern::Off;
    loop {
        let (steps, repeat) = cadence(pattern);
        match steps_until_told(&driven, pin, steps, repeat, &patterns) {
            Some(next) => pattern = next,
            None => return,
        }
    }
}

/// Plays `steps` (again and again when `repeat`, else holding the last)
/// until a new pattern comes: that pattern, or `None` once the outputs are
/// gone.
fn steps_until_told(
    driven: &Mutex<Driven>,
    pin: u32,
    steps: &[(bool, Duration)],
    repeat: bool,
    patterns: &Receiver<BuzzerPattern>,
) -> Option<BuzzerPattern> {
    // A step "for ever" waits an hour at a time.
    const LONGEST: Duration = Duration::from_secs(3600);
    loop {
        for &(on, length) in steps {
            lock(driven).set(pin, on);
            match patterns.recv_timeout(length.min(LONGEST)) {
                Ok(next) => return Some(next),
                Err(RecvTimeoutError::Disconnected) => return None,
                Err(RecvTimeoutError::Timeout) => {}
            }
        }
        if !repeat {
            return patterns.recv().ok();
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
        let driven = Arc::new(Mutex::new(Driven {
            lines,
            applied: BTreeMap::new(),
            failed: BTreeMap::new(),
        }));
        let buzzer = pins.buzzer.and_then(|pin| {
            let (tx, rx) = std::sync::mpsc::channel();
            let shared = Arc::clone(&driven);
            std::thread::Builder::new()
                .name("buzzer".into())
                .spawn(move || play(shared, pin, rx))
                .map_err(|e| tracing::error!("outputs: cannot start the buzzer's thread: {e}"))
                .ok()
                .map(|_| tx)
        });
        self.lines = Some(Lines {
            driven,
            pins,
            buzzer,
        });
        if let Some(wanted) = self.wanted {
            self.apply(wanted);
        }
    }

    /// Sets the relays to `wanted` (those already there are left alone).
    fn apply(&self, wanted: OutputState) {
        if let Some(l) = &self.lines {
            l.set(l.pins.alarm_relay, wanted.alarm_relay);
            l.set(l.pins.siren_relay, wanted.siren_relay);
        }
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
            if self.buzzer != buzzer
                && let Some(tx) = self.lines.as_ref().and_then(|l| l.buzzer.as_ref())
            {
                let _ = tx.send(buzzer);
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

    /// One second passed: the heartbeat toggles while the station is healthy
    /// and stops (so the watchdog notices) when it is not.
    pub fn beat(&mut self, healthy: bool) {
        if healthy {
            self.heartbeat = !self.heartbeat;
            self.toggles += 1;
            if let Some(l) = &self.lines {
                l.set(l.pins.heartbeat, self.heartbeat);
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

    /// Output lines that report each level set, and fail while `broken`.
    struct Recorded {
        seen: std::sync::mpsc::Sender<(u32, bool)>,
        broken: Arc<std::sync::atomic::AtomicBool>,
    }

    impl OutputLines for Recorded {
        fn set(&mut self, pin: u32, on: bool) -> Result<(), board::gpio::GpioError> {
            if self.broken.load(std::sync::atomic::Ordering::SeqCst) {
                return Err(board::gpio::GpioError::Other(format!("GPIO {pin}: broken")));
            }
            let _ = self.seen.send((pin, on));
            Ok(())
        }
    }

    fn recorded() -> (
        Box<Recorded>,
        std::sync::mpsc::Receiver<(u32, bool)>,
        Arc<std::sync::atomic::AtomicBool>,
    ) {
        let (seen, rx) = std::sync::mpsc::channel();
        let broken = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let lines = Recorded {
            seen,
            broken: Arc::clone(&broken),
        };
        (Box::new(lines), rx, broken)
    }

    const ALARM: OutputState = OutputState {
        alarm_relay: true,
        siren_relay: true,
        buzzer: BuzzerPattern::Alarm,
    };

    #[test]
    fn the_relays_and_heartbeat_follow_and_a_failed_line_is_set_again() {
        let (lines, seen, broken) = recorded();
        let mut o = Outputs::default();
        let pins = board::profile::Outputs {
            buzzer: None,
            alarm_relay: Some(23),
            siren_relay: Some(24),
            heartbeat: Some(4),
        };
        o.drive(lines, pins);
        o.update(QUIET, t(0));
        o.update(ALARM, t(1));
        o.update(ALARM, t(2));
        o.beat(true);
        o.beat(false);
        let got: Vec<_> = seen.try_iter().collect();
        assert_eq!(
            got,
            [(23, false), (24, false), (23, true), (24, true), (4, true)]
        );
        // The relay's line fails as the alarm ends; it is set at the next
        // update, though nothing changed by then.
        broken.store(true, std::sync::atomic::Ordering::SeqCst);
        o.update(QUIET, t(3));
        assert!(seen.try_iter().next().is_none());
        broken.store(false, std::sync::atomic::Ordering::SeqCst);
        o.update(QUIET, t(4));
        assert_eq!(
            seen.try_iter().collect::<Vec<_>>(),
            [(23, false), (24, false)]
        );
    }

    #[test]
    fn each_buzzer_pattern_has_its_cadence() {
        let total = |steps: &[(bool, Duration)]| steps.iter().map(|(_, d)| *d).sum::<Duration>();
        let (fault, repeat) = cadence(BuzzerPattern::Fault);
        assert!(repeat);
        assert_eq!(
            total(fault),
            Duration::from_secs(10),
            "a beep every ten seconds"
        );
        assert_eq!(fault[0], (true, Duration::from_millis(200)));
        let (bad, repeat) = cadence(BuzzerPattern::BadRating);
        assert!(!repeat);
        assert_eq!(bad.iter().filter(|(on, _)| *on).count(), 3, "three beeps");
        assert_eq!(bad.last(), Some(&(false, Duration::MAX)), "then quiet");
        assert_eq!(cadence(BuzzerPattern::Alarm).0, [(true, Duration::MAX)]);
        assert_eq!(cadence(BuzzerPattern::Off).0, [(false, Duration::MAX)]);
    }

    #[test]
    fn the_buzzer_plays_the_pattern_it_is_told_until_told_another() {
        let (lines, seen, _) = recorded();
        let mut o = Outputs::default();
        let pins = board::profile::Outputs {
            buzzer: Some(18),
            ..board::profile::Outputs::default()
        };
        o.drive(lines, pins);
        let next = || {
            seen.recv_timeout(Duration::from_secs(5))
                .expect("the buzzer is set")
        };
        assert_eq!(next(), (18, false), "quiet at start");
        o.bad_rating(t(0));
        o.update(QUIET, t(0));
        let beeps: Vec<_> = (0..5).map(|_| next()).collect();
        assert_eq!(
            beeps,
            [(18, true), (18, false), (18, true), (18, false), (18, true)]
        );
        assert_eq!(next(), (18, false), "and quiet after the third");
        o.update(ALARM, t(1));
        assert_eq!(next(), (18, true), "an alarm sounds on");
        assert!(
            seen.recv_timeout(Duration::from_millis(400)).is_err(),
            "continuously"
        );
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
