//! The profile's `[board]`, `[printer]` and `[screen]` tables, and the pins a
//! Pi's header gives to the buses the profile uses (I2C bus 1, the UART).

use toml::Spanned;

use super::{Raw, RawBoard, RawPrinter, RawScreen, Reader};
use crate::profile::{At, Backend, Chip, Model, PrinterWiring, ProfileError, Pull, Screen};

/// The `[board]` table, read.
pub(super) struct BoardSection {
    pub(super) backend: Backend,
    pub(super) pull: Pull,
    pub(super) active_low: bool,
    pub(super) outputs_active_low: bool,
}

impl Reader<'_> {
    /// The `[board]` table: the model (which sets the pins that exist), the
    /// backend and the levels.
    pub(super) fn board(
        &mut self,
        b: Option<&Spanned<RawBoard>>,
    ) -> Result<BoardSection, ProfileError> {
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

    pub(super) fn printer(&self, p: Option<&RawPrinter>) -> Result<PrinterWiring, ProfileError> {
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

    pub(super) fn screen(&self, d: Option<&RawScreen>) -> Result<Screen, ProfileError> {
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
    pub(super) fn reserve(&mut self, raw: &Raw, printer: &PrinterWiring) {
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
