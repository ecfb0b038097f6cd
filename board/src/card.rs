//! Window cards: the small display on each window's evaluator, drawn with
//! embedded-graphics as a pure function of a [`Card`].
//!
//! The same drawing serves a 128×64 one-colour OLED (SSD1306) and a larger
//! colour panel: the layout is made for 128×64 and scaled. Text comes from the
//! kiosk's own Noto Sans CJK subset; on the one-colour display a dot is lit
//! where a glyph covers at least half of it, which keeps 12–16 px Chinese
//! legible. The simulated board writes every change as a PNG ([`Frame`]); on
//! the Pi the same `draw` goes to the SSD1306's buffer.

use std::io;
use std::path::Path;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use embedded_graphics::pixelcolor::{BinaryColor, Rgb888};
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::{PrimitiveStyle, Rectangle};
use serde::{Deserialize, Serialize};

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/NotoSansCJKsc-Regular-subset.otf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/NotoSansCJKsc-Bold-subset.otf");

/// What a window's card shows.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "screen", rename_all = "snake_case")]
pub enum Card {
    /// Nobody at the window: its number and who staffs it (name, staff
    /// number, and the post when the window has posts: `B岗`).
    Idle {
        window: u8,
        staff: Option<(String, String)>,
        post: Option<String>,
    },
    /// The window's member is away (暂离): why, when they are back, and
    /// their contact number when the notice gives one.
    Away {
        window: u8,
        reason: String,
        back: String,
        contact: Option<String>,
    },
    /// Serving a ticket.
    Serving { window: u8, ticket: String },
    /// Waiting for the citizen's rating: 请评价 and what each key means.
    Armed {
        window: u8,
        ticket: String,
        /// The levels of the keys, from the left.
        keys: Vec<u8>,
    },
    /// Just rated.
    Thanks { window: u8, level: u8 },
    /// The window is paused or its evaluator is faulty.
    OutOfService { window: u8 },
}

impl Card {
    /// A short word for logs and the station's state.
    pub fn screen(&self) -> &'static str {
        match self {
            Card::Idle { .. } => "idle",
            Card::Away { .. } => "away",
            Card::Serving { .. } => "serving",
            Card::Armed { .. } => "armed",
            Card::Thanks { .. } => "thanks",
            Card::OutOfService { .. } => "out_of_service",
        }
    }
}

