//! Commands for the board's inputs and the touchscreen: taps, keypad keys,
//! ratings, raw pin edges and what a safety zone's input reads.

use drivers::zone::{FaultKind, Reading};

use super::BoardCommand as Command;
use super::syntax::{arity, window};
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

const ZONE_USAGE: &str =
    "zone NAME normal|active|open|short|noise|fault|OHMS (what the zone's input reads)";

/// `tap ELEMENT-ID`, `tap label "LABEL"`, `tap X Y`.
pub(super) fn tap(words: &[String]) -> Result<Command, String> {
    match words.len() {
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
    }
}

/// `key WINDOW call|recall|skip|complete|0-9|enter`.
pub(super) fn key(words: &[String]) -> Result<Command, String> {
    arity(words, 2, "key WINDOW call|recall|skip|complete|0-9|enter")?;
    let window = window(words.get(1))?;
    let key = StaffKey::from_word(&words[2].to_ascii_lowercase()).ok_or_else(|| {
        format!(
            "`{}` is not a keypad key; use call, recall, skip, complete, a digit 0-9 or enter",
            words[2]
        )
    })?;
    Ok(Command::Input(Input::StaffKey { window, key }))
}

/// `rate WINDOW LEVEL`.
pub(super) fn rate(words: &[String]) -> Result<Command, String> {
    arity(
        words,
        2,
        "rate WINDOW LEVEL (the key giving LEVEL, 5 非常满意 … 1 非常不满意)",
    )?;
    let window = window(words.get(1))?;
    let level = words[2]
        .parse::<u8>()
        .ok()
        .filter(|k| (1..=5).contains(k))
        .ok_or_else(|| format!("`{}` is not a rating level 1–5", words[2]))?;
    Ok(Command::Input(Input::EvaluatorKey { window, level }))
}

/// `edge PIN down|up`.
pub(super) fn edge(words: &[String]) -> Result<Command, String> {
    arity(
        words,
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

/// `panic press|release`.
pub(super) fn panic_button(words: &[String]) -> Result<Command, String> {
    arity(words, 1, "panic press|release")?;
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

/// `smoke on|off`.
pub(super) fn smoke(words: &[String]) -> Result<Command, String> {
    arity(words, 1, "smoke on|off")?;
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

/// `zone NAME normal|active|open|short|noise|fault|OHMS`.
pub(super) fn zone(words: &[String]) -> Result<Command, String> {
    arity(words, 2, ZONE_USAGE)?;
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
