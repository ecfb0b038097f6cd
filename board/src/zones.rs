//! The safety zones as a board sees them: readings in (a contact's level, a
//! loop's ADC value, or an already-sorted reading from the simulated board),
//! alarms, faults and the input's state out.
//!
//! Each zone runs the pure state machine of `drivers::zone`; this module knows
//! the wiring (which contact or band means what) and the gas sensor's warm-up.
//! Nothing here reads a clock: time is passed in, and the caller asks
//! [`Zones::deadline`] when to call [`Zones::tick`].

use std::time::Duration;

use drivers::zone::{FaultKind, Reading, ResetRefused, Zone, ZoneEvent};

use crate::Input;
use crate::profile::{BoardProfile, ZoneRole, ZoneSpec, ZoneWiring};

/// What the station is told about a zone.
#[derive(Clone, Copy, PartialEq, Eq, Debug, serde::Serialize)]
#[serde(tag = "signal", rename_all = "snake_case")]
pub enum ZoneSignal {
    /// The input reads active (pressed, smoke) or not any more.
    Active { active: bool },
    /// The alarm latched (a gas zone: the warning).
    Alarm,
    /// A fault lasted long enough to report, or (`None`) is over.
    Fault { fault: Option<FaultKind> },
}

/// What a zone's input reads now.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum ZoneRead {
    /// Already sorted (the simulated board's `zone NAME active`, a contact
    /// backend).
    Reading(Reading),
    /// A loop's ADC value, sorted by the zone's bands.
    Value(f32),
}

/// What a contact backend's levels mean for a zone (`closed`: the contact is
/// closed now; `fault_closed`: the fault contact, where there is one). A loop
/// zone has no contacts: its backend reads values instead.
pub fn contact_reading(wiring: &ZoneWiring, closed: bool, fault_closed: bool) -> Option<Reading> {
    match *wiring {
        ZoneWiring::Contact { active_open, .. } => Some(if closed != active_open {
            Reading::Active
        } else {
            Reading::Normal
        }),
        ZoneWiring::ContactWithFault {
            active_open,
            fault_active_open,
            ..
        } => Some(if closed != active_open {
            // An alarm is never hidden behind the detector's fault contact.
            Reading::Active
        } else if fault_closed != fault_active_open {
            Reading::Fault(FaultKind::Detector)
        } else {
            Reading::Normal
        }),
        ZoneWiring::Loop { .. } => None,
    }
}

struct Entry {
    spec: ZoneSpec,
    zone: Zone,
    active: bool,
}

/// What the station's journal says of a zone at start: the board's state
/// machines begin there, so that the first live reading reconciles the two
/// (a repaired fault clears, a released button reads released); a latched
/// alarm stays latched until reset.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Seed {
    pub name: String,
    pub latched: bool,
    pub active: bool,
    pub fault: Option<FaultKind>,
}

impl Seed {
    /// A zone whose alarm was latched before the restart.
    pub fn latched(name: &str) -> Self {
        Self {
            name: name.into(),
            latched: true,
            ..Self::default()
        }
    }
}

/// Every safety zone of a board, in profile order (a zone's number is its
/// place there).
pub struct Zones {
    entries: Vec<Entry>,
}

impl Zones {
    /// The zones of `profile`, each starting as `seeds` say (by name; a zone
    /// without a seed reads normal, unlatched, without a fault).
    pub fn new(profile: &BoardProfile, seeds: &[Seed]) -> Self {
        let entries = profile
            .zones
            .iter()
            .map(|spec| {
                let seed = seeds.iter().find(|s| s.name == spec.name);
                Entry {
                    zone: Zone::resume(
                        spec.kind(),
                        seed.is_some_and(|s| s.latched),
                        seed.and_then(|s| s.fault),
                    ),
                    spec: spec.clone(),
                    active: seed.is_some_and(|s| s.active),
                }
            })
            .collect();
        Self { entries }
    }

    /// The zone's number by name or by role word (`panic`, `smoke`): the
    /// first zone with that role.
    pub fn find(&self, name: &str) -> Result<u8, String> {
        self.entries
            .iter()
            .position(|e| e.spec.name == name)
            .or_else(|| self.entries.iter().position(|e| e.spec.role.word() == name))
            .map(|i| i as u8)
            .ok_or_else(|| {
                let names: Vec<&str> = self.entries.iter().map(|e| e.spec.name.as_str()).collect();
                format!(
                    "there is no zone `{name}` on this board; its zones are {}",
                    names.join(", ")
                )
            })
    }

