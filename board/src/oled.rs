//! A window card on an SSD1306 128×64 OLED over Linux I2C (`/dev/i2c-N`),
//! for the Pi. Built with the `ssd1306` feature; CI compile-checks it, and it
//! runs only where the display is wired.

use linux_embedded_hal::I2cdev;
use ssd1306::mode::{BufferedGraphicsMode, DisplayConfig};
use ssd1306::prelude::{DisplayRotation, I2CInterface};
use ssd1306::size::DisplaySize128x64;
use ssd1306::{I2CDisplayInterface, Ssd1306};

use crate::card::{Card, CardDisplay, draw};

type Display =
    Ssd1306<I2CInterface<I2cdev>, DisplaySize128x64, BufferedGraphicsMode<DisplaySize128x64>>;

/// An SSD1306 on an I2C bus.
pub struct Oled {
    display: Display,
    /// For messages: `/dev/i2c-1 at 0x3c`.
    place: String,
}

impl Oled {
    /// Opens the bus and initialises the display at `address` (0x3C or 0x3D).
    pub fn open(bus: u8, address: u8) -> Result<Self, String> {
        let path = format!("/dev/i2c-{bus}");
        let place = format!("{path} at {address:#04x}");
        let i2c = I2cdev::new(&path).map_err(|e| {
            format!("cannot open {path}: {e} — enable I2C (raspi-config) and add the kiosk user to the i2c group")
        })?;
        let interface = I2CDisplayInterface::new_custom_address(i2c, address);
        let mut display = Ssd1306::new(interface, DisplaySize128x64, DisplayRotation::Rotate0)
            .into_buffered_graphics_mode();
        display.init().map_err(|e| {
            format!("the display on {place} does not answer ({e:?}) — check its wiring and address")
        })?;
        Ok(Self { display, place })
    }
}

impl CardDisplay for Oled {
    fn show(&mut self, card: &Card) -> Result<(), String> {
        self.display.clear_buffer();
        draw(card, &mut self.display).map_err(|e| format!("drawing on {}: {e:?}", self.place))?;
        self.display
            .flush()
            .map_err(|e| format!("the display on {} stopped answering ({e:?})", self.place))
    }
}
