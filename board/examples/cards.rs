//! Draws every sample window card, one-colour 128×64 (three times enlarged) and
//! colour 320×240, as PNGs into a folder (default `docs/cards`): the pictures
//! in the README. Run: `cargo run -p board --example cards [-- DIR]`.

use std::path::PathBuf;

use board::card::{Frame, draw, samples};
use embedded_graphics::pixelcolor::{BinaryColor, Rgb888};

fn main() -> std::io::Result<()> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "docs/cards".into()),
    );
    std::fs::create_dir_all(&dir)?;
    for (name, card) in samples() {
        let mut mono: Frame<BinaryColor> = Frame::new(128, 64);
        let Ok(()) = draw(&card, &mut mono);
        mono.write_png(&dir.join(format!("{name}-128x64.png")), 3)?;
        let mut colour: Frame<Rgb888> = Frame::new(320, 240);
        let Ok(()) = draw(&card, &mut colour);
        colour.write_png(&dir.join(format!("{name}-320x240.png")), 1)?;
    }
    println!("cards written to {}", dir.display());
    Ok(())
}
