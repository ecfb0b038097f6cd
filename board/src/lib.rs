//! Board profiles and backends: what is wired to which pin, and the simulated
//! board that stands in for all of it on a laptop or in tests.
//!
//! Only this crate knows pin numbers. Above it, the kiosk sees [`Input`]s and drives outputs; it never asks
//! which board produced them.
//!
//! - [`command`]: the board's words of the control grammar (inputs, taps, the
//!   printer's faults); the kiosk reads the rest.
//! - [`profile`]: board profiles — evaluator keys, their pins, filters and
//!   card displays.
//! - [`gpio`]: the Pi's GPIO lines through the profile's backend.
//! - [`pi`]: the Pi's hardware routed to the station — the input thread, the
//!   loops' sampling, the outputs by role, the window cards' displays — and
//!   simulated lines and ADCs behind the same traits, for tests.
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
pub mod pi;
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

impl FileError {
    /// A TOML file that did not read into its settings. The TOML reader says
    /// what is wrong and where, but of a value of the wrong type not which
    /// field it is: the field is found from where the problem is, as its
    /// path (`queue.recall_limit`, `evaluator[1].keys`).
    pub fn from_toml(file: &str, text: &str, error: &toml::de::Error) -> Self {
        let problem = error.message().trim().to_string();
        let span = error.span();
        let named = |word: &str| {
            problem
                .strip_prefix(word)
                .and_then(|rest| rest.split('`').nth(1))
                .map(str::to_string)
        };
        let path = span.as_ref().and_then(|s| field_at(text, s));
        let field = match (named("missing field"), path) {
            // A missing field is reported at its table.
            (Some(missing), Some(table)) => Some(format!("{table}.{missing}")),
            (Some(missing), None) => Some(missing),
            (None, Some(path)) => Some(path),
            (None, None) => named("unknown field"),
        };
        Self::at(file, text, span, field, problem)
    }

    /// A file's bytes as text, or where they stop being UTF-8: its line and
    /// the character in it.
    pub fn text(file: &str, bytes: Vec<u8>) -> Result<String, FileError> {
        String::from_utf8(bytes).map_err(|e| {
            let bytes = e.as_bytes();
            let bad = e.utf8_error().valid_up_to();
            let start = bytes[..bad]
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1);
            let column = std::str::from_utf8(&bytes[start..bad]).map_or(0, |t| t.chars().count()) + 1;
            FileError {
                file: file.to_string(),
                line: Some(line_at_bytes(bytes, bad)),
                field: None,
                problem: format!(
                    "character {column} (byte {:#04x}) is not UTF-8 — save the file as UTF-8 (a file saved as GBK can be converted with `iconv -f GBK -t UTF-8`)",
                    bytes[bad]
                ),
            }
        })
    }
}

/// The path of the field a TOML document holds at byte `span`: the deepest
/// key or value that contains it. `None` when the text does not parse.
fn field_at(text: &str, span: &std::ops::Range<usize>) -> Option<String> {
    let document = toml::de::DeTable::parse(text).ok()?;
    let mut best: Option<(usize, String)> = None;
    let mut consider = |path: &str, within: std::ops::Range<usize>| {
        let holds = within.start <= span.start && span.end <= within.end.max(within.start + 1);
        let width = within.end - within.start;
        if holds && best.as_ref().is_none_or(|(w, _)| width <= *w) {
            best = Some((width, path.to_string()));
        }
    };
    walk(document.get_ref(), "", &mut consider);
    best.map(|(_, path)| path)
}

/// Every key and value under `table`, with its path and span, deepest last.
fn walk(
    table: &toml::de::DeTable<'_>,
    prefix: &str,
    consider: &mut impl FnMut(&str, std::ops::Range<usize>),
) {
    for (key, value) in table.iter() {
        let path = if prefix.is_empty() {
            key.get_ref().to_string()
        } else {
            format!("{prefix}.{}", key.get_ref())
        };
        consider(&path, key.span());
        consider(&path, value.span());
        match value.get_ref() {
            toml::de::DeValue::Table(inner) => walk(inner, &path, consider),
            toml::de::DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let path = format!("{path}[{i}]");
                    consider(&path, item.span());
                    if let toml::de::DeValue::Table(inner) = item.get_ref() {
                        walk(inner, &path, consider);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The 1-based line of byte `offset` in `bytes`.
fn line_at_bytes(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
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

/// A staff keypad key at a window: the four calling keys, and on a
/// numeric keypad its digits and its enter key (signing on with a staff
/// number and PIN).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffKey {
    CallNext,
    Recall,
    Skip,
    Complete,
    /// A digit key, 0–9.
    Digit(u8),
    /// The enter key (`#`).
    Enter,
}

const DIGITS: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

impl StaffKey {
    pub const ALL: [StaffKey; 15] = [
        StaffKey::CallNext,
        StaffKey::Recall,
        StaffKey::Skip,
        StaffKey::Complete,
        StaffKey::Digit(0),
        StaffKey::Digit(1),
        StaffKey::Digit(2),
        StaffKey::Digit(3),
        StaffKey::Digit(4),
        StaffKey::Digit(5),
        StaffKey::Digit(6),
        StaffKey::Digit(7),
        StaffKey::Digit(8),
        StaffKey::Digit(9),
        StaffKey::Enter,
    ];

    /// The word used in commands and logs.
    pub fn word(self) -> &'static str {
        match self {
            StaffKey::CallNext => "call",
            StaffKey::Recall => "recall",
            StaffKey::Skip => "skip",
            StaffKey::Complete => "complete",
            StaffKey::Digit(d) => DIGITS.get(usize::from(d)).copied().unwrap_or("?"),
            StaffKey::Enter => "enter",
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
