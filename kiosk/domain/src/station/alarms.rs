//! The safety zones as the station keeps them: inputs, latched alarms,
//! acknowledgement, reset, wiring faults, the evacuation a smoke alarm
//! starts, and the board outputs that follow. The zones' types and rules of
//! their own are in the crate's `safety` module.

use super::{Command, Effect, Fact, Notice, Record, Rejection, Scratch, Station};
use crate::safety::{
    BuzzerPattern, OutputState, ResetRefusal, ZoneInfo, ZoneRole, ZoneSignal, ZoneState,
};

impl Station {
    /// Applies a fact about a safety zone.
    pub(super) fn apply_alarms(&mut self, record: &Record) {
        match &record.fact {
            Fact::ZoneInput { zone, active } => {
                if let Some(z) = self.zone_named_mut(zone) {
                    z.active = *active;
                }
            }
            Fact::AlarmRaised { zone, .. } => {
                if let Some(z) = self.zone_named_mut(zone) {
                    z.latched.get_or_insert(record.at);
                    z.acknowledged = false;
                }
            }
            Fact::AlarmAcknowledged { zone } => {
                if let Some(z) = self.zone_named_mut(zone) {
                    z.acknowledged = true;
                }
            }
            Fact::AlarmReset { zone } => {
                if let Some(z) = self.zone_named_mut(zone) {
                    z.latched = None;
                    z.acknowledged = false;
                }
            }
            Fact::ZoneFaulted { zone, fault } => {
                if let Some(z) = self.zone_named_mut(zone) {
                    z.fault = *fault;
                }
            }
            _ => {}
        }
    }

    /// The state of the zone called `name`, if the profile has one.
    pub(super) fn zone_named_mut(&mut self, name: &str) -> Option<&mut ZoneState> {
        let i = self.settings.zones.iter().position(|z| z.name == name)?;
        self.zones.get_mut(i)
    }

    /// The names of the zones whose alarm is latched (for the board after a
    /// restart).
    pub fn latched_zones(&self) -> Vec<String> {
        self.settings
            .zones
            .iter()
            .zip(&self.zones)
            .filter(|(_, z)| z.latched.is_some())
            .map(|(info, _)| info.name.clone())
            .collect()
    }

    /// Every zone as the journal left it (for the board's zone task at
    /// start): latched, input active, and the fault reported.
    pub fn zone_states(&self) -> Vec<(String, ZoneState)> {
        self.settings
            .zones
            .iter()
            .zip(&self.zones)
            .map(|(info, z)| (info.name.clone(), z.clone()))
            .collect()
    }

    /// The smoke zone whose latched alarm evacuates the station, if any.
    pub(super) fn evacuating(&self) -> Option<&str> {
        self.settings
            .zones
            .iter()
            .zip(&self.zones)
            .find(|(info, z)| info.role == ZoneRole::Smoke && z.latched.is_some())
            .map(|(info, _)| info.name.as_str())
    }

    /// What the board's outputs should be now (the bad-rating beeps are the
    /// shell's: they are brief).
    pub fn outputs(&self) -> OutputState {
        let mut alarm_relay = false;
        let mut siren_relay = false;
        let mut unacknowledged = false;
        let mut fault = false;
        for (info, z) in self.settings.zones.iter().zip(&self.zones) {
            fault |= z.fault.is_some();
            if z.latched.is_some() {
                match info.role {
                    ZoneRole::Panic => alarm_relay = true,
                    ZoneRole::Smoke => {
                        alarm_relay = true;
                        siren_relay = true;
                    }
                    ZoneRole::Gas => {}
                }
                unacknowledged |= !z.acknowledged && info.role != ZoneRole::Gas;
            }
        }
        let buzzer = if unacknowledged {
            BuzzerPattern::Alarm
        } else if fault {
            BuzzerPattern::Fault
        } else {
            BuzzerPattern::Off
        };
        OutputState {
            alarm_relay,
            siren_relay,
            buzzer,
        }
    }
}

impl Scratch {
    /// Decides a command from or about a safety zone.
    pub(super) fn decide_alarms(&mut self, command: &Command) -> Result<(), Rejection> {
        match *command {
            Command::Zone { zone, signal } => {
                let (info, state) = self.zone(zone)?;
                let name = info.name.clone();
                let role = info.role;
                match signal {
                    ZoneSignal::Active(active) => {
                        if state.active != active {
                            self.record(Fact::ZoneInput { zone: name, active });
                        }
                    }
                    ZoneSignal::Alarm => {
                        if state.latched.is_none() {
                            self.record(Fact::AlarmRaised {
                                zone: name.clone(),
                                role,
                            });
                            self.effect(Effect::Notify(Notice::Alarm { zone: name, role }));
                        }
                    }
                    ZoneSignal::Fault(fault) => {
                        if state.fault != fault {
                            self.record(Fact::ZoneFaulted {
                                zone: name.clone(),
                                fault,
                            });
                            self.effect(Effect::Notify(Notice::ZoneFault { zone: name, fault }));
                        }
                    }
                }
                Ok(())
            }
            Command::AcknowledgeAlarm { zone } => {
                let (info, state) = self.zone(zone)?;
                let name = info.name.clone();
                if state.latched.is_none() {
                    return Err(Rejection::NotLatched(name));
                }
                if !state.acknowledged {
                    self.record(Fact::AlarmAcknowledged { zone: name });
                }
                Ok(())
            }
            Command::ResetAlarm { zone, role } => {
                let (info, state) = self.zone(zone)?;
                let name = info.name.clone();
                let needed = info.reset_role;
                if state.latched.is_none() {
                    return Err(Rejection::NotLatched(name));
                }
                if needed.is_some_and(|n| role < n) {
                    return Err(Rejection::ResetRefused {
                        zone: name,
                        reason: ResetRefusal::Role,
                        needed,
                    });
                }
                if state.active {
                    return Err(Rejection::ResetRefused {
                        zone: name,
                        reason: ResetRefusal::StillActive,
                        needed,
                    });
                }
                self.record(Fact::AlarmReset { zone: name.clone() });
                self.effect(Effect::Notify(Notice::AlarmReset { zone: name }));
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// A zone by its number in the profile, or why there is none.
    fn zone(&self, zone: u8) -> Result<(&ZoneInfo, &ZoneState), Rejection> {
        let i = usize::from(zone);
        match (
            self.station.settings.zones.get(i),
            self.station.zones.get(i),
        ) {
            (Some(info), Some(state)) => Ok((info, state)),
            _ => Err(Rejection::UnknownZone(zone)),
        }
    }
}
