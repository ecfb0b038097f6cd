//! The Pi's hardware routed to the station: which line is which key,
//! contact or output, the thread that waits on the input lines, the thread
//! that samples the loops' ADCs, the output lines driven by role, and the
//! window cards on their OLEDs. The kiosk gives a [`Sink`] for what is read
//! and drives outputs by what they are for; it never sees a pin number.
//!
//! [`start`] opens the real parts; [`start_with`] takes parts opened
//! elsewhere — the simulated lines and ADC of [`sim`] in tests,
//! so the same threads run there exactly as on a Pi.
//!
//! Nothing here stops the kiosk: a missing GPIO chip, a permission the kiosk
//! user lacks, an ADC or display that does not answer is a *problem*,
//! logged by the kiosk with its fix; the zones the board cannot read report
//! the `unreadable` fault, so staff see it and the buzzer sounds the fault
//! pattern, and the rest of the station runs.

mod inputs;
mod loops;
mod outputs;
pub mod sim;
mod survey;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use drivers::zone::{FaultKind, Reading};

use crate::card::CardDisplay;
use crate::gpio::{self, GpioError, Opened};
use crate::profile::{Backend, BoardProfile, ZoneWiring};
use crate::zones::ZoneRead;

pub use loops::{LoopReader, OpenAdc};
pub use outputs::{Buzzer, Output, OutputDriver, cadence};
pub use survey::{LoopRead, Survey, survey, survey_with};

/// Where the hardware's readings go: the kiosk's key and zone tasks. Each
/// call answers whether the station still listens; once it does not, the
/// threads end.
pub trait Sink: Clone + Send + 'static {
    /// A key line (evaluator or staff keypad) changed level; the key task's
    /// filters take it from here.
    fn key(&self, pin: u32, pressed: bool) -> bool;
    /// A zone (by name) reads this now.
    fn zone(&self, zone: &str, read: ZoneRead) -> bool;
    /// The station has stopped listening.
    fn gone(&self) -> bool;
}

/// The board's problems, by source, one line each with its fix; shared
/// with the threads that may clear them (an ADC that answers again).
#[derive(Clone, Default)]
pub struct Problems(Arc<Mutex<BTreeMap<String, String>>>);

impl Problems {
    pub(crate) fn set(&self, source: String, problem: String) {
        tracing::error!("board: {problem}");
        self.map().insert(source, problem);
    }

    /// Takes out every problem whose source starts with `prefix`.
    pub(crate) fn clear(&self, prefix: &str) {
        self.map().retain(|source, _| !source.starts_with(prefix));
    }

    fn map(&self) -> MutexGuard<'_, BTreeMap<String, String>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The problems now, in order of source.
    pub fn now(&self) -> Vec<String> {
        self.map().values().cloned().collect()
    }
}

/// A window card's display, opened.
pub struct Card {
    pub window: u8,
    /// The rating levels of the window's keys, in key order.
    pub levels: Vec<u8>,
    pub display: Box<dyn CardDisplay>,
}

/// What [`start`] opened, and what it could not.
#[derive(Default)]
pub struct Hardware {
    /// The output lines, by role; `None` when they could not be opened.
    pub outputs: Option<OutputDriver>,
    pub problems: Problems,
    pub cards: Vec<Card>,
}

/// The parts [`start_with`] routes: the GPIO lines as a backend opened them
/// (or why not) and how to open a loop's ADC.
pub struct Parts {
    pub lines: Result<Opened, GpioError>,
    pub adc: OpenAdc,
}

/// Starts the profile's real hardware (nothing on the simulated board).
pub fn start(profile: &BoardProfile, sink: impl Sink) -> Hardware {
    if profile.backend == Backend::Simulated {
        return Hardware::default();
    }
    let parts = Parts {
        lines: gpio::open(profile),
        adc: loops::real_adc(),
    };
    let mut hw = start_with(profile, parts, sink);
    card_displays(profile, &mut hw);
    hw
}

/// Routes `parts` for `profile`: the input thread and the loops' sampling
/// thread feed `sink`, the outputs are returned for the station to drive.
pub fn start_with(profile: &BoardProfile, parts: Parts, sink: impl Sink) -> Hardware {
    let mut hw = Hardware::default();
    match parts.lines {
        Ok((lines, outputs)) => {
            hw.outputs = Some(OutputDriver::new(outputs, &profile.outputs));
            if let Err(e) = inputs::spawn(lines, profile.clone(), sink.clone()) {
                hw.problems
                    .set("gpio".into(), format!("cannot start the GPIO thread: {e}"));
            }
        }
        Err(e) => {
            hw.problems.set(
                "gpio".into(),
                format!(
                    "GPIO ({} backend): {e}; the evaluator keys, contacts and outputs are out of service",
                    profile.backend.word()
                ),
            );
            inputs::contacts_unreadable(profile, &sink);
        }
    }
    loops::spawn(profile, parts.adc, &sink, &hw.problems);
    hw
}

/// Tells the station that `zone` cannot be read.
fn unreadable(sink: &impl Sink, zone: &str) -> bool {
    sink.zone(
        zone,
        ZoneRead::Reading(Reading::Fault(FaultKind::Unreadable)),
    )
}

/// The window cards on their displays.
fn card_displays(profile: &BoardProfile, hw: &mut Hardware) {
    for e in &profile.evaluators {
        match e.display {
            None => {}
            #[cfg(feature = "ssd1306")]
            Some(crate::profile::Display::Mono { bus, address }) => {
                match crate::oled::Oled::open(bus, address) {
                    Ok(oled) => hw.cards.push(Card {
                        window: e.window,
                        levels: e.levels(),
                        display: Box::new(oled),
                    }),
                    Err(err) => hw.problems.set(
                        format!("card {:02}", e.window),
                        format!("window {}'s card: {err}", e.window),
                    ),
                }
            }
            Some(d) => hw.problems.set(
                format!("card {:02}", e.window),
                format!(
                    "window {}'s card: this kiosk cannot drive a {d:?} display on a Pi; the card stays dark",
                    e.window
                ),
            ),
        }
    }
}

/// Whether a zone is read through a contact line rather than a loop's ADC.
fn is_contact(wiring: &ZoneWiring) -> bool {
    !matches!(wiring, ZoneWiring::Loop { .. })
}

#[cfg(test)]
mod tests;
