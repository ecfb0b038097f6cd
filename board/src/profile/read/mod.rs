//! Reading a board profile: the TOML's raw shape, the reader that locates
//! every problem by file, line and field and keeps each pin to one owner, and
//! [`BoardProfile::parse`], which reads the tables in order. The rules for each
//! part of a profile are in this module's children; the validated types are
//! in `types.rs`.

mod board;
mod windows;
mod zones;

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::profile::{
    Audio, BoardProfile, Keypad, Model, Outputs, ProfileError, SIMULATED, ZoneSpec,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    name: Spanned<String>,
    board: Option<Spanned<RawBoard>>,
    printer: Option<RawPrinter>,
    screen: Option<RawScreen>,
    audio: Option<RawAudio>,
    #[serde(default)]
    evaluator: Vec<Spanned<RawEvaluator>>,
    #[serde(default)]
    keypad: Vec<Spanned<RawKeypad>>,
    #[serde(default)]
    zone: Vec<Spanned<RawZone>>,
    outputs: Option<Spanned<RawOutputs>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAudio {
    device: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBoard {
    model: Option<Spanned<String>>,
    backend: Option<Spanned<String>>,
    chip: Option<Spanned<String>>,
    pull: Option<Spanned<String>>,
    active: Option<Spanned<String>>,
    outputs_active: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrinter {
    port: Option<Spanned<String>>,
    baud: Option<Spanned<i64>>,
    model: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScreen {
    rotation: Option<Spanned<i64>>,
    touch_calibration: Option<Spanned<Vec<f64>>>,
    output: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvaluator {
    window: Spanned<i64>,
    keys: Spanned<Vec<Spanned<RawKey>>>,
    debounce: Option<Spanned<String>>,
    debounce_ms: Option<Spanned<i64>>,
    stuck_seconds: Option<Spanned<i64>>,
    display: Option<Spanned<RawDisplay>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKeypad {
    window: Spanned<i64>,
    call: Option<Spanned<i64>>,
    recall: Option<Spanned<i64>>,
    skip: Option<Spanned<i64>>,
    complete: Option<Spanned<i64>>,
    /// A numeric keypad's digit keys, 0 to 9, by pin.
    digits: Option<Spanned<Vec<Spanned<i64>>>>,
    enter: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKey {
    pin: Spanned<i64>,
    level: Spanned<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDisplay {
    kind: Spanned<String>,
    bus: Option<Spanned<i64>>,
    address: Option<Spanned<i64>>,
    width: Option<Spanned<i64>>,
    height: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawZone {
    name: Spanned<String>,
    role: Spanned<String>,
    input: Spanned<RawZoneInput>,
    confirm_seconds: Option<Spanned<i64>>,
    warm_up_seconds: Option<Spanned<i64>>,
    reset_role: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawZoneInput {
    kind: Spanned<String>,
    pin: Option<Spanned<i64>>,
    active: Option<Spanned<String>>,
    fault_pin: Option<Spanned<i64>>,
    fault_active: Option<Spanned<String>>,
    bus: Option<Spanned<i64>>,
    address: Option<Spanned<i64>>,
    channel: Option<Spanned<i64>>,
    short_below: Option<Spanned<f64>>,
    normal: Option<Spanned<(f64, f64)>>,
    active_band: Option<Spanned<(f64, f64)>>,
    open_from: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutputs {
    buzzer: Option<Spanned<i64>>,
    alarm_relay: Option<Spanned<i64>>,
    siren_relay: Option<Spanned<i64>>,
    heartbeat: Option<Spanned<i64>>,
}

/// A profile being read: where problems are, and which pin serves what.
struct Reader<'a> {
    file: &'a str,
    text: &'a str,
    model: Model,
    pins: BTreeMap<i64, String>,
}

type Span = Range<usize>;

impl Reader<'_> {
    fn line(&self, offset: usize) -> usize {
        crate::line_at(self.text, offset)
    }

    fn error(
        &self,
        span: Option<Span>,
        field: Option<String>,
        problem: impl Into<String>,
    ) -> ProfileError {
        ProfileError::at(self.file, self.text, span, field, problem)
    }

    /// A GPIO line for `owner`, which no other input or output uses.
    fn pin(&mut self, pin: &Spanned<i64>, field: &str, owner: String) -> Result<u32, ProfileError> {
        let n = *pin.get_ref();
        let pins = self.model.pins();
        if !pins.contains(&n) {
            return Err(self.error(
                Some(pin.span()),
                Some(field.into()),
                format!(
                    "the {} has no GPIO {n}; its header's lines are {}–{}",
                    self.model.word(),
                    pins.start(),
                    pins.end()
                ),
            ));
        }
        if let Some(other) = self.pins.get(&n) {
            return Err(self.error(
                Some(pin.span()),
                Some(field.into()),
                format!(
                    "pin {n} is already wired to {other}; each input and output needs its own pin"
                ),
            ));
        }
        self.pins.insert(n, owner);
        Ok(n as u32)
    }

    /// An integer in `range`, or `default` when absent.
    fn number(
        &self,
        value: &Option<Spanned<i64>>,
        field: String,
        range: std::ops::RangeInclusive<i64>,
        default: i64,
        unit: &str,
    ) -> Result<i64, ProfileError> {
        match value {
            None => Ok(default),
            Some(n) if range.contains(n.get_ref()) => Ok(*n.get_ref()),
            Some(n) => Err(self.error(
                Some(n.span()),
                Some(field),
                format!("must be {}–{}{unit}", range.start(), range.end()),
            )),
        }
    }
}

impl BoardProfile {
    /// Reads a profile; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Self, ProfileError> {
        let mut reader = Reader {
            file,
            text,
            model: Model::Simulated,
            pins: BTreeMap::new(),
        };
        let raw: Raw = toml::from_str(text).map_err(|e| ProfileError::from_toml(file, text, &e))?;
        let name = raw.name.get_ref().trim();
        if name.is_empty() {
            return Err(reader.error(
                Some(raw.name.span()),
                Some("name".into()),
                "the profile needs a name",
            ));
        }
        let board = reader.board(raw.board.as_ref())?;
        let printer = reader.printer(raw.printer.as_ref())?;
        let screen = reader.screen(raw.screen.as_ref())?;
        let audio = match &raw.audio {
            None => None,
            Some(a) => {
                let device = a.device.get_ref().trim();
                // An ALSA PCM name: `plughw:CARD=Device,DEV=0`, `default`.
                if device.is_empty()
                    || !device
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || ":=,_-.".contains(c))
                {
                    return Err(reader.error(
                        Some(a.device.span()),
                        Some("audio.device".into()),
                        format!(
                            "`{device}` is not an ALSA device name such as \"plughw:CARD=Device,DEV=0\" (`aplay -L` lists them; on HDMI use \"hdmi:CARD=vc4hdmi0,DEV=0\")"
                        ),
                    ));
                }
                Some(Audio {
                    device: device.to_string(),
                })
            }
        };
        reader.reserve(&raw, &printer);
        let mut windows: BTreeMap<i64, usize> = BTreeMap::new();
        let mut evaluators = Vec::new();
        for (i, e) in raw.evaluator.iter().enumerate() {
            let window = *e.get_ref().window.get_ref();
            if let Some(earlier) = windows.insert(window, i) {
                return Err(reader.error(
                    Some(e.get_ref().window.span()),
                    Some(format!("evaluator[{i}].window")),
                    format!("window {window} already has an evaluator (evaluator[{earlier}])"),
                ));
            }
            evaluators.push(reader.evaluator(i, e.get_ref())?);
        }
        let mut keypads: Vec<Keypad> = Vec::new();
        for (i, k) in raw.keypad.iter().enumerate() {
            let keypad = reader.keypad(i, k.get_ref(), k.span())?;
            if let Some(j) = keypads.iter().position(|o| o.window == keypad.window) {
                return Err(reader.error(
                    Some(k.get_ref().window.span()),
                    Some(format!("keypad[{i}].window")),
                    format!(
                        "window {} already has a keypad (keypad[{j}])",
                        keypad.window
                    ),
                ));
            }
            keypads.push(keypad);
        }
        let mut zones: Vec<ZoneSpec> = Vec::new();
        for (i, z) in raw.zone.iter().enumerate() {
            let zone = reader.zone(i, z.get_ref(), z.span())?;
            if let Some(j) = zones.iter().position(|other| other.name == zone.name) {
                return Err(reader.error(
                    Some(z.get_ref().name.span()),
                    Some(format!("zone[{i}].name")),
                    format!("zone `{}` is named twice (also zone[{j}])", zone.name),
                ));
            }
            zones.push(zone);
        }
        // Outputs come last, so that a pin shared with an input is named as
        // the input's.
        let outputs = match &raw.outputs {
            None => Outputs::default(),
            Some(o) => reader.outputs(o.get_ref())?,
        };
        Ok(Self {
            file: file.to_string(),
            name: name.to_string(),
            model: reader.model,
            backend: board.backend,
            pull: board.pull,
            active_low: board.active_low,
            outputs_active_low: board.outputs_active_low,
            evaluators,
            keypads,
            zones,
            outputs,
            printer,
            screen,
            audio,
        })
    }

    /// The simulated board's built-in profile.
    pub fn simulated() -> Self {
        Self::parse("built-in board profile simulated.toml", SIMULATED)
            .expect("the built-in board profile is valid (tested)")
    }
}
