//! The command grammar of the simulated board: one language for scenario files and
//! the control socket, as plain lines or JSON lines.
//!
//! It covers every simulated input and the touchscreen itself (tap by element id,
//! accessible label or coordinates; screenshot; state), so a whole visit can be
//! scripted from outside the process. Parsing is total: any input gives a command
//! or an error that says what was expected, never a panic.

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use drivers::zone::{FaultKind, Reading};

use crate::zones::ZoneRead;
use crate::{Input, StaffKey};

/// What to tap on the touchscreen.
#[derive(Clone, PartialEq, Debug)]
pub enum Target {
    /// An element id from the `.slint` files, such as `category-A`.
    Id(String),
    /// An accessible label, such as `社保医保`.
    Label(String),
    /// Physical pixel coordinates from the top left.
    At { x: f32, y: f32 },
}

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
}

/// One command.
#[derive(Clone, PartialEq, Debug)]
pub enum Command {
    /// Touch the screen.
    Tap(Target),
    /// A board input: keypad, evaluator, panic, smoke.
    Input(Input),
    /// A raw level on a pin, before debouncing (`pressed`: the contact
    /// closes).
    Edge { pin: u32, pressed: bool },
    /// What a safety zone's input reads (by zone name or role).
    Zone { zone: String, read: ZoneRead },
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
    /// Print the station's state (queue, windows, printer) as JSON.
    State,
    /// Pull or replace the printer cable.
    Printer(PrinterAction),
    /// Pause a scenario (on the socket: answer after this long).
    Wait(Duration),
    /// Answer once every print job has finished and the screen shows the result;
    /// with `held`, a job waiting for a printer fault to clear counts as
    /// finished.
    Settle { held: bool },
    /// Read the holiday calendar again: the built-in years plus the files
    /// staff installed with `kiosk calendar load`.
    CalendarReload,
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

const ZONE_USAGE: &str =
    "zone NAME normal|active|open|short|noise|fault|OHMS (what the zone's input reads)";

/// The words a command line may start with, for error messages.
pub const WORDS: &str = "tap, key, rate, edge, case, panic, smoke, zone, alarm, clock, transfer, requeue, reprint, pause, reopen, screenshot, state, settle, printer, calendar, wait, hang, quit";

/// Parses one command, plain or JSON (a line starting with `{`).
pub fn parse(line: &str) -> Result<Command, String> {
    let line = line.trim();
    if line.starts_with('{') {
        parse_json(line)
    } else {
        parse_plain(line)
    }
}

/// Splits a line into words; double quotes group words, `\"` escapes a quote.
fn words(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut word = String::new();
        if c == '"' {
            chars.next();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '\\' => word.extend(chars.next()),
                    '"' => {
                        closed = true;
                        break;
                    }
                    c => word.push(c),
                }
            }
            if !closed {
                return Err("a quoted word is not closed with \"".into());
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                word.push(c);
                chars.next();
            }
        }
        out.push(word);
    }
    Ok(out)
}

fn window(word: Option<&String>) -> Result<u8, String> {
    word.and_then(|w| w.parse::<u8>().ok())
        .filter(|w| (1..=99).contains(w))
        .ok_or_else(|| "expected a window number 1–99".to_string())
}

