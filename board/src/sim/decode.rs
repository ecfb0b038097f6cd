//! Reading an ESC/POS byte stream the way a printer does: commands become tokens,
//! text is decoded (GB18030 in Chinese mode), lines and jobs are split.
//!
//! It never trusts its input: unknown commands become visible tokens and are
//! counted (tests fail on any), truncated commands wait for more bytes, and
//! parameters that claim more data than a job could hold are capped. QR codes,
//! raster images and logos stored in the printer's memory become pictures.
//!
//! This file is written from the ESC/POS manual, independently of the kiosk's
//! encoder (`drivers::escpos`), so that each checks the other.

use std::collections::HashMap;

use encoding_rs::GB18030;

/// A run of text in one style.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Span {
    pub text: String,
    /// Width and height multipliers (`GS !`).
    pub size: (u8, u8),
    pub bold: bool,
}

/// Alignment of a printed line.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// A one-bit picture (a QR code, a raster image, a stored logo).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Bitmap {
    pub width: usize,
    pub height: usize,
    /// Row-major, `true` = ink.
    pub ink: Vec<bool>,
}

impl Bitmap {
    /// From rows of `ceil(width / 8)` bytes, most significant bit leftmost.
    pub fn from_rows(width: usize, height: usize, bytes: &[u8]) -> Self {
        let row = width.div_ceil(8);
        let mut ink = Vec::with_capacity(width * height);
        for y in 0..height {
            for x in 0..width {
                let byte = bytes.get(y * row + x / 8).copied().unwrap_or(0);
                ink.push(byte & (0x80 >> (x % 8)) != 0);
            }
        }
        Self { width, height, ink }
    }
}

/// One printed line: text spans, or a picture.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Line {
    pub align: Align,
    pub spans: Vec<Span>,
    pub image: Option<Bitmap>,
    /// Paper the line took, in dots (0 when made by hand in a test).
    pub dots: u32,
}

impl Line {
    /// The line's text without styles.
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }
}

/// Something the printer must act on besides printing text.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Event {
    /// A line left the print head: this many dots of paper.
    Line { dots: u32 },
    /// The cutter cut.
    Cut,
    /// `GS r n`: answer once everything before is printed.
    StatusRequest(u8),
    /// `GS a n`: automatic status back on (n ≠ 0) or off.
    AutoStatus(u8),
}

/// A finished job: everything up to and including a cut.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Page {
    pub bytes: Vec<u8>,
    pub lines: Vec<Line>,
    /// The job as text: decoded characters, commands as `<tokens>`.
    pub dump: String,
    /// How the job ended: `full` or `partial` cut.
    pub cut: String,
}

impl Page {
    /// The job as a person reads the paper: one line per printed line (blank
    /// lines left out), pictures as `[qr DATA]`, `[image WxH]` or
    /// `[logo KEY WxH]`, and the cut as `[cut partial]`.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            let text = line.text();
            if !text.is_empty() {
                out.push_str(&text);
                out.push('\n');
            }
        }
        if !self.cut.is_empty() {
            out.push_str(&format!("[cut {}]\n", self.cut));
        }
        out
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Style {
    size: (u8, u8),
    bold: bool,
    align: Align,
    chinese: bool,
    /// Dots from one line's top to the next's (`ESC 3 n`; `ESC 2` is 30).
    spacing: u32,
}

impl Default for Style {
    fn default() -> Self {
        Self {
            size: (1, 1),
            bold: false,
            align: Align::Left,
            chinese: false,
            spacing: DEFAULT_SPACING,
        }
    }
}

/// `ESC 2`: 1/6 inch at 180 dpi, 3.75 mm.
const DEFAULT_SPACING: u32 = 30;
/// The normal font's cell height in dots.
const CELL: u32 = 24;

/// QR settings from `GS ( k`.
#[derive(Clone, Copy, Debug)]
struct QrSettings {
    module: usize,
    ecc: u8,
}

impl Default for QrSettings {
    fn default() -> Self {
        Self { module: 3, ecc: 48 }
    }
}

/// The streaming reader.
#[derive(Debug, Default)]
pub struct Decoder {
    pending: Vec<u8>,
    /// QR data stored by `GS ( k … 80`, printed by `… 81`.
    qr: Option<Vec<u8>>,
    qr_settings: QrSettings,
    /// Images kept in non-volatile memory by `GS ( L` function 67, by key. They
    /// outlive jobs (and, in the virtual printer, a pulled cable).
    logos: HashMap<[u8; 2], Bitmap>,
    style: Style,
    page: Page,
    line: Line,
    events: Vec<Event>,
    unknown: usize,
}

