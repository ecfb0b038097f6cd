//! Board profiles: what is wired where, read from TOML and validated before
//! anything starts.
//!
//! A profile says, for the evaluators, each window's keys from the left (the
//! pin each is wired to and the rating level it gives), how they are debounced,
//! when a held key counts as stuck, and the window's card display — a window
//! with 3 or 4 keys maps them onto the five levels here, and nowhere else; for
//! the safety zones (panic, smoke, gas), how each is wired (a contact, a
//! contact with a fault contact, or an end-of-line loop read through an ADC,
//! with its bands), its confirmation time and who may reset it; and which pins
//! drive the buzzer, the alarm and siren relays and the heartbeat. Every pin
//! serves one input or output. Errors name the file, the line and the field.
//! Whether a window exists is the catalog's business: the profile keeps each
//! window's line so the kiosk can say where a window the catalog lacks was
//! named.

use std::collections::BTreeMap;
use std::ops::Range;
use std::time::Duration;

use drivers::input::Filter;
use drivers::zone::{Bands, ZoneKind};
use serde::Deserialize;
use toml::Spanned;

/// The simulated board's profile, compiled in.
pub const SIMULATED: &str = include_str!("../profiles/simulated.toml");

/// The reference two-window station on a Pi (docs/wiring.md), compiled in so
/// that `kiosk doctor` and the package can offer it.
pub const PI_2_WINDOWS: &str = include_str!("../profiles/pi-2-windows.toml");

/// A profile refused, with where and why.
pub type ProfileError = crate::FileError;

/// A window's card display.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Display {
    /// A 128×64 one-colour OLED (SSD1306) on an I2C bus.
    Mono { bus: u8, address: u8 },
    /// A larger colour panel, drawn at this size.
    Colour { width: u32, height: u32 },
}

/// One window's evaluator.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Evaluator {
    pub window: u8,
    /// The line the window was named on, for messages about it.
    pub window_line: usize,
    /// Keys from the left: `(pin, level)`, level 5 非常满意 … 1 非常不满意.
    pub keys: Vec<(u32, u8)>,
    pub filter: Filter,
    /// A key held longer than this is a fault.
    pub stuck_after: Duration,
    pub display: Option<Display>,
}

impl Evaluator {
    /// The levels this evaluator's keys give, from the left.
    pub fn levels(&self) -> Vec<u8> {
        self.keys.iter().map(|(_, l)| *l).collect()
    }
}

/// A window's staff keypad (呼叫器): which pin each key is wired to.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Keypad {
    pub window: u8,
    /// The line the window was named on, for messages about it.
    pub window_line: usize,
    pub keys: Vec<(u32, crate::StaffKey)>,
}

/// A staff key counts at its first edge, then ignores the contact's bounce
/// for this long.
pub const KEYPAD_LOCKOUT: Duration = Duration::from_millis(50);

/// What a safety zone is for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ZoneRole {
    /// A panic button: immediate, silent on the public screen.
    Panic,
    /// A smoke detector: evacuation.
    Smoke,
    /// A gas sensor (MQ-2 kind): a staff warning only, after its warm-up.
    Gas,
}

impl ZoneRole {
    pub fn word(self) -> &'static str {
        match self {
            ZoneRole::Panic => "panic",
            ZoneRole::Smoke => "smoke",
            ZoneRole::Gas => "gas",
        }
    }
}

/// Who may reset a zone's alarm.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum ResetRole {
    Staff,
    Manager,
}

/// How a zone's input is wired.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum ZoneWiring {
    /// A contact on a pin; `active_open`: the zone is active when the contact
    /// opens (a normally-closed button or detector relay).
    Contact { pin: u32, active_open: bool },
    /// The same, plus the detector's own fault contact.
    ContactWithFault {
        pin: u32,
        active_open: bool,
        fault_pin: u32,
        fault_active_open: bool,
    },
    /// An end-of-line loop read through an ADS1115-class ADC on I2C.
    Loop {
        bus: u8,
        address: u8,
        channel: u8,
        bands: Bands,
    },
}

/// One safety zone.
#[derive(Clone, PartialEq, Debug)]
pub struct ZoneSpec {
    pub name: String,
    pub role: ZoneRole,
    pub wiring: ZoneWiring,
    /// Smoke: how long the input must stay active (0–10 s).
    pub confirm: Duration,
    /// Gas: how long after start the sensor's readings are ignored.
    pub warm_up: Duration,
    /// Panic and smoke: who may reset the alarm.
    pub reset_role: Option<ResetRole>,
}

impl ZoneSpec {
    /// The state machine kind for this zone (a gas zone warns like a smoke
    /// zone confirms: after its input stays active).
    pub fn kind(&self) -> ZoneKind {
        match self.role {
            ZoneRole::Panic => ZoneKind::Panic,
            ZoneRole::Smoke | ZoneRole::Gas => ZoneKind::Smoke {
                confirm: self.confirm,
            },
        }
    }
}

/// The board's outputs; each is optional.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Outputs {
    pub buzzer: Option<u32>,
    pub alarm_relay: Option<u32>,
    pub siren_relay: Option<u32>,
    pub heartbeat: Option<u32>,
}

/// Which board the profile wires: it decides which pins exist.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Model {
    /// The simulated board: lines 0–63, none reserved.
    Simulated,
    /// A Raspberry Pi 4 or 5: the 40-pin header's BCM lines 2–27 (0 and 1
    /// belong to the HAT identification EEPROM).
    Pi4,
    Pi5,
}

impl Model {
    pub fn word(self) -> &'static str {
        match self {
            Model::Simulated => "simulated",
            Model::Pi4 => "pi4",
            Model::Pi5 => "pi5",
        }
    }

    /// The GPIO lines a profile may wire.
    pub fn pins(self) -> std::ops::RangeInclusive<i64> {
        match self {
            Model::Simulated => 0..=MAX_PIN,
            Model::Pi4 | Model::Pi5 => 2..=27,
        }
    }

    /// The labels of the GPIO chip that carries the header's lines, as the
    /// kernel names it (`gpiodetect`).
    pub fn chip_labels(self) -> &'static [&'static str] {
        match self {
            Model::Simulated => &[],
            Model::Pi4 => &["pinctrl-bcm2711", "pinctrl-bcm2835"],
            Model::Pi5 => &["pinctrl-rp1"],
        }
    }
}