fn parse_plain(line: &str) -> Result<Command, String> {
    let words = words(line)?;
    let Some(first) = words.first() else {
        return Err(format!("empty command; commands are {WORDS}"));
    };
    let arg = |i: usize| words.get(i);
    let arity = |n: usize, usage: &str| {
        if words.len() == n + 1 {
            Ok(())
        } else {
            Err(format!("usage: {usage}"))
        }
    };
    match first.to_ascii_lowercase().as_str() {
        "tap" => match words.len() {
            2 => Ok(Command::Tap(Target::Id(words[1].clone()))),
            3 if words[1] == "label" => Ok(Command::Tap(Target::Label(words[2].clone()))),
            3 if words[1] == "id" => Ok(Command::Tap(Target::Id(words[2].clone()))),
            3 => {
                let x = words[1]
                    .parse::<f32>()
                    .ok()
                    .filter(|v| v.is_finite() && *v >= 0.0);
                let y = words[2]
                    .parse::<f32>()
                    .ok()
                    .filter(|v| v.is_finite() && *v >= 0.0);
                match (x, y) {
                    (Some(x), Some(y)) => Ok(Command::Tap(Target::At { x, y })),
                    _ => Err("usage: tap ELEMENT-ID | tap label \"LABEL\" | tap X Y".into()),
                }
            }
            _ => Err("usage: tap ELEMENT-ID | tap label \"LABEL\" | tap X Y".into()),
        },
        "key" => {
            arity(2, "key WINDOW call|recall|skip|complete")?;
            let window = window(arg(1))?;
            let key = StaffKey::from_word(&words[2].to_ascii_lowercase()).ok_or_else(|| {
                format!(
                    "`{}` is not a keypad key; use call, recall, skip or complete",
                    words[2]
                )
            })?;
            Ok(Command::Input(Input::StaffKey { window, key }))
        }
        "rate" => {
            arity(
                2,
                "rate WINDOW LEVEL (the key giving LEVEL, 5 非常满意 … 1 非常不满意)",
            )?;
            let window = window(arg(1))?;
            let level = words[2]
                .parse::<u8>()
                .ok()
                .filter(|k| (1..=5).contains(k))
                .ok_or_else(|| format!("`{}` is not a rating level 1–5", words[2]))?;
            Ok(Command::Input(Input::EvaluatorKey { window, level }))
        }
        "edge" => {
            arity(
                2,
                "edge PIN down|up (a raw level on a key's pin, before debouncing)",
            )?;
            let pin = words[1]
                .parse::<u32>()
                .ok()
                .filter(|p| *p < 1024)
                .ok_or_else(|| format!("`{}` is not a pin number", words[1]))?;
            let pressed = match words[2].as_str() {
                "down" => true,
                "up" => false,
                other => return Err(format!("`{other}` is not down or up")),
            };
            Ok(Command::Edge { pin, pressed })
        }
        "case" => {
            const USAGE: &str = "case NUMBER STAGE \"NOTE\" (STAGE: registered, handled, archived), \
                case NUMBER answered oral|written \"NOTE\", case NUMBER reopen \"NOTE\", \
                case NUMBER extend DAYS STAFF-NUMBER PIN \"REASON\", \
                case NUMBER export STAFF-NUMBER PIN";
            match words.get(2).map(String::as_str) {
                Some("export") => {
                    arity(4, USAGE)?;
                    Ok(Command::ExportCase {
                        case: words[1].clone(),
                        staff: words[3].clone(),
                        pin: words[4].clone(),
                    })
                }
                Some("extend") => {
                    arity(6, USAGE)?;
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
                    arity(3, USAGE)?;
                    Ok(Command::Staff(StaffAction::ReopenCase {
                        case: words[1].clone(),
                        note: words[3].clone(),
                    }))
                }
                Some("answered") if words.len() == 5 => {
                    Ok(Command::Staff(StaffAction::AdvanceCase {
                        case: words[1].clone(),
                        stage: words[2].clone(),
                        note: words[4].clone(),
                        answer: Some(words[3].clone()),
                    }))
                }
                _ => {
                    arity(3, USAGE)?;
                    Ok(Command::Staff(StaffAction::AdvanceCase {
                        case: words[1].clone(),
                        stage: words[2].clone(),
                        note: words[3].clone(),
                        answer: None,
                    }))
                }
            }
        }
        "panic" => {
            arity(1, "panic press|release")?;
            let reading = match words[1].as_str() {
                "press" => Reading::Active,
                "release" => Reading::Normal,
                other => return Err(format!("`{other}` is not press or release")),
            };
            Ok(Command::Zone {
                zone: "panic".into(),
                read: ZoneRead::Reading(reading),
            })
        }
        "smoke" => {
            arity(1, "smoke on|off")?;
            let reading = match words[1].as_str() {
                "on" => Reading::Active,
                "off" => Reading::Normal,
                other => return Err(format!("`{other}` is not on or off")),
            };
            Ok(Command::Zone {
                zone: "smoke".into(),
                read: ZoneRead::Reading(reading),
            })
        }
        "alarm" => {
            arity(4, "alarm ack|reset ZONE STAFF-NUMBER PIN")?;
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
        "clock" => {
            arity(3, "clock confirm STAFF-NUMBER PIN")?;
            if words[1] != "confirm" {
                return Err(format!("`{}` is not confirm", words[1]));
            }
            Ok(Command::ConfirmClock {
                staff: words[2].clone(),
                pin: words[3].clone(),
            })
        }
        "zone" => {
            arity(2, ZONE_USAGE)?;
            let read = match words[2].as_str() {
                "normal" => ZoneRead::Reading(Reading::Normal),
                "active" => ZoneRead::Reading(Reading::Active),
                "open" => ZoneRead::Reading(Reading::Fault(FaultKind::Open)),
                "short" => ZoneRead::Reading(Reading::Fault(FaultKind::Short)),
                "noise" => ZoneRead::Reading(Reading::Fault(FaultKind::Noise)),
                "fault" => ZoneRead::Reading(Reading::Fault(FaultKind::Detector)),
                value => match value.parse::<f32>() {
                    Ok(v) if v.is_finite() && v >= 0.0 => ZoneRead::Value(v),
                    _ => return Err(format!("usage: {ZONE_USAGE}")),
                },
            };
            Ok(Command::Zone {
                zone: words[1].clone(),
                read,
            })
        }
        "transfer" => {
            arity(2, "transfer WINDOW CATEGORY")?;
            let window = window(arg(1))?;
            Ok(Command::Staff(StaffAction::Transfer {
                window,
                category: words[2].clone(),
            }))
        }
        "requeue" => {
            arity(1, "requeue TICKET")?;
            Ok(Command::Staff(StaffAction::Requeue {
                ticket: words[1].clone(),
            }))
        }
        "reprint" => {
            arity(1, "reprint TICKET")?;
            Ok(Command::Staff(StaffAction::Reprint {
                ticket: words[1].clone(),
            }))
        }
        "pause" => {
            arity(1, "pause WINDOW")?;
            Ok(Command::Staff(StaffAction::Pause {
                window: window(arg(1))?,
            }))
        }
        "reopen" => {
            arity(1, "reopen WINDOW")?;
            Ok(Command::Staff(StaffAction::Reopen {
                window: window(arg(1))?,
            }))
        }
        "calendar" => {
            if words.len() == 2 && words[1] == "reload" {
                Ok(Command::CalendarReload)
            } else {
                Err("usage: calendar reload".into())
            }
        }
        "hang" => {
            const USAGE: &str = "hang ui DURATION (such as 20s)";
            arity(2, USAGE)?;
            if words[1] != "ui" {
                return Err(format!("usage: {USAGE}"));
            }
            Ok(Command::HangUi(parse_duration(&words[2])?))
        }
        "screenshot" => {
            arity(1, "screenshot FILE.png")?;
            Ok(Command::Screenshot(PathBuf::from(&words[1])))
        }
        "state" => {
            arity(0, "state")?;
            Ok(Command::State)
        }
        "printer" => {
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
                "stall" if words.len() == 3 => {
                    Ok(Command::Printer(PrinterAction::Stall(on_off(extra)?)))
                }
                "paper-end-in" | "wrong-baud" | "stall" => Err(usage),
                other => Err(format!(
                    "`{other}` is not a printer action; use {PRINTER_WORDS}"
                )),
            }
        }
        "wait" => {
            arity(1, "wait DURATION (such as 500ms, 2s, 1m30s)")?;
            Ok(Command::Wait(parse_duration(&words[1])?))
        }
        "settle" => match words.get(1).map(String::as_str) {
            None => Ok(Command::Settle { held: false }),
            Some("held") if words.len() == 2 => Ok(Command::Settle { held: true }),
            _ => Err("usage: settle [held]".into()),
        },
        "quit" => {
            arity(0, "quit")?;
            Ok(Command::Quit)
        }
        other => Err(format!("unknown command `{other}`; commands are {WORDS}")),
    }
}

