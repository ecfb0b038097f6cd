//! The control grammar: one language for scenario files and the control
//! socket, as plain lines or JSON lines. It covers every simulated input
//! and the touchscreen itself (the board's words, read by `board::command`),
//! the station's own commands — cases, alarms and the clock with a PIN,
//! staff actions, the calendar — and the run itself, so a whole visit can be
//! scripted from outside the process. Parsing is total: any input gives a
//! command or an error that says what was expected, never a panic.
//!
//! - `station.rs`: staff commands: cases, alarms and the clock with a PIN,
//!   actions without a keypad key, the calendar.
//! - `session.rs`: the run itself: screenshots, state, waits, quitting.
//! - `json.rs`: the JSON form, read through the plain one.
//! - `scenario.rs`: scenario files.

mod json;
mod scenario;
mod session;
mod station;

use std::path::PathBuf;
use std::time::Duration;

use board::command::{BoardCommand, parse_words, words};

pub use scenario::{Step, When, parse_scenario};
pub use station::{AwayRequest, StaffAction};

use json::parse_json;

/// One command.
#[derive(Clone, PartialEq, Debug)]
pub enum Command {
    /// The simulated board's own: a tap, a board input, a raw edge, what a
    /// zone reads, the printer's faults.
    Board(BoardCommand),
    /// A staff member acknowledges or resets a zone's alarm with their PIN.
    Alarm {
        reset: bool,
        zone: String,
        staff: String,
        pin: String,
    },
    /// A manager confirms, with their PIN, that the system clock is right
    /// though the journal is ahead of it.
    ConfirmClock { staff: String, pin: String },
    /// Move a simulated clock forward to this time of the station's zone
    /// (the soak bench's year in minutes).
    JumpClock(jiff::civil::DateTime),
    /// A staff action without a keypad key.
    Staff(StaffAction),
    /// The station manager extends a case's deadline, with their PIN.
    ExtendCase {
        case: String,
        days: u32,
        staff: String,
        pin: String,
        reason: String,
    },
    /// Save a PNG of the current screen.
    Screenshot(PathBuf),
    /// Type text and a line end into the screen, as the receipt scanner
    /// does with a receipt's QR code.
    Scan(String),
    /// Print the station's state (queue, windows, printer) as JSON.
    State,
    /// Pause a scenario (on the socket: answer after this long).
    Wait(Duration),
    /// Answer once every print job has finished and the screen shows the result;
    /// with `held`, a job waiting for a printer fault to clear counts as
    /// finished.
    Settle { held: bool },
    /// Read the holiday calendar again: the built-in years plus the files
    /// staff installed with `kiosk calendar load`.
    CalendarReload,
    /// Repeat or stop an announcement, or read a screen aloud as its
    /// 读给我听 button does.
    Voice(VoiceCommand),
    /// Put an installed matter catalog version in force and journal who
    /// approved it (`kiosk matters load` sends it).
    MattersLoad { version: u32, approver: String },
    /// A member signs on at a window with their PIN.
    SignOn {
        window: u8,
        staff: String,
        pin: String,
    },
    /// A window's member steps away (暂离), with the manager's PIN past
    /// 30 minutes.
    Away(AwayRequest),
    /// What SQLite holds in memory, now and at most (the soak bench).
    Memory,
    /// Stop the station cleanly, as SIGTERM would.
    Quit,
    /// Fault injection: the screen's thread stops answering for this long (a
    /// hung UI), so the watchdog must stop being told.
    HangUi(Duration),
    /// The station manager exports a case file with the callback number in
    /// full (`kiosk case export --manager`), with their PIN: the station
    /// journals the export before the file is made.
    ExportCase {
        case: String,
        staff: String,
        pin: String,
    },
}

/// What `voice` asks.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum VoiceCommand {
    /// `voice repeat WINDOW`: say the window's call again.
    Repeat { window: u8 },
    /// `voice stop [ID]`: stop the announcement playing, or a waiting one.
    Stop { id: Option<u64> },
    /// `voice read SCREEN [en]`: read a screen aloud.
    Read { screen: String, english: bool },
    /// `voice wait`: answer once nothing is being said or waits to be.
    Wait,
}

/// The words a command line may start with, for error messages.
pub const WORDS: &str = "tap, key, rate, edge, case, panic, smoke, zone, alarm, clock, transfer, requeue, reprint, pause, reopen, sign-on, sign-off, away, voice, screenshot, scan, state, memory, settle, printer, calendar, matters, wait, hang, quit";

/// Parses one command, plain or JSON (a line starting with `{`).
pub fn parse(line: &str) -> Result<Command, String> {
    let line = line.trim();
    if line.starts_with('{') {
        parse_json(line)
    } else {
        parse_plain(line)
    }
}

/// Reads the plain form: the first word names the command; the board reads
/// its own, the module for what the command is about reads the rest.
fn parse_plain(line: &str) -> Result<Command, String> {
    let words = words(line)?;
    let Some(first) = words.first() else {
        return Err(format!("empty command; commands are {WORDS}"));
    };
    if let Some(board) = parse_words(&words) {
        return board.map(Command::Board);
    }
    match first.to_ascii_lowercase().as_str() {
        "case" => station::case(&words),
        "alarm" => station::alarm(&words),
        "clock" => station::clock(&words),
        "transfer" => station::transfer(&words),
        "requeue" => station::requeue(&words),
        "reprint" => station::reprint(&words),
        "pause" => station::pause(&words),
        "reopen" => station::reopen(&words),
        "sign-on" => station::sign_on(&words),
        "sign-off" => station::sign_off(&words),
        "away" => station::away(&words),
        "calendar" => station::calendar(&words),
        "matters" => station::matters(&words),
        "voice" => station::voice(&words),
        "hang" => session::hang(&words),
        "screenshot" => session::screenshot(&words),
        "scan" => session::scan(&words),
        "state" => session::state(&words),
        "memory" => session::memory(&words),
        "wait" => session::wait(&words),
        "settle" => session::settle(&words),
        "quit" => session::quit(&words),
        other => Err(format!("unknown command `{other}`; commands are {WORDS}")),
    }
}

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;
