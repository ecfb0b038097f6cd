//! The loop zones' sampling thread: every loop zone's ADC channel read ten
//! times a second, each value sent to the sink (the zone task sorts it by
//! the zone's bands). An ADC that does not answer is a problem and its zones
//! read `unreadable`; it is opened again every 10 s, and once it answers its
//! problems are cleared and its zones read again.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use drivers::zone::{FaultKind, Reading};

use super::{Problems, Sink, unreadable};
use crate::profile::{BoardProfile, ZoneWiring};
use crate::zones::ZoneRead;

/// How often the loops are read.
const LOOP_PERIOD: Duration = Duration::from_millis(100);
/// How often an ADC that does not answer is opened again.
const ADC_RETRY: Duration = Duration::from_secs(10);

/// An ADC that reads the loops wired to its channels.
pub trait LoopReader: Send {
    /// One reading of `channel`, in millivolts; the error says what to check.
    fn read_millivolts(&mut self, channel: u8) -> Result<f32, String>;
}

/// Opens the ADC on an I2C bus at an address; the error says what to do.
pub type OpenAdc = Box<dyn FnMut(u8, u8) -> Result<Box<dyn LoopReader>, String> + Send>;

#[cfg(feature = "ads1115")]
impl LoopReader for crate::adc::LoopAdc {
    fn read_millivolts(&mut self, channel: u8) -> Result<f32, String> {
        crate::adc::LoopAdc::read_millivolts(self, channel)
    }
}

/// The ADS1115 on Linux I2C.
#[cfg(feature = "ads1115")]
pub(super) fn real_adc() -> OpenAdc {
    Box::new(|bus, address| {
        crate::adc::LoopAdc::open(bus, address).map(|a| Box::new(a) as Box<dyn LoopReader>)
    })
}

/// A build without I2C reads no loop.
#[cfg(not(feature = "ads1115"))]
pub(super) fn real_adc() -> OpenAdc {
    Box::new(|_, _| {
        Err("this kiosk was built without I2C (feature `i2c`), so its loop cannot be read".into())
    })
}

/// The source of an ADC's problems (`zone` empty: all of its zones).
fn adc_source(bus: u8, address: u8, zone: &str) -> String {
    format!("adc {bus} {address:#04x} {zone}")
}

type Adcs = BTreeMap<(u8, u8), Result<Box<dyn LoopReader>, String>>;

/// Opens the profile's ADCs and starts sampling its loops, if it has any.
pub(super) fn spawn(
    profile: &BoardProfile,
    mut open: OpenAdc,
    sink: &impl Sink,
    problems: &Problems,
) {
    let mut adcs: Adcs = BTreeMap::new();
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
                .or_insert_with(|| open(bus, address));
            if let Err(e) = adc {
                problems.set(
                    adc_source(bus, address, &z.name),
                    format!("zone {}: {e}", z.name),
                );
                unreadable(sink, &z.name);
            }
            wired.push((z.name.clone(), (bus, address), channel));
        }
    }
    if wired.is_empty() {
        return;
    }
    let sampler = Sampler {
        adcs,
        open,
        wired,
        sink: sink.clone(),
        problems: problems.clone(),
        silent: BTreeMap::new(),
    };
    if let Err(e) = std::thread::Builder::new()
        .name("adc-loops".into())
        .spawn(move || sampler.run())
    {
        problems.set(
            "adc thread".into(),
            format!("cannot start the loop-reading thread: {e}"),
        );
    }
}

/// The sampling thread's state.
struct Sampler<S> {
    adcs: Adcs,
    open: OpenAdc,
    /// Each loop zone: its name, its ADC, its channel.
    wired: Vec<(String, (u8, u8), u8)>,
    sink: S,
    problems: Problems,
    /// The last read error of each zone, so that each is logged once.
    silent: BTreeMap<String, String>,
}

impl<S: Sink> Sampler<S> {
    fn run(mut self) {
        let mut next_try = Instant::now() + ADC_RETRY;
        loop {
            let started = Instant::now();
            // An ADC that did not answer at start (a loose cable, I2C
            // switched on later) is opened again now and then.
            if started >= next_try {
                next_try = started + ADC_RETRY;
                self.reopen();
            }
            for i in 0..self.wired.len() {
                let read = self.sample(i);
                if !self.sink.zone(&self.wired[i].0, read) {
                    return;
                }
            }
            std::thread::sleep(LOOP_PERIOD.saturating_sub(started.elapsed()));
        }
    }

    fn reopen(&mut self) {
        for (&(bus, address), slot) in self.adcs.iter_mut().filter(|(_, s)| s.is_err()) {
            if let Ok(adc) = (self.open)(bus, address) {
                tracing::info!("the ADC on /dev/i2c-{bus} at {address:#04x} answers now");
                self.problems.clear(&adc_source(bus, address, ""));
                *slot = Ok(adc);
            }
        }
    }

    /// What the `i`th loop zone reads now.
    fn sample(&mut self, i: usize) -> ZoneRead {
        let (zone, adc, channel) = &self.wired[i];
        let unreadable = ZoneRead::Reading(Reading::Fault(FaultKind::Unreadable));
        let Some(Ok(device)) = self.adcs.get_mut(adc) else {
            return unreadable;
        };
        match device.read_millivolts(*channel) {
            Ok(mv) => {
                self.silent.remove(zone);
                ZoneRead::Value(mv)
            }
            Err(e) => {
                if self.silent.insert(zone.clone(), e.clone()).as_ref() != Some(&e) {
                    tracing::error!("zone {zone}: {e}");
                }
                unreadable
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
