//! The validated board profile: the types the rest of the board and the kiosk
//! read (evaluators, keypads, safety zones, outputs, the board's model and
//! backend, the printer's wiring, the screen). Nothing here reads TOML; that
//! is `read/`'s work, and every value found here has passed its rules.

use std::time::Duration;

use drivers::input::Filter;
use drivers::zone::{Bands, ZoneKind};

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

/// The highest GPIO line number the simulated board accepts.
const MAX_PIN: i64 = 63;

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
    /// The speaker for calls; `None`: the board has none (the simulated
    /// board writes WAV files instead).
    pub audio: Option<Audio>,
}

/// The sound output: an ALSA device by name, never by card number (card
/// numbers change between boards and with overlays).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Audio {
    pub device: String,
}

impl BoardProfile {
    pub fn evaluator(&self, window: u8) -> Option<&Evaluator> {
        self.evaluators.iter().find(|e| e.window == window)
    }

    pub fn zone(&self, name: &str) -> Option<&ZoneSpec> {
        self.zones.iter().find(|z| z.name == name)
    }
}
