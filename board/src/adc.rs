//! A safety loop read through an ADS1115 ADC over Linux I2C (`/dev/i2c-N`),
//! for the Pi. Built with the `ads1115` feature; CI compile-checks it, and it
//! runs only where the ADC is wired.
//!
//! Each reading is a single-ended one-shot conversion on one input (A0–A3) at
//! the ±4.096 V range, reported in millivolts: a board profile for this
//! backend gives its loop bands in millivolts across the end-of-line circuit.

use std::time::{Duration, Instant};

use ads1x1x::channel::{SingleA0, SingleA1, SingleA2, SingleA3};
use ads1x1x::{Ads1x1x, FullScaleRange, TargetAddr, ic, mode};
use linux_embedded_hal::I2cdev;

type Device = Ads1x1x<I2cdev, ic::Ads1115, ic::Resolution16Bit, mode::OneShot>;

/// One conversion at 128 samples a second takes 8 ms; give up well after.
const CONVERSION_LIMIT: Duration = Duration::from_millis(100);

/// Millivolts per count at ±4.096 V (16 bits, signed).
const MV_PER_COUNT: f32 = 4096.0 / 32768.0;

/// An ADS1115 on an I2C bus.
pub struct LoopAdc {
    device: Device,
    /// For messages: `/dev/i2c-1 at 0x48`.
    place: String,
}

impl LoopAdc {
    /// Opens the bus and sets the ADC at `address` (0x48–0x4B) to ±4.096 V.
    pub fn open(bus: u8, address: u8) -> Result<Self, String> {
        let path = format!("/dev/i2c-{bus}");
        let place = format!("{path} at {address:#04x}");
        let target = match address {
            0x48 => TargetAddr::Gnd,
            0x49 => TargetAddr::Vdd,
            0x4A => TargetAddr::Sda,
            0x4B => TargetAddr::Scl,
            other => {
                return Err(format!(
                    "{other:#04x} is not an ADS1115 address (0x48–0x4B)"
                ));
            }
        };
        let i2c = I2cdev::new(&path).map_err(|e| {
            format!("cannot open {path}: {e} — enable I2C (raspi-config) and add the kiosk user to the i2c group")
        })?;
        let mut device = Ads1x1x::new_ads1115(i2c, target);
        device
            .set_full_scale_range(FullScaleRange::Within4_096V)
            .map_err(|e| {
                format!("the ADC on {place} does not answer ({e:?}) — check its wiring and address")
            })?;
        Ok(Self { device, place })
    }

    /// One reading of input `channel` (0–3), in millivolts.
    pub fn read_millivolts(&mut self, channel: u8) -> Result<f32, String> {
        let started = Instant::now();
        loop {
            let result = match channel {
                0 => self.device.read(SingleA0),
                1 => self.device.read(SingleA1),
                2 => self.device.read(SingleA2),
                3 => self.device.read(SingleA3),
                other => return Err(format!("the ADS1115 has inputs 0–3, not {other}")),
            };
            match result {
                Ok(counts) => return Ok(f32::from(counts) * MV_PER_COUNT),
                Err(nb::Error::WouldBlock) if started.elapsed() < CONVERSION_LIMIT => {
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err(nb::Error::WouldBlock) => {
                    return Err(format!(
                        "the ADC on {} did not finish a conversion",
                        self.place
                    ));
                }
                Err(nb::Error::Other(e)) => {
                    return Err(format!(
                        "the ADC on {} stopped answering ({e:?})",
                        self.place
                    ));
                }
            }
        }
    }
}
