//! The Pi's hardware behind the same tasks the simulated board feeds: the
//! GPIO input lines on a thread of their own (key edges to the key task,
//! contact levels to the zone task), the ADC's loops read ten times a
//! second (to the zone task; an ADC that does not answer is opened again
//! every 10 s, and its problem cleared once it does), the window cards on their OLEDs, and the
//! output lines handed to the station loop.
//!
//! Nothing here stops the kiosk: a missing GPIO chip, a permission the kiosk
//! user lacks, an ADC or display that does not answer is a *problem*,
//! logged with its fix and listed by `start`; the zones the board cannot
//! read report the `unreadable` fault, so staff see it in staff mode and the
//! buzzer sounds the fault pattern, and the rest of the station runs.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use board::gpio::{self, InputLines, OutputLines};
use board::profile::{Backend, BoardProfile, ZoneWiring};
use board::zones::{ZoneRead, contact_reading};
use drivers::zone::{FaultKind, Reading};
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::oneshot;

use super::cards::Cards;
use super::keys::KeyEvent;
use super::zones::ZoneRequest;

/// How long the input thread waits for edges before it checks whether the
/// station is still running.
const EDGE_WAIT: Duration = Duration::from_millis(250);
/// How often the loops are read.
#[cfg(feature = "i2c")]
const LOOP_PERIOD: Duration = Duration::from_millis(100);
/// How often an ADC that does not answer is opened again.
#[cfg(feature = "i2c")]
const ADC_RETRY: Duration = Duration::from_secs(10);

/// What `start` opened, and what it could not.
#[derive(Default)]
pub struct Hardware {
    pub outputs: Option<Box<dyn OutputLines>>,
    /// What the board is without now, by source, one line each with the fix;
    /// a part that answers again (an ADC) takes its line out.
    pub problems: Problems,
}

/// The board's problems, shared with the threads that may clear them.
#[derive(Clone, Default)]
pub struct Problems(Arc<Mutex<BTreeMap<String, String>>>);

impl Problems {
    fn set(&self, source: String, problem: String) {
        tracing::error!("board: {problem}");
        self.map().insert(source, problem);
    }

    /// Takes out every problem whose source starts with `prefix`.
    fn clear(&self, prefix: &str) {
        self.map().retain(|source, _| !source.starts_with(prefix));
    }

