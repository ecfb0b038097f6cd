//! Supervised safety zones — the panic button and the smoke detector — as pure
//! state machines shared by every backend.
//!
//! A backend reports what it reads on a zone's input, with the time it read
//! it: a plain contact (active or not), a contact with the detector's separate
//! fault contact, or an end-of-line loop read through an ADC and sorted into
//! bands. The zone decides what that means:
//!
//! - **alarm**: a panic zone alarms on the first active reading, never
//!   verified or delayed; a smoke zone alarms once the input has stayed active
//!   for its confirmation time (0 allowed, at most 10 s). An alarm latches: it
//!   ends only by [`Zone::reset`], which is refused while the input is still
//!   active.
//! - **fault**: an open loop, a shorted loop, a reading outside every band
//!   (noise) or the fault contact. A fault is reported once it has lasted
//!   [`FAULT_AFTER`] (well inside the 10 s bar) and clears when the input reads
//!   normal again. A fault never clears, hides or blocks an alarm: the two are
//!   separate, and a zone in fault still alarms when its input says so.
//!
//! Nothing here reads a clock or sleeps: time is a [`Duration`] since any fixed
//! start; a caller with nothing to report asks [`Zone::deadline`] when to call
//! [`Zone::tick`].

use std::fmt;
use std::time::Duration;

/// A fault must last this long before it is reported: long enough to ignore a
/// glitch on the loop, short enough to be told within the 10 s bar.
pub const FAULT_AFTER: Duration = Duration::from_secs(2);

/// The longest smoke confirmation time allowed.
pub const MAX_CONFIRM: Duration = Duration::from_secs(10);

/// What kind of zone.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ZoneKind {
    /// A panic button: immediate and silent.
    Panic,
    /// A smoke detector: alarms once its input stays active this long.
    Smoke { confirm: Duration },
}

/// Why a zone's wiring cannot be trusted.
#[derive(Clone, Copy, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// The loop reads open: a cut wire, a detector removed (tamper).
    Open,
    /// The loop reads shorted.
    Short,
    /// The reading fits no band: noise, a wrong resistor, a failing ADC.
    Noise,
    /// The detector's own fault contact is active.
    Detector,
    /// The board cannot read the input at all: its GPIO chip or ADC is
    /// missing, refused or not answering.
    Unreadable,
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FaultKind::Open => "open circuit (cut wire or tamper)",
            FaultKind::Short => "short circuit",
            FaultKind::Noise => "a reading outside every band (noise or a wrong resistor)",
            FaultKind::Detector => "the detector reports a fault",
            FaultKind::Unreadable => "the board cannot read it (GPIO or ADC)",
        })
    }
}

/// One reading of a zone's input, already sorted by the backend or by
/// [`Bands::classify`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Reading {
    Normal,
    Active,
    Fault(FaultKind),
}

/// An end-of-line loop's bands, in the ADC's unit (ohms or millivolts),
/// ascending and not overlapping: below `short_below` is a short; `normal`
/// and `active` are the two healthy states; at or above `open_from` is open;
/// anything else is noise.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Bands {
    pub short_below: f32,
    pub normal: (f32, f32),
    pub active: (f32, f32),
    pub open_from: f32,
}

/// Why bands were refused.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
#[error("{0}")]
pub struct BandsError(pub String);

impl Bands {
    /// Checks that the bands are well formed and do not overlap (in whichever
    /// order `normal` and `active` come).
    pub fn new(
        short_below: f32,
        normal: (f32, f32),
        active: (f32, f32),
        open_from: f32,
    ) -> Result<Self, BandsError> {
        let all = [
            short_below,
            normal.0,
            normal.1,
            active.0,
            active.1,
            open_from,
        ];
        if all.iter().any(|v| !v.is_finite() || *v < 0.0) {
            return Err(BandsError("every threshold must be a number ≥ 0".into()));
        }
        for (name, (lo, hi)) in [("normal", normal), ("active", active)] {
            if lo >= hi {
                return Err(BandsError(format!(
                    "the {name} band {lo}–{hi} is empty; its lower end must be below its upper end"
                )));
            }
            if lo < short_below || hi > open_from {
                return Err(BandsError(format!(
                    "the {name} band {lo}–{hi} overlaps the short (below {short_below}) or open (from {open_from}) band"
                )));
            }
        }
        if normal.0 < active.1 && active.0 < normal.1 {
            return Err(BandsError(format!(
                "the normal band {}–{} and the active band {}–{} overlap",
                normal.0, normal.1, active.0, active.1
            )));
        }
        Ok(Self {
            short_below,
            normal,
            active,
            open_from,
        })
    }