/// The JSON form: `{"cmd": "tap", "id": "category-A"}` and so on; the fields are
/// the plain form's arguments by name.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Json {
    cmd: String,
    id: Option<String>,
    pin: Option<serde_json::Value>,
    zone: Option<String>,
    staff: Option<String>,
    level: Option<u8>,
    case: Option<String>,
    stage: Option<String>,
    note: Option<String>,
    answer: Option<String>,
    days: Option<u32>,
    reason: Option<String>,
    label: Option<String>,
    x: Option<f32>,
    y: Option<f32>,
    window: Option<u8>,
    key: Option<serde_json::Value>,
    state: Option<String>,
    path: Option<PathBuf>,
    action: Option<String>,
    ms: Option<u64>,
    category: Option<String>,
    ticket: Option<String>,
}

fn parse_json(line: &str) -> Result<Command, String> {
    let j: Json = serde_json::from_str(line).map_err(|e| format!("not a JSON command: {e}"))?;
    let need = |field: &str| format!("`{}` needs the field `{field}`", j.cmd);
    let plain = match j.cmd.as_str() {
        "tap" => match (&j.id, &j.label, j.x, j.y) {
            (Some(id), None, None, None) => return Ok(Command::Tap(Target::Id(id.clone()))),
            (None, Some(l), None, None) => return Ok(Command::Tap(Target::Label(l.clone()))),
            (None, None, Some(x), Some(y)) => format!("tap {x} {y}"),
            _ => return Err("`tap` needs `id`, `label`, or `x` and `y`".into()),
        },
        "rate" => format!(
            "rate {} {}",
            j.window.ok_or_else(|| need("window"))?,
            j.level.ok_or_else(|| need("level"))?
        ),
        "key" => {
            let window = j.window.ok_or_else(|| need("window"))?;
            let key = match j.key.as_ref().ok_or_else(|| need("key"))? {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Number(n) => n.to_string(),
                _ => return Err(need("key")),
            };
            format!("{} {window} {key}", j.cmd)
        }
        "edge" => format!(
            "edge {} {}",
            quote(&value_text(j.pin.as_ref()).ok_or_else(|| need("pin"))?),
            j.state.as_deref().ok_or_else(|| need("state"))?
        ),
        "case" => {
            let case = quote(&j.case.clone().ok_or_else(|| need("case"))?);
            let stage = j.stage.clone().ok_or_else(|| need("stage"))?;
            match (stage.as_str(), &j.answer) {
                ("export", _) => format!(
                    "case {case} export {} {}",
                    quote(&j.staff.clone().ok_or_else(|| need("staff"))?),
                    quote(&value_text(j.pin.as_ref()).ok_or_else(|| need("pin"))?)
                ),
                ("extend", _) => format!(
                    "case {case} extend {} {} {} {}",
                    j.days.ok_or_else(|| need("days"))?,
                    quote(&j.staff.clone().ok_or_else(|| need("staff"))?),
                    quote(&value_text(j.pin.as_ref()).ok_or_else(|| need("pin"))?),
                    quote(&j.reason.clone().unwrap_or_default())
                ),
                (_, Some(answer)) => format!(
                    "case {case} {} {} {}",
                    quote(&stage),
                    quote(answer),
                    quote(&j.note.clone().unwrap_or_default())
                ),
                _ => format!(
                    "case {case} {} {}",
                    quote(&stage),
                    quote(&j.note.clone().unwrap_or_default())
                ),
            }
        }
        "alarm" => format!(
            "alarm {} {} {} {}",
            j.action.as_deref().ok_or_else(|| need("action"))?,
            quote(&j.zone.clone().ok_or_else(|| need("zone"))?),
            quote(&j.staff.clone().ok_or_else(|| need("staff"))?),
            quote(&value_text(j.pin.as_ref()).ok_or_else(|| need("pin"))?)
        ),
        "clock" => format!(
            "clock {} {} {}",
            j.action.as_deref().ok_or_else(|| need("action"))?,
            quote(&j.staff.clone().ok_or_else(|| need("staff"))?),
            quote(&value_text(j.pin.as_ref()).ok_or_else(|| need("pin"))?)
        ),
        "zone" => format!(
            "zone {} {}",
            quote(&j.zone.clone().ok_or_else(|| need("zone"))?),
            j.state.as_deref().ok_or_else(|| need("state"))?
        ),
        "panic" | "smoke" => format!(
            "{} {}",
            j.cmd,
            j.state.as_deref().ok_or_else(|| need("state"))?
        ),
        "transfer" => {
            let window = j.window.ok_or_else(|| need("window"))?;
            let category = j.category.clone().ok_or_else(|| need("category"))?;
            format!("transfer {window} {}", quote(&category))
        }
        "requeue" | "reprint" => format!(
            "{} {}",
            j.cmd,
            quote(&j.ticket.clone().ok_or_else(|| need("ticket"))?)
        ),
        "pause" | "reopen" => format!("{} {}", j.cmd, j.window.ok_or_else(|| need("window"))?),
        "screenshot" => {
            return Ok(Command::Screenshot(
                j.path.clone().ok_or_else(|| need("path"))?,
            ));
        }
        "printer" => format!(
            "printer {}",
            j.action.as_deref().ok_or_else(|| need("action"))?
        ),
        "wait" => {
            return Ok(Command::Wait(Duration::from_millis(
                j.ms.ok_or_else(|| need("ms"))?,
            )));
        }
        "settle" => match j.state.as_deref() {
            None => "settle".into(),
            Some(state) => format!("settle {state}"),
        },
        "state" | "quit" => j.cmd.clone(),
        "calendar" => format!(
            "calendar {}",
            j.action.as_deref().ok_or_else(|| need("action"))?
        ),
        other => return Err(format!("unknown command `{other}`; commands are {WORDS}")),
    };
    parse_plain(&plain)
}

