//! A look at the board's hardware with the station stopped, for `kiosk
//! doctor`: the lines open, which keys read pressed at rest, what each
//! contact and loop reads now. The same routing as the running station's
//! threads, read once.

use std::collections::BTreeMap;

use drivers::zone::Reading;

use super::{Parts, inputs::contact_reads, loops};
use crate::gpio::{self, GpioError};
use crate::profile::{BoardProfile, ZoneWiring};

/// What the board reads with the station stopped.
#[derive(Debug)]
pub struct Survey {
    /// How many input lines opened and read, or why they did not.
    pub lines: Result<usize, GpioError>,
    /// Each evaluator's keys that read pressed at rest, by window:
    /// `key 5 (GPIO 5)`, for the technician.
    pub held: Vec<(u8, Vec<String>)>,
    /// Each contact zone's reading, when the lines read.
    pub contacts: Vec<(String, Reading)>,
    /// Each loop zone's value in millivolts and what it means, or why the
    /// loop could not be read.
    pub loops: Vec<(String, LoopRead)>,
}

/// A loop's value in millivolts and what it means, or why it could not be
/// read.
pub type LoopRead = Result<(f32, Reading), String>;

/// Opens the profile's real lines and ADCs and reads them once.
pub fn survey(profile: &BoardProfile) -> Survey {
    survey_with(
        profile,
        Parts {
            lines: gpio::open(profile),
            adc: loops::real_adc(),
        },
    )
}

/// Reads `parts` once, routed as `profile` wires them.
pub fn survey_with(profile: &BoardProfile, parts: Parts) -> Survey {
    let mut survey = Survey {
        lines: Ok(0),
        held: Vec::new(),
        contacts: Vec::new(),
        loops: Vec::new(),
    };
    match parts.lines.and_then(|(mut inputs, _)| inputs.levels()) {
        Err(e) => survey.lines = Err(e),
        Ok(levels) => {
            survey.lines = Ok(levels.len());
            let closed: BTreeMap<u32, bool> = levels.into_iter().collect();
            let active = |pin: &u32| closed.get(pin).copied().unwrap_or(false);
            for e in &profile.evaluators {
                let held = e
                    .keys
                    .iter()
                    .filter(|(pin, _)| active(pin))
                    .map(|(pin, level)| format!("key {level} (GPIO {pin})"))
                    .collect();
                survey.held.push((e.window, held));
            }
            survey.contacts = contact_reads(profile, &closed);
        }
    }
    let mut open = parts.adc;
    for z in &profile.zones {
        if let ZoneWiring::Loop {
            bus,
            address,
            channel,
            bands,
        } = z.wiring
        {
            let read = open(bus, address)
                .and_then(|mut adc| adc.read_millivolts(channel))
                .map(|mv| (mv, bands.classify(mv)));
            survey.loops.push((z.name.clone(), read));
        }
    }
    survey
}
