//! Simulated GPIO lines and loop ADCs behind the same traits as the Pi's
//! backends, so that the input thread, the key filters, the zone machines
//! and the output driver run in tests exactly as on a Pi. A [`SimGpio`]
//! handle plays the wiring: it presses keys and opens contacts by what they
//! are (window and level, zone name), sets a loop's voltage, makes the lines
//! fail, and reports what the outputs were set to.
//!
//! Edges pushed together ([`SimGpio::key_edges`]) reach the input thread in
//! one `wait`, as a bouncing contact's burst does from the kernel.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::{LoopReader, OpenAdc, Output};
use crate::StaffKey;
use crate::gpio::{Edge, GpioError, InputLines, Opened, OutputLines, Plan};
use crate::profile::{BoardProfile, ZoneWiring};

#[derive(Default)]
struct Wiring {
    /// Input levels by pin (active: pressed or closed).
    inputs: BTreeMap<u32, bool>,
    /// Edges not yet taken by `wait`.
    edges: VecDeque<Edge>,
    /// Output levels by pin, as last set.
    outputs: BTreeMap<u32, bool>,
    /// Every output setting, in order.
    settings: Vec<(u32, bool)>,
    /// Loop voltages by (bus, address, channel).
    loops: BTreeMap<(u8, u8, u8), f32>,
    inputs_fail: bool,
    outputs_fail: bool,
    /// ADCs that do not answer, by (bus, address).
    adcs_silent: Vec<(u8, u8)>,
}