    /// What a raw value means.
    pub fn classify(&self, value: f32) -> Reading {
        let within = |(lo, hi): (f32, f32)| value >= lo && value < hi;
        if !value.is_finite() {
            Reading::Fault(FaultKind::Noise)
        } else if value < self.short_below {
            Reading::Fault(FaultKind::Short)
        } else if value >= self.open_from {
            Reading::Fault(FaultKind::Open)
        } else if within(self.normal) {
            Reading::Normal
        } else if within(self.active) {
            Reading::Active
        } else {
            Reading::Fault(FaultKind::Noise)
        }
    }
}

/// What a zone decided.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ZoneEvent {
    /// A smoke zone's input went active; it alarms if it stays so.
    Verifying { at: Duration },
    /// A smoke zone's input went back to normal before it was confirmed.
    Unconfirmed { at: Duration },
    /// The alarm latched.
    Alarm { at: Duration },
    /// A fault lasted long enough to report.
    Fault { kind: FaultKind, at: Duration },
    /// The reported fault is over.
    FaultCleared { at: Duration },
}

/// Why a reset was refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ResetRefused {
    /// There is no alarm to reset.
    NotLatched,
    /// The input still reports the alarm (button held or locked, smoke
    /// present).
    StillActive,
}

/// One supervised zone.
#[derive(Clone, Debug)]
pub struct Zone {
    kind: ZoneKind,
    latched: bool,
    /// The input is active, and since when.
    active_since: Option<Duration>,
    /// A fault being read, since when; and whether it was reported.
    fault: Option<(FaultKind, Duration)>,
    reported: Option<FaultKind>,
}

impl Zone {
    /// A zone whose input reads normal, not latched (`latched`: an alarm
    /// restored after a restart stays latched).
    pub fn new(kind: ZoneKind, latched: bool) -> Self {
        Self {
            kind,
            latched,
            active_since: None,
            fault: None,
            reported: None,
        }
    }

    /// A zone as the journal left it before a restart: latched or not, and
    /// a fault that was reported and not cleared. The reported fault clears
    /// on the first reading that shows it repaired, as it would have without
    /// the restart.
    pub fn resume(kind: ZoneKind, latched: bool, fault: Option<FaultKind>) -> Self {
        Self {
            fault: fault.map(|kind| (kind, Duration::ZERO)),
            reported: fault,
            ..Self::new(kind, latched)
        }
    }

    pub fn is_latched(&self) -> bool {
        self.latched
    }

    /// The input reads active now.
    pub fn is_active(&self) -> bool {
        self.active_since.is_some()
    }

    /// The fault reported and not yet cleared.
    pub fn fault(&self) -> Option<FaultKind> {
        self.reported
    }

    /// A reading at `at`. Returns what it decides now, in order.
    pub fn read(&mut self, reading: Reading, at: Duration) -> Vec<ZoneEvent> {
        let mut events = self.tick(at);
        match reading {
            Reading::Active => {
                self.end_fault(at, &mut events);
                if self.active_since.is_none() {
                    self.active_since = Some(at);
                    if !self.latched {
                        match self.kind {
                            ZoneKind::Smoke { confirm } if !confirm.is_zero() => {
                                events.push(ZoneEvent::Verifying { at });
                            }
                            _ => {
                                self.latched = true;
                                events.push(ZoneEvent::Alarm { at });
                            }
                        }
                    }
                }
            }
            Reading::Normal => {
                self.end_fault(at, &mut events);
                if self.active_since.take().is_some()
                    && !self.latched
                    && matches!(self.kind, ZoneKind::Smoke { .. })
                {
                    events.push(ZoneEvent::Unconfirmed { at });
                }
            }
            Reading::Fault(kind) => {
                // A loop in fault cannot say whether there is smoke: a
                // verification in progress stops (it restarts when the loop
                // reads active again); a latched alarm stays latched.
                if self.active_since.take().is_some()
                    && !self.latched
                    && matches!(self.kind, ZoneKind::Smoke { .. })
                {
                    events.push(ZoneEvent::Unconfirmed { at });
                }
                match self.fault {
                    Some((k, _)) if k == kind => {}
                    _ => self.fault = Some((kind, at)),
                }
                events.extend(self.tick(at));
            }
        }
        events
    }

