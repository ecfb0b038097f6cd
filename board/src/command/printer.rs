//! Commands for the simulated printer: its cable, its paper, its cover and
//! its line, each a fault a real printer in a lobby has.

use super::BoardCommand as Command;

/// What happens to the simulated printer: its cable, its paper, its cover, its
/// line. Each is a fault a real printer in a lobby has.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum PrinterAction {
    /// The cable is pulled: the port disappears.
    Unplug,
    /// The cable is pulled just after the next cut: that paper comes out
    /// whole, but the printer's answer to its end marker never reaches the
    /// kiosk.
    UnplugAfterCut,
    /// The cable is back.
    Plug,
    /// The roll is empty now.
    PaperOut,
    /// The roll is nearly empty (the near-end sensor trips).
    PaperLow,
    /// The roll runs out after this many more millimetres (mid-ticket, say).
    PaperEndIn(f32),
    /// A new roll: paper out and paper low clear.
    PaperLoad,
    CoverOpen,
    CoverClose,
    /// The printer goes offline (its panel, an error) and back.
    Offline,
    Online,
    /// A burst of line noise towards the kiosk.
    Garbage,
    /// Answers arrive mangled, as from a printer set to another baud rate.
    WrongBaud(bool),
    /// The printer takes bytes but never prints them (a hung controller); its
    /// status still says all is well.
    Stall(bool),
}

/// The printer words, for messages.
pub const PRINTER_WORDS: &str = "unplug, unplug-after-cut, plug, paper-out, paper-low, paper-end-in MM, paper-load, cover-open, cover-close, offline, online, garbage, wrong-baud on|off, stall on|off";

/// `printer ACTION`, one of [`PRINTER_WORDS`].
pub(super) fn printer(words: &[String]) -> Result<Command, String> {
    let usage = format!("usage: printer {PRINTER_WORDS}");
    let on_off = |w: Option<&String>| match w.map(String::as_str) {
        Some("on") => Ok(true),
        Some("off") => Ok(false),
        _ => Err(usage.clone()),
    };
    let (Some(word), extra) = (words.get(1), words.get(2)) else {
        return Err(usage);
    };
    let one = |action| {
        if words.len() == 2 {
            Ok(Command::Printer(action))
        } else {
            Err(usage.clone())
        }
    };
    match word.as_str() {
        "unplug" => one(PrinterAction::Unplug),
        "unplug-after-cut" => one(PrinterAction::UnplugAfterCut),
        "plug" => one(PrinterAction::Plug),
        "paper-out" => one(PrinterAction::PaperOut),
        "paper-low" => one(PrinterAction::PaperLow),
        "paper-load" => one(PrinterAction::PaperLoad),
        "cover-open" => one(PrinterAction::CoverOpen),
        "cover-close" => one(PrinterAction::CoverClose),
        "offline" => one(PrinterAction::Offline),
        "online" => one(PrinterAction::Online),
        "garbage" => one(PrinterAction::Garbage),
        "paper-end-in" if words.len() == 3 => {
            let mm = extra.map(|m| m.trim_end_matches("mm")).unwrap_or("");
            match mm.parse::<f32>() {
                Ok(mm) if (0.0..=100_000.0).contains(&mm) => {
                    Ok(Command::Printer(PrinterAction::PaperEndIn(mm)))
                }
                _ => Err(format!(
                    "`{}` is not a length of paper in millimetres such as 40",
                    extra.map(String::as_str).unwrap_or("")
                )),
            }
        }
        "wrong-baud" if words.len() == 3 => {
            Ok(Command::Printer(PrinterAction::WrongBaud(on_off(extra)?)))
        }
        "stall" if words.len() == 3 => Ok(Command::Printer(PrinterAction::Stall(on_off(extra)?))),
        "paper-end-in" | "wrong-baud" | "stall" => Err(usage),
        other => Err(format!(
            "`{other}` is not a printer action; use {PRINTER_WORDS}"
        )),
    }
}
