//! Staff at the station: sign-ins, refused PINs and the warning that someone
//! may be guessing them. PINs themselves are checked by the shell; only what
//! happened is journaled here.

use super::{Actor, Command, Effect, Fact, Notice, Record, Rejection, Scratch, Station};

impl Station {
    /// Applies a refused PIN (a sign-in changes nothing here).
    pub(super) fn apply_staff(&mut self, record: &Record) {
        if let Fact::PinRefused { place, .. } = &record.fact {
            *self.pin_refusals.entry(*place).or_default() += 1;
        }
    }
}

impl Scratch {
    /// Decides a sign-in or a refused PIN.
    pub(super) fn decide_staff(&mut self, command: &Command) -> Result<(), Rejection> {
        match *command {
            Command::NoteSignIn {
                ref staff,
                place,
                ref refused,
            } => {
                let staff: String = staff.chars().take(16).collect();
                match refused {
                    None => self.record(Fact::StaffSignedIn { staff, place }),
                    Some(reason) => {
                        self.record_as(
                            Actor::System,
                            Fact::PinRefused {
                                staff,
                                place,
                                reason: reason.clone(),
                            },
                        );
                        // Someone may be guessing: staff hear of it at the
                        // fifth refusal of the day there, then every tenth.
                        let refused = self.station.pin_refusals.get(&place).copied().unwrap_or(0);
                        if refused == 5 || refused % 10 == 0 {
                            self.effect(Effect::Notify(Notice::PinGuessing { place, refused }));
                        }
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}