/// One card of each kind, named: the README's pictures and the reference
/// patterns the tests compare with.
pub fn samples() -> Vec<(&'static str, Card)> {
    vec![
        (
            "idle",
            Card::Idle {
                window: 1,
                staff: Some(("王芳".into(), "0101".into())),
                post: None,
            },
        ),
        (
            "idle-b-post",
            Card::Idle {
                window: 1,
                staff: Some(("李强".into(), "0102".into())),
                post: Some("B岗".into()),
            },
        ),
        (
            "idle-unstaffed",
            Card::Idle {
                window: 3,
                staff: None,
                post: None,
            },
        ),
        (
            "away",
            Card::Away {
                window: 2,
                reason: "下村入户".into(),
                back: "15:30".into(),
                contact: Some("0898-88881234".into()),
            },
        ),
        (
            "away-long-reason",
            Card::Away {
                window: 2,
                reason: "区政务中心送件".into(),
                back: "12-04 09:00".into(),
                contact: None,
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
            "armed-4-keys",
            Card::Armed {
                window: 2,
                ticket: "B003".into(),
                keys: vec![5, 4, 2, 1],
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
    ]
}

/// A key's label on the card: two characters, what the key's level means.
pub fn key_label(level: u8) -> &'static str {
    match level {
        5 => "很好",
        4 => "满意",
        3 => "一般",
        2 => "不满",
        _ => "很差",
    }
}

/// The colours a card is drawn in.
pub trait Palette: PixelColor {
    /// Dots are on or off: text under 13 px is drawn bold so that thin strokes
    /// survive.
    const ONE_BIT: bool;
    fn background() -> Self;
    fn ink() -> Self;
    /// Emphasis: the 请评价 band, the ticket number.
    fn accent() -> Self;
    /// Ink on the accent band.
    fn on_accent() -> Self;
    /// `ink` over `background` at `coverage` (0–1).
    fn blend(over: Self, ink: Self, coverage: f32) -> Option<Self>;
}

impl Palette for BinaryColor {
    const ONE_BIT: bool = true;
    fn background() -> Self {
        BinaryColor::Off
    }
    fn ink() -> Self {
        BinaryColor::On
    }
    fn accent() -> Self {
        BinaryColor::On
    }
    fn on_accent() -> Self {
        BinaryColor::Off
    }
    fn blend(_over: Self, ink: Self, coverage: f32) -> Option<Self> {
        // Lower than half: unhinted strokes at 12–16 px are often under one
        // dot wide and would break up.
        (coverage >= 0.35).then_some(ink)
    }
}

impl Palette for Rgb888 {
    const ONE_BIT: bool = false;
    fn background() -> Self {
        Rgb888::new(0x10, 0x22, 0x3a)
    }
    fn ink() -> Self {
        Rgb888::WHITE
    }
    fn accent() -> Self {
        Rgb888::new(0xff, 0xc8, 0x2e)
    }
    fn on_accent() -> Self {
        Rgb888::new(0x10, 0x22, 0x3a)
    }
    fn blend(over: Self, ink: Self, coverage: f32) -> Option<Self> {
        if coverage < 0.05 {
            return None;
        }
        let c = coverage.clamp(0.0, 1.0);
        let mix = |a: u8, b: u8| (f32::from(a) * (1.0 - c) + f32::from(b) * c).round() as u8;
        Some(Rgb888::new(
            mix(over.r(), ink.r()),
            mix(over.g(), ink.g()),
            mix(over.b(), ink.b()),
        ))
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Centre,
}

/// Draws on a target of any size; the 128×64 layout is scaled to fit and
/// centred.
struct Pen<'a, D> {
    target: &'a mut D,
    scale: f32,
    origin: (i32, i32),
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

impl<D> Pen<'_, D>
where
    D: DrawTarget,
    D::Color: Palette,
{
    fn fill(&mut self, x: i32, y: i32, w: u32, h: u32, colour: D::Color) -> Result<(), D::Error> {
        let (x0, y0) = self.at(x, y);
        let (x1, y1) = self.at(x + w as i32, y + h as i32);
        Rectangle::new(
            Point::new(x0, y0),
            Size::new((x1 - x0).max(0) as u32, (y1 - y0).max(0) as u32),
        )
        .into_styled(PrimitiveStyle::with_fill(colour))
        .draw(self.target)
    }

    fn at(&self, x: i32, y: i32) -> (i32, i32) {
        (
            self.origin.0 + (x as f32 * self.scale).round() as i32,
            self.origin.1 + (y as f32 * self.scale).round() as i32,
        )
    }

    /// Text centred on the card, its top at `y`, `px` high in layout pixels.
    fn centred(
        &mut self,
        text: &str,
        y: i32,
        px: f32,
        bold: bool,
        ink: D::Color,
    ) -> Result<i32, D::Error> {
        let over = D::Color::background();
        self.text(text, 64, y, Align::Centre, (px, bold), (ink, over))
    }

    /// Text with its top at `y`, `(px, bold)` in layout pixels, `(ink, over)`
    /// the colours of the text and of what it is drawn over; returns its width.
    fn text(
        &mut self,
        text: &str,
        x: i32,
        y: i32,
        align: Align,
        (px, bold): (f32, bool),
        (ink, over): (D::Color, D::Color),
    ) -> Result<i32, D::Error> {
        let bold = bold || (D::Color::ONE_BIT && px * self.scale < 13.0);
        let font = if bold { &self.bold } else { &self.regular };
        let scaled = font.as_scaled(PxScale::from(px * self.scale));
        let width: f32 = text
            .chars()
            .map(|c| scaled.h_advance(font.glyph_id(c)))
            .sum();
        let (mut pen_x, top) = self.at(x, y);
        if align == Align::Centre {
            pen_x -= (width / 2.0).round() as i32;
        }
        let baseline = top as f32 + scaled.ascent();
        let mut pixels = Vec::new();
        let mut cursor = pen_x as f32;
        for c in text.chars() {
            let id = font.glyph_id(c);
            let glyph = id.with_scale_and_position(
                PxScale::from(px * self.scale),
                ab_glyph::point(cursor, baseline),
            );
            cursor += scaled.h_advance(id);
            if let Some(outline) = font.outline_glyph(glyph) {
                let b = outline.px_bounds();
                outline.draw(|gx, gy, coverage| {
                    if let Some(colour) = D::Color::blend(over, ink, coverage) {
                        pixels.push(Pixel(
                            Point::new(b.min.x as i32 + gx as i32, b.min.y as i32 + gy as i32),
                            colour,
                        ));
                    }
                });
            }
        }
        self.target.draw_iter(pixels)?;
        Ok((width / self.scale).round() as i32)
    }
}

/// Draws `card` onto `target`, clearing it first.
pub fn draw<D>(card: &Card, target: &mut D) -> Result<(), D::Error>
where
    D: DrawTarget + OriginDimensions,
    D::Color: Palette,
{
    let size = target.size();
    let scale = (size.width as f32 / 128.0).min(size.height as f32 / 64.0);
    let origin = (
        ((size.width as f32 - 128.0 * scale) / 2.0).round() as i32,
        ((size.height as f32 - 64.0 * scale) / 2.0).round() as i32,
    );
    target.clear(D::Color::background())?;
    let font = |data: &'static [u8]| FontRef::try_from_slice(data).ok();
    let (Some(regular), Some(bold)) = (font(REGULAR), font(BOLD)) else {
        // A damaged build: a blank card rather than a crash.
        return Ok(());
    };
    let mut pen = Pen {
        target,
        scale,
        origin,
        regular,
        bold,
    };
    let (bg, ink, accent, on_accent) = (
        D::Color::background(),
        D::Color::ink(),
        D::Color::accent(),
        D::Color::on_accent(),
    );
    match card {
        Card::Idle {
            window,
            staff,
            post,
        } => {
            pen.centred(&format!("{window}号窗口"), 1, 20.0, true, ink)?;
            match staff {
                Some((name, number)) => {
                    pen.centred(name, 27, 16.0, false, ink)?;
                    let line = match post {
                        Some(post) => format!("{post} 工号 {number}"),
                        None => format!("工号 {number}"),
                    };
                    pen.centred(&line, 46, 14.0, false, ink)?;
                }
                None => {
                    pen.centred("欢迎办理", 29, 16.0, false, ink)?;
                    pen.centred("Welcome", 48, 12.0, false, ink)?;
                }
            }
        }
        Card::Serving { window, ticket } => {
            pen.centred(&format!("{window}号窗口 正在办理"), 0, 14.0, false, ink)?;
            pen.centred(ticket, 18, 34.0, true, accent)?;
        }
        Card::Armed { keys, .. } => {
            pen.fill(0, 0, 128, 22, accent)?;
            pen.text(
                "请评价",
                4,
                1,
                Align::Left,
                (18.0, true),
                (on_accent, accent),
            )?;
            pen.text(
                "Rate us",
                80,
                5,
                Align::Left,
                (12.0, false),
                (on_accent, accent),
            )?;
            // One column per key, left to right as the keys sit.
            let n = keys.len().max(1) as i32;
            let column = 128 / n;
            // Two characters a column: 12 px fits five columns, 14 px four.
            let label = if n >= 5 { 12.0 } else { 14.0 };
            for (i, level) in keys.iter().enumerate() {
                let x = column * i as i32 + column / 2;
                let digit = level.to_string();
                pen.text(&digit, x, 24, Align::Centre, (14.0, true), (ink, bg))?;
                pen.text(
                    key_label(*level),
                    x,
                    43,
                    Align::Centre,
                    (label, false),
                    (ink, bg),
                )?;
            }
        }
        Card::Thanks { level, .. } => {
            pen.centred("谢谢您的评价", 2, 18.0, true, ink)?;
            pen.centred("Thank you", 26, 12.0, false, ink)?;
            if *level <= 2 {
                // A bad rating: the station manager is on the way.
                pen.centred("站长马上过来", 45, 14.0, false, accent)?;
            }
        }
        Card::Away {
            window,
            reason,
            back,
            contact,
        } => {
            pen.centred(&format!("{window}号窗口 暂离"), 0, 12.0, false, ink)?;
            pen.centred(reason, 14, 16.0, true, ink)?;
            pen.centred(&format!("预计 {back} 返回"), 33, 12.0, false, ink)?;
            if let Some(contact) = contact {
                pen.centred(contact, 48, 12.0, false, ink)?;
            }
        }
        Card::OutOfService { window } => {
            pen.centred(&format!("{window}号窗口"), 1, 14.0, false, ink)?;
            pen.centred("暂停服务", 18, 22.0, true, ink)?;
            pen.centred("Window closed", 47, 12.0, false, ink)?;
        }
    }
    Ok(())
}

/// A window's card display, whatever drives it.
pub trait CardDisplay: Send {
    /// Shows `card`; an error says what to check.
    fn show(&mut self, card: &Card) -> Result<(), String>;
}

/// The simulated board's card: every change is drawn in memory and written
/// as a PNG (one-colour displays three times enlarged).
pub struct PngCard {
    path: std::path::PathBuf,
    display: crate::profile::Display,
}

impl PngCard {
    pub fn new(path: std::path::PathBuf, display: crate::profile::Display) -> Self {
        Self { path, display }
    }
}

impl CardDisplay for PngCard {
    fn show(&mut self, card: &Card) -> Result<(), String> {
        let written = match self.display {
            crate::profile::Display::Mono { .. } => {
                let mut frame: Frame<BinaryColor> = Frame::new(128, 64);
                let Ok(()) = draw(card, &mut frame);
                frame.write_png(&self.path, 3)
            }
            crate::profile::Display::Colour { width, height } => {
                let mut frame: Frame<Rgb888> = Frame::new(width, height);
                let Ok(()) = draw(card, &mut frame);
                frame.write_png(&self.path, 1)
            }
        };
        written.map_err(|e| format!("cannot write {}: {e}", self.path.display()))
    }
}

/// An in-memory display: the simulated board's card, and the reference for
/// tests.
pub struct Frame<C> {
    width: u32,
    height: u32,
    pixels: Vec<C>,
}

impl<C: Palette> Frame<C> {
    pub fn new(width: u32, height: u32) -> Self {
        Self {
            width,
            height,
            pixels: vec![C::background(); (width * height) as usize],
        }
    }

    pub fn pixel(&self, x: u32, y: u32) -> Option<C> {
        (x < self.width && y < self.height).then(|| self.pixels[(y * self.width + x) as usize])
    }
}

impl<C: PixelColor> OriginDimensions for Frame<C> {
    fn size(&self) -> Size {
        Size::new(self.width, self.height)
    }
}

impl<C: PixelColor> DrawTarget for Frame<C> {
    type Color = C;
    type Error = std::convert::Infallible;

    fn draw_iter<I: IntoIterator<Item = Pixel<C>>>(
        &mut self,
        pixels: I,
    ) -> Result<(), Self::Error> {
        for Pixel(p, c) in pixels {
            if p.x >= 0 && p.y >= 0 && (p.x as u32) < self.width && (p.y as u32) < self.height {
                self.pixels[(p.y as u32 * self.width + p.x as u32) as usize] = c;
            }
        }
        Ok(())
    }
}

impl Frame<BinaryColor> {
    /// The lit dots as text, `#` lit and `.` dark, one line a row.
    pub fn ascii(&self) -> String {
        let mut out = String::new();
        for row in self.pixels.chunks(self.width as usize) {
            out.extend(row.iter().map(|c| if c.is_on() { '#' } else { '.' }));
            out.push('\n');
        }
        out
    }

    /// Writes the display as a PNG, each dot `zoom`×`zoom`, lit dots in the
    /// OLED's white on black.
    pub fn write_png(&self, path: &Path, zoom: u32) -> io::Result<()> {
        let rgb = |c: &BinaryColor| {
            if c.is_on() {
                [0xf0, 0xf6, 0xff]
            } else {
                [0, 0, 0]
            }
        };
        write_rgb(path, self.width, self.height, zoom, &self.pixels, rgb)
    }
}

impl Frame<Rgb888> {
    pub fn write_png(&self, path: &Path, zoom: u32) -> io::Result<()> {
        write_rgb(path, self.width, self.height, zoom, &self.pixels, |c| {
            [c.r(), c.g(), c.b()]
        })
    }
}

fn write_rgb<C>(
    path: &Path,
    width: u32,
    height: u32,
    zoom: u32,
    pixels: &[C],
    rgb: impl Fn(&C) -> [u8; 3],
) -> io::Result<()> {
    let zoom = zoom.max(1);
    let mut data = Vec::with_capacity((width * height * zoom * zoom * 3) as usize);
    for row in pixels.chunks(width as usize) {
        let line: Vec<u8> = row
            .iter()
            .flat_map(|c| std::iter::repeat_n(rgb(c), zoom as usize).flatten())
            .collect();
        for _ in 0..zoom {
            data.extend_from_slice(&line);
        }
    }
    // Written beside and renamed, so a reader never sees half a picture.
    let part = path.with_extension("png.part");
    let file = std::fs::File::create(&part)?;
    let mut encoder = png::Encoder::new(io::BufWriter::new(file), width * zoom, height * zoom);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(io::Error::other)?;
    writer.write_image_data(&data).map_err(io::Error::other)?;
    writer.finish().map_err(io::Error::other)?;
    std::fs::rename(part, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mono(card: &Card) -> Frame<BinaryColor> {
        let mut frame = Frame::new(128, 64);
        draw(card, &mut frame).unwrap();
        frame
    }

    fn lit(frame: &Frame<BinaryColor>, x: std::ops::Range<u32>, y: std::ops::Range<u32>) -> usize {
        y.flat_map(|y| x.clone().map(move |x| (x, y)))
            .filter(|&(x, y)| frame.pixel(x, y).is_some_and(|c| c.is_on()))
            .count()
    }

    fn cards() -> Vec<Card> {
        samples().into_iter().map(|(_, c)| c).collect()
    }

    /// Each sample card, dot for dot, against its reference pattern in
    /// `board/patterns/cards/` (`#` lit). After a deliberate change to the
    /// layout, regenerate them with `KIOSK_BLESS=1 cargo test -p board card`
    /// and look at the diff.
    #[test]
    fn the_one_colour_cards_match_their_reference_patterns() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("patterns/cards");
        let bless = std::env::var_os("KIOSK_BLESS").is_some();
        for (name, card) in samples() {
            let drawn = mono(&card).ascii();
            let path = dir.join(format!("{name}.txt"));
            if bless {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &drawn).unwrap();
                continue;
            }
            let reference = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(
                drawn == reference,
                "{name} differs from {}:\n{drawn}",
                path.display()
            );
        }
    }

    #[test]
    fn every_card_fits_the_128_by_64_display_with_a_margin() {
        for card in cards() {
            let f = mono(&card);
            let total = lit(&f, 0..128, 0..64);
            assert!(total > 150, "{card:?} draws something: {total}");
            // Nothing is cut at the left or right edge.
            assert_eq!(
                lit(&f, 0..1, 22..64) + lit(&f, 127..128, 22..64),
                0,
                "{card:?}\n{}",
                f.ascii()
            );
        }
    }

    #[test]
    fn the_armed_card_inverts_its_band_and_labels_each_key_in_its_column() {
        let f = mono(&Card::Armed {
            window: 1,
            ticket: "A012".into(),
            keys: vec![5, 3, 1],
        });
        // The 请评价 band: mostly lit, with dark text in it.
        let band = lit(&f, 0..128, 0..22);
        assert!(band > 128 * 22 * 6 / 10 && band < 128 * 22, "{band}");
        // Three columns of legend, each with ink; nothing in the gaps between.
        for column in 0..3 {
            let x = column * 42;
            assert!(
                lit(&f, x + 8..x + 34, 25..64) > 40,
                "column {column}\n{}",
                f.ascii()
            );
        }
        assert_eq!(lit(&f, 40..44, 25..64), 0, "gap\n{}", f.ascii());
    }

    #[test]
    fn cards_differ_and_drawing_is_a_pure_function() {
        let frames: Vec<String> = cards().iter().map(|c| mono(c).ascii()).collect();
        for (i, a) in frames.iter().enumerate() {
            for b in &frames[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert_eq!(mono(&cards()[2]).ascii(), frames[2]);
        // A bad rating's thanks says the manager is coming; a good one does not.
        let good = mono(&Card::Thanks {
            window: 1,
            level: 5,
        });
        let bad = mono(&Card::Thanks {
            window: 1,
            level: 1,
        });
        assert_eq!(lit(&good, 0..128, 44..64), 0);
        assert!(lit(&bad, 0..128, 44..64) > 60);
    }

    #[test]
    fn the_colour_card_is_the_same_layout_scaled() {
        let card = Card::Serving {
            window: 1,
            ticket: "A012".into(),
        };
        let mut colour: Frame<Rgb888> = Frame::new(320, 240);
        draw(&card, &mut colour).unwrap();
        let m = mono(&card);
        // Where the mono card is dark over a whole 4×4 block, so is the
        // colour one (scaled 2.5×, centred vertically: 40 px top margin).
        let mut checked = 0;
        for by in 0..16 {
            for bx in 0..32 {
                if lit(&m, bx * 4..bx * 4 + 4, by * 4..by * 4 + 4) == 0 {
                    let (x, y) = ((bx * 4) as f32 * 2.5 + 5.0, (by * 4) as f32 * 2.5 + 45.0);
                    assert_eq!(colour.pixel(x as u32, y as u32), Some(Rgb888::background()));
                    checked += 1;
                }
            }
        }
        assert!(checked > 100);
        // The ticket number is drawn in the accent colour.
        let accent = (0..240)
            .flat_map(|y| (0..320).map(move |x| (x, y)))
            .filter(|&(x, y)| colour.pixel(x, y) == Some(Rgb888::accent()))
            .count();
        assert!(accent > 500, "{accent}");
    }
}
