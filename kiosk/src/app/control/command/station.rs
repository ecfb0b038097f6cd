//! Commands for the station's staff: cases (stages, answers, reopening,
//! extensions, exports), alarms and the clock confirmed with a PIN, and the
//! actions that have no keypad key (transfer, requeue, reprint, pause,
//! reopen), and reloading the holiday calendar.

use super::{Command, VoiceCommand};
use board::command::{arity, window};

/// A staff action that has no keypad key (the staff console will offer these; the
/// control socket offers them to technicians and tests now).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum StaffAction {
    /// Send the window's ticket to the front of another category's queue.
    Transfer { window: u8, category: String },
    /// Put a skipped ticket back into its queue.
    Requeue { ticket: String },
    /// Stop calling at a window for a while.
    Pause { window: u8 },
    /// Print a ticket again, same number (a citizen lost it, or it came out torn).
    Reprint { ticket: String },
    /// Call at a paused window again.
    Reopen { window: u8 },
    /// Move a case on to its next stage, saying what was done (反馈: and
    /// whether the answer was oral or written).
    AdvanceCase {
        case: String,
        stage: String,
        note: String,
        answer: Option<String>,
    },
    /// The complainant disagrees with the answer: check the case again.
    ReopenCase { case: String, note: String },
    /// The member at a window signs off.
    SignOff { window: u8 },
}

/// A window's member steps away (暂离), as `away` words it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct AwayRequest {
    pub window: u8,
    /// A reason word (`meeting`, `visit`, `delivery`, `leave`, `other`) or
    /// its Chinese.
    pub reason: String,
    /// The return time, `HH:MM` today or `+MINUTES`.
    pub back: String,
    pub contact: Option<String>,
    pub instead: Option<u8>,
    /// The manager's number and PIN, for an absence past 30 minutes.
    pub manager: Option<(String, String)>,
}

/// `sign-on WINDOW STAFF-NUMBER PIN`.
pub(super) fn sign_on(words: &[String]) -> Result<Command, String> {
    arity(words, 3, "sign-on WINDOW STAFF-NUMBER PIN")?;
    Ok(Command::SignOn {
        window: window(words.get(1))?,
        staff: words[2].clone(),
        pin: words[3].clone(),
    })
}

/// `sign-off WINDOW`.
pub(super) fn sign_off(words: &[String]) -> Result<Command, String> {
    arity(words, 1, "sign-off WINDOW")?;
    Ok(Command::Staff(StaffAction::SignOff {
        window: window(words.get(1))?,
    }))
}

/// `away WINDOW REASON HH:MM|+MINUTES [contact NUMBER] [instead WINDOW]
/// [manager STAFF-NUMBER PIN]`.
pub(super) fn away(words: &[String]) -> Result<Command, String> {
    const USAGE: &str = "away WINDOW REASON HH:MM|+MINUTES [contact NUMBER] [instead WINDOW] [manager STAFF-NUMBER PIN] (REASON: meeting, visit, delivery, leave, other)";
    if words.len() < 4 {
        return Err(format!("usage: {USAGE}"));
    }
    let mut request = AwayRequest {
        window: window(words.get(1))?,
        reason: words[2].clone(),
        back: words[3].clone(),
        contact: None,
        instead: None,
        manager: None,
    };
    let mut rest = words[4..].iter();
    while let Some(word) = rest.next() {
        let mut value = || {
            rest.next()
                .cloned()
                .ok_or_else(|| format!("`{word}` needs a value; usage: {USAGE}"))
        };
        match word.as_str() {
            "contact" => request.contact = Some(value()?),
            "instead" => request.instead = Some(window(Some(&value()?))?),
            "manager" => {
                let staff = value()?;
                let pin = value()?;
                request.manager = Some((staff, pin));
            }
            other => {
                return Err(format!(
                    "`{other}` is not contact, instead or manager; usage: {USAGE}"
                ));
            }
        }
    }
    Ok(Command::Away(request))
}

/// `case NUMBER …`: a case's next stage, its answer, reopening,
/// extension or export.
pub(super) fn case(words: &[String]) -> Result<Command, String> {
    const USAGE: &str = "case NUMBER STAGE \"NOTE\" (STAGE: registered, handled, archived), \
        case NUMBER answered oral|written \"NOTE\", case NUMBER reopen \"NOTE\", \
        case NUMBER extend DAYS STAFF-NUMBER PIN \"REASON\", \
        case NUMBER export STAFF-NUMBER PIN";
    match words.get(2).map(String::as_str) {
        Some("export") => {
            arity(words, 4, USAGE)?;
            Ok(Command::ExportCase {
                case: words[1].clone(),
                staff: words[3].clone(),
                pin: words[4].clone(),
            })
        }
        Some("extend") => {
            arity(words, 6, USAGE)?;
            let days = words[3]
                .parse()
                .map_err(|_| format!("`{}` is not a number of working days", words[3]))?;
            Ok(Command::ExtendCase {
                case: words[1].clone(),
                days,
                staff: words[4].clone(),
                pin: words[5].clone(),
                reason: words[6].clone(),
            })
        }
        Some("reopen") => {
            arity(words, 3, USAGE)?;
            Ok(Command::Staff(StaffAction::ReopenCase {
                case: words[1].clone(),
                note: words[3].clone(),
            }))
        }
        Some("answered") if words.len() == 5 => Ok(Command::Staff(StaffAction::AdvanceCase {
            case: words[1].clone(),
            stage: words[2].clone(),
            note: words[4].clone(),
            answer: Some(words[3].clone()),
        })),
        _ => {
            arity(words, 3, USAGE)?;
            Ok(Command::Staff(StaffAction::AdvanceCase {
                case: words[1].clone(),
                stage: words[2].clone(),
                note: words[3].clone(),
                answer: None,
            }))
        }
    }
}