/// A JSON string or number as the plain form's word.
fn value_text(v: Option<&serde_json::Value>) -> Option<String> {
    match v? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A word quoted for the plain form, so that any text survives the round trip.
fn quote(word: &str) -> String {
    format!("\"{}\"", word.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `500ms`, `2s`, `1.5s`, `1m`, `1m30s`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("`{text}` is not a duration such as 500ms, 2s or 1m30s");
    let mut total = 0f64;
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        let value: f64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let (unit, len) = if rest.starts_with("ms") {
            (0.001, 2)
        } else if rest.starts_with('s') {
            (1.0, 1)
        } else if rest.starts_with('m') {
            (60.0, 1)
        } else if rest.starts_with('h') {
            (3600.0, 1)
        } else {
            return Err(bad());
        };
        total += value * unit;
        rest = &rest[len..];
    }
    if !(0.0..=86_400.0).contains(&total) {
        return Err(format!("`{text}` is longer than a day"));
    }
    Ok(Duration::from_secs_f64(total))
}

/// When a scenario step runs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum When {
    /// Right after the previous step.
    Next,
    /// This long after the previous step (`+2s`).
    After(Duration),
    /// This long after the scenario started (`@10s`).
    At(Duration),
}

/// One line of a scenario file.
#[derive(Clone, PartialEq, Debug)]
pub struct Step {
    pub line: usize,
    pub when: When,
    pub command: Command,
}

