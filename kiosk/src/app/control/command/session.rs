//! Commands about the run rather than the station: screenshots, the state,
//! SQLite's memory, waiting, settling, a hung screen injected, quitting.

use std::path::PathBuf;

use super::Command;
use board::command::{arity, parse_duration};

/// `screenshot FILE.png`.
pub(super) fn screenshot(words: &[String]) -> Result<Command, String> {
    arity(words, 1, "screenshot FILE.png")?;
    Ok(Command::Screenshot(PathBuf::from(&words[1])))
}

/// `scan TEXT`.
pub(super) fn scan(words: &[String]) -> Result<Command, String> {
    arity(
        words,
        1,
        "scan TEXT (what the scanner reads, such as SL2026-00012/4821)",
    )?;
    Ok(Command::Scan(words[1].clone()))
}

/// `state`.
pub(super) fn state(words: &[String]) -> Result<Command, String> {
    arity(words, 0, "state")?;
    Ok(Command::State)
}

/// `memory`.
pub(super) fn memory(words: &[String]) -> Result<Command, String> {
    arity(words, 0, "memory")?;
    Ok(Command::Memory)
}

/// `wait DURATION`.
pub(super) fn wait(words: &[String]) -> Result<Command, String> {
    arity(words, 1, "wait DURATION (such as 500ms, 2s, 1m30s)")?;
    Ok(Command::Wait(parse_duration(&words[1])?))
}

/// `settle [held]`.
pub(super) fn settle(words: &[String]) -> Result<Command, String> {
    match words.get(1).map(String::as_str) {
        None => Ok(Command::Settle { held: false }),
        Some("held") if words.len() == 2 => Ok(Command::Settle { held: true }),
        _ => Err("usage: settle [held]".into()),
    }
}

/// `hang ui DURATION`.
pub(super) fn hang(words: &[String]) -> Result<Command, String> {
    const USAGE: &str = "hang ui DURATION (such as 20s)";
    arity(words, 2, USAGE)?;
    if words[1] != "ui" {
        return Err(format!("usage: {USAGE}"));
    }
    Ok(Command::HangUi(parse_duration(&words[2])?))
}

/// `quit`.
pub(super) fn quit(words: &[String]) -> Result<Command, String> {
    arity(words, 0, "quit")?;
    Ok(Command::Quit)
}
