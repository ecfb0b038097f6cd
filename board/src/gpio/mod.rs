//! The Pi's GPIO lines, through the backend the board profile names: the
//! Linux GPIO character device ([`cdev`], the default) or `rppal`
//! ([`rppal`], optional). Each backend does only this: open the profile's
//! lines with their bias, report edges and current levels, and drive the
//! outputs. Debouncing, stuck keys, loop supervision and alarms are the pure
//! filters and state machines above, shared with the simulated board.
//!
//! Levels here are logical: an input line is *active* when its key is
//! pressed or its contact closed (the profile's `active` says which voltage
//! that is), an output is *on* when its relay or buzzer is energised.
//!
//! Neither backend can run on the build machines (no `gpio-sim` there); CI
//! compiles both. What can be tested here is tested: which lines a profile
//! asks for, finding the chip, and the messages a technician reads.

#[cfg(feature = "gpiocdev")]
pub mod cdev;
#[cfg(feature = "rppal")]
pub mod rppal;

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::profile::{Backend, BoardProfile, Pull, ZoneWiring};

/// What a line is for, in messages.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Line {
    pub pin: u32,
    pub what: String,
}

/// The lines a profile wires, with how they are to be opened.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Plan {
    /// Keys and contacts, in the profile's order.
    pub inputs: Vec<Line>,
    /// The buzzer, relays and heartbeat.
    pub outputs: Vec<Line>,
    pub pull: Pull,
    pub active_low: bool,
    pub outputs_active_low: bool,
}

impl Plan {
    pub fn of(profile: &BoardProfile) -> Self {
        let mut inputs = Vec::new();
        for e in &profile.evaluators {
            for (pin, level) in &e.keys {
                inputs.push(Line {
                    pin: *pin,
                    what: format!("window {}'s evaluator key {level}", e.window),
                });
            }
        }
        for k in &profile.keypads {
            for (pin, key) in &k.keys {
                inputs.push(Line {
                    pin: *pin,
                    what: format!("window {}'s keypad key {}", k.window, key.word()),
                });
            }
        }
        for z in &profile.zones {
            match z.wiring {
                ZoneWiring::Contact { pin, .. } => inputs.push(Line {
                    pin,
                    what: format!("zone {}", z.name),
                }),
                ZoneWiring::ContactWithFault { pin, fault_pin, .. } => {
                    inputs.push(Line {
                        pin,
                        what: format!("zone {}", z.name),
                    });
                    inputs.push(Line {
                        pin: fault_pin,
                        what: format!("zone {}'s fault contact", z.name),
                    });
                }
                ZoneWiring::Loop { .. } => {}
            }
        }
        let o = &profile.outputs;
        let outputs = [
            (o.buzzer, "the buzzer"),
            (o.alarm_relay, "the alarm relay"),
            (o.siren_relay, "the siren relay"),
            (o.heartbeat, "the heartbeat"),
        ]
        .into_iter()
        .filter_map(|(pin, what)| {
            pin.map(|pin| Line {
                pin,
                what: what.into(),
            })
        })
        .collect();
        Self {
            inputs,
            outputs,
            pull: profile.pull,
            active_low: profile.active_low,
            outputs_active_low: profile.outputs_active_low,
        }
    }

    /// What `pin` is for.
    pub fn what(&self, pin: u32) -> String {
        self.inputs
            .iter()
            .chain(&self.outputs)
            .find(|l| l.pin == pin)
            .map_or_else(
                || format!("GPIO {pin}"),
                |l| format!("GPIO {pin} ({})", l.what),
            )
    }
}

/// An input line changed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Edge {
    pub pin: u32,
    /// Pressed or closed now.
    pub active: bool,
}

/// The profile's input lines, opened.
pub trait InputLines: Send {
    /// Waits at most `timeout` for edges; an empty list when none came.
    fn wait(&mut self, timeout: Duration) -> Result<Vec<Edge>, GpioError>;
    /// Every input's level now, in the plan's order.
    fn levels(&mut self) -> Result<Vec<(u32, bool)>, GpioError>;
}