/// Parses a scenario file: one command a line, optionally led by `+DURATION`
/// (after the previous step) or `@DURATION` (from the start); `#` starts a comment.
/// Errors name the file and line.
pub fn parse_scenario(name: &str, text: &str) -> Result<Vec<Step>, String> {
    let mut steps = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let content = match raw.find(" #") {
            Some(at) if !raw.trim_start().starts_with('{') => &raw[..at],
            _ => raw,
        };
        let content = content.trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let err = |e: String| format!("{name}:{line}: {e}");
        let (when, rest) = match content.chars().next() {
            Some(mark @ ('+' | '@')) => {
                let (time, rest) = content[1..]
                    .split_once(char::is_whitespace)
                    .unwrap_or((&content[1..], ""));
                let d = parse_duration(time).map_err(err)?;
                (
                    if mark == '+' {
                        When::After(d)
                    } else {
                        When::At(d)
                    },
                    rest,
                )
            }
            _ => (When::Next, content),
        };
        let command = parse(rest).map_err(err)?;
        steps.push(Step {
            line,
            when,
            command,
        });
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_json_forms_mean_the_same() {
        let table: &[(&str, &str, Command)] = &[
            (
                "tap category-A",
                r#"{"cmd":"tap","id":"category-A"}"#,
                Command::Tap(Target::Id("category-A".into())),
            ),
            (
                "tap label \"社保 医保\"",
                r#"{"cmd":"tap","label":"社保 医保"}"#,
                Command::Tap(Target::Label("社保 医保".into())),
            ),
            (
                "tap 400 240.5",
                r#"{"cmd":"tap","x":400,"y":240.5}"#,
                Command::Tap(Target::At { x: 400.0, y: 240.5 }),
            ),
            (
                "key 2 call",
                r#"{"cmd":"key","window":2,"key":"call"}"#,
                Command::Input(Input::StaffKey {
                    window: 2,
                    key: StaffKey::CallNext,
                }),
            ),
            (
                "rate 1 5",
                r#"{"cmd":"rate","window":1,"level":5}"#,
                Command::Input(Input::EvaluatorKey {
                    window: 1,
                    level: 5,
                }),
            ),
            (
                "edge 19 down",
                r#"{"cmd":"edge","pin":19,"state":"down"}"#,
                Command::Edge {
                    pin: 19,
                    pressed: true,
                },
            ),
            (
                "case 2026-0001 registered \"站长已到窗口\"",
                r#"{"cmd":"case","case":"2026-0001","stage":"registered","note":"站长已到窗口"}"#,
                Command::Staff(StaffAction::AdvanceCase {
                    case: "2026-0001".into(),
                    stage: "registered".into(),
                    note: "站长已到窗口".into(),
                    answer: None,
                }),
            ),
            (
                "case 2026-0001 answered written \"书面答复已寄出\"",
                r#"{"cmd":"case","case":"2026-0001","stage":"answered","answer":"written","note":"书面答复已寄出"}"#,
                Command::Staff(StaffAction::AdvanceCase {
                    case: "2026-0001".into(),
                    stage: "answered".into(),
                    note: "书面答复已寄出".into(),
                    answer: Some("written".into()),
                }),
            ),
            (
                "case 2026-0001 reopen \"群众不认可处理结果\"",
                r#"{"cmd":"case","case":"2026-0001","stage":"reopen","note":"群众不认可处理结果"}"#,
                Command::Staff(StaffAction::ReopenCase {
                    case: "2026-0001".into(),
                    note: "群众不认可处理结果".into(),
                }),
            ),
            (
                "case 2026-0001 extend 10 0001 2468 \"需县医保局核实\"",
                r#"{"cmd":"case","case":"2026-0001","stage":"extend","days":10,"staff":"0001","pin":"2468","reason":"需县医保局核实"}"#,
                Command::ExtendCase {
                    case: "2026-0001".into(),
                    days: 10,
                    staff: "0001".into(),
                    pin: "2468".into(),
                    reason: "需县医保局核实".into(),
                },
            ),
            (
                "case 2026-0001 export 0001 13579",
                r#"{"cmd":"case","case":"2026-0001","stage":"export","staff":"0001","pin":"13579"}"#,
                Command::ExportCase {
                    case: "2026-0001".into(),
                    staff: "0001".into(),
                    pin: "13579".into(),
                },
            ),
            (
                "panic press",
                r#"{"cmd":"panic","state":"press"}"#,
                Command::Zone {
                    zone: "panic".into(),
                    read: ZoneRead::Reading(Reading::Active),
                },
            ),
            (
                "smoke off",
                r#"{"cmd":"smoke","state":"off"}"#,
                Command::Zone {
                    zone: "smoke".into(),
                    read: ZoneRead::Reading(Reading::Normal),
                },
            ),
            (
                "alarm reset smoke 0101 2468",
                r#"{"cmd":"alarm","action":"reset","zone":"smoke","staff":"0101","pin":"2468"}"#,
                Command::Alarm {
                    reset: true,
                    zone: "smoke".into(),
                    staff: "0101".into(),
                    pin: "2468".into(),
                },
            ),
            (
                "zone smoke open",
                r#"{"cmd":"zone","zone":"smoke","state":"open"}"#,
                Command::Zone {
                    zone: "smoke".into(),
                    read: ZoneRead::Reading(Reading::Fault(FaultKind::Open)),
                },
            ),
            (
                "zone panic 1500",
                r#"{"cmd":"zone","zone":"panic","state":"1500"}"#,
                Command::Zone {
                    zone: "panic".into(),
                    read: ZoneRead::Value(1500.0),
                },
            ),
            (
                "screenshot out/home.png",
                r#"{"cmd":"screenshot","path":"out/home.png"}"#,
                Command::Screenshot("out/home.png".into()),
            ),
            ("state", r#"{"cmd":"state"}"#, Command::State),
            (
                "printer unplug",
                r#"{"cmd":"printer","action":"unplug"}"#,
                Command::Printer(PrinterAction::Unplug),
            ),
            (
                "printer paper-end-in 40mm",
                r#"{"cmd":"printer","action":"paper-end-in 40"}"#,
                Command::Printer(PrinterAction::PaperEndIn(40.0)),
            ),
            (
                "printer stall on",
                r#"{"cmd":"printer","action":"stall on"}"#,
                Command::Printer(PrinterAction::Stall(true)),
            ),
            (
                "printer cover-open",
                r#"{"cmd":"printer","action":"cover-open"}"#,
                Command::Printer(PrinterAction::CoverOpen),
            ),
            (
                "reprint A012",
                r#"{"cmd":"reprint","ticket":"A012"}"#,
                Command::Staff(StaffAction::Reprint {
                    ticket: "A012".into(),
                }),
            ),
            (
                "wait 1m30s",
                r#"{"cmd":"wait","ms":90000}"#,
                Command::Wait(Duration::from_secs(90)),
            ),
            (
                "settle",
                r#"{"cmd":"settle"}"#,
                Command::Settle { held: false },
            ),
            (
                "settle held",
                r#"{"cmd":"settle","state":"held"}"#,
                Command::Settle { held: true },
            ),
            (
                "transfer 1 C",
                r#"{"cmd":"transfer","window":1,"category":"C"}"#,
                Command::Staff(StaffAction::Transfer {
                    window: 1,
                    category: "C".into(),
                }),
            ),
            (
                "requeue A001",
                r#"{"cmd":"requeue","ticket":"A001"}"#,
                Command::Staff(StaffAction::Requeue {
                    ticket: "A001".into(),
                }),
            ),
            (
                "pause 2",
                r#"{"cmd":"pause","window":2}"#,
                Command::Staff(StaffAction::Pause { window: 2 }),
            ),
            (
                "reopen 2",
                r#"{"cmd":"reopen","window":2}"#,
                Command::Staff(StaffAction::Reopen { window: 2 }),
            ),
            ("quit", r#"{"cmd":"quit"}"#, Command::Quit),
            (
                "calendar reload",
                r#"{"cmd":"calendar","action":"reload"}"#,
                Command::CalendarReload,
            ),
        ];
        for (plain, json, expected) in table {
            assert_eq!(parse(plain).as_ref(), Ok(expected), "{plain}");
            assert_eq!(parse(json).as_ref(), Ok(expected), "{json}");
        }
    }

    #[test]
    fn a_hung_screen_is_injected_for_a_duration() {
        assert_eq!(
            parse("hang ui 2s"),
            Ok(Command::HangUi(Duration::from_secs(2)))
        );
    }

    #[test]
    fn malformed_commands_say_what_was_expected() {
        let table = [
            (
                "",
                "empty command; commands are tap, key, rate, edge, case, panic, smoke, zone, alarm, clock, transfer, requeue, reprint, pause, reopen, screenshot, state, settle, printer, calendar, wait, hang, quit",
            ),
            (
                "dance",
                "unknown command `dance`; commands are tap, key, rate, edge, case, panic, smoke, zone, alarm, clock, transfer, requeue, reprint, pause, reopen, screenshot, state, settle, printer, calendar, wait, hang, quit",
            ),
            ("key 1", "usage: key WINDOW call|recall|skip|complete"),
            ("hang screen 2s", "usage: hang ui DURATION (such as 20s)"),
            ("hang ui", "usage: hang ui DURATION (such as 20s)"),
            ("key 0 call", "expected a window number 1–99"),
            (
                "key 1 dance",
                "`dance` is not a keypad key; use call, recall, skip or complete",
            ),
            ("rate 1 9", "`9` is not a rating level 1–5"),
            ("edge 5 sideways", "`sideways` is not down or up"),
            (
                "tap",
                "usage: tap ELEMENT-ID | tap label \"LABEL\" | tap X Y",
            ),
            (
                "tap -1 5",
                "usage: tap ELEMENT-ID | tap label \"LABEL\" | tap X Y",
            ),
            ("tap label \"open", "a quoted word is not closed with \""),
            (
                "wait soon",
                "`soon` is not a duration such as 500ms, 2s or 1m30s",
            ),
            (
                "printer explode",
                "`explode` is not a printer action; use unplug, unplug-after-cut, plug, paper-out, paper-low, paper-end-in MM, paper-load, cover-open, cover-close, offline, online, garbage, wrong-baud on|off, stall on|off",
            ),
            (
                "printer paper-end-in lots",
                "`lots` is not a length of paper in millimetres such as 40",
            ),
            (
                "printer stall maybe",
                "usage: printer unplug, unplug-after-cut, plug, paper-out, paper-low, paper-end-in MM, paper-load, cover-open, cover-close, offline, online, garbage, wrong-baud on|off, stall on|off",
            ),
            (
                "printer paper-out now",
                "usage: printer unplug, unplug-after-cut, plug, paper-out, paper-low, paper-end-in MM, paper-load, cover-open, cover-close, offline, online, garbage, wrong-baud on|off, stall on|off",
            ),
            (r#"{"cmd":"key","window":1}"#, "`key` needs the field `key`"),
            (
                r#"{"cmd":"fly"}"#,
                "unknown command `fly`; commands are tap, key, rate, edge, case, panic, smoke, zone, alarm, clock, transfer, requeue, reprint, pause, reopen, screenshot, state, settle, printer, calendar, wait, hang, quit",
            ),
        ];
        for (line, message) in table {
            assert_eq!(parse(line), Err(message.to_string()), "{line:?}");
        }
        assert!(
            parse(r#"{"cmd":"tap","id":1}"#)
                .unwrap_err()
                .starts_with("not a JSON command:")
        );
        assert!(
            parse("{nope")
                .unwrap_err()
                .starts_with("not a JSON command:")
        );
    }

    #[test]
    fn durations() {
        let table = [
            ("500ms", 500),
            ("2s", 2000),
            ("1.5s", 1500),
            ("1m30s", 90_000),
            ("0s", 0),
        ];
        for (text, ms) in table {
            assert_eq!(
                parse_duration(text),
                Ok(Duration::from_millis(ms)),
                "{text}"
            );
        }
        for bad in ["", "5", "s", "1x", "-1s", "2d", "25h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn scenarios_have_timing_comments_and_located_errors() {
        let text = "# a visit\ntap category-A   # the citizen\n+2s key 1 call\n\n@10s screenshot a.png\n{\"cmd\":\"state\"}\n";
        let steps = parse_scenario("visit.txt", text).unwrap();
        let got: Vec<(usize, When)> = steps.iter().map(|s| (s.line, s.when)).collect();
        assert_eq!(
            got,
            [
                (2, When::Next),
                (3, When::After(Duration::from_secs(2))),
                (5, When::At(Duration::from_secs(10))),
                (6, When::Next)
            ]
        );
        assert_eq!(
            parse_scenario("visit.txt", "state\n+2x key 1 call\n"),
            Err("visit.txt:2: `2x` is not a duration such as 500ms, 2s or 1m30s".into())
        );
        assert_eq!(
            parse_scenario("visit.txt", "tapp category-A\n"),
            Err("visit.txt:1: unknown command `tapp`; commands are tap, key, rate, edge, case, panic, smoke, zone, alarm, clock, transfer, requeue, reprint, pause, reopen, screenshot, state, settle, printer, calendar, wait, hang, quit".into())
        );
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn any_line_parses_or_is_refused_without_panicking(line in any::<String>()) {
            let _ = parse(&line);
        }

        #[test]
        fn any_json_shaped_line_parses_or_is_refused(body in "[ -~]{0,80}") {
            let _ = parse(&format!("{{{body}}}"));
        }

        #[test]
        fn any_scenario_parses_or_names_a_line(text in any::<String>()) {
            if let Err(e) = parse_scenario("s.txt", &text) {
                prop_assert!(e.starts_with("s.txt:"), "{e}");
            }
        }

        #[test]
        fn every_keypad_command_means_what_it_says(window in 1u8..=99, key in 0usize..4) {
            let key = StaffKey::ALL[key];
            let plain = parse(&format!("key {window} {}", key.word()));
            let json = parse(&format!(r#"{{"cmd":"key","window":{window},"key":"{}"}}"#, key.word()));
            let expected = Command::Input(Input::StaffKey { window, key });
            prop_assert_eq!(plain.as_ref(), Ok(&expected));
            prop_assert_eq!(json.as_ref(), Ok(&expected));
        }

        #[test]
        fn durations_in_milliseconds_read_back(ms in 0u64..86_400_000) {
            prop_assert_eq!(parse_duration(&format!("{ms}ms")), Ok(Duration::from_millis(ms)));
        }
    }
}