/// `alarm ack|reset ZONE STAFF-NUMBER PIN`.
pub(super) fn alarm(words: &[String]) -> Result<Command, String> {
    arity(words, 4, "alarm ack|reset ZONE STAFF-NUMBER PIN")?;
    let reset = match words[1].as_str() {
        "ack" => false,
        "reset" => true,
        other => return Err(format!("`{other}` is not ack or reset")),
    };
    Ok(Command::Alarm {
        reset,
        zone: words[2].clone(),
        staff: words[3].clone(),
        pin: words[4].clone(),
    })
}

/// `clock confirm STAFF-NUMBER PIN`, or `clock jump DATE TIME` (a simulated
/// clock moved forward, in the station's time zone).
pub(super) fn clock(words: &[String]) -> Result<Command, String> {
    if words.get(1).is_some_and(|w| w == "jump") {
        arity(words, 3, "clock jump YYYY-MM-DD HH:MM")?;
        let text = format!("{}T{}", words[2], words[3]);
        let to = text.parse::<jiff::civil::DateTime>().map_err(|_| {
            format!(
                "`{} {}` is not a time like 2026-12-01 09:00",
                words[2], words[3]
            )
        })?;
        return Ok(Command::JumpClock(to));
    }
    arity(
        words,
        3,
        "clock confirm STAFF-NUMBER PIN, or clock jump YYYY-MM-DD HH:MM",
    )?;
    if words[1] != "confirm" {
        return Err(format!("`{}` is not confirm or jump", words[1]));
    }
    Ok(Command::ConfirmClock {
        staff: words[2].clone(),
        pin: words[3].clone(),
    })
}

/// `transfer WINDOW CATEGORY`.
pub(super) fn transfer(words: &[String]) -> Result<Command, String> {
    arity(words, 2, "transfer WINDOW CATEGORY")?;
    let window = window(words.get(1))?;
    Ok(Command::Staff(StaffAction::Transfer {
        window,
        category: words[2].clone(),
    }))
}

/// `requeue TICKET`.
pub(super) fn requeue(words: &[String]) -> Result<Command, String> {
    arity(words, 1, "requeue TICKET")?;
    Ok(Command::Staff(StaffAction::Requeue {
        ticket: words[1].clone(),
    }))
}

/// `reprint TICKET`.
pub(super) fn reprint(words: &[String]) -> Result<Command, String> {
    arity(words, 1, "reprint TICKET")?;
    Ok(Command::Staff(StaffAction::Reprint {
        ticket: words[1].clone(),
    }))
}

/// `pause WINDOW`.
pub(super) fn pause(words: &[String]) -> Result<Command, String> {
    arity(words, 1, "pause WINDOW")?;
    Ok(Command::Staff(StaffAction::Pause {
        window: window(words.get(1))?,
    }))
}

/// `reopen WINDOW`.
pub(super) fn reopen(words: &[String]) -> Result<Command, String> {
    arity(words, 1, "reopen WINDOW")?;
    Ok(Command::Staff(StaffAction::Reopen {
        window: window(words.get(1))?,
    }))
}

/// `voice repeat WINDOW`, `voice stop [ID]`, `voice read SCREEN [en]`.
pub(super) fn voice(words: &[String]) -> Result<Command, String> {
    const USAGE: &str =
        "usage: voice repeat WINDOW | voice stop [ID] | voice read SCREEN [en] | voice wait";
    let command = match (words.get(1).map(String::as_str), words.len()) {
        (Some("wait"), 2) => VoiceCommand::Wait,
        (Some("repeat"), 3) => VoiceCommand::Repeat {
            window: window(words.get(2))?,
        },
        (Some("stop"), 2) => VoiceCommand::Stop { id: None },
        (Some("stop"), 3) => VoiceCommand::Stop {
            id: Some(words[2].parse().map_err(|_| {
                format!(
                    "`{}` is not an announcement's number (see `state`)",
                    words[2]
                )
            })?),
        },
        (Some("read"), 3) => VoiceCommand::Read {
            screen: words[2].clone(),
            english: false,
        },
        (Some("read"), 4) if words[3] == "en" => VoiceCommand::Read {
            screen: words[2].clone(),
            english: true,
        },
        _ => return Err(USAGE.into()),
    };
    Ok(Command::Voice(command))
}

/// `matters load VERSION APPROVER`.
pub(super) fn matters(words: &[String]) -> Result<Command, String> {
    const USAGE: &str = "usage: matters load VERSION APPROVER";
    match words {
        [_, load, version, approver @ ..] if load == "load" && !approver.is_empty() => {
            Ok(Command::MattersLoad {
                version: version.parse().map_err(|_| USAGE.to_string())?,
                approver: approver.join(" "),
            })
        }
        _ => Err(USAGE.into()),
    }
}

/// `calendar reload`.
pub(super) fn calendar(words: &[String]) -> Result<Command, String> {
    if words.len() == 2 && words[1] == "reload" {
        Ok(Command::CalendarReload)
    } else {
        Err("usage: calendar reload".into())
    }
}