/// Raster and stored-graphics payloads larger than this are treated as garbage.
const MAX_PAYLOAD: usize = 1 << 20;

impl Decoder {
    /// Feeds bytes; returns the jobs completed by a cut in them.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Page> {
        self.pending.extend_from_slice(bytes);
        let mut pages = Vec::new();
        loop {
            match self.step() {
                Step::NeedMore => break,
                Step::Done(Some(page)) => pages.push(page),
                Step::Done(None) => {}
            }
        }
        pages
    }

    /// Bytes received since the last cut, decoded so far (for a job that never ended).
    pub fn unfinished(&self) -> &Page {
        &self.page
    }

    /// Forgets the job in progress, as a printer does when it loses power.
    pub fn reset(&mut self) {
        let logos = std::mem::take(&mut self.logos);
        *self = Self {
            logos,
            unknown: self.unknown,
            ..Self::default()
        };
    }

    /// Lines, cuts and requests since the last call, in order.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// Commands and bytes the decoder did not understand, since it was made.
    pub fn unknown(&self) -> usize {
        self.unknown
    }

    /// A token for something not understood: shown and counted.
    fn unknown_token(&mut self, token: &str) {
        self.unknown += 1;
        self.token(token);
    }

    /// A line holding only a picture.
    fn picture(&mut self, label: String, image: Bitmap) {
        if !self.line.spans.is_empty() {
            self.end_line();
        }
        self.line.spans.push(Span {
            text: label,
            size: (1, 1),
            bold: false,
        });
        self.line.image = Some(image);
        self.end_line();
    }

    fn take(&mut self, n: usize) -> Vec<u8> {
        let taken: Vec<u8> = self.pending.drain(..n).collect();
        self.page.bytes.extend_from_slice(&taken);
        taken
    }

    fn token(&mut self, token: &str) {
        self.page.dump.push('<');
        self.page.dump.push_str(token);
        self.page.dump.push('>');
    }

    fn text(&mut self, text: &str) {
        self.page.dump.push_str(text);
        let style = self.style;
        match self.line.spans.last_mut() {
            Some(span) if span.size == style.size && span.bold == style.bold => {
                span.text.push_str(text)
            }
            _ => self.line.spans.push(Span {
                text: text.to_string(),
                size: style.size,
                bold: style.bold,
            }),
        }
    }

    /// `GS ( k` (QR codes) and `GS ( L` (stored images); other functions become
    /// plain tokens.
    fn graphics(&mut self, function: u8, params: &[u8]) {
        match (function, params) {
            (b'k', [49, 80, 48, data @ ..]) => {
                self.qr = Some(data.to_vec());
                self.token(&format!("qr store {} bytes", data.len()));
            }
            (b'k', [49, 81, 48]) => {
                let Some(data) = self.qr.clone() else {
                    self.unknown_token("qr print with no data stored");
                    return;
                };
                let text = String::from_utf8_lossy(&data).into_owned();
                self.token(&format!("qr {text:?}"));
                match qr_bitmap(&data, self.qr_settings) {
                    Some(image) => self.picture(format!("[qr {text}]"), image),
                    None => self.unknown_token("qr data too long for a QR code"),
                }
            }
            (b'k', [49, 65, 50, 0]) => self.token("qr model 2"),
            (b'k', [49, 67, n @ 1..=16]) => {
                self.qr_settings.module = usize::from(*n);
                self.token(&format!("qr module {n}"));
            }
            (b'k', [49, 69, n @ 48..=51]) => {
                self.qr_settings.ecc = *n;
                self.token(&format!(
                    "qr ecc {}",
                    ['L', 'M', 'Q', 'H'][usize::from(n - 48)]
                ));
            }
            (b'L', [48, 67, 48, k1, k2, 1, xl, xh, yl, yh, 49, data @ ..]) => {
                let (w, h) = (
                    usize::from(u16::from_le_bytes([*xl, *xh])),
                    usize::from(u16::from_le_bytes([*yl, *yh])),
                );
                if w == 0 || h == 0 || data.len() != w.div_ceil(8) * h {
                    self.unknown_token(&format!("store logo {w}x{h} with {} bytes", data.len()));
                    return;
                }
                self.logos.insert([*k1, *k2], Bitmap::from_rows(w, h, data));
                self.token(&format!(
                    "store logo {}{} {w}x{h}",
                    *k1 as char, *k2 as char
                ));
            }
            (b'L', [48, 69, k1, k2, 1, 1]) => {
                let key = format!("{}{}", *k1 as char, *k2 as char);
                self.token(&format!("logo {key}"));
                match self.logos.get(&[*k1, *k2]).cloned() {
                    Some(image) => {
                        let label = format!("[logo {key} {}x{}]", image.width, image.height);
                        self.picture(label, image);
                    }
                    None => self.unknown_token(&format!("logo {key} is not stored")),
                }
            }
            _ => self.unknown_token(&format!(
                "GS ( {} {} bytes",
                printable(function),
                params.len()
            )),
        }
    }

    fn end_line(&mut self) {
        self.page.dump.push('\n');
        let mut line = std::mem::take(&mut self.line);
        if line.spans.is_empty() {
            line.align = self.style.align;
        }
        let gap = self.style.spacing.saturating_sub(CELL);
        line.dots = match &line.image {
            Some(image) => image.height as u32,
            None if line.spans.is_empty() => self.style.spacing,
            None => {
                let h = line
                    .spans
                    .iter()
                    .map(|s| u32::from(s.size.1))
                    .max()
                    .unwrap_or(1);
                CELL * h + gap
            }
        };
        self.events.push(Event::Line { dots: line.dots });
        self.page.lines.push(line);
        self.line.align = self.style.align;
    }

    fn set_align(&mut self, align: Align) {
        self.style.align = align;
        // Alignment applies to the line being built when nothing is in it yet.
        if self.line.spans.is_empty() {
            self.line.align = align;
        }
    }

    fn step(&mut self) -> Step {
        let Some(&b) = self.pending.first() else {
            return Step::NeedMore;
        };
        let at = |i: usize| self.pending.get(i).copied();
        let have = self.pending.len();
        match b {
            0x1b => {
                let Some(cmd) = at(1) else {
                    return Step::NeedMore;
                };
                let with_arg = matches!(
                    cmd,
                    b'a' | b'E'
                        | b'd'
                        | b'!'
                        | b'-'
                        | b'3'
                        | b'J'
                        | b'M'
                        | b'G'
                        | b't'
                        | b'R'
                        | b'{'
                );
                if with_arg && have < 3 {
                    return Step::NeedMore;
                }
                let n = at(2).unwrap_or(0);
                self.take(if with_arg { 3 } else { 2 });
                match cmd {
                    b'@' => {
                        self.style = Style::default();
                        self.line.align = Align::Left;
                        self.token("init");
                    }
                    b'a' => {
                        let align = match n {
                            1 | b'1' => Align::Center,
                            2 | b'2' => Align::Right,
                            _ => Align::Left,
                        };
                        self.set_align(align);
                        self.token(&format!(
                            "align {}",
                            ["left", "center", "right"][align as usize]
                        ));
                    }
                    b'E' => {
                        self.style.bold = n & 1 == 1;
                        self.token(if self.style.bold {
                            "bold on"
                        } else {
                            "bold off"
                        });
                    }
                    b'd' => {
                        self.token(&format!("feed {n}"));
                        for _ in 0..n.min(50) {
                            self.end_line();
                        }
                    }
                    b'2' => {
                        self.style.spacing = DEFAULT_SPACING;
                        self.token("line spacing default");
                    }
                    b'3' => {
                        self.style.spacing = u32::from(n);
                        self.token(&format!("line spacing {n}"));
                    }
                    b't' => self.token(&format!("code page {n}")),
                    _ if with_arg => self.unknown_token(&format!("ESC {} {n}", printable(cmd))),
                    _ => self.unknown_token(&format!("ESC {}", printable(cmd))),
                }
                Step::Done(None)
            }
            0x1d => {
                let Some(cmd) = at(1) else {
                    return Step::NeedMore;
                };
                match cmd {
                    b'!' | b'B' | b'r' | b'a' | b'H' | b'h' | b'w' | b'f' => {
                        if have < 3 {
                            return Step::NeedMore;
                        }
                        let n = self.take(3)[2];
                        match cmd {
                            b'!' => {
                                self.style.size = ((n >> 4) + 1, (n & 0x0f).min(7) + 1);
                                self.token(&format!(
                                    "size {}x{}",
                                    self.style.size.0, self.style.size.1
                                ));
                            }
                            b'r' => {
                                self.events.push(Event::StatusRequest(n));
                                self.token(&format!("status request {n}"));
                            }
                            b'a' => {
                                self.events.push(Event::AutoStatus(n));
                                self.token(&format!("auto status {n:#04x}"));
                            }
                            _ => self.unknown_token(&format!("GS {} {n}", printable(cmd))),
                        }
                        Step::Done(None)
                    }
                    b'V' => {
                        let Some(m) = at(2) else {
                            return Step::NeedMore;
                        };
                        let with_feed = matches!(m, 65 | 66 | 97 | 98 | 103 | 104);
                        if with_feed && have < 4 {
                            return Step::NeedMore;
                        }
                        self.take(if with_feed { 4 } else { 3 });
                        let kind = if matches!(m, 0 | 48 | 65 | 97 | 103) {
                            "full"
                        } else {
                            "partial"
                        };
                        if !self.line.spans.is_empty() {
                            self.end_line();
                        }
                        self.token(&format!("cut {kind}"));
                        self.events.push(Event::Cut);
                        let mut page = std::mem::take(&mut self.page);
                        page.cut = kind.to_string();
                        Step::Done(Some(page))
                    }
                    b'(' => {
                        // GS ( fn pL pH data: QR codes, stored graphics.
                        if have < 5 {
                            return Step::NeedMore;
                        }
                        let len = usize::from(self.pending[3]) | usize::from(self.pending[4]) << 8;
                        let f = self.pending[2];
                        if len > MAX_PAYLOAD || have < 5 + len {
                            if len > MAX_PAYLOAD {
                                self.take(5);
                                self.unknown_token("GS ( with a bad length");
                                return Step::Done(None);
                            }
                            return Step::NeedMore;
                        }
                        let bytes = self.take(5 + len);
                        self.graphics(f, &bytes[5..]);
                        Step::Done(None)
                    }
                    b'v' => {
                        // GS v 0 m xL xH yL yH data: a raster image.
                        if have < 8 {
                            return Step::NeedMore;
                        }
                        let x = usize::from(self.pending[4]) | usize::from(self.pending[5]) << 8;
                        let y = usize::from(self.pending[6]) | usize::from(self.pending[7]) << 8;
                        let len = x * y;
                        if len > MAX_PAYLOAD {
                            self.take(8);
                            self.unknown_token("raster with a bad size");
                            return Step::Done(None);
                        }
                        if have < 8 + len {
                            return Step::NeedMore;
                        }
                        let bytes = self.take(8 + len);
                        self.token(&format!("raster {}x{y}", x * 8));
                        if x > 0 && y > 0 {
                            let image = Bitmap::from_rows(x * 8, y, &bytes[8..]);
                            self.picture(format!("[image {}x{y}]", x * 8), image);
                        }
                        Step::Done(None)
                    }
                    _ => {
                        self.take(2);
                        self.unknown_token(&format!("GS {}", printable(cmd)));
                        Step::Done(None)
                    }
                }
            }
            0x1c => {
                let Some(cmd) = at(1) else {
                    return Step::NeedMore;
                };
                self.take(2);
                match cmd {
                    b'&' => {
                        self.style.chinese = true;
                        self.token("chinese on");
                    }
                    b'.' => {
                        self.style.chinese = false;
                        self.token("chinese off");
                    }
                    _ => self.unknown_token(&format!("FS {}", printable(cmd))),
                }
                Step::Done(None)
            }
            0x10 => {
                if have < 3 {
                    return Step::NeedMore;
                }
                let bytes = self.take(3);
                // Real-time requests are answered as they arrive (by the virtual
                // printer's receiver); in the stream they only take their place.
                if bytes[1] == 0x04 && (1..=4).contains(&bytes[2]) {
                    self.token(&format!("status now {}", bytes[2]));
                } else {
                    self.unknown_token(&format!("DLE {} {}", printable(bytes[1]), bytes[2]));
                }
                Step::Done(None)
            }
            0x0a => {
                self.take(1);
                self.end_line();
                Step::Done(None)
            }
            0x0d => {
                self.take(1);
                Step::Done(None)
            }
            0x00..=0x1f | 0x7f => {
                self.take(1);
                self.unknown_token(&format!("0x{b:02x}"));
                Step::Done(None)
            }
            0x20..=0x7e => {
                let run = self
                    .pending
                    .iter()
                    .take_while(|&&c| (0x20..=0x7e).contains(&c))
                    .count();
                let bytes = self.take(run);
                self.text(&String::from_utf8_lossy(&bytes));
                Step::Done(None)
            }
            _ => {
                if self.style.chinese {
                    if have < 2 {
                        return Step::NeedMore;
                    }
                    let pair = self.take(2);
                    let (text, had_errors) = GB18030.decode_without_bom_handling(&pair);
                    if had_errors || text.chars().count() != 1 {
                        self.unknown_token(&format!("bad GB18030 {:02x}{:02x}", pair[0], pair[1]));
                    } else {
                        self.text(&text);
                    }
                } else {
                    self.take(1);
                    self.unknown_token(&format!("0x{b:02x} outside chinese mode"));
                }
                Step::Done(None)
            }
        }
    }
}

