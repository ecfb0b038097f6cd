//! The GPIO backend on `rppal` (optional, feature `rppal`; see ADR 0002):
//! for boards where it is known to work. rppal is retired upstream and stops
//! at run time on models it does not know, so gpiocdev stays the default.

use std::collections::BTreeMap;
use std::time::Duration;

use rppal::gpio::{Gpio, InputPin, Level, OutputPin, Trigger};

use super::{Edge, GpioError, InputLines, Opened, OutputLines, Plan};
use crate::profile::Pull;

fn failed(what: String, e: rppal::gpio::Error) -> GpioError {
    use rppal::gpio::Error as E;
    match e {
        E::PermissionDenied(path) => GpioError::Permission(path.into()),
        E::PinUsed(pin) => GpioError::Busy {
            what: format!("GPIO {pin}"),
        },
        E::PinNotAvailable(pin) => GpioError::Other(format!(
            "{what}: rppal says this board has no GPIO {pin} — check board.model and the pin"
        )),
        E::UnknownModel => GpioError::Other(
            "rppal does not know this board's model (it is retired upstream) — use backend = \"gpiocdev\"".into(),
        ),
        other => GpioError::Other(format!(
            "{what}: {other} (rppal) — backend = \"gpiocdev\" is the maintained one"
        )),
    }
}

/// Opens the plan's lines through rppal.
pub fn open(plan: &Plan) -> Result<Opened, GpioError> {
    let gpio = Gpio::new().map_err(|e| failed("opening the GPIO".into(), e))?;
    let mut inputs = Vec::new();
    for line in &plan.inputs {
        let pin = gpio
            .get(line.pin as u8)
            .map_err(|e| failed(plan.what(line.pin), e))?;
        let mut pin = match plan.pull {
            Pull::Up => pin.into_input_pullup(),
            Pull::Down => pin.into_input_pulldown(),
            Pull::None => pin.into_input(),
        };
        pin.set_interrupt(Trigger::Both, None)
            .map_err(|e| failed(plan.what(line.pin), e))?;
        inputs.push(pin);
    }
    let mut outputs = BTreeMap::new();
    for line in &plan.outputs {
        let pin = gpio
            .get(line.pin as u8)
            .map_err(|e| failed(plan.what(line.pin), e))?;
        let pin = if plan.outputs_active_low {
            pin.into_output_high()
        } else {
            pin.into_output_low()
        };
        outputs.insert(line.pin, pin);
    }
    Ok((
        Box::new(Inputs {
            gpio,
            pins: inputs,
            active_low: plan.active_low,
        }),
        Box::new(Outputs {
            pins: outputs,
            active_low: plan.outputs_active_low,
        }),
    ))
}

struct Inputs {
    gpio: Gpio,
    pins: Vec<InputPin>,
    active_low: bool,
}

impl Inputs {
    fn active(&self, level: Level) -> bool {
        (level == Level::Low) == self.active_low
    }
}

impl InputLines for Inputs {
    fn wait(&mut self, timeout: Duration) -> Result<Vec<Edge>, GpioError> {
        if self.pins.is_empty() {
            std::thread::sleep(timeout);
            return Ok(Vec::new());
        }
        let pins: Vec<&InputPin> = self.pins.iter().collect();
        let polled = self
            .gpio
            .poll_interrupts(&pins, false, Some(timeout))
            .map_err(|e| failed("waiting for edges".into(), e))?;
        Ok(polled
            .map(|(pin, event)| {
                let level = if event.trigger == Trigger::RisingEdge {
                    Level::High
                } else {
                    Level::Low
                };
                Edge {
                    pin: u32::from(pin.pin()),
                    active: self.active(level),
                }
            })
            .into_iter()
            .collect())
    }

    fn levels(&mut self) -> Result<Vec<(u32, bool)>, GpioError> {
        Ok(self
            .pins
            .iter()
            .map(|p| (u32::from(p.pin()), self.active(p.read())))
            .collect())
    }
}

struct Outputs {
    pins: BTreeMap<u32, OutputPin>,
    active_low: bool,
}

impl OutputLines for Outputs {
    fn set(&mut self, pin: u32, on: bool) -> Result<(), GpioError> {
        let out = self
            .pins
            .get_mut(&pin)
            .ok_or_else(|| GpioError::Other(format!("GPIO {pin} is not an output")))?;
        if on != self.active_low {
            out.set_high();
        } else {
            out.set_low();
        }
        Ok(())
    }
}
