//! Drawing decoded printer lines as a picture of the paper, for the virtual
//! printer's PNG of each job.
//!
//! The base character cell is 12×24 dots (24×24 for Chinese), scaled by the
//! `GS !` multipliers, as on the thermal printers the kiosk drives. Glyphs are
//! rasterised at that cell size and thresholded to one bit a dot — a thermal
//! head either burns a dot or not — so the picture is the bitmap the printer
//! would make, not anti-aliased type. Pictures (QR codes, images, logos) are
//! drawn dot for dot.

use std::io;
use std::path::Path;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};

use super::decode::{Align, Line};

static REGULAR: &[u8] = include_bytes!("../../../assets/fonts/NotoSansCJKsc-Regular-subset.otf");
static BOLD: &[u8] = include_bytes!("../../../assets/fonts/NotoSansCJKsc-Bold-subset.otf");

/// Dots per base line (font A is 24 dots high).
const BASE: f32 = 24.0;
/// Paper margin above and below the print, in dots.
const MARGIN: usize = 16;

/// A grey-scale picture: 0 is black ink, 255 paper.
pub struct Paper {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
}

/// Draws lines onto paper `width` dots wide. Fails only if the bundled font is
/// damaged (a broken build).
pub fn draw(lines: &[Line], width: usize) -> io::Result<Paper> {
    let font = |data| {
        FontRef::try_from_slice(data)
            .map_err(|e| io::Error::other(format!("the bundled font: {e}")))
    };
    let (regular, bold) = (font(REGULAR)?, font(BOLD)?);
    let heights: Vec<usize> = lines
        .iter()
        .map(|l| match (&l.image, l.dots) {
            (Some(image), _) => image.height,
            (None, 0) => {
                let h = l.spans.iter().map(|s| s.size.1).max().unwrap_or(1);
                (BASE * f32::from(h)) as usize + 6
            }
            (None, dots) => dots as usize,
        })
        .collect();
    let height = MARGIN * 2 + heights.iter().sum::<usize>();
    let mut paper = Paper {
        width,
        height,
        pixels: vec![255; width * height],
    };
    let mut top = MARGIN;
    for (line, h) in lines.iter().zip(&heights) {
        if let Some(image) = &line.image {
            let left = match line.align {
                Align::Left => 0,
                Align::Center => width.saturating_sub(image.width) / 2,
                Align::Right => width.saturating_sub(image.width),
            };
            for y in 0..image.height {
                for x in 0..image.width.min(width - left.min(width)) {
                    if image.ink[y * image.width + x] {
                        paper.pixels[(top + y) * width + left + x] = 0;
                    }
                }
            }
            top += h;
            continue;
        }
        // Measure, then place per the alignment.
        let mut runs = Vec::new();
        let mut line_width = 0.0;
        for span in &line.spans {
            let font = if span.bold { &bold } else { &regular };
            let scale = PxScale {
                x: BASE * f32::from(span.size.0),
                y: BASE * f32::from(span.size.1),
            };
            let scaled = font.as_scaled(scale);
            for ch in span.text.chars() {
                let id = scaled.glyph_id(ch);
                let advance = scaled.h_advance(id);
                runs.push((font, scale, ch, line_width));
                line_width += advance;
            }
        }
        let left = match line.align {
            Align::Left => 0.0,
            Align::Center => ((width as f32 - line_width) / 2.0).max(0.0),
            Align::Right => (width as f32 - line_width).max(0.0),
        };
        let baseline = (top + h - 6) as f32 - (*h as f32 - 6.0) * 0.12;
        for (font, scale, ch, x) in runs {
            let glyph = font
                .glyph_id(ch)
                .with_scale_and_position(scale, ab_glyph::point(left + x, baseline));
            if let Some(outline) = font.outline_glyph(glyph) {
                let bounds = outline.px_bounds();
                outline.draw(|gx, gy, coverage| {
                    let px = bounds.min.x as i64 + i64::from(gx);
                    let py = bounds.min.y as i64 + i64::from(gy);
                    if px >= 0
                        && py >= 0
                        && (px as usize) < paper.width
                        && (py as usize) < paper.height
                    {
                        let i = py as usize * paper.width + px as usize;
                        if coverage >= 0.5 {
                            paper.pixels[i] = 0;
                        }
                    }
                });
            }
        }
        top += h;
    }
    Ok(paper)
}

impl Paper {
    /// Whether the dot at `(x, y)` carries ink.
    pub fn ink(&self, x: usize, y: usize) -> bool {
        self.pixels[y * self.width + x] < 128
    }

    /// Writes the picture as an 8-bit grey PNG.
    pub fn write_png(&self, path: &Path) -> io::Result<()> {
        let file = std::fs::File::create(path)?;
        let mut encoder = png::Encoder::new(
            io::BufWriter::new(file),
            self.width as u32,
            self.height as u32,
        );
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(io::Error::other)?;
        writer
            .write_image_data(&self.pixels)
            .map_err(io::Error::other)?;
        writer.finish().map_err(io::Error::other)
    }

    /// How many dots carry ink, for tests that check something was drawn.
    pub fn inked(&self) -> usize {
        self.pixels.iter().filter(|&&p| p < 128).count()
    }
}

#[cfg(test)]
mod tests {
    use super::super::decode::Span;
    use super::*;

    #[test]
    fn bigger_type_takes_more_ink_and_alignment_moves_it() {
        let line = |size: u8, align| Line {
            align,
            image: None,
            dots: 0,
            spans: vec![Span {
                text: "A001号".into(),
                size: (size, size),
                bold: false,
            }],
        };
        let small = draw(&[line(1, Align::Left)], 384).unwrap();
        let big = draw(&[line(3, Align::Left)], 384).unwrap();
        assert!(
            big.inked() > small.inked() * 4,
            "{} vs {}",
            big.inked(),
            small.inked()
        );
        assert!(big.height > small.height);
        let right = draw(&[line(1, Align::Right)], 384).unwrap();
        let first_ink_column = |p: &Paper| {
            (0..p.width).find(|&x| (0..p.height).any(|y| p.pixels[y * p.width + x] < 128))
        };
        assert!(first_ink_column(&right).unwrap() > first_ink_column(&small).unwrap() + 200);
    }
}
