//! Board profiles and backends: what is wired to which pin, and the simulated
//! board that stands in for all of it on a laptop or in tests.
//!
//! Only this crate knows pin numbers. Above it, the kiosk sees [`Input`]s and drives outputs; it never asks
//! which board produced them.
//!
//! - [`command`]: the grammar shared by scenario files and the control socket.
//! - [`profile`]: board profiles — evaluator keys, their pins, filters and
//!   card displays.
//! - [`gpio`]: the Pi's GPIO lines through the profile's backend.
//! - [`keys`]: raw key edges through the input filters to ratings and faults.
//! - [`zones`]: safety zone readings through the supervised-zone state
//!   machines to alarms and faults.
//! - [`sim`]: the simulated board's parts, first of all the virtual printer.

#[cfg(feature = "ads1115")]
pub mod adc;
pub mod card;
pub mod command;
pub mod gpio;
pub mod keys;
#[cfg(feature = "ssd1306")]
pub mod oled;
pub mod profile;
pub mod sim;
pub mod zones;

use std::fmt;

use serde::Serialize;

/// A problem in a file a technician wrote (settings, catalog, calendar, board
/// profile), located as precisely as the file allows: `file:line: field
/// `name`: what is wrong`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct FileError {
    pub file: String,
    pub line: Option<usize>,
    pub field: Option<String>,
    pub problem: String,
}

impl FileError {
    /// A problem at byte `span` of `text` (the file `file`), located by line.
    pub fn at(
        file: &str,
        text: &str,
        span: Option<std::ops::Range<usize>>,
        field: Option<String>,
        problem: impl Into<String>,
    ) -> Self {
        Self {
            file: file.to_string(),
            line: span.map(|s| line_at(text, s.start)),
            field,
            problem: problem.into(),
        }
    }
}

/// The 1-based line of byte `offset` in `text`.
pub fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.problem)
    }
}

impl std::error::Error for FileError {}

/// A staff keypad key at a window.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffKey {
    CallNext,
    Recall,
    Skip,
    Complete,
}

impl StaffKey {
    pub const ALL: [StaffKey; 4] = [
        StaffKey::CallNext,
        StaffKey::Recall,
        StaffKey::Skip,
        StaffKey::Complete,
    ];

    /// The word used in commands and logs.
    pub fn word(self) -> &'static str {
        match self {
            StaffKey::CallNext => "call",
            StaffKey::Recall => "recall",
            StaffKey::Skip => "skip",
            StaffKey::Complete => "complete",
        }
    }

    pub fn from_word(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.word() == word)
    }
}

/// An input from the board, after debouncing: what happened, not which pin.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(tag = "input", rename_all = "snake_case")]
pub enum Input {
    /// A staff keypad key was pressed at a window.
    StaffKey { window: u8, key: StaffKey },
    /// An evaluator key was pressed at a window: the rating level its key gives
    /// (the board profile maps keys to levels).
    EvaluatorKey { window: u8, level: u8 },
    /// An evaluator key has been held too long (`stuck`), or is released again.
    EvaluatorStuck { window: u8, level: u8, stuck: bool },
    /// A safety zone (its place in the board profile) changed.
    Zone { zone: u8, signal: zones::ZoneSignal },
}