/// Which GPIO chip a backend opens.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Chip {
    /// The chip whose label is the model's (the Pi 5's moved from
    /// `gpiochip4` to `gpiochip0` between kernels).
    Auto,
    /// A device such as `/dev/gpiochip0`.
    Path(String),
}

/// How the board's pins are reached.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Backend {
    /// No hardware: edges and readings come from the control socket and
    /// scenario files.
    Simulated,
    /// The Linux GPIO character device (uAPI v2): any Pi, any kernel.
    Gpiocdev { chip: Chip },
    /// `rppal` (retired upstream; for boards where it is known to work).
    Rppal,
}

impl Backend {
    pub fn word(&self) -> &'static str {
        match self {
            Backend::Simulated => "simulated",
            Backend::Gpiocdev { .. } => "gpiocdev",
            Backend::Rppal => "rppal",
        }
    }
}

/// An input pin's internal bias.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Pull {
    Up,
    Down,
    /// An external resistor does it.
    None,
}

/// A value given in the profile, with the line it was given on.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct At<T> {
    pub value: T,
    pub line: usize,
}

/// The printer as this board wires it; the kiosk's settings may override
/// each value.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct PrinterWiring {
    pub port: Option<At<String>>,
    pub baud: Option<At<u32>>,
    /// A printer model of the printer profiles (`kiosk printer models`).
    pub model: Option<At<String>>,
}

/// The touchscreen as mounted: how the picture is turned and how touches map
/// onto it.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct Screen {
    /// Degrees clockwise: 0, 90, 180 or 270.
    pub rotation: u16,
    /// libinput's calibration matrix `[a, b, c, d, e, f]` (touch x' = a·x +
    /// b·y + c, y' = d·x + e·y + f, in screen fractions), when the panel's
    /// touch does not follow its picture.
    pub touch_calibration: Option<[f32; 6]>,
    /// The DRM connector to use, such as "HDMI-A-1" or "DSI-1".
    pub output: Option<String>,
}

/// A validated board profile.
#[derive(Clone, PartialEq, Debug)]
pub struct BoardProfile {
    /// Where it was read from, for messages.
    pub file: String,
    pub name: String,
    pub model: Model,
    pub backend: Backend,
    /// The evaluator keys' and contacts' bias; keys close to ground against
    /// the pull-up by default, so a pressed key reads low.
    pub pull: Pull,
    /// A key or contact reads active when its line is low.
    pub active_low: bool,
    /// The relays and buzzer switch on when their line is low (many relay
    /// modules).
    pub outputs_active_low: bool,
    pub evaluators: Vec<Evaluator>,
    /// The windows' staff keypads.
    pub keypads: Vec<Keypad>,
    pub zones: Vec<ZoneSpec>,
    pub outputs: Outputs,
    pub printer: PrinterWiring,
    pub screen: Screen,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    name: Spanned<String>,
    board: Option<Spanned<RawBoard>>,
    printer: Option<RawPrinter>,
    screen: Option<RawScreen>,
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

/// The highest GPIO line number the simulated board accepts.
const MAX_PIN: i64 = 63;

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

    fn evaluator(&mut self, i: usize, e: &RawEvaluator) -> Result<Evaluator, ProfileError> {
        let field = |f: &str| Some(format!("evaluator[{i}].{f}"));
        let window = *e.window.get_ref();
        let window_no = u8::try_from(window)
            .ok()
            .filter(|w| (1..=99).contains(w))
            .ok_or_else(|| {
                self.error(
                    Some(e.window.span()),
                    field("window"),
                    format!("{window} is not a window number 1–99"),
                )
            })?;
        let keys = e.keys.get_ref();
        if !(3..=5).contains(&keys.len()) {
            return Err(self.error(
                Some(e.keys.span()),
                field("keys"),
                format!(
                    "an evaluator has 3, 4 or 5 keys; this one lists {}",
                    keys.len()
                ),
            ));
        }
        let mut mapped: Vec<(u32, u8)> = Vec::new();
        for (k, key) in keys.iter().enumerate() {
            let key = key.get_ref();
            let kfield = |f: &str| format!("evaluator[{i}].keys[{k}].{f}");
            let level = *key.level.get_ref();
            let level = u8::try_from(level)
                .ok()
                .filter(|l| (1..=5).contains(l))
                .ok_or_else(|| {
                    self.error(
                        Some(key.level.span()),
                        Some(kfield("level")),
                        format!("{level} is not a rating level; levels are 1 (非常不满意) to 5 (非常满意)"),
                    )
                })?;
            if mapped.iter().any(|(_, l)| *l == level) {
                return Err(self.error(
                    Some(key.level.span()),
                    Some(kfield("level")),
                    format!("two keys of window {window} give level {level}"),
                ));
            }
            let pin = self.pin(
                &key.pin,
                &kfield("pin"),
                format!("evaluator[{i}].keys[{k}]"),
            )?;
            mapped.push((pin, level));
        }
        if !mapped.iter().any(|(_, l)| *l <= 2) || !mapped.iter().any(|(_, l)| *l >= 4) {
            return Err(self.error(
                Some(e.keys.span()),
                field("keys"),
                "the keys need at least one good level (4 or 5) and one bad level (1 or 2)",
            ));
        }
        let ms = self.number(
            &e.debounce_ms,
            format!("evaluator[{i}].debounce_ms"),
            1..=200,
            15,
            " ms (keys bounce for 1–20 ms)",
        )? as u64;
        let filter = match e
            .debounce
            .as_ref()
            .map(|d| (d.get_ref().as_str(), d.span()))
        {
            None | Some(("stable", _)) => Filter::Stable(Duration::from_millis(ms)),
            Some(("leading", _)) => Filter::Leading(Duration::from_millis(ms)),
            Some((other, span)) => {
                return Err(self.error(
                    Some(span),
                    field("debounce"),
                    format!("`{other}` is not a filter; use \"stable\" or \"leading\""),
                ));
            }
        };
        let stuck = self.number(
            &e.stuck_seconds,
            format!("evaluator[{i}].stuck_seconds"),
            2..=120,
            10,
            " seconds",
        )?;
        let display = match &e.display {
            None => None,
            Some(d) => Some(self.display(i, d.get_ref())?),
        };
        Ok(Evaluator {
            window: window_no,
            window_line: self.line(e.window.span().start),
            keys: mapped,
            filter,
            stuck_after: Duration::from_secs(stuck as u64),
            display,
        })
    }