    fn map(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, String>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The problems now, in order of source.
    pub fn now(&self) -> Vec<String> {
        self.map().values().cloned().collect()
    }
}

/// Starts the board's hardware for `profile` (nothing on the simulated
/// board).
pub fn start(
    profile: &BoardProfile,
    keys: UnboundedSender<KeyEvent>,
    zones: UnboundedSender<ZoneRequest>,
    cards: &mut Cards,
) -> Hardware {
    let mut hw = Hardware::default();
    if profile.backend == Backend::Simulated {
        return hw;
    }
    match gpio::open(profile) {
        Ok((inputs, outputs)) => {
            hw.outputs = Some(outputs);
            let profile = profile.clone();
            let zones = zones.clone();
            if let Err(e) = std::thread::Builder::new()
                .name("gpio-inputs".into())
                .spawn(move || watch(inputs, &profile, &keys, &zones))
            {
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
            contacts_unreadable(profile, &zones);
        }
    }
    loops(profile, &zones, &hw.problems);
    card_displays(profile, cards, &hw.problems);
    hw
}

/// Tells the zone task that `zone` cannot be read.
fn unreadable(zones: &UnboundedSender<ZoneRequest>, zone: &str) {
    let (reply, _) = oneshot::channel();
    let _ = zones.send(ZoneRequest::Read {
        zone: zone.to_string(),
        read: ZoneRead::Reading(Reading::Fault(FaultKind::Unreadable)),
        reply,
    });
}

/// Tells the zone task that none of the contact zones can be read.
fn contacts_unreadable(profile: &BoardProfile, zones: &UnboundedSender<ZoneRequest>) {
    for z in &profile.zones {
        if !matches!(z.wiring, ZoneWiring::Loop { .. }) {
            unreadable(zones, &z.name);
        }
    }
}

/// The contact zones' readings from the lines' levels (`closed` by pin).
fn contact_reads(profile: &BoardProfile, closed: &BTreeMap<u32, bool>) -> Vec<(String, Reading)> {
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

/// The input thread: the levels at start, then every edge, until the
/// station stops.
fn watch(
    mut inputs: Box<dyn InputLines>,
    profile: &BoardProfile,
    keys: &UnboundedSender<KeyEvent>,
    zones: &UnboundedSender<ZoneRequest>,
) {
    // Evaluator keys and staff keypads go through the key task's filters.
    let key_pins: Vec<u32> = profile
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
    let send_key = |pin: u32, pressed: bool| {
        let (reply, _) = oneshot::channel();
        keys.send(KeyEvent::Edge {
            pin,
            pressed,
            reply,
        })
        .is_ok()
    };
    let send_zones = |closed: &BTreeMap<u32, bool>| {
        for (zone, reading) in contact_reads(profile, closed) {
            let (reply, _) = oneshot::channel();
            let read = ZoneRead::Reading(reading);
            if zones.send(ZoneRequest::Read { zone, read, reply }).is_err() {
                return false;
            }
        }
        true
    };
    // Every line's level, read afresh: keys whose level changed since
    // `closed` are sent as edges (a key held at start counts as pressed, so a
    // jammed one is found stuck; one released while the lines could not be
    // read is released), every contact zone as it reads now. `Some(false)`:
    // the station is gone; `None`: the levels could not be read.
    let resync = |closed: &mut BTreeMap<u32, bool>, inputs: &mut Box<dyn InputLines>| match inputs
        .levels()
    {
        Ok(levels) => {
            let now: BTreeMap<u32, bool> = levels.into_iter().collect();
            for pin in &key_pins {
                let level = now.get(pin).copied().unwrap_or(false);
                if closed.get(pin).copied().unwrap_or(false) != level && !send_key(*pin, level) {
                    return Some(false);
                }
            }
            *closed = now;
            Some(send_zones(closed))
        }
        Err(e) => {
            tracing::error!("board: {e}");
            contacts_unreadable(profile, zones);
            None
        }
    };
    let mut closed: BTreeMap<u32, bool> = BTreeMap::new();
    let mut failing = match resync(&mut closed, &mut inputs) {
        Some(false) => return,
        Some(true) => false,
        None => true,
    };
    loop {
        if keys.is_closed() || zones.is_closed() {
            return;
        }
        match inputs.wait(EDGE_WAIT) {
            Ok(_) if failing => {
                // Reading again: the levels now, not the edges of the gap.
                match resync(&mut closed, &mut inputs) {
                    Some(false) => return,
                    Some(true) => failing = false,
                    None => std::thread::sleep(EDGE_WAIT),
                }
            }
            Ok(edges) => {
                let mut contacts = false;
                for edge in edges {
                    closed.insert(edge.pin, edge.active);
                    if key_pins.contains(&edge.pin) {
                        if !send_key(edge.pin, edge.active) {
                            return;
                        }
                    } else {
                        contacts = true;
                    }
                }
                if contacts && !send_zones(&closed) {
                    return;
                }
            }
            Err(e) => {
                if !failing {
                    tracing::error!("board: {e}");
                    contacts_unreadable(profile, zones);
                }
                failing = true;
                std::thread::sleep(EDGE_WAIT);
            }
        }
    }
}

/// The loop zones, read through their ADCs on a thread of their own.
#[cfg(feature = "i2c")]
fn loops(profile: &BoardProfile, zones: &UnboundedSender<ZoneRequest>, problems: &Problems) {
    use board::adc::LoopAdc;
    let mut adcs: BTreeMap<(u8, u8), Result<LoopAdc, String>> = BTreeMap::new();
    let mut wired = Vec::new();
    for z in &profile.zones {
        if let ZoneWiring::Loop {
            bus,
            address,
            channel,
            ..
        } = z.wiring
        {
            let adc = adcs
                .entry((bus, address))
                .or_insert_with(|| LoopAdc::open(bus, address).map_err(|e| e.to_string()));
            if let Err(e) = adc {
                problems.set(
                    adc_source(bus, address, &z.name),
                    format!("zone {}: {e}", z.name),
                );
                unreadable(zones, &z.name);
            }
            wired.push((z.name.clone(), (bus, address), channel));
        }
    }
    if wired.is_empty() {
        return;
    }
    let zones = zones.clone();
    let cleared = problems.clone();
    let spawned = std::thread::Builder::new()
        .name("adc-loops".into())
        .spawn(move || {
            let mut silent: BTreeMap<String, String> = BTreeMap::new();
            let mut next_try = std::time::Instant::now() + ADC_RETRY;
            loop {
                let started = std::time::Instant::now();
                // An ADC that did not answer at start (a loose cable, I2C
                // switched on later) is opened again now and then; once it
                // answers, its zones are read and its problems cleared.
                if started >= next_try {
                    next_try = started + ADC_RETRY;
                    for (&(bus, address), slot) in adcs.iter_mut().filter(|(_, s)| s.is_err()) {
                        if let Ok(adc) = LoopAdc::open(bus, address) {
                            tracing::info!(
                                "the ADC on /dev/i2c-{bus} at {address:#04x} answers now"
                            );
                            cleared.clear(&adc_source(bus, address, ""));
                            *slot = Ok(adc);
                        }
                    }
                }
                for (zone, adc, channel) in &wired {
                    let read = match adcs.get_mut(adc) {
                        Some(Ok(device)) => match device.read_millivolts(*channel) {
                            Ok(mv) => {
                                silent.remove(zone);
                                ZoneRead::Value(mv)
                            }
                            Err(e) => {
                                if silent.insert(zone.clone(), e.clone()).as_ref() != Some(&e) {
                                    tracing::error!("zone {zone}: {e}");
                                }
                                ZoneRead::Reading(Reading::Fault(FaultKind::Unreadable))
                            }
                        },
                        _ => ZoneRead::Reading(Reading::Fault(FaultKind::Unreadable)),
                    };
                    let (reply, _) = oneshot::channel();
                    let zone = zone.clone();
                    if zones.send(ZoneRequest::Read { zone, read, reply }).is_err() {
                        return;
                    }
                }
                std::thread::sleep(LOOP_PERIOD.saturating_sub(started.elapsed()));
            }
        });
    if let Err(e) = spawned {
        problems.set(
            "adc thread".into(),
            format!("cannot start the loop-reading thread: {e}"),
        );
    }
}

/// The source of an ADC's problems (`zone` empty: all of its zones).
#[cfg(feature = "i2c")]
fn adc_source(bus: u8, address: u8, zone: &str) -> String {
    format!("adc {bus} {address:#04x} {zone}")
}

#[cfg(not(feature = "i2c"))]
fn loops(profile: &BoardProfile, zones: &UnboundedSender<ZoneRequest>, problems: &Problems) {
    for z in &profile.zones {
        if matches!(z.wiring, ZoneWiring::Loop { .. }) {
            problems.set(
                format!("adc {}", z.name),
                format!(
                    "zone {}: this kiosk was built without I2C (feature `i2c`), so its loop cannot be read",
                    z.name
                ),
            );
            unreadable(zones, &z.name);
        }
    }
}

/// The window cards on their displays.
fn card_displays(profile: &BoardProfile, cards: &mut Cards, problems: &Problems) {
    for e in &profile.evaluators {
        match e.display {
            None => {}
            #[cfg(feature = "i2c")]
            Some(board::profile::Display::Mono { bus, address }) => {
                match board::oled::Oled::open(bus, address) {
                    Ok(oled) => cards.add(e.window, e.levels(), Box::new(oled)),
                    Err(err) => problems.set(
                        format!("card {:02}", e.window),
                        format!("window {}'s card: {err}", e.window),
                    ),
                }
            }
            Some(d) => problems.set(
                format!("card {:02}", e.window),
                format!(
                    "window {}'s card: this kiosk cannot drive a {d:?} display on a Pi; the card stays dark",
                    e.window
                ),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "i2c")]
    #[test]
    fn an_adc_that_answers_again_takes_out_its_zones_problems_only() {
        let problems = Problems::default();
        problems.set(adc_source(1, 0x48, "panic"), "zone panic: no ADC".into());
        problems.set(adc_source(1, 0x48, "smoke"), "zone smoke: no ADC".into());
        problems.set(adc_source(1, 0x49, "gas"), "zone gas: no ADC".into());
        problems.set("card 01".into(), "window 1's card: no display".into());
        problems.clear(&adc_source(1, 0x48, ""));
        assert_eq!(
            problems.now(),
            ["zone gas: no ADC", "window 1's card: no display"]
        );
    }

    #[test]
    fn contact_levels_become_zone_readings_with_their_fault_contacts() {
        let text = "name = \"c\"\n[board]\nmodel = \"pi4\"\n[[zone]]\nname = \"panic\"\nrole = \"panic\"\ninput = { kind = \"contact\", pin = 20, active = \"open\" }\nreset_role = \"staff\"\n[[zone]]\nname = \"smoke\"\nrole = \"smoke\"\ninput = { kind = \"contact-with-fault\", pin = 21, active = \"closed\", fault_pin = 7, fault_active = \"open\" }\nreset_role = \"manager\"\n";
        let profile = BoardProfile::parse("c.toml", text).unwrap();
        let closed = |levels: &[(u32, bool)]| levels.iter().copied().collect::<BTreeMap<_, _>>();
        // Both healthy: the panic loop closed, the smoke contact open, its
        // fault contact closed.
        assert_eq!(
            contact_reads(&profile, &closed(&[(20, true), (21, false), (7, true)])),
            [
                ("panic".to_string(), Reading::Normal),
                ("smoke".to_string(), Reading::Normal)
            ]
        );
        assert_eq!(
            contact_reads(&profile, &closed(&[(20, false), (21, true), (7, true)])),
            [
                ("panic".to_string(), Reading::Active),
                ("smoke".to_string(), Reading::Active)
            ]
        );
        assert_eq!(
            contact_reads(&profile, &closed(&[(20, true), (21, false), (7, false)]))[1],
            ("smoke".to_string(), Reading::Fault(FaultKind::Detector))
        );
        // Levels that could not be read are no reading at all: never the
        // open contact that would raise a panic alarm.
        assert_eq!(
            contact_reads(&profile, &closed(&[(21, false)])),
            [
                ("panic".to_string(), Reading::Fault(FaultKind::Unreadable)),
                ("smoke".to_string(), Reading::Fault(FaultKind::Unreadable))
            ]
        );
    }
}
