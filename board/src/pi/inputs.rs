//! The input thread: the levels of every key and contact line at start, then
//! every edge, until the station stops. Key edges go to the sink as they come
//! (its key task filters them); contact levels become zone readings through
//! the profile's wiring. Lines that cannot be read are never taken for an
//! open contact: their zones read `unreadable` until the lines answer, and
//! then the levels are read afresh rather than the edges of the gap.

use std::collections::BTreeMap;
use std::time::Duration;

use drivers::zone::{FaultKind, Reading};

use super::{Sink, is_contact, unreadable};
use crate::gpio::InputLines;
use crate::profile::{BoardProfile, ZoneWiring};
use crate::zones::{ZoneRead, contact_reading};

/// How long the thread waits for edges before it checks whether the
/// station still listens; also its pause after a failed read.
const EDGE_WAIT: Duration = Duration::from_millis(250);

/// Starts the input thread.
pub(super) fn spawn(
    inputs: Box<dyn InputLines>,
    profile: BoardProfile,
    sink: impl Sink,
) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("gpio-inputs".into())
        .spawn(move || Watch::new(&profile, sink).run(inputs))
        .map(|_| ())
}

/// Tells the sink that none of the contact zones can be read.
pub(super) fn contacts_unreadable(profile: &BoardProfile, sink: &impl Sink) {
    for z in profile.zones.iter().filter(|z| is_contact(&z.wiring)) {
        unreadable(sink, &z.name);
    }
}

/// The contact zones' readings from the lines' levels (`closed` by pin).
pub(super) fn contact_reads(
    profile: &BoardProfile,
    closed: &BTreeMap<u32, bool>,
) -> Vec<(String, Reading)> {
    profile
        .zones
        .iter()
        .filter_map(|z| {
            let (pin, fault_pin) = match z.wiring {
                ZoneWiring::Contact { pin, .. } => (pin, None),
                ZoneWiring::ContactWithFault { pin, fault_pin, .. } => (pin, Some(fault_pin)),
                ZoneWiring::Loop { .. } => return None,
            };
            // A line the backend did not report cannot be trusted either way.
            if !closed.contains_key(&pin) || fault_pin.is_some_and(|p| !closed.contains_key(&p)) {
                return Some((z.name.clone(), Reading::Fault(FaultKind::Unreadable)));
            }
            let level = |p: u32| closed.get(&p).copied().unwrap_or(false);
            let reading = contact_reading(&z.wiring, level(pin), fault_pin.is_some_and(level))?;
            Some((z.name.clone(), reading))
        })
        .collect()
}

/// The thread's state: which lines are keys, and every line's last level.
struct Watch<'p, S> {
    profile: &'p BoardProfile,
    sink: S,
    key_pins: Vec<u32>,
    closed: BTreeMap<u32, bool>,
}

/// What a pass over the lines found.
enum Pass {
    Read,
    /// The lines could not be read.
    Failed,
    /// The station stopped listening.
    Gone,
}

impl<'p, S: Sink> Watch<'p, S> {
    fn new(profile: &'p BoardProfile, sink: S) -> Self {
        // Evaluator keys and staff keypads go through the key task's filters.
        let key_pins = profile
            .evaluators
            .iter()
            .flat_map(|e| e.keys.iter().map(|(pin, _)| *pin))
            .chain(
                profile
                    .keypads
                    .iter()
                    .flat_map(|k| k.keys.iter().map(|(pin, _)| *pin)),
            )
            .collect();
        Self {
            profile,
            sink,
            key_pins,
            closed: BTreeMap::new(),
        }
    }

    fn run(mut self, mut inputs: Box<dyn InputLines>) {
        let mut failing = match self.resync(&mut inputs) {
            Pass::Gone => return,
            Pass::Read => false,
            Pass::Failed => true,
        };
        while !self.sink.gone() {
            match inputs.wait(EDGE_WAIT) {
                // Reading again: the levels now, not the edges of the gap.
                Ok(_) if failing => match self.resync(&mut inputs) {
                    Pass::Gone => return,
                    Pass::Read => failing = false,
                    Pass::Failed => std::thread::sleep(EDGE_WAIT),
                },
                Ok(edges) => {
                    let mut contacts = false;
                    for edge in edges {
                        self.closed.insert(edge.pin, edge.active);
                        if self.key_pins.contains(&edge.pin) {
                            if !self.sink.key(edge.pin, edge.active) {
                                return;
                            }
                        } else {
                            contacts = true;
                        }
                    }
                    if contacts && !self.send_zones() {
                        return;
                    }
                }
                Err(e) => {
                    if !failing {
                        tracing::error!("board: {e}");
                        contacts_unreadable(self.profile, &self.sink);
                    }
                    failing = true;
                    std::thread::sleep(EDGE_WAIT);
                }
            }
        }
    }

    /// Every line's level, read afresh: keys whose level changed since the
    /// last pass are sent as edges (a key held at start counts as pressed,
    /// so a jammed one is found stuck; one released while the lines could
    /// not be read is released), every contact zone as it reads now.
    fn resync(&mut self, inputs: &mut Box<dyn InputLines>) -> Pass {
        let levels = match inputs.levels() {
            Ok(levels) => levels,
            Err(e) => {
                tracing::error!("board: {e}");
                contacts_unreadable(self.profile, &self.sink);
                return Pass::Failed;
            }
        };
        let now: BTreeMap<u32, bool> = levels.into_iter().collect();
        for pin in &self.key_pins {
            let level = now.get(pin).copied().unwrap_or(false);
            if self.closed.get(pin).copied().unwrap_or(false) != level
                && !self.sink.key(*pin, level)
            {
                return Pass::Gone;
            }
        }
        self.closed = now;
        if self.send_zones() {
            Pass::Read
        } else {
            Pass::Gone
        }
    }

    fn send_zones(&self) -> bool {
        contact_reads(self.profile, &self.closed)
            .into_iter()
            .all(|(zone, reading)| self.sink.zone(&zone, ZoneRead::Reading(reading)))
    }
}