    fn keypad(&mut self, i: usize, k: &RawKeypad, span: Span) -> Result<Keypad, ProfileError> {
        let window = *k.window.get_ref();
        let window_no = u8::try_from(window)
            .ok()
            .filter(|w| (1..=99).contains(w))
            .ok_or_else(|| {
                self.error(
                    Some(k.window.span()),
                    Some(format!("keypad[{i}].window")),
                    format!("{window} is not a window number 1–99"),
                )
            })?;
        let mut keys = Vec::new();
        for (pin, key) in [
            (&k.call, crate::StaffKey::CallNext),
            (&k.recall, crate::StaffKey::Recall),
            (&k.skip, crate::StaffKey::Skip),
            (&k.complete, crate::StaffKey::Complete),
        ] {
            if let Some(pin) = pin {
                let field = format!("keypad[{i}].{}", key.word());
                let owner = format!("window {window_no}'s {} key", key.word());
                keys.push((self.pin(pin, &field, owner)?, key));
            }
        }
        if keys.is_empty() {
            return Err(self.error(
                Some(span),
                Some(format!("keypad[{i}]")),
                "a keypad needs at least one key: call, recall, skip or complete = PIN",
            ));
        }
        Ok(Keypad {
            window: window_no,
            window_line: self.line(k.window.span().start),
            keys,
        })
    }

    fn display(&self, i: usize, d: &RawDisplay) -> Result<Display, ProfileError> {
        let field = |f: &str| format!("evaluator[{i}].display.{f}");
        match d.kind.get_ref().as_str() {
            "ssd1306" => Ok(Display::Mono {
                bus: self.number(&d.bus, field("bus"), 0..=31, 1, "")? as u8,
                // The SSD1306 answers at 0x3C or 0x3D, as its SA0 pin is wired.
                address: match &d.address {
                    None => 0x3C,
                    Some(a) if matches!(a.get_ref(), 0x3C | 0x3D) => *a.get_ref() as u8,
                    Some(a) => {
                        return Err(self.error(
                            Some(a.span()),
                            Some(field("address")),
                            format!(
                                "{:#04x} is not an SSD1306 address; use 0x3C or 0x3D",
                                a.get_ref()
                            ),
                        ));
                    }
                },
            }),
            "colour" => Ok(Display::Colour {
                width: self.number(&d.width, field("width"), 128..=1920, 320, "")? as u32,
                height: self.number(&d.height, field("height"), 64..=1080, 240, "")? as u32,
            }),
            other => Err(self.error(
                Some(d.kind.span()),
                Some(field("kind")),
                format!("`{other}` is not a card display; use \"ssd1306\" (128×64) or \"colour\""),
            )),
        }
    }

