//! Board profiles: what is wired where, read from TOML and validated before
//! anything starts.
//!
//! A profile says, for the evaluators, each window's keys from the left (the
//! pin each is wired to and the rating level it gives), how they are debounced,
//! when a held key counts as stuck, and the window's card display — a window
//! with 3 or 4 keys maps them onto the five levels here, and nowhere else; for
//! the safety zones (panic, smoke, gas), how each is wired (a contact, a
//! contact with a fault contact, or an end-of-line loop read through an ADC,
//! with its bands), its confirmation time and who may reset it; and which pins
//! drive the buzzer, the alarm and siren relays and the heartbeat. Every pin
//! serves one input or output. Errors name the file, the line and the field.
//! Whether a window exists is the catalog's business: the profile keeps each
//! window's line so the kiosk can say where a window the catalog lacks was
//! named.
//!
//! - `types.rs`: the validated profile, as the rest of the board and the kiosk
//!   read it.
//! - `read/`: reading a profile's TOML into those types, with every rule a
//!   profile must keep.

mod read;
mod types;

pub use types::{
    At, Audio, Backend, BoardProfile, Chip, Display, Evaluator, KEYPAD_LOCKOUT, Keypad, Model,
    Outputs, PrinterWiring, Pull, ResetRole, Screen, ZoneRole, ZoneSpec, ZoneWiring,
};

/// The simulated board's profile, compiled in.
pub const SIMULATED: &str = include_str!("../../profiles/simulated.toml");

/// The reference two-window station on a Pi (docs/wiring.md), compiled in so
/// that `kiosk doctor` and the package can offer it.
pub const PI_2_WINDOWS: &str = include_str!("../../profiles/pi-2-windows.toml");

/// A profile refused, with where and why.
pub type ProfileError = crate::FileError;

#[cfg(test)]
mod tests;
