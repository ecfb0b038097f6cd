//! What the station loop answers when a command has no effect, typed so that
//! the one who asked can tell the station's rules refusing it from a PIN not
//! taken (wrong, or the member locked out) from the station failing to
//! record it (a full disk, a locked or read-only database, failing storage)
//! or stopping — and say so differently.

use crate::domain::Rejection;
use crate::store::{PinRefusal, StoreError};

/// Why a command had no effect.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The station's rules refuse it, or it cannot be done now (a paper
    /// still at the printer): the one who asked can do something else.
    #[error("{0}")]
    Refused(String),
    /// The PIN was not taken: unknown number or wrong PIN, the member
    /// locked out or disabled.
    #[error("{0}")]
    Pin(PinRefusal),
    /// The touchscreen's PIN pad waits after repeated wrong PINs (it never
    /// locks anyone out; ADR 0016).
    #[error("请 {seconds} 秒后再试 · Wait {seconds} s: too many wrong PINs were typed here")]
    PadWaits { seconds: u64 },
    /// The station could not record it; nothing changed. The message says
    /// what a technician does about it.
    #[error("{message}")]
    NotRecorded {
        problem: StoreProblem,
        message: String,
    },
    /// The station is stopping.
    #[error("the kiosk is stopping")]
    Stopping,
}

/// What kept a record off the disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreProblem {
    Full,
    Locked,
    ReadOnly,
    /// The storage failed below SQLite, or the file is damaged.
    Failing,
    Other,
}

impl From<PinRefusal> for Refusal {
    fn from(r: PinRefusal) -> Self {
        Refusal::Pin(r)
    }
}

impl From<Rejection> for Refusal {
    fn from(r: Rejection) -> Self {
        Refusal::Refused(r.to_string())
    }
}

impl From<&StoreError> for Refusal {
    fn from(e: &StoreError) -> Self {
        let problem = match e {
            StoreError::Full { .. } => StoreProblem::Full,
            StoreError::Locked { .. } => StoreProblem::Locked,
            StoreError::ReadOnly { .. } => StoreProblem::ReadOnly,
            StoreError::Io { .. } | StoreError::Corrupt { .. } => StoreProblem::Failing,
            _ => StoreProblem::Other,
        };
        Refusal::NotRecorded {
            problem,
            message: e.to_string(),
        }
    }
}

impl Refusal {
    /// Whether the station itself failed (not the one who asked).
    pub fn is_the_stations(&self) -> bool {
        matches!(self, Refusal::NotRecorded { .. } | Refusal::Stopping)
    }

    /// Whether the member is locked out (or disabled): typing the PIN again
    /// will not help.
    pub fn is_locked_out(&self) -> bool {
        matches!(
            self,
            Refusal::Pin(PinRefusal::Locked { .. } | PinRefusal::HardLocked | PinRefusal::Disabled)
        )
    }

    /// The refusal's kind, as the control socket names it.
    pub fn kind(&self) -> &'static str {
        match self {
            Refusal::Refused(_) => "refused",
            Refusal::Pin(_) | Refusal::PadWaits { .. } if self.is_locked_out() => "locked_out",
            Refusal::Pin(_) | Refusal::PadWaits { .. } => "pin",
            Refusal::NotRecorded { .. } => "not_recorded",
            Refusal::Stopping => "stopping",
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn a_full_disk_or_a_lock_is_the_stations_a_rule_is_not() {
        let path = PathBuf::from("kiosk.db");
        let full = Refusal::from(&StoreError::Full { path: path.clone() });
        assert!(matches!(
            full,
            Refusal::NotRecorded {
                problem: StoreProblem::Full,
                ..
            }
        ));
        assert!(full.to_string().contains("free space"), "{full}");
        let locked = Refusal::from(&StoreError::Locked { path });
        assert!(matches!(
            locked,
            Refusal::NotRecorded {
                problem: StoreProblem::Locked,
                ..
            }
        ));
        assert!(full.is_the_stations() && locked.is_the_stations());
        assert!(Refusal::Stopping.is_the_stations());
        let rule = Refusal::from(Rejection::NothingWaiting(
            crate::domain::WindowNo::new(1).unwrap(),
        ));
        assert!(!rule.is_the_stations());
        assert_eq!(rule.kind(), "refused");
    }

    #[test]
    fn a_wrong_pin_is_told_from_a_lockout_and_neither_is_the_stations() {
        let wrong = Refusal::from(PinRefusal::Wrong { left: 3 });
        let locked = Refusal::from(PinRefusal::HardLocked);
        assert_eq!((wrong.kind(), locked.kind()), ("pin", "locked_out"));
        assert!(!wrong.is_locked_out() && locked.is_locked_out());
        assert!(!wrong.is_the_stations() && !locked.is_the_stations());
        assert!(
            locked.to_string().contains("kiosk staff unlock"),
            "{locked}"
        );
        let pad = Refusal::PadWaits { seconds: 20 };
        assert_eq!(pad.kind(), "pin");
        assert!(pad.to_string().contains("Wait 20 s"), "{pad}");
    }
}