    /// A reading of zone number `zone` at `at` (time since start).
    pub fn read(&mut self, zone: u8, read: ZoneRead, at: Duration) -> Result<Vec<Input>, String> {
        let mut inputs = self.tick(at);
        let entry = self
            .entries
            .get_mut(usize::from(zone))
            .ok_or_else(|| format!("there is no zone number {zone}"))?;
        let mut reading = match (read, &entry.spec.wiring) {
            (ZoneRead::Reading(r), _) => r,
            (ZoneRead::Value(v), ZoneWiring::Loop { bands, .. }) => bands.classify(v),
            (ZoneRead::Value(_), _) => {
                return Err(format!(
                    "zone `{}` is a contact, not a loop: it has no value to read",
                    entry.spec.name
                ));
            }
        };
        // A gas sensor reads high while it warms up: not a warning.
        if entry.spec.role == ZoneRole::Gas && at < entry.spec.warm_up && reading == Reading::Active
        {
            reading = Reading::Normal;
        }
        let active = reading == Reading::Active;
        if active != entry.active {
            entry.active = active;
            inputs.push(Input::Zone {
                zone,
                signal: ZoneSignal::Active { active },
            });
        }
        let events = entry.zone.read(reading, at);
        inputs.extend(Self::signals(zone, events));
        Ok(inputs)
    }

    /// Time passes: smoke confirmed, faults that have lasted.
    pub fn tick(&mut self, now: Duration) -> Vec<Input> {
        let mut inputs = Vec::new();
        for (i, e) in self.entries.iter_mut().enumerate() {
            let events = e.zone.tick(now);
            inputs.extend(Self::signals(i as u8, events));
        }
        inputs
    }

    /// When [`Zones::tick`] has something to decide next.
    pub fn deadline(&self) -> Option<Duration> {
        self.entries.iter().filter_map(|e| e.zone.deadline()).min()
    }

    /// Resets zone `zone`'s latched alarm; refused while its input is active.
    pub fn reset(&mut self, zone: u8) -> Result<(), ResetRefused> {
        match self.entries.get_mut(usize::from(zone)) {
            Some(e) => e.zone.reset(),
            None => Err(ResetRefused::NotLatched),
        }
    }