enum Step {
    NeedMore,
    Done(Option<Page>),
}

/// A QR code as a printer draws it: modules of `module` dots, error correction
/// `ecc` as `GS ( k` codes it (48–51 for L, M, Q, H), a quiet zone of two
/// modules. `None` when the data does not fit a QR code.
pub fn qr(data: &[u8], module: usize, ecc: u8) -> Option<Bitmap> {
    qr_bitmap(data, QrSettings { module, ecc })
}

fn qr_bitmap(data: &[u8], settings: QrSettings) -> Option<Bitmap> {
    use qrcode::{Color, EcLevel, QrCode};
    let ecc = match settings.ecc {
        49 => EcLevel::M,
        50 => EcLevel::Q,
        51 => EcLevel::H,
        _ => EcLevel::L,
    };
    let code = QrCode::with_error_correction_level(data, ecc).ok()?;
    let n = code.width();
    let colors = code.to_colors();
    let quiet = 2;
    let size = (n + 2 * quiet) * settings.module;
    let mut ink = vec![false; size * size];
    for my in 0..n {
        for mx in 0..n {
            if colors[my * n + mx] == Color::Dark {
                for dy in 0..settings.module {
                    let y = (my + quiet) * settings.module + dy;
                    let x0 = (mx + quiet) * settings.module;
                    ink[y * size + x0..y * size + x0 + settings.module].fill(true);
                }
            }
        }
    }
    Some(Bitmap {
        width: size,
        height: size,
        ink,
    })
}