    /// Time passes: a smoke alarm confirmed, a fault that has lasted.
    pub fn tick(&mut self, now: Duration) -> Vec<ZoneEvent> {
        let mut events = Vec::new();
        if let (Some(since), ZoneKind::Smoke { confirm }) = (self.active_since, self.kind)
            && !self.latched
            && now >= since + confirm
        {
            self.latched = true;
            events.push(ZoneEvent::Alarm {
                at: since + confirm,
            });
        }
        if let Some((kind, since)) = self.fault
            && self.reported != Some(kind)
            && now >= since + FAULT_AFTER
        {
            self.reported = Some(kind);
            events.push(ZoneEvent::Fault {
                kind,
                at: since + FAULT_AFTER,
            });
        }
        events
    }

    /// When [`Zone::tick`] has something to decide next.
    pub fn deadline(&self) -> Option<Duration> {
        let confirm = match (self.active_since, self.kind) {
            (Some(since), ZoneKind::Smoke { confirm }) if !self.latched => Some(since + confirm),
            _ => None,
        };
        let fault = self
            .fault
            .filter(|(kind, _)| self.reported != Some(*kind))
            .map(|(_, since)| since + FAULT_AFTER);
        match (confirm, fault) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Resets a latched alarm; refused while the input is still active.
    pub fn reset(&mut self) -> Result<(), ResetRefused> {
        if !self.latched {
            return Err(ResetRefused::NotLatched);
        }
        if self.is_active() {
            return Err(ResetRefused::StillActive);
        }
        self.latched = false;
        Ok(())
    }

    fn end_fault(&mut self, at: Duration, events: &mut Vec<ZoneEvent>) {
        self.fault = None;
        if self.reported.take().is_some() {
            events.push(ZoneEvent::FaultCleared { at });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn smoke(confirm_ms: u64) -> Zone {
        Zone::new(
            ZoneKind::Smoke {
                confirm: ms(confirm_ms),
            },
            false,
        )
    }

    /// Feeds `(ms, reading)` and ticks through every deadline up to `end`.
    fn run(zone: &mut Zone, readings: &[(u64, Reading)], end: u64) -> Vec<ZoneEvent> {
        let mut out = Vec::new();
        for &(t, r) in readings {
            while let Some(d) = zone.deadline().filter(|d| *d <= ms(t)) {
                out.extend(zone.tick(d));
            }
            out.extend(zone.read(r, ms(t)));
        }
        while let Some(d) = zone.deadline().filter(|d| *d <= ms(end)) {
            out.extend(zone.tick(d));
        }
        out
    }

    #[test]
    fn panic_alarms_on_the_first_reading_and_latches_until_reset_after_release() {
        let mut zone = Zone::new(ZoneKind::Panic, false);
        let out = run(&mut zone, &[(10, Reading::Active)], 10);
        assert_eq!(out, [ZoneEvent::Alarm { at: ms(10) }]);
        assert_eq!(zone.reset(), Err(ResetRefused::StillActive));
        run(&mut zone, &[(500, Reading::Normal)], 500);
        assert!(zone.is_latched(), "releasing the button does not reset");
        assert_eq!(zone.reset(), Ok(()));
        assert_eq!(zone.reset(), Err(ResetRefused::NotLatched));
        // Pressed again: a new alarm.
        let out = run(&mut zone, &[(900, Reading::Active)], 900);
        assert_eq!(out, [ZoneEvent::Alarm { at: ms(900) }]);
    }

    #[test]
    fn smoke_alarms_only_once_confirmed() {
        let mut zone = smoke(5000);
        let out = run(
            &mut zone,
            &[(0, Reading::Active), (3000, Reading::Normal)],
            9000,
        );
        assert_eq!(
            out,
            [
                ZoneEvent::Verifying { at: ms(0) },
                ZoneEvent::Unconfirmed { at: ms(3000) }
            ]
        );
        assert!(!zone.is_latched());
        let out = run(&mut zone, &[(10_000, Reading::Active)], 20_000);
        assert_eq!(
            out,
            [
                ZoneEvent::Verifying { at: ms(10_000) },
                ZoneEvent::Alarm { at: ms(15_000) }
            ]
        );
        // Still smoke: reset refused; smoke gone: reset works.
        assert_eq!(zone.reset(), Err(ResetRefused::StillActive));
        zone.read(Reading::Normal, ms(30_000));
        assert_eq!(zone.reset(), Ok(()));
        // Confirmation 0: at once.
        let mut zone = smoke(0);
        assert_eq!(
            run(&mut zone, &[(7, Reading::Active)], 7),
            [ZoneEvent::Alarm { at: ms(7) }]
        );
    }

    #[test]
    fn a_cut_or_shorted_loop_is_a_fault_within_the_bar_and_clears_when_repaired() {
        let mut zone = smoke(5000);
        let out = run(
            &mut zone,
            &[
                (1000, Reading::Fault(FaultKind::Open)),
                (1500, Reading::Fault(FaultKind::Open)),
            ],
            10_000,
        );
        assert_eq!(
            out,
            [ZoneEvent::Fault {
                kind: FaultKind::Open,
                at: ms(3000)
            }]
        );
        assert!(FAULT_AFTER < Duration::from_secs(10));
        // Open becomes short: reported as the new fault.
        let out = run(&mut zone, &[(4000, Reading::Fault(FaultKind::Short))], 7000);
        assert_eq!(
            out,
            [ZoneEvent::Fault {
                kind: FaultKind::Short,
                at: ms(6000)
            }]
        );
        let out = run(&mut zone, &[(8000, Reading::Normal)], 9000);
        assert_eq!(out, [ZoneEvent::FaultCleared { at: ms(8000) }]);
        // A glitch shorter than FAULT_AFTER is not reported.
        let out = run(
            &mut zone,
            &[
                (10_000, Reading::Fault(FaultKind::Open)),
                (10_300, Reading::Normal),
            ],
            20_000,
        );
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn a_fault_never_masks_an_alarm_and_an_alarm_outlives_a_fault() {
        // The detector's fault contact is active, then smoke: it still alarms.
        let mut zone = smoke(1000);
        let out = run(
            &mut zone,
            &[
                (0, Reading::Fault(FaultKind::Detector)),
                (5000, Reading::Active),
            ],
            7000,
        );
        assert_eq!(
            out,
            [
                ZoneEvent::Fault {
                    kind: FaultKind::Detector,
                    at: ms(2000)
                },
                ZoneEvent::FaultCleared { at: ms(5000) },
                ZoneEvent::Verifying { at: ms(5000) },
                ZoneEvent::Alarm { at: ms(6000) },
            ]
        );
        // The wire is then cut: a fault, and the alarm stays latched.
        let out = run(
            &mut zone,
            &[(8000, Reading::Fault(FaultKind::Open))],
            11_000,
        );
        assert_eq!(
            out,
            [ZoneEvent::Fault {
                kind: FaultKind::Open,
                at: ms(10_000)
            }]
        );
        assert!(zone.is_latched());
        assert_eq!(zone.reset(), Ok(()), "a cut wire does not read as smoke");
    }

    #[test]
    fn an_alarm_restored_after_a_restart_stays_latched() {
        let mut zone = Zone::new(ZoneKind::Panic, true);
        assert!(zone.is_latched());
        // The button is already released: reset works; reading active first
        // does not alarm twice.
        assert!(zone.read(Reading::Active, ms(0)).is_empty());
        assert_eq!(zone.reset(), Err(ResetRefused::StillActive));
        zone.read(Reading::Normal, ms(100));
        assert_eq!(zone.reset(), Ok(()));
    }

    #[test]
    fn loop_bands_classify_and_overlaps_are_refused() {
        // A 4.7 kΩ end-of-line resistor; the detector closes a 2.2 kΩ one in
        // parallel (about 1.5 kΩ).
        let bands = Bands::new(300.0, (3500.0, 6000.0), (1000.0, 2000.0), 20_000.0).unwrap();
        let table = [
            (0.0, Reading::Fault(FaultKind::Short)),
            (299.0, Reading::Fault(FaultKind::Short)),
            (700.0, Reading::Fault(FaultKind::Noise)),
            (1500.0, Reading::Active),
            (2500.0, Reading::Fault(FaultKind::Noise)),
            (4700.0, Reading::Normal),
            (9000.0, Reading::Fault(FaultKind::Noise)),
            (20_000.0, Reading::Fault(FaultKind::Open)),
            (f32::INFINITY, Reading::Fault(FaultKind::Noise)),
            (f32::NAN, Reading::Fault(FaultKind::Noise)),
        ];
        for (value, reading) in table {
            assert_eq!(bands.classify(value), reading, "{value}");
        }
        let refused = [
            Bands::new(300.0, (3500.0, 6000.0), (5000.0, 7000.0), 20_000.0),
            Bands::new(300.0, (3500.0, 3500.0), (1000.0, 2000.0), 20_000.0),
            Bands::new(1200.0, (3500.0, 6000.0), (1000.0, 2000.0), 20_000.0),
            Bands::new(300.0, (3500.0, 26_000.0), (1000.0, 2000.0), 20_000.0),
            Bands::new(-1.0, (3500.0, 6000.0), (1000.0, 2000.0), 20_000.0),
        ];
        for r in refused {
            assert!(r.is_err(), "{r:?}");
        }
        assert_eq!(
            Bands::new(300.0, (3500.0, 6000.0), (5000.0, 7000.0), 20_000.0)
                .unwrap_err()
                .to_string(),
            "the normal band 3500–6000 and the active band 5000–7000 overlap"
        );
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        fn reading() -> impl Strategy<Value = Reading> {
            prop_oneof![
                Just(Reading::Normal),
                Just(Reading::Active),
                Just(Reading::Fault(FaultKind::Open)),
                Just(Reading::Fault(FaultKind::Short)),
                Just(Reading::Fault(FaultKind::Noise)),
            ]
        }

        proptest! {
            /// Whatever the input does: an alarm is reported once per latch,
            /// only after an active reading, and a latched zone stays latched
            /// until reset; events come in time order.
            #[test]
            fn alarms_latch_once_and_events_keep_time_order(
                steps in proptest::collection::vec((0u64..3000, reading()), 1..60),
                panic in any::<bool>(),
                confirm in 0u64..10_000,
            ) {
                let kind = if panic { ZoneKind::Panic } else { ZoneKind::Smoke { confirm: ms(confirm) } };
                let mut zone = Zone::new(kind, false);
                let mut t = 0;
                let mut alarms = 0;
                let mut seen_active = false;
                let mut last = Duration::ZERO;
                for (gap, r) in steps {
                    t += gap;
                    seen_active |= r == Reading::Active;
                    let mut events = Vec::new();
                    while let Some(d) = zone.deadline().filter(|d| *d <= ms(t)) {
                        events.extend(zone.tick(d));
                    }
                    let was_latched = zone.is_latched();
                    events.extend(zone.read(r, ms(t)));
                    if was_latched {
                        prop_assert!(zone.is_latched());
                    }
                    for e in events {
                        let at = match e {
                            ZoneEvent::Verifying { at } | ZoneEvent::Unconfirmed { at } | ZoneEvent::Alarm { at }
                            | ZoneEvent::Fault { at, .. } | ZoneEvent::FaultCleared { at } => at,
                        };
                        prop_assert!(at >= last, "{:?} before {:?}", e, last);
                        last = at;
                        if matches!(e, ZoneEvent::Alarm { .. }) {
                            prop_assert!(seen_active);
                            alarms += 1;
                        }
                    }
                }
                prop_assert!(alarms <= 1, "one latch, one alarm: {}", alarms);
                prop_assert_eq!(alarms == 1, zone.is_latched());
            }
        }
    }
}