    fn zone(&mut self, i: usize, z: &RawZone, span: Span) -> Result<ZoneSpec, ProfileError> {
        let field = |f: &str| Some(format!("zone[{i}].{f}"));
        let name = z.name.get_ref().trim().to_string();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(self.error(
                Some(z.name.span()),
                field("name"),
                format!("`{name}` is not a zone name: letters, digits and `-`, such as \"panic\" or \"smoke-hall\""),
            ));
        }
        let role = match z.role.get_ref().as_str() {
            "panic" => ZoneRole::Panic,
            "smoke" => ZoneRole::Smoke,
            "gas" => ZoneRole::Gas,
            other => {
                return Err(self.error(
                    Some(z.role.span()),
                    field("role"),
                    format!("`{other}` is not a zone role; use \"panic\", \"smoke\" or \"gas\""),
                ));
            }
        };
        let reset_role = match (&z.reset_role, role) {
            (None, ZoneRole::Gas) => None,
            (None, _) => {
                return Err(self.error(
                    Some(span),
                    field("reset_role"),
                    format!("zone `{name}` has no reset_role; say who may reset its alarm: \"staff\" or \"manager\""),
                ));
            }
            (Some(r), _) => Some(match r.get_ref().as_str() {
                "staff" => ResetRole::Staff,
                "manager" => ResetRole::Manager,
                other => {
                    return Err(self.error(
                        Some(r.span()),
                        field("reset_role"),
                        format!("`{other}` is not a role; use \"staff\" or \"manager\""),
                    ));
                }
            }),
        };
        let only = |value: bool, f: &str, what: &str| -> Result<(), ProfileError> {
            if value {
                Err(self.error(
                    Some(span.clone()),
                    field(f),
                    format!("{f} applies to {what} zones only"),
                ))
            } else {
                Ok(())
            }
        };
        only(
            z.confirm_seconds.is_some() && role != ZoneRole::Smoke,
            "confirm_seconds",
            "smoke",
        )?;
        only(
            z.warm_up_seconds.is_some() && role != ZoneRole::Gas,
            "warm_up_seconds",
            "gas",
        )?;
        let confirm = match role {
            ZoneRole::Panic => 0,
            ZoneRole::Smoke => self.number(
                &z.confirm_seconds,
                format!("zone[{i}].confirm_seconds"),
                0..=10,
                5,
                " seconds",
            )?,
            // A gas sensor's reading must persist before it warns.
            ZoneRole::Gas => 10,
        };
        let warm_up = self.number(
            &z.warm_up_seconds,
            format!("zone[{i}].warm_up_seconds"),
            0..=1800,
            180,
            " seconds",
        )?;
        let wiring = self.wiring(i, &name, z.input.get_ref())?;
        Ok(ZoneSpec {
            name,
            role,
            wiring,
            confirm: Duration::from_secs(confirm as u64),
            warm_up: Duration::from_secs(if role == ZoneRole::Gas {
                warm_up as u64
            } else {
                0
            }),
            reset_role,
        })
    }

    fn wiring(
        &mut self,
        i: usize,
        name: &str,
        w: &RawZoneInput,
    ) -> Result<ZoneWiring, ProfileError> {
        let field = |f: &str| format!("zone[{i}].input.{f}");
        let need = |this: &Self, present: bool, f: &str| -> Result<(), ProfileError> {
            if present {
                Ok(())
            } else {
                Err(this.error(
                    Some(w.kind.span()),
                    Some(field(f)),
                    format!("a `{}` input needs `{f}`", w.kind.get_ref()),
                ))
            }
        };
        let level = |this: &Self,
                     v: &Option<Spanned<String>>,
                     f: &str|
         -> Result<bool, ProfileError> {
            match v.as_ref().map(|a| (a.get_ref().as_str(), a.span())) {
                None | Some(("open", _)) => Ok(true),
                Some(("closed", _)) => Ok(false),
                Some((other, span)) => Err(this.error(
                    Some(span),
                    Some(field(f)),
                    format!("`{other}` is not \"open\" or \"closed\" (when the zone is active)"),
                )),
            }
        };
        match w.kind.get_ref().as_str() {
            "contact" | "contact-with-fault" => {
                need(self, w.pin.is_some(), "pin")?;
                let Some(pin) = &w.pin else { unreachable!("checked") };
                let pin = self.pin(pin, &field("pin"), format!("zone `{name}`"))?;
                let active_open = level(self, &w.active, "active")?;
                if w.kind.get_ref() == "contact" {
                    return Ok(ZoneWiring::Contact { pin, active_open });
                }
                need(self, w.fault_pin.is_some(), "fault_pin")?;
                let Some(fault_pin) = &w.fault_pin else { unreachable!("checked") };
                let fault_pin = self.pin(fault_pin, &field("fault_pin"), format!("zone `{name}`'s fault contact"))?;
                let fault_active_open = level(self, &w.fault_active, "fault_active")?;
                Ok(ZoneWiring::ContactWithFault { pin, active_open, fault_pin, fault_active_open })
            }
            "loop" => {
                for (present, f) in [
                    (w.short_below.is_some(), "short_below"),
                    (w.normal.is_some(), "normal"),
                    (w.active_band.is_some(), "active_band"),
                    (w.open_from.is_some(), "open_from"),
                ] {
                    need(self, present, f)?;
                }
                let (Some(short), Some(normal), Some(active), Some(open)) =
                    (&w.short_below, &w.normal, &w.active_band, &w.open_from)
                else {
                    unreachable!("checked")
                };
                let f = |v: f64| v as f32;
                let bands = Bands::new(
                    f(*short.get_ref()),
                    (f(normal.get_ref().0), f(normal.get_ref().1)),
                    (f(active.get_ref().0), f(active.get_ref().1)),
                    f(*open.get_ref()),
                )
                .map_err(|e| self.error(Some(normal.span()), Some(field("normal")), e.0))?;
                // An ADS1115 answers at 0x48–0x4B and has four inputs.
                Ok(ZoneWiring::Loop {
                    bus: self.number(&w.bus, field("bus"), 0..=31, 1, "")? as u8,
                    address: self.number(&w.address, field("address"), 0x48..=0x4B, 0x48, " (an ADS1115 answers at 0x48–0x4B)")? as u8,
                    channel: self.number(&w.channel, field("channel"), 0..=3, 0, "")? as u8,
                    bands,
                })
            }
            other => Err(self.error(
                Some(w.kind.span()),
                Some(field("kind")),
                format!("`{other}` is not a zone input; use \"contact\", \"contact-with-fault\" or \"loop\""),
            )),
        }
    }

    fn outputs(&mut self, o: &RawOutputs) -> Result<Outputs, ProfileError> {
        let mut out = |v: &Option<Spanned<i64>>, name: &str| -> Result<Option<u32>, ProfileError> {
            v.as_ref()
                .map(|p| self.pin(p, &format!("outputs.{name}"), format!("outputs.{name}")))
                .transpose()
        };
        Ok(Outputs {
            buzzer: out(&o.buzzer, "buzzer")?,
            alarm_relay: out(&o.alarm_relay, "alarm_relay")?,
            siren_relay: out(&o.siren_relay, "siren_relay")?,
            heartbeat: out(&o.heartbeat, "heartbeat")?,
        })
    }
}

/// The `[board]` table, read.
struct BoardSection {
    backend: Backend,
    pull: Pull,
    active_low: bool,
    outputs_active_low: bool,
}