    fn signals(zone: u8, events: Vec<ZoneEvent>) -> impl Iterator<Item = Input> {
        events.into_iter().filter_map(move |e| {
            let signal = match e {
                ZoneEvent::Alarm { .. } => ZoneSignal::Alarm,
                ZoneEvent::Fault { kind, .. } => ZoneSignal::Fault { fault: Some(kind) },
                ZoneEvent::FaultCleared { .. } => ZoneSignal::Fault { fault: None },
                // Verification is the zone's own business; the station hears
                // of the alarm once it is confirmed.
                ZoneEvent::Verifying { .. } | ZoneEvent::Unconfirmed { .. } => return None,
            };
            Some(Input::Zone { zone, signal })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    #[test]
    fn zones_start_as_the_journal_left_them_and_the_first_readings_reconcile() {
        let seeds = [
            Seed {
                name: "smoke".into(),
                fault: Some(FaultKind::Open),
                ..Seed::default()
            },
            Seed {
                name: "panic".into(),
                latched: true,
                active: true,
                fault: None,
            },
        ];
        let mut zones = Zones::new(&BoardProfile::simulated(), &seeds);
        let (panic, smoke) = (zones.find("panic").unwrap(), zones.find("smoke").unwrap());
        // Still open: nothing new to say.
        assert!(
            zones
                .read(
                    smoke,
                    ZoneRead::Reading(Reading::Fault(FaultKind::Open)),
                    s(1)
                )
                .unwrap()
                .is_empty()
        );
        // Repaired: the fault clears at once.
        assert_eq!(
            zones.read(smoke, ZoneRead::Value(4700.0), s(2)).unwrap(),
            [Input::Zone {
                zone: smoke,
                signal: ZoneSignal::Fault { fault: None }
            }]
        );
        // Released: said, and the alarm stays latched until reset.
        assert_eq!(
            zones.read(panic, ZoneRead::Value(4700.0), s(3)).unwrap(),
            [Input::Zone {
                zone: panic,
                signal: ZoneSignal::Active { active: false }
            }]
        );
        assert_eq!(zones.reset(panic), Ok(()));
    }

    #[test]
    fn loop_values_become_alarms_and_faults() {
        let mut zones = Zones::new(&BoardProfile::simulated(), &[]);
        let panic = zones.find("panic").unwrap();
        let smoke = zones.find("smoke").unwrap();
        // The panic loop drops to 1.5 kΩ: pressed, an alarm at once.
        assert_eq!(
            zones.read(panic, ZoneRead::Value(1500.0), s(1)).unwrap(),
            [
                Input::Zone {
                    zone: panic,
                    signal: ZoneSignal::Active { active: true }
                },
                Input::Zone {
                    zone: panic,
                    signal: ZoneSignal::Alarm
                }
            ]
        );
        // The smoke loop is cut: a fault two seconds later, found by a tick.
        let out = zones.read(smoke, ZoneRead::Value(1e9), s(2)).unwrap();
        assert!(out.is_empty(), "{out:?}");
        assert_eq!(zones.deadline(), Some(s(4)));
        assert_eq!(
            zones.tick(s(4)),
            [Input::Zone {
                zone: smoke,
                signal: ZoneSignal::Fault {
                    fault: Some(FaultKind::Open)
                }
            }]
        );
        // The panic zone still resets once released, whatever the smoke loop.
        assert_eq!(zones.reset(panic), Err(ResetRefused::StillActive));
        zones.read(panic, ZoneRead::Value(4700.0), s(5)).unwrap();
        assert_eq!(zones.reset(panic), Ok(()));
    }

    #[test]
    fn a_gas_sensor_warns_only_after_its_warm_up_and_its_reading_persists() {
        let profile = BoardProfile::parse(
            "gas.toml",
            "name = \"gas\"\n[[zone]]\nname = \"kitchen-gas\"\nrole = \"gas\"\ninput = { kind = \"contact\", pin = 17, active = \"closed\" }\nwarm_up_seconds = 120\n",
        )
        .unwrap();
        let mut zones = Zones::new(&profile, &[]);
        let gas = zones.find("gas").unwrap();
        // Warming up: the sensor reads high, and nothing is said.
        assert!(
            zones
                .read(gas, ZoneRead::Reading(Reading::Active), s(10))
                .unwrap()
                .is_empty()
        );
        assert_eq!(zones.deadline(), None);
        // Warm: a reading that persists 10 s is a warning.
        let out = zones
            .read(gas, ZoneRead::Reading(Reading::Active), s(130))
            .unwrap();
        assert_eq!(
            out,
            [Input::Zone {
                zone: gas,
                signal: ZoneSignal::Active { active: true }
            }]
        );
        assert_eq!(
            zones.tick(s(140)),
            [Input::Zone {
                zone: gas,
                signal: ZoneSignal::Alarm
            }]
        );
        assert!(
            zones.read(gas, ZoneRead::Value(3.0), s(141)).is_err(),
            "a contact has no value"
        );
    }

    #[test]
    fn contact_levels_read_by_wiring_and_an_alarm_outranks_the_fault_contact() {
        let nc = ZoneWiring::Contact {
            pin: 1,
            active_open: true,
        };
        assert_eq!(contact_reading(&nc, true, false), Some(Reading::Normal));
        assert_eq!(contact_reading(&nc, false, false), Some(Reading::Active));
        let with_fault = ZoneWiring::ContactWithFault {
            pin: 1,
            active_open: false,
            fault_pin: 2,
            fault_active_open: true,
        };
        assert_eq!(
            contact_reading(&with_fault, false, true),
            Some(Reading::Normal)
        );
        assert_eq!(
            contact_reading(&with_fault, false, false),
            Some(Reading::Fault(FaultKind::Detector))
        );
        assert_eq!(
            contact_reading(&with_fault, true, false),
            Some(Reading::Active)
        );
        let profile = BoardProfile::simulated();
        let smoke = profile.zone("smoke").unwrap();
        assert_eq!(contact_reading(&smoke.wiring, true, true), None);
    }

    #[test]
    fn zones_are_found_by_name_or_role_and_unknown_ones_are_named() {
        let zones = Zones::new(&BoardProfile::simulated(), &[]);
        assert_eq!(zones.find("smoke"), Ok(1));
        assert_eq!(
            zones.find("kitchen").unwrap_err(),
            "there is no zone `kitchen` on this board; its zones are panic, smoke"
        );
    }

    #[test]
    fn a_latched_alarm_survives_a_restart() {
        let mut zones = Zones::new(&BoardProfile::simulated(), &[Seed::latched("smoke")]);
        let smoke = zones.find("smoke").unwrap();
        // Smoke still there after the restart: no second alarm, no reset.
        let out = zones.read(smoke, ZoneRead::Value(1500.0), s(0)).unwrap();
        assert_eq!(
            out,
            [Input::Zone {
                zone: smoke,
                signal: ZoneSignal::Active { active: true }
            }]
        );
        assert_eq!(zones.deadline(), None);
        assert_eq!(zones.reset(smoke), Err(ResetRefused::StillActive));
    }
}