/// The profile's output lines, opened (all off).
pub trait OutputLines: Send {
    fn set(&mut self, pin: u32, on: bool) -> Result<(), GpioError>;
}

/// A backend's lines, opened: the inputs (for the thread that waits on
/// them) and the outputs (for the station loop).
pub type Opened = (Box<dyn InputLines>, Box<dyn OutputLines>);

/// Why the GPIO lines could not be used. Every message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum GpioError {
    #[error(
        "{} does not exist — this is not the board the profile names, or its GPIO driver is not loaded (`ls /dev/gpiochip*`; set board.chip to one that exists)",
        .0.display()
    )]
    NoChip(PathBuf),
    #[error(
        "no GPIO chip here is labelled {labels} (the {model}'s header) — is this the board the profile names? `gpiodetect` lists the chips; set board.chip to the right one"
    )]
    ChipNotFound { model: &'static str, labels: String },
    #[error(
        "permission denied on {} — add the kiosk user to the gpio group (`sudo usermod -aG gpio kiosk`) and restart the kiosk",
        .0.display()
    )]
    Permission(PathBuf),
    #[error(
        "{what} is busy: another program holds the line (`gpioinfo` names it) — stop that program or wire another pin"
    )]
    Busy { what: String },
    #[error(
        "this kiosk was built without the {0} backend — install the package built for the Pi, or rebuild with `cargo build --release --features {0}`"
    )]
    NotBuilt(&'static str),
    #[error("the simulated board has no GPIO lines")]
    Simulated,
    #[error("GPIO: {0}")]
    Other(String),
}

impl GpioError {
    /// An I/O error on `path`, as a technician needs it.
    pub fn io(path: &Path, e: &io::Error) -> Self {
        match e.kind() {
            io::ErrorKind::NotFound => GpioError::NoChip(path.to_path_buf()),
            io::ErrorKind::PermissionDenied => GpioError::Permission(path.to_path_buf()),
            _ if e.raw_os_error() == Some(16) => GpioError::Busy {
                what: path.display().to_string(),
            },
            _ => GpioError::Other(format!("{}: {e}", path.display())),
        }
    }
}

/// The chip device files in `dir` (`gpiochipN`), in number order.
pub fn chip_files(dir: &Path) -> Vec<PathBuf> {
    let mut chips: Vec<(u32, PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name();
            let n = name.to_str()?.strip_prefix("gpiochip")?.parse().ok()?;
            Some((n, e.path()))
        })
        .collect();
    chips.sort();
    chips.into_iter().map(|(_, p)| p).collect()
}

/// The first of `chips` whose label (as `label_of` reads it) is one of
/// `labels`.
pub fn pick_chip(
    chips: &[PathBuf],
    labels: &[&str],
    mut label_of: impl FnMut(&Path) -> Option<String>,
) -> Option<PathBuf> {
    chips
        .iter()
        .find(|c| label_of(c).is_some_and(|l| labels.contains(&l.as_str())))
        .cloned()
}