fn printable(b: u8) -> String {
    if b.is_ascii_graphic() {
        (b as char).to_string()
    } else {
        format!("0x{b:02x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_job_decodes_to_lines_and_a_dump() {
        let mut bytes = b"\x1b@\x1c&\x1ba\x01\x1d!\x00".to_vec();
        bytes.extend_from_slice(&[0xb1, 0xe3, 0xc3, 0xf1]); // 便民
        bytes.extend_from_slice(b"\n\x1d!\x22\x1bE\x01A001\n\x1bE\x00\x1d!\x00\x1bd\x02\x1dVA\x03");
        let mut d = Decoder::default();
        let pages = d.feed(&bytes);
        assert_eq!(pages.len(), 1);
        let page = &pages[0];
        assert_eq!(
            page.dump,
            "<init><chinese on><align center><size 1x1>便民\n<size 3x3><bold on>A001\n<bold off><size 1x1><feed 2>\n\n<cut full>"
        );
        assert_eq!(page.lines[0].text(), "便民");
        assert!(
            page.lines.iter().all(|l| l.align == Align::Center),
            "alignment carries over lines"
        );
        assert_eq!(
            page.lines[1].spans,
            [Span {
                text: "A001".into(),
                size: (3, 3),
                bold: true
            }]
        );
        assert_eq!(page.cut, "full");
        assert_eq!(page.bytes, bytes);
    }

    #[test]
    fn qr_codes_and_logos_are_named_in_the_dump() {
        // Written by hand from the ESC/POS manual, not by the encoder.
        let mut bytes = b"\x1d(k\x04\x001A2\x00\x1d(k\x03\x001C\x06\x1d(k\x03\x001E1".to_vec();
        bytes.extend_from_slice(b"\x1d(k\x07\x001P0A012\x1d(k\x03\x001Q0");
        bytes.extend_from_slice(b"\x1d(L\x0f\x000C0K1\x01\x09\x00\x02\x001\xff\x80\x01\x00");
        bytes.extend_from_slice(b"\x1d(L\x06\x000EK1\x01\x01\x1dVA\x00");
        let pages = Decoder::default().feed(&bytes);
        assert_eq!(
            pages[0].dump,
            "<qr model 2><qr module 6><qr ecc M><qr store 4 bytes><qr \"A012\">\n<store logo K1 9x2><logo K1>\n<cut full>"
        );
        assert_eq!(pages[0].lines[0].text(), "[qr A012]");
        assert_eq!(pages[0].text(), "[qr A012]\n[logo K1 9x2]\n[cut full]\n");
        // Version 1 (21 modules) and a quiet zone of 2, at 6 dots a module.
        let qr = pages[0].lines[0].image.as_ref().unwrap();
        assert_eq!((qr.width, qr.height), (150, 150));
        let logo = pages[0].lines[1].image.as_ref().unwrap();
        assert_eq!(logo.ink[..9], [true; 9], "the first row is 0xff 0x80");
        assert_eq!(
            logo.ink[9..18],
            [false, false, false, false, false, false, false, true, false]
        );
    }

    #[test]
    fn lines_cuts_and_status_requests_are_events_in_order() {
        let mut d = Decoder::default();
        let pages =
            d.feed(b"\x1b3\x40A\n\x1d!\x11B\n\x1b2\n\x1dr\x01\x1da\x0e\x10\x04\x01\x1dVB\x00");
        assert_eq!(
            d.take_events(),
            [
                Event::Line { dots: 64 },
                Event::Line { dots: 88 },
                Event::Line { dots: 30 },
                Event::StatusRequest(1),
                Event::AutoStatus(0x0e),
                Event::Cut,
            ]
        );
        assert!(pages[0].dump.contains("<status now 1>"));
        assert_eq!(d.unknown(), 0);
        assert!(d.take_events().is_empty());
    }

    #[test]
    fn bytes_may_arrive_one_at_a_time() {
        let bytes = b"\x1b@\x1c&\xba\xc5\x1d!\x11X\n\x1dVB\x00";
        let mut d = Decoder::default();
        let mut pages = Vec::new();
        for b in bytes {
            pages.extend(d.feed(&[*b]));
        }
        assert_eq!(pages.len(), 1);
        assert_eq!(pages[0].lines[0].text(), "号X");
        assert_eq!(pages[0].cut, "partial");
    }

    #[test]
    fn garbage_is_shown_not_trusted() {
        let mut d = Decoder::default();
        // Bytes above 0x7f outside Chinese mode, an unknown ESC, a stray control byte.
        let pages = d.feed(b"\xba\x1bz\x07ok\x1dVA\x00");
        assert_eq!(
            pages[0].dump,
            "<0xba outside chinese mode><ESC z><0x07>ok\n<cut full>"
        );
        assert_eq!(d.unknown(), 3, "each one counted");
        // A raster claiming gigabytes is dropped, not awaited forever.
        let pages = d.feed(b"\x1dv0\x00\xff\xff\xff\xff\x1dVA\x00");
        assert_eq!(pages[0].dump, "<raster with a bad size><cut full>");
        // A logo printed before it was stored is an error, not a blank.
        let pages = d.feed(b"\x1d(L\x06\x000EZZ\x01\x01\x1dVA\x00");
        assert_eq!(pages[0].dump, "<logo ZZ><logo ZZ is not stored><cut full>");
        assert_eq!(d.unknown(), 5);
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_in_any_pieces_decode_without_panicking(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048),
            cut in 1usize..64,
        ) {
            let mut d = Decoder::default();
            let mut total = 0;
            for chunk in bytes.chunks(cut) {
                total += d.feed(chunk).iter().map(|p| p.bytes.len()).sum::<usize>();
            }
            // Every byte is accounted for: in a finished job, the unfinished one,
            // or still waiting for the rest of a command.
            proptest::prop_assert!(total + d.unfinished().bytes.len() <= bytes.len());
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        // A deterministic pseudo-random stream, fed in uneven pieces.
        let mut x: u32 = 12345;
        let mut d = Decoder::default();
        for round in 0..2000 {
            let n = (round % 17) + 1;
            let chunk: Vec<u8> = (0..n)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    (x >> 3) as u8
                })
                .collect();
            let _ = d.feed(&chunk);
        }
    }
}
