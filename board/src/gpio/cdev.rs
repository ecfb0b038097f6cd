//! The GPIO backend on the Linux GPIO character device (uAPI v2, through
//! `gpiocdev`): one request for the inputs, with both edges, the profile's
//! bias and active level, and one for the outputs, all off at start. Works
//! on every Pi model and kernel, and on any Linux board.

use std::path::{Path, PathBuf};
use std::time::Duration;

use gpiocdev::line::{Bias, EdgeDetection, EdgeKind, Value};
use gpiocdev::request::Request;

use super::{Edge, GpioError, InputLines, Opened, OutputLines, Plan, chip_files, pick_chip};
use crate::profile::{Chip, Model, Pull};

/// The name the lines are held under (`gpioinfo` shows it).
const CONSUMER: &str = "kiosk";

/// The device file of the chip the profile names.
pub fn resolve(chip: &Chip, model: Model) -> Result<PathBuf, GpioError> {
    match chip {
        Chip::Path(p) => {
            let path = PathBuf::from(p);
            std::fs::File::open(&path).map_err(|e| GpioError::io(&path, &e))?;
            Ok(path)
        }
        Chip::Auto => {
            let chips = chip_files(Path::new("/dev"));
            if chips.is_empty() {
                return Err(GpioError::NoChip(PathBuf::from("/dev/gpiochip0")));
            }
            // Open each first, so that a permission problem is named as one.
            for c in &chips {
                std::fs::File::open(c).map_err(|e| GpioError::io(c, &e))?;
            }
            pick_chip(&chips, model.chip_labels(), |c| {
                gpiocdev::Chip::from_path(c)
                    .and_then(|chip| chip.info())
                    .ok()
                    .map(|i| i.label)
            })
            .ok_or_else(|| GpioError::ChipNotFound {
                model: model.word(),
                labels: model.chip_labels().join(" or "),
            })
        }
    }
}

fn failed(plan: &Plan, path: &Path, e: gpiocdev::Error) -> GpioError {
    // EBUSY: another program holds a line (the error type's errno is not
    // public, its message names it).
    match e.to_string() {
        m if m.to_lowercase().contains("busy") => GpioError::Busy {
            what: format!("a line of {}", path.display()),
        },
        _ => GpioError::Other(format!(
            "{}: {e} (lines {})",
            path.display(),
            plan.inputs
                .iter()
                .chain(&plan.outputs)
                .map(|l| l.pin.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Opens the plan's lines on `chip`.
pub fn open(plan: &Plan, chip: &Chip, model: Model) -> Result<Opened, GpioError> {
    let path = resolve(chip, model)?;
    let offsets: Vec<u32> = plan.inputs.iter().map(|l| l.pin).collect();
    let inputs = if offsets.is_empty() {
        None
    } else {
        let mut b = Request::builder();
        b.on_chip(&path)
            .with_consumer(CONSUMER)
            .with_lines(&offsets)
            .as_input()
            .with_bias(match plan.pull {
                Pull::Up => Bias::PullUp,
                Pull::Down => Bias::PullDown,
                Pull::None => Bias::Disabled,
            })
            .with_edge_detection(EdgeDetection::BothEdges);
        if plan.active_low {
            b.as_active_low();
        }
        Some(b.request().map_err(|e| failed(plan, &path, e))?)
    };
    let pins: Vec<u32> = plan.outputs.iter().map(|l| l.pin).collect();
    let outputs = if pins.is_empty() {
        None
    } else {
        let mut b = Request::builder();
        b.on_chip(&path)
            .with_consumer(CONSUMER)
            .with_lines(&pins)
            .as_output(Value::Inactive);
        if plan.outputs_active_low {
            b.as_active_low();
        }
        Some(b.request().map_err(|e| failed(plan, &path, e))?)
    };
    Ok((
        Box::new(Inputs {
            request: inputs,
            offsets,
        }),
        Box::new(Outputs { request: outputs }),
    ))
}

struct Inputs {
    request: Option<Request>,
    offsets: Vec<u32>,
}

impl InputLines for Inputs {
    fn wait(&mut self, timeout: Duration) -> Result<Vec<Edge>, GpioError> {
        let Some(r) = &self.request else {
            std::thread::sleep(timeout);
            return Ok(Vec::new());
        };
        let other = |e: gpiocdev::Error| GpioError::Other(format!("reading edges: {e}"));
        let mut edges = Vec::new();
        if r.wait_edge_event(timeout).map_err(other)? {
            while r.has_edge_event().map_err(other)? {
                let event = r.read_edge_event().map_err(other)?;
                edges.push(Edge {
                    pin: event.offset,
                    active: event.kind == EdgeKind::Rising,
                });
            }
        }
        Ok(edges)
    }

    fn levels(&mut self) -> Result<Vec<(u32, bool)>, GpioError> {
        let Some(r) = &self.request else {
            return Ok(Vec::new());
        };
        self.offsets
            .iter()
            .map(|&pin| {
                r.value(pin)
                    .map(|v| (pin, v == Value::Active))
                    .map_err(|e| GpioError::Other(format!("reading GPIO {pin}: {e}")))
            })
            .collect()
    }
}

struct Outputs {
    request: Option<Request>,
}

impl OutputLines for Outputs {
    fn set(&mut self, pin: u32, on: bool) -> Result<(), GpioError> {
        let Some(r) = &self.request else {
            return Err(GpioError::Other(format!("GPIO {pin} is not an output")));
        };
        let value = if on { Value::Active } else { Value::Inactive };
        r.set_value(pin, value)
            .map_err(|e| GpioError::Other(format!("setting GPIO {pin}: {e}")))
    }
}
