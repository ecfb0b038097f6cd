//! The station's safety zones as the rules see them: which zones there are,
//! what each is for and who may reset it, and what the alarms mean for the
//! outputs and the public screen.
//!
//! Verifying, latching and supervising a zone's input is the board's pure
//! zone state machine (`drivers::zone`); the station records what it decided
//! — input active or not, alarm, fault — and owns the latched alarm, the
//! acknowledgement and the reset, all journaled with who and when.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// What a zone is for.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoneRole {
    /// Silent on the public screen; the alarm relay and staff surfaces.
    Panic,
    /// Evacuation: the public screen, ticketing stops, the siren.
    Smoke,
    /// A staff warning only.
    Gas,
}

/// A staff member's role; alarm resets name the least role allowed.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// Window staff.
    Staff,
    /// The supervisor (纪检): may do what staff may, and handles the cases
    /// about the station manager (投诉管理办法: nobody handles a complaint
    /// about themselves).
    Supervisor,
    /// The technician checks devices; may do what staff may.
    Technician,
    /// The station manager (站长): may do everything.
    Manager,
}

impl StaffRole {
    pub fn word(self) -> &'static str {
        match self {
            StaffRole::Staff => "staff",
            StaffRole::Supervisor => "supervisor",
            StaffRole::Technician => "technician",
            StaffRole::Manager => "manager",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            StaffRole::Staff,
            StaffRole::Supervisor,
            StaffRole::Technician,
            StaffRole::Manager,
        ]
        .into_iter()
        .find(|r| r.word() == text.trim())
    }
}

/// One zone as configured.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct ZoneInfo {
    pub name: String,
    pub role: ZoneRole,
    /// The least role that may reset its alarm (none for a gas zone).
    pub reset_role: Option<StaffRole>,
}

/// Why a zone's wiring cannot be trusted.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoneFault {
    Open,
    Short,
    Noise,
    Detector,
    /// The board cannot read the input (its GPIO chip or ADC).
    Unreadable,
}

impl ZoneFault {
    /// What a technician reads.
    pub fn text(self) -> &'static str {
        match self {
            ZoneFault::Open => "the loop is open (a cut wire or a removed detector)",
            ZoneFault::Short => "the loop is shorted",
            ZoneFault::Noise => {
                "the loop reads outside every band (noise, a wrong resistor or a failing ADC)"
            }
            ZoneFault::Detector => "the detector reports its own fault",
            ZoneFault::Unreadable => {
                "the board cannot read this input (GPIO chip or ADC missing, refused or silent: see the log, run kiosk doctor)"
            }
        }
    }
}

/// What the board says about a zone.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ZoneSignal {
    /// The input reads active, or not any more.
    Active(bool),
    /// The zone's state machine latched an alarm (confirmed smoke, a press).
    Alarm,
    /// A fault was reported, or (`None`) is over.
    Fault(Option<ZoneFault>),
}

/// Why a reset was refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResetRefusal {
    /// The button is still held, the detector still reports smoke.
    StillActive,
    /// The staff member's role is below the zone's reset role.
    Role,
}

/// A zone's state in the station.
#[derive(Clone, Default, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct ZoneState {
    /// The input reads active now.
    pub active: bool,
    /// A latched alarm (a gas zone: a warning) since when.
    pub latched: Option<Timestamp>,
    /// Staff acknowledged the latched alarm: the buzzer is quiet.
    pub acknowledged: bool,
    pub fault: Option<ZoneFault>,
}

/// What the buzzer sounds.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BuzzerPattern {
    Off,
    /// An alarm no one has acknowledged: continuous.
    Alarm,
    /// A zone in fault: a short beep every ten seconds.
    Fault,
    /// A bad rating: three short beeps (the shell times them).
    BadRating,
    /// A case's deadline newly missed or coming (where the station asks):
    /// two long beeps for the manager's office.
    Reminder,
}

/// What the board's outputs should be.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct OutputState {
    /// Any panic or smoke alarm latched: the external alarm panel.
    pub alarm_relay: bool,
    /// A smoke alarm latched: the siren.
    pub siren_relay: bool,
    pub buzzer: BuzzerPattern,
}
