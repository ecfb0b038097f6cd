//! Draws every kind of window card, one-colour 128×64 and colour 320×240, as
//! PNGs into a folder (default `docs/cards`): the pictures in the README.
//! Run: `cargo run -p board --example cards [-- DIR]`.

use std::path::PathBuf;

use board::card::{Card, Frame, draw};
use embedded_graphics::pixelcolor::{BinaryColor, Rgb888};

fn main() -> std::io::Result<()> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "docs/cards".into()),
    );
    std::fs::create_dir_all(&dir)?;
    let cards = [
        (
            "idle",
            Card::Idle {
                window: 1,
                staff: Some(("王芳".into(), "0101".into())),
            },
        ),
        (
            "serving",
            Card::Serving {
                window: 1,
                ticket: "A012".into(),
            },
        ),
        (
            "armed-5-keys",
            Card::Armed {
                window: 1,
                ticket: "A012".into(),
                keys: vec![5, 4, 3, 2, 1],
            },
        ),
        (
            "armed-3-keys",
            Card::Armed {
                window: 3,
                ticket: "C003".into(),
                keys: vec![5, 3, 1],
            },
        ),
        (
            "thanks",
            Card::Thanks {
                window: 1,
                level: 5,
            },
        ),
        (
            "thanks-bad",
            Card::Thanks {
                window: 1,
                level: 1,
            },
        ),
        ("out-of-service", Card::OutOfService { window: 2 }),
    ];
    for (name, card) in cards {
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
