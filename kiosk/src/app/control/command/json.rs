//! The JSON form of a command: its fields, by name, are the plain form's
//! arguments, and it is read by turning it into the plain form (a tap by id
//! or label, a screenshot and a wait in milliseconds are read directly).

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use super::{Command, WORDS, parse_plain};
use board::command::{BoardCommand, Target};

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
    screen: Option<String>,
    english: Option<bool>,
    version: Option<u32>,
    approver: Option<String>,
    back: Option<String>,
    contact: Option<String>,
    instead: Option<u8>,
    manager: Option<String>,
    text: Option<String>,
}

pub(super) fn parse_json(line: &str) -> Result<Command, String> {
    let j: Json = serde_json::from_str(line).map_err(|e| format!("not a JSON command: {e}"))?;
    let need = |field: &str| format!("`{}` needs the field `{field}`", j.cmd);
    let plain = match j.cmd.as_str() {
        "tap" => match (&j.id, &j.label, j.x, j.y) {
            (Some(id), None, None, None) => {
                return Ok(Command::Board(BoardCommand::Tap(Target::Id(id.clone()))));
            }
            (None, Some(l), None, None) => {
                return Ok(Command::Board(BoardCommand::Tap(Target::Label(l.clone()))));
            }
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
        "clock" if j.action.as_deref() == Some("jump") => {
            format!("clock jump {}", j.text.clone().ok_or_else(|| need("text"))?)
        }
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
        "pause" | "reopen" | "sign-off" => {
            format!("{} {}", j.cmd, j.window.ok_or_else(|| need("window"))?)
        }
        "sign-on" => format!(
            "sign-on {} {} {}",
            j.window.ok_or_else(|| need("window"))?,
            quote(&j.staff.clone().ok_or_else(|| need("staff"))?),
            quote(&value_text(j.pin.as_ref()).ok_or_else(|| need("pin"))?)
        ),
        "away" => {
            let mut line = format!(
                "away {} {} {}",
                j.window.ok_or_else(|| need("window"))?,
                quote(&j.reason.clone().ok_or_else(|| need("reason"))?),
                quote(&j.back.clone().ok_or_else(|| need("back"))?)
            );
            if let Some(c) = &j.contact {
                line.push_str(&format!(" contact {}", quote(c)));
            }
            if let Some(w) = j.instead {
                line.push_str(&format!(" instead {w}"));
            }
            if let Some(m) = &j.manager {
                let pin = value_text(j.pin.as_ref()).ok_or_else(|| need("pin"))?;
                line.push_str(&format!(" manager {} {}", quote(m), quote(&pin)));
            }
            line
        }
        "scan" => {
            return Ok(Command::Scan(j.text.clone().ok_or_else(|| need("text"))?));
        }
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
        "state" | "memory" | "quit" => j.cmd.clone(),
        "voice" => match j.action.as_deref().ok_or_else(|| need("action"))? {
            "repeat" => format!("voice repeat {}", j.window.ok_or_else(|| need("window"))?),
            "wait" => "voice wait".into(),
            "stop" => match &j.id {
                Some(id) => format!("voice stop {}", quote(id)),
                None => "voice stop".into(),
            },
            "read" => format!(
                "voice read {}{}",
                quote(&j.screen.clone().ok_or_else(|| need("screen"))?),
                if j.english == Some(true) { " en" } else { "" }
            ),
            other => format!("voice {}", quote(other)),
        },
        "matters" => format!(
            "matters load {} {}",
            j.version.ok_or_else(|| need("version"))?,
            quote(&j.approver.clone().ok_or_else(|| need("approver"))?)
        ),
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
