//! Who caused a record: a citizen, a window's keypad or evaluator, a named
//! staff member, a technician, or the station itself. Cases and the journal
//! both name them.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::catalog::WindowNo;

/// Who caused a record.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Actor {
    /// A citizen at the lobby touchscreen.
    Citizen,
    /// The staff keypad at a window.
    Keypad { window: WindowNo },
    /// A named staff member (console, touchscreen staff mode).
    Staff { id: String },
    /// A technician's control command or scenario file.
    Technician,
    /// The citizen, on the evaluator at a window.
    Evaluator { window: WindowNo },
    /// The station itself: timers, the business-day close.
    System,
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Citizen => write!(f, "citizen"),
            Actor::Keypad { window } => write!(f, "keypad {window}"),
            Actor::Staff { id } => write!(f, "staff {id}"),
            Actor::Technician => write!(f, "technician"),
            Actor::Evaluator { window } => write!(f, "evaluator {window}"),
            Actor::System => write!(f, "system"),
        }
    }
}