impl Reader<'_> {
    /// The `[board]` table: the model (which sets the pins that exist), the
    /// backend and the levels.
    fn board(&mut self, b: Option<&Spanned<RawBoard>>) -> Result<BoardSection, ProfileError> {
        let Some(b) = b.map(Spanned::get_ref) else {
            return Ok(BoardSection {
                backend: Backend::Simulated,
                pull: Pull::Up,
                active_low: true,
                outputs_active_low: false,
            });
        };
        let word = |v: &Option<Spanned<String>>,
                    field: &str,
                    default: &'static str,
                    allowed: &[&str]|
         -> Result<String, ProfileError> {
            match v {
                None => Ok(default.to_string()),
                Some(w) if allowed.contains(&w.get_ref().as_str()) => Ok(w.get_ref().clone()),
                Some(w) => Err(self.error(
                    Some(w.span()),
                    Some(format!("board.{field}")),
                    format!(
                        "`{}` is not one of {}",
                        w.get_ref(),
                        allowed
                            .iter()
                            .map(|a| format!("\"{a}\""))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )),
            }
        };
        let model =
            match word(&b.model, "model", "simulated", &["simulated", "pi4", "pi5"])?.as_str() {
                "pi4" => Model::Pi4,
                "pi5" => Model::Pi5,
                _ => Model::Simulated,
            };
        let default_backend = if model == Model::Simulated {
            "simulated"
        } else {
            "gpiocdev"
        };
        let backend = match word(
            &b.backend,
            "backend",
            default_backend,
            &["simulated", "gpiocdev", "rppal"],
        )?
        .as_str()
        {
            "gpiocdev" => Backend::Gpiocdev {
                chip: match &b.chip {
                    None => Chip::Auto,
                    Some(c) if c.get_ref() == "auto" => Chip::Auto,
                    Some(c) if c.get_ref().starts_with("/dev/gpiochip") => {
                        Chip::Path(c.get_ref().clone())
                    }
                    Some(c) => {
                        return Err(self.error(
                            Some(c.span()),
                            Some("board.chip".into()),
                            format!(
                                "`{}` is not a GPIO chip; use \"auto\" or a device such as \"/dev/gpiochip0\" (`gpiodetect` lists them)",
                                c.get_ref()
                            ),
                        ));
                    }
                },
            },
            "rppal" => Backend::Rppal,
            _ => Backend::Simulated,
        };
        let hardware = backend != Backend::Simulated;
        if hardware && model == Model::Simulated {
            let span = b.backend.as_ref().map(Spanned::span);
            return Err(self.error(
                span,
                Some("board.model".into()),
                "a GPIO backend needs the board's model: \"pi4\" or \"pi5\"",
            ));
        }
        if let (false, Some(c)) = (matches!(backend, Backend::Gpiocdev { .. }), &b.chip) {
            return Err(self.error(
                Some(c.span()),
                Some("board.chip".into()),
                "only the gpiocdev backend opens a chip by name; leave `chip` out",
            ));
        }
        let pull = match word(&b.pull, "pull", "up", &["up", "down", "none"])?.as_str() {
            "down" => Pull::Down,
            "none" => Pull::None,
            _ => Pull::Up,
        };
        let active_low = word(&b.active, "active", "low", &["low", "high"])? == "low";
        let outputs_active_low = word(
            &b.outputs_active,
            "outputs_active",
            "high",
            &["low", "high"],
        )? == "low";
        self.model = model;
        Ok(BoardSection {
            backend,
            pull,
            active_low,
            outputs_active_low,
        })
    }

    fn printer(&self, p: Option<&RawPrinter>) -> Result<PrinterWiring, ProfileError> {
        let Some(p) = p else {
            return Ok(PrinterWiring::default());
        };
        let at = |v: &Spanned<String>| At {
            value: v.get_ref().trim().to_string(),
            line: self.line(v.span().start),
        };
        if let Some(port) = &p.port
            && port.get_ref().trim().is_empty()
        {
            return Err(self.error(
                Some(port.span()),
                Some("printer.port".into()),
                "name the printer's device, such as \"/dev/kiosk-printer\" (the udev rule's name) or \"/dev/ttyUSB0\"",
            ));
        }
        const BAUDS: [i64; 7] = [2400, 4800, 9600, 19200, 38400, 57600, 115200];
        let baud = match &p.baud {
            None => None,
            Some(b) if BAUDS.contains(b.get_ref()) => Some(At {
                value: *b.get_ref() as u32,
                line: self.line(b.span().start),
            }),
            Some(b) => {
                return Err(self.error(
                    Some(b.span()),
                    Some("printer.baud".into()),
                    format!(
                        "{} is not a serial speed a printer uses; use one of {}",
                        b.get_ref(),
                        BAUDS.map(|b| b.to_string()).join(", ")
                    ),
                ));
            }
        };
        Ok(PrinterWiring {
            port: p.port.as_ref().map(at),
            baud,
            model: p.model.as_ref().map(at),
        })
    }

    fn screen(&self, d: Option<&RawScreen>) -> Result<Screen, ProfileError> {
        let Some(d) = d else {
            return Ok(Screen::default());
        };
        let rotation = match &d.rotation {
            None => 0,
            Some(r) if matches!(r.get_ref(), 0 | 90 | 180 | 270) => *r.get_ref() as u16,
            Some(r) => {
                return Err(self.error(
                    Some(r.span()),
                    Some("screen.rotation".into()),
                    format!(
                        "{} is not a rotation; use 0, 90, 180 or 270 (degrees clockwise)",
                        r.get_ref()
                    ),
                ));
            }
        };
        let touch_calibration = match &d.touch_calibration {
            None => None,
            Some(m) => {
                let v = m.get_ref();
                if v.len() != 6 || v.iter().any(|x| !x.is_finite() || x.abs() > 10.0) {
                    return Err(self.error(
                        Some(m.span()),
                        Some("screen.touch_calibration".into()),
                        "give libinput's six numbers [a, b, c, d, e, f], each between -10 and 10 (the identity is [1, 0, 0, 0, 1, 0]; see docs/pi.md)",
                    ));
                }
                Some([v[0], v[1], v[2], v[3], v[4], v[5]].map(|x| x as f32))
            }
        };
        let output = match &d.output {
            None => None,
            Some(o)
                if !o.get_ref().trim().is_empty()
                    && o.get_ref()
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-') =>
            {
                Some(o.get_ref().clone())
            }
            Some(o) => {
                return Err(self.error(
                    Some(o.span()),
                    Some("screen.output".into()),
                    format!(
                        "`{}` is not a display connector such as \"HDMI-A-1\" or \"DSI-1\"",
                        o.get_ref()
                    ),
                ));
            }
        };
        Ok(Screen {
            rotation,
            touch_calibration,
            output,
        })
    }

    /// Pins a Pi's header gives to the buses this profile uses: I2C bus 1
    /// (the window cards, the ADC) on GPIO 2 and 3, the UART on 14 and 15
    /// when the printer is on it.
    fn reserve(&mut self, raw: &Raw, printer: &PrinterWiring) {
        if self.model == Model::Simulated {
            return;
        }
        let bus1 = |bus: &Option<Spanned<i64>>| bus.as_ref().is_none_or(|b| *b.get_ref() == 1);
        let i2c = raw.evaluator.iter().any(|e| {
            e.get_ref()
                .display
                .as_ref()
                .is_some_and(|d| d.get_ref().kind.get_ref() == "ssd1306" && bus1(&d.get_ref().bus))
        }) || raw.zone.iter().any(|z| {
            let input = z.get_ref().input.get_ref();
            input.kind.get_ref() == "loop" && bus1(&input.bus)
        });
        if i2c {
            self.pins
                .insert(2, "I2C bus 1's SDA (the window cards and the ADC)".into());
            self.pins
                .insert(3, "I2C bus 1's SCL (the window cards and the ADC)".into());
        }
        let uart = printer.port.as_ref().is_some_and(|p| {
            ["/dev/serial0", "/dev/ttyAMA0", "/dev/ttyS0"].contains(&p.value.as_str())
        });
        if uart {
            self.pins.insert(14, "the UART's TXD (the printer)".into());
            self.pins.insert(15, "the UART's RXD (the printer)".into());
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
        })
    }

    /// The simulated board's built-in profile.
    pub fn simulated() -> Self {
        Self::parse("built-in board profile simulated.toml", SIMULATED)
            .expect("the built-in board profile is valid (tested)")
    }

    pub fn evaluator(&self, window: u8) -> Option<&Evaluator> {
        self.evaluators.iter().find(|e| e.window == window)
    }

    pub fn zone(&self, name: &str) -> Option<&ZoneSpec> {
        self.zones.iter().find(|z| z.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_simulated_profile_is_valid() {
        let p = BoardProfile::simulated();
        assert_eq!(p.name, "simulated");
        assert!(p.evaluators.len() >= 3);
        let levels: Vec<Vec<u8>> = p.evaluators.iter().map(Evaluator::levels).collect();
        assert!(levels.iter().any(|l| l.len() == 5));
        assert!(levels.iter().any(|l| l.len() == 3), "{levels:?}");
    }

    fn profile(evaluators: &str) -> Result<BoardProfile, ProfileError> {
        BoardProfile::parse("test.toml", &format!("name = \"test\"\n{evaluators}"))
    }

    #[test]
    fn three_and_four_keys_map_onto_the_five_levels() {
        let p = profile(
            "[[evaluator]]\nwindow = 1\nkeys = [{ pin = 5, level = 5 }, { pin = 6, level = 3 }, { pin = 13, level = 1 }]\n\
             [[evaluator]]\nwindow = 2\nkeys = [{ pin = 16, level = 5 }, { pin = 19, level = 4 }, { pin = 20, level = 2 }, { pin = 21, level = 1 }]\ndebounce = \"leading\"\ndebounce_ms = 50\nstuck_seconds = 20\ndisplay = { kind = \"ssd1306\", bus = 1, address = 0x3D }\n",
        )
        .unwrap();
        assert_eq!(p.evaluators[0].levels(), [5, 3, 1]);
        assert_eq!(
            p.evaluators[0].filter,
            Filter::Stable(Duration::from_millis(15))
        );
        assert_eq!(p.evaluators[1].keys, [(16, 5), (19, 4), (20, 2), (21, 1)]);
        assert_eq!(
            p.evaluators[1].filter,
            Filter::Leading(Duration::from_millis(50))
        );
        assert_eq!(p.evaluators[1].stuck_after, Duration::from_secs(20));
        assert_eq!(
            p.evaluators[1].display,
            Some(Display::Mono {
                bus: 1,
                address: 0x3D
            })
        );
        assert_eq!(p.evaluators[1].window_line, 6);
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::*;

        proptest! {
            /// Any text is a profile or refused with the file named; never a
            /// panic.
            #[test]
            fn any_text_is_a_profile_or_refused_by_file(text in any::<String>()) {
                if let Err(e) = BoardProfile::parse("p.toml", &text) {
                    prop_assert!(e.to_string().starts_with("p.toml"), "{}", e);
                }
            }

            /// Profiles made of plausible pieces: accepted ones never wire two
            /// keys to one pin or give a level outside 1–5.
            #[test]
            fn accepted_profiles_keep_their_rules(
                keys in proptest::collection::vec((0i64..70, -1i64..8), 0..7),
                window in -2i64..5,
            ) {
                let list: Vec<String> = keys.iter().map(|(p, l)| format!("{{ pin = {p}, level = {l} }}")).collect();
                let text = format!("name = \"x\"\n[[evaluator]]\nwindow = {window}\nkeys = [{}]\n", list.join(", "));
                if let Ok(p) = BoardProfile::parse("p.toml", &text) {
                    let e = &p.evaluators[0];
                    let pins: std::collections::BTreeSet<u32> = e.keys.iter().map(|k| k.0).collect();
                    prop_assert_eq!(pins.len(), e.keys.len());
                    prop_assert!(e.keys.iter().all(|k| (1..=5).contains(&k.1)));
                    prop_assert!((3..=5).contains(&e.keys.len()));
                }
            }
        }
    }

    #[test]
    fn the_simulated_board_has_a_panic_button_a_smoke_loop_and_outputs() {
        let p = BoardProfile::simulated();
        let panic = p.zone("panic").unwrap();
        assert_eq!(panic.role, ZoneRole::Panic);
        assert_eq!(panic.kind(), ZoneKind::Panic);
        assert_eq!(panic.reset_role, Some(ResetRole::Staff));
        assert!(matches!(panic.wiring, ZoneWiring::Loop { channel: 1, .. }));
        let smoke = p.zone("smoke").unwrap();
        assert_eq!(
            smoke.kind(),
            ZoneKind::Smoke {
                confirm: Duration::from_secs(5)
            }
        );
        let ZoneWiring::Loop { bands, address, .. } = smoke.wiring else {
            panic!("{:?}", smoke.wiring)
        };
        assert_eq!(address, 0x48);
        assert_eq!(bands.classify(4700.0), drivers::zone::Reading::Normal);
        assert_eq!(p.outputs.siren_relay, Some(25));
    }

    #[test]
    fn bad_zones_and_outputs_are_refused_with_file_line_and_field() {
        let zone = |input: &str, extra: &str| {
            format!("[[zone]]\nname = \"smoke\"\nrole = \"smoke\"\ninput = {input}\n{extra}")
        };
        let contact = "{ kind = \"contact\", pin = 23 }";
        let table = [
            (
                zone(contact, ""),
                "test.toml:2: field `zone[0].reset_role`: zone `smoke` has no reset_role; say who may reset its alarm: \"staff\" or \"manager\"",
            ),
            (
                zone(
                    "{ kind = \"loop\", short_below = 300, normal = [3500, 6000], active_band = [5000, 7000], open_from = 20000 }",
                    "reset_role = \"staff\"\n",
                ),
                "test.toml:5: field `zone[0].input.normal`: the normal band 3500–6000 and the active band 5000–7000 overlap",
            ),
            (
                zone(
                    contact,
                    "reset_role = \"staff\"\n[outputs]\nsiren_relay = 23\n",
                ),
                "test.toml:8: field `outputs.siren_relay`: pin 23 is already wired to zone `smoke`; each input and output needs its own pin",
            ),
            (
                zone(contact, "reset_role = \"staff\"\nconfirm_seconds = 11\n"),
                "test.toml:7: field `zone[0].confirm_seconds`: must be 0–10 seconds",
            ),
            (
                zone(
                    "{ kind = \"loop\", short_below = 300 }",
                    "reset_role = \"staff\"\n",
                ),
                "test.toml:5: field `zone[0].input.normal`: a `loop` input needs `normal`",
            ),
            (
                zone("{ kind = \"relay\", pin = 3 }", "reset_role = \"staff\"\n"),
                "test.toml:5: field `zone[0].input.kind`: `relay` is not a zone input; use \"contact\", \"contact-with-fault\" or \"loop\"",
            ),
            (
                zone(contact, "reset_role = \"janitor\"\n"),
                "test.toml:6: field `zone[0].reset_role`: `janitor` is not a role; use \"staff\" or \"manager\"",
            ),
        ];
        for (text, expected) in table {
            let e = profile(&text).unwrap_err();
            assert_eq!(e.to_string(), expected, "\n{text}");
        }
        // A key and a zone on one pin.
        let text = format!(
            "[[evaluator]]\nwindow = 1\nkeys = [{{ pin = 5, level = 5 }}, {{ pin = 6, level = 3 }}, {{ pin = 13, level = 1 }}]\n{}",
            zone(
                "{ kind = \"contact\", pin = 6 }",
                "reset_role = \"staff\"\n"
            )
        );
        assert_eq!(
            profile(&text).unwrap_err().to_string(),
            "test.toml:8: field `zone[0].input.pin`: pin 6 is already wired to evaluator[0].keys[1]; each input and output needs its own pin"
        );
    }

    #[test]
    fn the_reference_pi_profile_wires_two_windows_on_the_header() {
        let p = BoardProfile::parse("pi-2-windows.toml", PI_2_WINDOWS).unwrap();
        assert_eq!(p.model, Model::Pi4);
        assert_eq!(p.backend, Backend::Gpiocdev { chip: Chip::Auto });
        assert_eq!(
            (p.pull, p.active_low, p.outputs_active_low),
            (Pull::Up, true, false)
        );
        assert_eq!(p.evaluators.len(), 2);
        assert_eq!(
            p.keypads.iter().map(|k| k.keys.len()).collect::<Vec<_>>(),
            [4, 4]
        );
        assert_eq!(p.printer.port.as_ref().unwrap().value, "/dev/kiosk-printer");
        assert_eq!(p.printer.baud.as_ref().unwrap().value, 9600);
        assert_eq!(p.screen.output.as_deref(), Some("DSI-1"));
        let mut pins: Vec<u32> = p
            .evaluators
            .iter()
            .flat_map(|e| e.keys.iter().map(|(pin, _)| *pin))
            .chain(
                p.keypads
                    .iter()
                    .flat_map(|k| k.keys.iter().map(|(pin, _)| *pin)),
            )
            .chain(
                [
                    p.outputs.buzzer,
                    p.outputs.alarm_relay,
                    p.outputs.siren_relay,
                    p.outputs.heartbeat,
                ]
                .into_iter()
                .flatten(),
            )
            .collect();
        pins.sort();
        assert!(
            pins.iter().all(|p| (4..=27).contains(p)),
            "off I2C bus 1's pins: {pins:?}"
        );
        pins.dedup();
        assert_eq!(pins.len(), 22);
        // The loops' bands as a 4.7 kΩ pull-up to 3.3 V against the loop
        // sees them: 4.7 kΩ normal, 2.2 kΩ across it when active.
        let mv = |r: f64| 3300.0 * r / (r + 4700.0);
        for z in &p.zones {
            let ZoneWiring::Loop { bands, .. } = z.wiring else {
                panic!("zone {} is a loop", z.name)
            };
            use drivers::zone::{FaultKind, Reading};
            assert_eq!(bands.classify(mv(4700.0) as f32), Reading::Normal);
            assert_eq!(
                bands.classify(mv(1.0 / (1.0 / 4700.0 + 1.0 / 2200.0)) as f32),
                Reading::Active
            );
            assert_eq!(
                bands.classify(mv(0.0) as f32),
                Reading::Fault(FaultKind::Short)
            );
            assert_eq!(bands.classify(3300.0), Reading::Fault(FaultKind::Open));
        }
    }

    #[test]
    fn pi_profiles_are_refused_with_file_line_and_field() {
        let pi = |board: &str, rest: &str| {
            BoardProfile::parse(
                "pi.toml",
                &format!("name = \"pi\"\n[board]\n{board}\n{rest}"),
            )
            .map(|_| ())
            .map_err(|e| e.to_string())
        };
        let keys = |a: u32| {
            format!(
                "[[evaluator]]\nwindow = 1\nkeys = [{{ pin = {a}, level = 5 }}, {{ pin = 6, level = 3 }}, {{ pin = 13, level = 1 }}]\n"
            )
        };
        let table = [
            (
                pi("model = \"pi4\"", &keys(28)),
                "pi.toml:6: field `evaluator[0].keys[0].pin`: the pi4 has no GPIO 28; its header's lines are 2–27",
            ),
            (
                pi("model = \"pi5\"", &keys(0)),
                "pi.toml:6: field `evaluator[0].keys[0].pin`: the pi5 has no GPIO 0; its header's lines are 2–27",
            ),
            (
                pi("model = \"pi4\"\nbackend = \"wiringpi\"", ""),
                "pi.toml:4: field `board.backend`: `wiringpi` is not one of \"simulated\", \"gpiocdev\", \"rppal\"",
            ),
            (
                pi("model = \"pi3\"", ""),
                "pi.toml:3: field `board.model`: `pi3` is not one of \"simulated\", \"pi4\", \"pi5\"",
            ),
            (
                pi("backend = \"gpiocdev\"", ""),
                "pi.toml:3: field `board.model`: a GPIO backend needs the board's model: \"pi4\" or \"pi5\"",
            ),
            (
                pi("model = \"pi4\"\nchip = \"gpiochip0\"", ""),
                "pi.toml:4: field `board.chip`: `gpiochip0` is not a GPIO chip; use \"auto\" or a device such as \"/dev/gpiochip0\" (`gpiodetect` lists them)",
            ),
            (
                pi("model = \"pi4\"\nbackend = \"rppal\"\nchip = \"auto\"", ""),
                "pi.toml:5: field `board.chip`: only the gpiocdev backend opens a chip by name; leave `chip` out",
            ),
            (
                pi(
                    "model = \"pi4\"",
                    &(keys(3) + "display = { kind = \"ssd1306\" }\n"),
                ),
                "pi.toml:6: field `evaluator[0].keys[0].pin`: pin 3 is already wired to I2C bus 1's SCL (the window cards and the ADC); each input and output needs its own pin",
            ),
            (
                pi(
                    "model = \"pi4\"",
                    &format!("[printer]\nport = \"/dev/serial0\"\n{}", keys(14)),
                ),
                "pi.toml:8: field `evaluator[0].keys[0].pin`: pin 14 is already wired to the UART's TXD (the printer); each input and output needs its own pin",
            ),
            (
                pi("model = \"pi4\"", "[printer]\nbaud = 9601\n"),
                "pi.toml:5: field `printer.baud`: 9601 is not a serial speed a printer uses; use one of 2400, 4800, 9600, 19200, 38400, 57600, 115200",
            ),
            (
                pi(
                    "model = \"pi4\"",
                    &(keys(5) + "[[keypad]]\nwindow = 1\ncall = 6\n"),
                ),
                "pi.toml:9: field `keypad[0].call`: pin 6 is already wired to evaluator[0].keys[1]; each input and output needs its own pin",
            ),
            (
                pi("model = \"pi4\"", "[[keypad]]\nwindow = 2\n"),
                "pi.toml:4: field `keypad[0]`: a keypad needs at least one key: call, recall, skip or complete = PIN",
            ),
            (
                pi(
                    "model = \"pi4\"",
                    "[[keypad]]\nwindow = 2\ncall = 20\n[[keypad]]\nwindow = 2\nskip = 21\n",
                ),
                "pi.toml:8: field `keypad[1].window`: window 2 already has a keypad (keypad[0])",
            ),
            (
                pi("model = \"pi4\"", "[screen]\nrotation = 45\n"),
                "pi.toml:5: field `screen.rotation`: 45 is not a rotation; use 0, 90, 180 or 270 (degrees clockwise)",
            ),
            (
                pi(
                    "model = \"pi4\"",
                    "[screen]\ntouch_calibration = [1, 0, 0, 0, 1]\n",
                ),
                "pi.toml:5: field `screen.touch_calibration`: give libinput's six numbers [a, b, c, d, e, f], each between -10 and 10 (the identity is [1, 0, 0, 0, 1, 0]; see docs/pi.md)",
            ),
            (
                pi(
                    "model = \"pi4\"",
                    &(keys(5) + "display = { kind = \"ssd1306\", address = 0x78 }\n"),
                ),
                "pi.toml:7: field `evaluator[0].display.address`: 0x78 is not an SSD1306 address; use 0x3C or 0x3D",
            ),
        ];
        for (got, want) in table {
            assert_eq!(got, Err(want.to_string()));
        }
        // Unknown pins on the simulated board stay as wide as its lines.
        assert!(pi("", &keys(40)).is_ok());
    }

    #[test]
    fn bad_profiles_are_refused_with_file_line_and_field() {
        let three = |a: &str| {
            format!(
                "[[evaluator]]\nwindow = 1\nkeys = [\n  {a},\n  {{ pin = 6, level = 3 }},\n  {{ pin = 13, level = 1 }},\n]\n"
            )
        };
        let table = [
            (
                three("{ pin = 5, level = 6 }"),
                "test.toml:5: field `evaluator[0].keys[0].level`: 6 is not a rating level; levels are 1 (非常不满意) to 5 (非常满意)",
            ),
            (
                three("{ pin = 13, level = 5 }"),
                "test.toml:7: field `evaluator[0].keys[2].pin`: pin 13 is already wired to evaluator[0].keys[0]; each input and output needs its own pin",
            ),
            (
                three("{ pin = 5, level = 3 }"),
                "test.toml:6: field `evaluator[0].keys[1].level`: two keys of window 1 give level 3",
            ),
            (
                three("{ pin = 99, level = 5 }"),
                "test.toml:5: field `evaluator[0].keys[0].pin`: the simulated has no GPIO 99; its header's lines are 0–63",
            ),
            (
                three("{ pin = 5, level = 2 }"),
                "test.toml:4: field `evaluator[0].keys`: the keys need at least one good level (4 or 5) and one bad level (1 or 2)",
            ),
            (
                "[[evaluator]]\nwindow = 1\nkeys = [{ pin = 5, level = 5 }, { pin = 6, level = 1 }]\n".into(),
                "test.toml:4: field `evaluator[0].keys`: an evaluator has 3, 4 or 5 keys; this one lists 2",
            ),
            (
                format!("{}debounce = \"slow\"\n", three("{ pin = 5, level = 5 }")),
                "test.toml:9: field `evaluator[0].debounce`: `slow` is not a filter; use \"stable\" or \"leading\"",
            ),
            (
                format!("{}display = {{ kind = \"ssd1306\", address = 0x50 }}\n", three("{ pin = 5, level = 5 }")),
                "test.toml:9: field `evaluator[0].display.address`: 0x50 is not an SSD1306 address; use 0x3C or 0x3D",
            ),
            (
                format!("{}{}", three("{ pin = 5, level = 5 }"), three("{ pin = 7, level = 5 }").replace("pin = 6", "pin = 8").replace("pin = 13", "pin = 9")),
                "test.toml:10: field `evaluator[1].window`: window 1 already has an evaluator (evaluator[0])",
            ),
        ];
        for (text, expected) in table {
            let e = profile(&text).unwrap_err();
            assert_eq!(e.to_string(), expected, "\n{text}");
        }
        let e = profile("[[evaluator]]\nwindow = 1\nkeyz = 3\n").unwrap_err();
        assert_eq!(e.line, Some(4), "{e}");
        assert!(e.problem.contains("unknown field `keyz`"), "{e}");
        assert_eq!(e.field.as_deref(), Some("evaluator[0].keyz"), "{e}");
    }

    #[test]
    fn a_value_of_the_wrong_type_names_its_field() {
        let keys =
            "keys = [{ pin = 5, level = 5 }, { pin = 6, level = 3 }, { pin = 13, level = 1 }]\n";
        for (text, line, field) in [
            (
                format!("[[evaluator]]\nwindow = \"one\"\n{keys}"),
                3,
                "evaluator[0].window",
            ),
            (
                "[[evaluator]]\nwindow = 1\nkeys = [{ pin = 5, level = 5 }, { pin = \"six\", level = 3 }]\n"
                    .to_string(),
                4,
                "evaluator[0].keys[1].pin",
            ),
            (
                format!("[[evaluator]]\nwindow = 1\n{keys}stuck_seconds = \"long\"\n"),
                5,
                "evaluator[0].stuck_seconds",
            ),
            ("[board]\npull = 3\n".to_string(), 3, "board.pull"),
        ] {
            let e = profile(&text).unwrap_err();
            assert_eq!(
                (e.line, e.field.as_deref()),
                (Some(line), Some(field)),
                "{text}: {e}"
            );
        }
    }
}
