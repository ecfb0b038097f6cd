//! The simulated board's command grammar: its inputs (keypad keys,
//! ratings, raw pin edges, what a safety zone reads), the touchscreen's taps
//! and the virtual printer's faults, as plain words. The kiosk's control
//! module (`kiosk/src/app/control/command/`) reads whole command lines,
//! plain or JSON, with the station's own commands beside these, and hands
//! the words of a board command here. Parsing is total: any words give a
//! command or an error that says what was expected, never a panic.
//!
//! - `input.rs`: the board's inputs and the touchscreen.
//! - `printer.rs`: the simulated printer's faults.
//! - `syntax.rs`: words, window numbers, argument counts, durations.

mod input;
mod printer;
mod syntax;

use crate::Input;
use crate::zones::ZoneRead;

pub use input::Target;
pub use printer::{PRINTER_WORDS, PrinterAction};
pub use syntax::{arity, parse_duration, window, words};

/// One command for the simulated board.
#[derive(Clone, PartialEq, Debug)]
pub enum BoardCommand {
    /// Touch the screen.
    Tap(Target),
    /// A board input: keypad, evaluator, panic, smoke.
    Input(Input),
    /// A raw level on a pin, before debouncing (`pressed`: the contact
    /// closes).
    Edge { pin: u32, pressed: bool },
    /// What a safety zone's input reads (by zone name or role).
    Zone { zone: String, read: ZoneRead },
    /// Pull or replace the printer cable, and the printer's other faults.
    Printer(PrinterAction),
}

/// The words a board command starts with, for messages.
pub const BOARD_WORDS: &str = "tap, key, rate, edge, panic, smoke, zone, printer";

/// Reads `words` (a line split by [`words`]) as a board command: `None`
/// when the first word is not one of [`BOARD_WORDS`].
pub fn parse_words(words: &[String]) -> Option<Result<BoardCommand, String>> {
    let first = words.first()?.to_ascii_lowercase();
    Some(match first.as_str() {
        "tap" => input::tap(words),
        "key" => input::key(words),
        "rate" => input::rate(words),
        "edge" => input::edge(words),
        "panic" => input::panic_button(words),
        "smoke" => input::smoke(words),
        "zone" => input::zone(words),
        "printer" => printer::printer(words),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(line: &str) -> Option<Result<BoardCommand, String>> {
        parse_words(&words(line).unwrap())
    }

    #[test]
    fn only_the_boards_words_are_read_here() {
        assert_eq!(
            read("edge 5 down"),
            Some(Ok(BoardCommand::Edge {
                pin: 5,
                pressed: true
            }))
        );
        assert_eq!(
            read("printer cover-open"),
            Some(Ok(BoardCommand::Printer(PrinterAction::CoverOpen)))
        );
        assert!(read("case C-1 handled \"x\"").is_none());
        assert!(read("").is_none());
        assert!(read("rate 1").unwrap().is_err());
    }
}