#[derive(Default)]
struct Shared {
    wiring: Mutex<Wiring>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Wiring> {
        self.wiring.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The test's hand on the simulated wiring.
#[derive(Clone)]
pub struct SimGpio {
    profile: BoardProfile,
    shared: Arc<Shared>,
}

impl SimGpio {
    /// The profile's lines at rest (every input inactive: keys released,
    /// contacts open; no output set yet), opened as a backend would open
    /// them, and the handle that plays them.
    pub fn open(profile: &BoardProfile) -> (Self, Opened) {
        let plan = Plan::of(profile);
        let shared = Arc::new(Shared::default());
        {
            let mut w = shared.lock();
            for line in &plan.inputs {
                w.inputs.insert(line.pin, false);
            }
        }
        let inputs = Box::new(SimInputs {
            shared: Arc::clone(&shared),
            pins: plan.inputs.iter().map(|l| l.pin).collect(),
        });
        let outputs = Box::new(SimOutputs {
            shared: Arc::clone(&shared),
            pins: plan.outputs.iter().map(|l| l.pin).collect(),
        });
        let sim = Self {
            profile: profile.clone(),
            shared,
        };
        (sim, (inputs, outputs))
    }

    /// Opens the profile's loop ADCs on the simulated wiring.
    pub fn adc(&self) -> OpenAdc {
        let shared = Arc::clone(&self.shared);
        Box::new(move |bus, address| {
            if shared.lock().adcs_silent.contains(&(bus, address)) {
                return Err(format!("the ADC at {address:#04x} does not answer"));
            }
            Ok(Box::new(SimAdc {
                shared: Arc::clone(&shared),
                bus,
                address,
            }) as Box<dyn LoopReader>)
        })
    }

    /// The pin of window `window`'s evaluator key for `level`.
    fn rating_pin(&self, window: u8, level: u8) -> u32 {
        self.profile
            .evaluators
            .iter()
            .filter(|e| e.window == window)
            .flat_map(|e| &e.keys)
            .find(|(_, l)| *l == level)
            .map(|(pin, _)| *pin)
            .unwrap_or_else(|| panic!("window {window} has no key for {level}"))
    }

    /// The pin of window `window`'s staff keypad key `key`.
    fn keypad_pin(&self, window: u8, key: StaffKey) -> u32 {
        self.profile
            .keypads
            .iter()
            .filter(|k| k.window == window)
            .flat_map(|k| &k.keys)
            .find(|(_, k)| *k == key)
            .map(|(pin, _)| *pin)
            .unwrap_or_else(|| panic!("window {window} has no keypad key {key:?}"))
    }

    /// Window `window`'s evaluator key for `level` goes through `levels`
    /// (pressed or not), the edges arriving together.
    pub fn key_edges(&self, window: u8, level: u8, levels: &[bool]) {
        let pin = self.rating_pin(window, level);
        self.edges(pin, levels);
    }

    /// Presses or releases a staff keypad key.
    pub fn keypad(&self, window: u8, key: StaffKey, pressed: bool) {
        let pin = self.keypad_pin(window, key);
        self.edges(pin, &[pressed]);
    }

    /// Zone `zone`'s contact (or its fault contact) is closed or open now.
    pub fn contact(&self, zone: &str, fault_contact: bool, closed: bool) {
        let wiring = self.zone(zone);
        let pin = match (wiring, fault_contact) {
            (ZoneWiring::Contact { pin, .. }, false)
            | (ZoneWiring::ContactWithFault { pin, .. }, false) => pin,
            (ZoneWiring::ContactWithFault { fault_pin, .. }, true) => fault_pin,
            _ => panic!("zone {zone} has no such contact"),
        };
        self.edges(pin, &[closed]);
    }

    /// Zone `zone`'s loop reads `millivolts` from now on.
    pub fn loop_millivolts(&self, zone: &str, millivolts: f32) {
        let ZoneWiring::Loop {
            bus,
            address,
            channel,
            ..
        } = self.zone(zone)
        else {
            panic!("zone {zone} is not a loop");
        };
        self.shared
            .lock()
            .loops
            .insert((bus, address, channel), millivolts);
    }

    fn zone(&self, zone: &str) -> ZoneWiring {
        self.profile
            .zones
            .iter()
            .find(|z| z.name == zone)
            .map(|z| z.wiring)
            .unwrap_or_else(|| panic!("no zone {zone}"))
    }

    fn edges(&self, pin: u32, levels: &[bool]) {
        let mut w = self.shared.lock();
        for &active in levels {
            w.inputs.insert(pin, active);
            w.edges.push_back(Edge { pin, active });
        }
        drop(w);
        self.shared.changed.notify_all();
    }

    /// The input lines fail to read (or read again).
    pub fn fail_inputs(&self, fail: bool) {
        self.shared.lock().inputs_fail = fail;
        self.shared.changed.notify_all();
    }

    /// The output lines fail to be set (or work again).
    pub fn fail_outputs(&self, fail: bool) {
        self.shared.lock().outputs_fail = fail;
    }

    /// An ADC stops or starts answering to being opened.
    pub fn silence_adc(&self, bus: u8, address: u8, silent: bool) {
        let mut w = self.shared.lock();
        w.adcs_silent.retain(|a| *a != (bus, address));
        if silent {
            w.adcs_silent.push((bus, address));
        }
    }

    fn output_pin(&self, output: Option<Output>) -> Option<u32> {
        let o = &self.profile.outputs;
        match output {
            None => o.buzzer,
            Some(Output::AlarmRelay) => o.alarm_relay,
            Some(Output::SirenRelay) => o.siren_relay,
            Some(Output::Heartbeat) => o.heartbeat,
        }
    }

    /// What `output` (`None`: the buzzer) was last set to.
    pub fn output(&self, output: Option<Output>) -> Option<bool> {
        let pin = self.output_pin(output)?;
        self.shared.lock().outputs.get(&pin).copied()
    }

    /// Waits at most `timeout` for `output` (`None`: the buzzer) to be set
    /// to `on`; whether it was.
    pub fn wait_output(&self, output: Option<Output>, on: bool, timeout: Duration) -> bool {
        let Some(pin) = self.output_pin(output) else {
            return false;
        };
        let deadline = Instant::now() + timeout;
        let mut w = self.shared.lock();
        loop {
            if w.outputs.get(&pin) == Some(&on) {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            w = self
                .shared
                .changed
                .wait_timeout(w, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    /// Every setting of `output` (`None`: the buzzer) so far, in order.
    pub fn settings(&self, output: Option<Output>) -> Vec<bool> {
        let pin = self.output_pin(output);
        self.shared
            .lock()
            .settings
            .iter()
            .filter(|(p, _)| Some(*p) == pin)
            .map(|(_, on)| *on)
            .collect()
    }
}

struct SimInputs {
    shared: Arc<Shared>,
    pins: Vec<u32>,
}

impl InputLines for SimInputs {
    fn wait(&mut self, timeout: Duration) -> Result<Vec<Edge>, GpioError> {
        let mut w = self.shared.lock();
        if w.edges.is_empty() && !w.inputs_fail {
            w = self
                .shared
                .changed
                .wait_timeout(w, timeout)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        if w.inputs_fail {
            return Err(GpioError::Other(
                "reading edges: the simulated lines fail".into(),
            ));
        }
        Ok(w.edges.drain(..).collect())
    }

    fn levels(&mut self) -> Result<Vec<(u32, bool)>, GpioError> {
        let mut w = self.shared.lock();
        if w.inputs_fail {
            return Err(GpioError::Other(
                "reading levels: the simulated lines fail".into(),
            ));
        }
        // The levels now supersede the edges that led to them.
        w.edges.clear();
        Ok(self
            .pins
            .iter()
            .map(|p| (*p, w.inputs.get(p).copied().unwrap_or(false)))
            .collect())
    }
}

struct SimOutputs {
    shared: Arc<Shared>,
    pins: Vec<u32>,
}

impl OutputLines for SimOutputs {
    fn set(&mut self, pin: u32, on: bool) -> Result<(), GpioError> {
        let mut w = self.shared.lock();
        if w.outputs_fail || !self.pins.contains(&pin) {
            return Err(GpioError::Other(format!(
                "setting GPIO {pin}: the simulated line fails"
            )));
        }
        w.outputs.insert(pin, on);
        w.settings.push((pin, on));
        drop(w);
        self.shared.changed.notify_all();
        Ok(())
    }
}

struct SimAdc {
    shared: Arc<Shared>,
    bus: u8,
    address: u8,
}

impl LoopReader for SimAdc {
    fn read_millivolts(&mut self, channel: u8) -> Result<f32, String> {
        let w = self.shared.lock();
        if w.adcs_silent.contains(&(self.bus, self.address)) {
            return Err(format!("the ADC at {:#04x} does not answer", self.address));
        }
        w.loops
            .get(&(self.bus, self.address, channel))
            .copied()
            .ok_or_else(|| format!("nothing is wired to input {channel}"))
    }
}