/// Opens the profile's lines with its backend.
pub fn open(profile: &BoardProfile) -> Result<Opened, GpioError> {
    match &profile.backend {
        Backend::Simulated => Err(GpioError::Simulated),
        #[cfg(feature = "gpiocdev")]
        Backend::Gpiocdev { chip } => cdev::open(&Plan::of(profile), chip, profile.model),
        #[cfg(not(feature = "gpiocdev"))]
        Backend::Gpiocdev { .. } => Err(GpioError::NotBuilt("gpiocdev")),
        #[cfg(feature = "rppal")]
        Backend::Rppal => rppal::open(&Plan::of(profile)),
        #[cfg(not(feature = "rppal"))]
        Backend::Rppal => Err(GpioError::NotBuilt("rppal")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{BoardProfile, PI_2_WINDOWS};

    #[test]
    fn the_plan_opens_every_key_and_output_of_the_reference_wiring() {
        let p = BoardProfile::parse("pi-2-windows.toml", PI_2_WINDOWS).unwrap();
        let plan = Plan::of(&p);
        let pins: Vec<u32> = plan.inputs.iter().map(|l| l.pin).collect();
        assert_eq!(
            pins,
            [
                5, 6, 13, 19, 26, 17, 27, 22, 12, 16, 20, 21, 7, 8, 9, 10, 11, 25
            ]
        );
        assert_eq!(plan.what(8), "GPIO 8 (window 1's keypad key complete)");
        let outs: Vec<u32> = plan.outputs.iter().map(|l| l.pin).collect();
        assert_eq!(outs, [18, 23, 24, 4]);
        assert_eq!(plan.what(26), "GPIO 26 (window 1's evaluator key 1)");
        assert_eq!(plan.what(24), "GPIO 24 (the siren relay)");
        assert!(plan.active_low && plan.pull == Pull::Up && !plan.outputs_active_low);
    }

    #[test]
    fn contacts_and_their_fault_contacts_are_inputs_and_loops_are_not() {
        let text = "name = \"c\"\n[board]\nmodel = \"pi5\"\n[[zone]]\nname = \"panic\"\nrole = \"panic\"\ninput = { kind = \"contact\", pin = 20 }\nreset_role = \"staff\"\n[[zone]]\nname = \"smoke\"\nrole = \"smoke\"\ninput = { kind = \"contact-with-fault\", pin = 21, fault_pin = 7 }\nreset_role = \"manager\"\n";
        let plan = Plan::of(&BoardProfile::parse("c.toml", text).unwrap());
        assert_eq!(
            plan.inputs,
            [
                Line {
                    pin: 20,
                    what: "zone panic".into()
                },
                Line {
                    pin: 21,
                    what: "zone smoke".into()
                },
                Line {
                    pin: 7,
                    what: "zone smoke's fault contact".into()
                },
            ]
        );
    }

    #[test]
    fn the_header_chip_is_found_by_its_label_in_number_order() {
        let dir = tempfile::tempdir().unwrap();
        for n in [11, 0, 4, 10] {
            std::fs::write(dir.path().join(format!("gpiochip{n}")), "").unwrap();
        }
        std::fs::write(dir.path().join("gpiomem0"), "").unwrap();
        let chips = chip_files(dir.path());
        let names: Vec<_> = chips
            .iter()
            .map(|c| c.file_name().unwrap().to_str().unwrap().to_string())
            .collect();
        assert_eq!(
            names,
            ["gpiochip0", "gpiochip4", "gpiochip10", "gpiochip11"]
        );
        // A Pi 5 on a recent kernel: the RP1's lines moved to gpiochip0; on an
        // older one they were gpiochip4.
        let label = |c: &Path| {
            Some(
                match c.file_name()?.to_str()? {
                    "gpiochip4" => "pinctrl-rp1",
                    "gpiochip0" => "gpio-brcmstb@107d508500",
                    _ => "other",
                }
                .to_string(),
            )
        };
        let found = pick_chip(&chips, crate::profile::Model::Pi5.chip_labels(), label);
        assert_eq!(found, Some(dir.path().join("gpiochip4")));
        assert_eq!(
            pick_chip(&chips, crate::profile::Model::Pi4.chip_labels(), label),
            None
        );
    }

    #[test]
    fn io_errors_become_what_to_do() {
        let path = Path::new("/dev/gpiochip0");
        let denied = GpioError::io(path, &io::Error::from(io::ErrorKind::PermissionDenied));
        assert_eq!(
            denied.to_string(),
            "permission denied on /dev/gpiochip0 — add the kiosk user to the gpio group (`sudo usermod -aG gpio kiosk`) and restart the kiosk"
        );
        let missing = GpioError::io(path, &io::Error::from(io::ErrorKind::NotFound));
        assert!(
            missing
                .to_string()
                .starts_with("/dev/gpiochip0 does not exist — ")
        );
        let busy = GpioError::io(path, &io::Error::from_raw_os_error(16));
        assert!(matches!(busy, GpioError::Busy { .. }), "{busy:?}");
    }

    #[test]
    fn a_backend_left_out_of_the_build_says_how_to_get_it() {
        let e = GpioError::NotBuilt("rppal");
        assert!(e.to_string().contains("--features rppal"), "{e}");
    }
}
