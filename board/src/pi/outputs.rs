//! The output lines by what they are for: the alarm and siren relays, the
//! heartbeat and the buzzer, whose cadence plays on a thread of its own
//! (continuous for an alarm, a short beep every ten seconds for a fault,
//! three short beeps for a bad rating). A line that could not be set is
//! logged once and set again at the next call.

use std::collections::BTreeMap;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::gpio::OutputLines;
use crate::profile::Outputs;

/// An output line by what it is for (the buzzer is driven by [`Buzzer`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Output {
    AlarmRelay,
    SirenRelay,
    Heartbeat,
}

/// What the buzzer plays.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Buzzer {
    Off,
    Alarm,
    Fault,
    BadRating,
    Reminder,
}

/// The board's output lines, shared by the station and the buzzer's
/// thread, with the level each line was last set to and its last failure.
struct Driven {
    lines: Box<dyn OutputLines>,
    applied: BTreeMap<u32, bool>,
    failed: BTreeMap<u32, String>,
}

impl Driven {
    /// Sets `pin` unless it is at `on` already; a failure is logged once per
    /// line and message, and tried again at the next call.
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
fn lock(driven: &Mutex<Driven>) -> MutexGuard<'_, Driven> {
    driven.lock().unwrap_or_else(|p| p.into_inner())
}

/// A pattern's cadence: `(on, for how long)` steps, and whether they repeat.
pub fn cadence(pattern: Buzzer) -> (&'static [(bool, Duration)], bool) {
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
    const REMIND: [(bool, Duration); 4] = [
        (true, Duration::from_millis(500)),
        (false, Duration::from_millis(300)),
        (true, Duration::from_millis(500)),
        (false, Duration::MAX),
    ];
    match pattern {
        Buzzer::Off => (&OFF, false),
        Buzzer::Reminder => (&REMIND, false),
        Buzzer::Alarm => (&ON, false),
        Buzzer::Fault => (&FAULT, true),
        Buzzer::BadRating => (&BAD, false),
    }
}

/// The buzzer's thread: plays the latest pattern until told another, and
/// ends when the driver is dropped.
fn play(driven: Arc<Mutex<Driven>>, pin: u32, patterns: Receiver<Buzzer>) {
    let mut pattern = Buzzer::Off;
    loop {
        let (steps, repeat) = cadence(pattern);
        match steps_until_told(&driven, pin, steps, repeat, &patterns) {
            Some(next) => pattern = next,
            None => return,
        }
    }
}

/// Plays `steps` (again and again when `repeat`, else holding the last)
/// until a new pattern comes: that pattern, or `None` once the driver is
/// gone.
fn steps_until_told(
    driven: &Mutex<Driven>,
    pin: u32,
    steps: &[(bool, Duration)],
    repeat: bool,
    patterns: &Receiver<Buzzer>,
) -> Option<Buzzer> {
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

/// The profile's output lines, driven by role.
pub struct OutputDriver {
    driven: Arc<Mutex<Driven>>,
    pins: Outputs,
    /// The buzzer's thread, told each new pattern.
    buzzer: Option<Sender<Buzzer>>,
}

impl OutputDriver {
    /// Drives `lines` wired as `pins` says; the buzzer's thread starts
    /// quiet.
    pub fn new(lines: Box<dyn OutputLines>, pins: &Outputs) -> Self {
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
        Self {
            driven,
            pins: *pins,
            buzzer,
        }
    }

    /// Sets `output` (nothing when the profile does not wire it; nothing
    /// done when it is there already and its last setting worked).
    pub fn set(&self, output: Output, on: bool) {
        let pin = match output {
            Output::AlarmRelay => self.pins.alarm_relay,
            Output::SirenRelay => self.pins.siren_relay,
            Output::Heartbeat => self.pins.heartbeat,
        };
        if let Some(pin) = pin {
            lock(&self.driven).set(pin, on);
        }
    }

    /// The buzzer plays `pattern` from now on.
    pub fn buzzer(&self, pattern: Buzzer) {
        if let Some(tx) = &self.buzzer {
            let _ = tx.send(pattern);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_buzzer_pattern_has_its_cadence() {
        let total = |steps: &[(bool, Duration)]| steps.iter().map(|(_, d)| *d).sum::<Duration>();
        let (fault, repeat) = cadence(Buzzer::Fault);
        assert!(repeat);
        assert_eq!(
            total(fault),
            Duration::from_secs(10),
            "a beep every ten seconds"
        );
        assert_eq!(fault[0], (true, Duration::from_millis(200)));
        let (bad, repeat) = cadence(Buzzer::BadRating);
        assert!(!repeat);
        assert_eq!(bad.iter().filter(|(on, _)| *on).count(), 3, "three beeps");
        assert_eq!(bad.last(), Some(&(false, Duration::MAX)), "then quiet");
        assert_eq!(cadence(Buzzer::Alarm).0, [(true, Duration::MAX)]);
        assert_eq!(cadence(Buzzer::Off).0, [(false, Duration::MAX)]);
        let (remind, repeat) = cadence(Buzzer::Reminder);
        assert!(!repeat);
        let beeps: Vec<Duration> = remind
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, d)| *d)
            .collect();
        assert_eq!(beeps.len(), 2, "two beeps");
        assert!(
            beeps.iter().all(|d| *d > bad[0].1),
            "longer than a bad rating's, so the office tells them apart"
        );
    }
}
