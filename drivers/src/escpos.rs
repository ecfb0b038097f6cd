//! ESC/POS commands and their encoding.
//!
//! One enum, one encoder. Text is encoded as GB18030 restricted to its 2-byte
//! (GBK) subset, which is what Chinese-market printers print reliably: `¥` becomes
//! `￥`, and anything that would need a 4-byte sequence is replaced by a visible
//! `□` and reported, never sent. Control characters in text are dropped so that
//! text can never smuggle a command to the printer.

use encoding_rs::GB18030;

/// Horizontal alignment of the following lines.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// Paper cut after feeding past the tear bar.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Cut {
    /// `GS V 65 n`: full cut (feeds `n` lines first).
    Full,
    /// `GS V 66 n`: partial cut, one point left uncut.
    Partial,
}

/// One ESC/POS command.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Command {
    /// `ESC @`: reset modes to the power-on defaults.
    Init,
    /// `FS &` (on) or `FS .` (off): Chinese (double-byte) character mode.
    ChineseMode(bool),
    /// `ESC a n`.
    Align(Align),
    /// `GS ! n`: character width and height multipliers, each 1–8.
    Size { width: u8, height: u8 },
    /// `ESC E n`: emphasised (bold).
    Bold(bool),
    /// Text; encoded as GB18030 2-byte subset. A `\n` prints the line.
    Text(String),
    /// `LF`: print the buffer and feed one line.
    LineFeed,
    /// `ESC d n`: print and feed `n` lines.
    Feed(u8),
    /// `GS V m n`: feed `n` lines and cut.
    Cut(Cut),
    /// `ESC 3 n` (dots between lines) or, with `None`, `ESC 2` (the default).
    LineSpacing(Option<u8>),
    /// A QR code printed by the printer itself (`GS ( k`).
    Qr(Qr),
    /// A raster image sent with the job (`GS v 0`).
    Raster(Raster),
    /// Stores an image in the printer's non-volatile memory under a two-letter
    /// key (`GS ( L` / `GS 8 L`, function 67). Done once, not per job: the
    /// printer's flash wears.
    StoreLogo { key: LogoKey, image: Raster },
    /// Prints a stored image by its key (`GS ( L`, function 69).
    PrintLogo(LogoKey),
    /// `ESC t n`: the single-byte code page used outside Chinese mode.
    CodePage(u8),
    /// `GS r 1`: answer the paper sensor status once everything before it has
    /// been printed — the end-of-job marker.
    EndMarker,
    /// `GS a n`: automatic status back on (online, error and paper changes) or off.
    AutoStatus(bool),
}

/// Why a QR code or an image cannot be encoded. Checked when the value is made,
/// so a [`Command`] is always encodable.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum EncodeError {
    /// QR data is empty or longer than a QR code holds.
    #[error("QR data of {0} bytes does not fit a QR code (1–7089 bytes)")]
    QrSize(usize),
    /// QR module size outside 1–16 dots.
    #[error("QR module size {0} is not 1–16 dots")]
    QrModule(u8),
    /// Image bits do not match its width and height.
    #[error("an image of {width}×{height} dots needs {expected} bytes, not {got}")]
    ImageSize {
        width: u16,
        height: u16,
        expected: usize,
        got: usize,
    },
    /// A logo key must be two printable ASCII characters.
    #[error("`{0}` is not a logo key of two printable ASCII characters")]
    LogoKey(String),
}

/// QR error correction level.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum QrEcc {
    L,
    M,
    Q,
    H,
}

/// A QR code: its data (byte mode), module size in dots and error correction.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Qr {
    data: Vec<u8>,
    module: u8,
    ecc: QrEcc,
}

impl Qr {
    pub fn new(data: impl Into<Vec<u8>>, module: u8, ecc: QrEcc) -> Result<Self, EncodeError> {
        let data = data.into();
        if data.is_empty() || data.len() > 7089 {
            return Err(EncodeError::QrSize(data.len()));
        }
        if !(1..=16).contains(&module) {
            return Err(EncodeError::QrModule(module));
        }
        Ok(Self { data, module, ecc })
    }

    pub fn data(&self) -> &[u8] {
        &self.data
    }
}

/// A one-bit image, rows of `ceil(width / 8)` bytes, most significant bit leftmost,
/// 1 = ink.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Raster {
    width: u16,
    height: u16,
    bits: Vec<u8>,
}

impl Raster {
    pub fn new(width: u16, height: u16, bits: Vec<u8>) -> Result<Self, EncodeError> {
        let expected = usize::from(width).div_ceil(8) * usize::from(height);
        if bits.len() != expected || width == 0 || height == 0 {
            return Err(EncodeError::ImageSize {
                width,
                height,
                expected,
                got: bits.len(),
            });
        }
        Ok(Self {
            width,
            height,
            bits,
        })
    }

    /// Bytes per row.
    pub fn row_bytes(&self) -> usize {
        usize::from(self.width).div_ceil(8)
    }

    pub fn width(&self) -> u16 {
        self.width
    }

    pub fn height(&self) -> u16 {
        self.height
    }

    /// The rows of dots, as [`Raster::new`] took them.
    pub fn bits(&self) -> &[u8] {
        &self.bits
    }
}

/// The key of an image stored in the printer: two printable ASCII characters.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct LogoKey([u8; 2]);

impl LogoKey {
    pub fn new(key: &str) -> Result<Self, EncodeError> {
        match key.as_bytes() {
            &[a, b] if (0x20..=0x7e).contains(&a) && (0x20..=0x7e).contains(&b) => Ok(Self([a, b])),
            _ => Err(EncodeError::LogoKey(key.to_string())),
        }
    }
}

/// Encoded bytes and the characters that had to be replaced.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Encoded {
    pub bytes: Vec<u8>,
    /// Characters outside the printable subset, each replaced by `□` (or `?`
    /// on a printer without a Chinese font).
    pub replaced: Vec<char>,
    /// Where each command ends in `bytes`: a job may only be split there.
    pub boundaries: Vec<usize>,
}

/// How text is encoded for the printer.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Charset {
    /// GB18030, 2-byte subset (after `FS &`).
    #[default]
    Gb18030,
    /// ASCII only.
    Ascii,
}

const ESC: u8 = 0x1b;
const GS: u8 = 0x1d;
const FS: u8 = 0x1c;
const LF: u8 = 0x0a;
/// `□` in GB18030 (and GB2312): the visible replacement.
const REPLACEMENT: [u8; 2] = [0xa1, 0xf5];

/// Encodes commands to the bytes sent to a Chinese-market printer.
pub fn encode(commands: &[Command]) -> Encoded {
    encode_for(commands, Charset::Gb18030)
}

/// Encodes commands with text in the given character set.
pub fn encode_for(commands: &[Command], charset: Charset) -> Encoded {
    let mut out = Encoded::default();
    for command in commands {
        encode_one(command, charset, &mut out);
        out.boundaries.push(out.bytes.len());
    }
    out
}

fn encode_one(command: &Command, charset: Charset, out: &mut Encoded) {
    let b = &mut out.bytes;
    match command {
        Command::Init => b.extend_from_slice(&[ESC, b'@']),
        Command::ChineseMode(true) => b.extend_from_slice(&[FS, b'&']),
        Command::ChineseMode(false) => b.extend_from_slice(&[FS, b'.']),
        Command::Align(a) => b.extend_from_slice(&[
            ESC,
            b'a',
            match a {
                Align::Left => 0,
                Align::Center => 1,
                Align::Right => 2,
            },
        ]),
        Command::Size { width, height } => {
            let w = width.clamp(&1, &8) - 1;
            let h = height.clamp(&1, &8) - 1;
            b.extend_from_slice(&[GS, b'!', (w << 4) | h]);
        }
        Command::Bold(on) => b.extend_from_slice(&[ESC, b'E', u8::from(*on)]),
        Command::Text(text) => encode_text(text, charset, out),
        Command::LineFeed => b.push(LF),
        Command::Feed(n) => b.extend_from_slice(&[ESC, b'd', *n]),
        Command::Cut(cut) => b.extend_from_slice(&[
            GS,
            b'V',
            match cut {
                Cut::Full => 65,
                Cut::Partial => 66,
            },
            3,
        ]),
        Command::LineSpacing(None) => b.extend_from_slice(&[ESC, b'2']),
        Command::LineSpacing(Some(n)) => b.extend_from_slice(&[ESC, b'3', *n]),
        Command::Qr(qr) => encode_qr(qr, b),
        Command::Raster(image) => {
            let [xl, xh] = (image.row_bytes() as u16).to_le_bytes();
            let [yl, yh] = image.height.to_le_bytes();
            b.extend_from_slice(&[GS, b'v', b'0', 0, xl, xh, yl, yh]);
            b.extend_from_slice(&image.bits);
        }
        Command::StoreLogo { key, image } => encode_store_logo(*key, image, b),
        Command::PrintLogo(LogoKey([k1, k2])) => {
            b.extend_from_slice(&[GS, b'(', b'L', 6, 0, 48, 69, *k1, *k2, 1, 1]);
        }
        Command::CodePage(n) => b.extend_from_slice(&[ESC, b't', *n]),
        Command::EndMarker => b.extend_from_slice(&[GS, b'r', 1]),
        // Bits 1–3: online/offline, error, paper sensors (not the drawer).
        Command::AutoStatus(on) => b.extend_from_slice(&[GS, b'a', if *on { 0x0e } else { 0 }]),
    }
}

/// `GS ( k` with cn = 49 (QR): model 2, module size, error correction, store the
/// data, print it.
fn encode_qr(qr: &Qr, b: &mut Vec<u8>) {
    let ecc = match qr.ecc {
        QrEcc::L => 48,
        QrEcc::M => 49,
        QrEcc::Q => 50,
        QrEcc::H => 51,
    };
    b.extend_from_slice(&[GS, b'(', b'k', 4, 0, 49, 65, 50, 0]);
    b.extend_from_slice(&[GS, b'(', b'k', 3, 0, 49, 67, qr.module]);
    b.extend_from_slice(&[GS, b'(', b'k', 3, 0, 49, 69, ecc]);
    let [pl, ph] = ((qr.data.len() + 3) as u16).to_le_bytes();
    b.extend_from_slice(&[GS, b'(', b'k', pl, ph, 49, 80, 48]);
    b.extend_from_slice(&qr.data);
    b.extend_from_slice(&[GS, b'(', b'k', 3, 0, 49, 81, 48]);
}

/// Function 67 of `GS ( L` (define NV graphics, raster format, one colour); the
/// long form `GS 8 L` when the parameters do not fit two bytes.
fn encode_store_logo(LogoKey([k1, k2]): LogoKey, image: &Raster, b: &mut Vec<u8>) {
    let [xl, xh] = image.width.to_le_bytes();
    let [yl, yh] = image.height.to_le_bytes();
    let body = [48, 67, 48, k1, k2, 1, xl, xh, yl, yh, 49];
    let len = body.len() + image.bits.len();
    match u16::try_from(len) {
        Ok(len) => {
            let [pl, ph] = len.to_le_bytes();
            b.extend_from_slice(&[GS, b'(', b'L', pl, ph]);
        }
        Err(_) => {
            b.extend_from_slice(&[GS, b'8', b'L']);
            b.extend_from_slice(&(len as u32).to_le_bytes());
        }
    }
    b.extend_from_slice(&body);
    b.extend_from_slice(&image.bits);
}

/// Appends text as GB18030 2-byte subset, or as ASCII.
fn encode_text(text: &str, charset: Charset, out: &mut Encoded) {
    let mut buf = [0u8; 4];
    for ch in text.chars() {
        let ch = match ch {
            '¥' => '￥',
            '\n' => {
                out.bytes.push(LF);
                continue;
            }
            c if c.is_control() => continue,
            c => c,
        };
        if ch.is_ascii() {
            out.bytes.push(ch as u8);
            continue;
        }
        if charset == Charset::Ascii {
            out.bytes.push(b'?');
            out.replaced.push(ch);
            continue;
        }
        let (encoded, _, unmappable) = GB18030.encode(ch.encode_utf8(&mut buf));
        if !unmappable && encoded.len() == 2 {
            out.bytes.extend_from_slice(&encoded);
        } else {
            out.bytes.extend_from_slice(&REPLACEMENT);
            out.replaced.push(ch);
        }
    }
}

/// Whether a character prints as itself (ASCII or a 2-byte GB18030 character).
pub fn printable(ch: char) -> bool {
    let mut enc = Encoded::default();
    encode_text(&ch.to_string(), Charset::Gb18030, &mut enc);
    enc.replaced.is_empty() && !enc.bytes.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_encode_to_their_bytes() {
        let table: &[(Command, &[u8])] = &[
            (Command::Init, b"\x1b@"),
            (Command::ChineseMode(true), b"\x1c&"),
            (Command::ChineseMode(false), b"\x1c."),
            (Command::Align(Align::Center), b"\x1ba\x01"),
            (Command::Align(Align::Right), b"\x1ba\x02"),
            (
                Command::Size {
                    width: 3,
                    height: 3,
                },
                b"\x1d!\x22",
            ),
            (
                Command::Size {
                    width: 1,
                    height: 2,
                },
                b"\x1d!\x01",
            ),
            (
                Command::Size {
                    width: 0,
                    height: 9,
                },
                b"\x1d!\x07",
            ),
            (Command::Bold(true), b"\x1bE\x01"),
            (Command::LineFeed, b"\n"),
            (Command::Feed(4), b"\x1bd\x04"),
            (Command::Cut(Cut::Full), b"\x1dVA\x03"),
            (Command::Cut(Cut::Partial), b"\x1dVB\x03"),
            (Command::CodePage(0), b"\x1bt\x00"),
            (Command::EndMarker, b"\x1dr\x01"),
            (Command::AutoStatus(true), b"\x1da\x0e"),
            (Command::AutoStatus(false), b"\x1da\x00"),
        ];
        for (command, bytes) in table {
            assert_eq!(
                encode(std::slice::from_ref(command)).bytes,
                *bytes,
                "{command:?}"
            );
        }
    }

    #[test]
    fn qr_codes_images_and_logos_encode_to_their_bytes() {
        let qr = Qr::new("A012", 6, QrEcc::M).unwrap();
        let mut expected = Vec::new();
        expected.extend_from_slice(b"\x1d(k\x04\x001A2\x00"); // model 2
        expected.extend_from_slice(b"\x1d(k\x03\x001C\x06"); // module 6 dots
        expected.extend_from_slice(b"\x1d(k\x03\x001E1"); // error correction M
        expected.extend_from_slice(b"\x1d(k\x07\x001P0A012"); // store 4 bytes
        expected.extend_from_slice(b"\x1d(k\x03\x001Q0"); // print
        assert_eq!(encode(&[Command::Qr(qr)]).bytes, expected);

        let image = Raster::new(9, 2, vec![0xff, 0x80, 0x01, 0x00]).unwrap();
        assert_eq!(
            encode(&[Command::Raster(image.clone())]).bytes,
            b"\x1dv0\x00\x02\x00\x02\x00\xff\x80\x01\x00"
        );
        let key = LogoKey::new("K1").unwrap();
        assert_eq!(
            encode(&[Command::StoreLogo { key, image }]).bytes,
            b"\x1d(L\x0f\x000C0K1\x01\x09\x00\x02\x001\xff\x80\x01\x00"
        );
        assert_eq!(
            encode(&[Command::PrintLogo(key)]).bytes,
            b"\x1d(L\x06\x000EK1\x01\x01"
        );
        assert_eq!(
            encode(&[Command::LineSpacing(Some(30))]).bytes,
            b"\x1b3\x1e"
        );
        assert_eq!(encode(&[Command::LineSpacing(None)]).bytes, b"\x1b2");
    }

    #[test]
    fn a_large_logo_uses_the_long_form() {
        // 576 × 1000 dots: 72,000 bytes of image do not fit a two-byte length.
        let big = Raster::new(576, 1000, vec![0; 72 * 1000]).unwrap();
        let bytes = encode(&[Command::StoreLogo {
            key: LogoKey::new("LG").unwrap(),
            image: big,
        }])
        .bytes;
        assert_eq!(
            &bytes[..7],
            b"\x1d8L\x4b\x19\x01\x00",
            "72,011 bytes of parameters"
        );
        assert_eq!(bytes.len(), 7 + 11 + 72_000);
    }

    #[test]
    fn impossible_codes_and_images_are_refused_when_made() {
        assert_eq!(Qr::new("", 6, QrEcc::L), Err(EncodeError::QrSize(0)));
        assert_eq!(
            Qr::new(vec![b'x'; 7090], 6, QrEcc::L),
            Err(EncodeError::QrSize(7090))
        );
        assert_eq!(Qr::new("x", 17, QrEcc::L), Err(EncodeError::QrModule(17)));
        assert_eq!(
            Raster::new(9, 2, vec![0; 3]).unwrap_err().to_string(),
            "an image of 9×2 dots needs 4 bytes, not 3"
        );
        assert!(Raster::new(0, 0, vec![]).is_err());
        assert!(LogoKey::new("K").is_err());
        assert!(LogoKey::new("号1").is_err());
    }

    #[test]
    fn text_is_gb18030_two_byte_with_visible_replacements() {
        // (text, bytes, replaced)
        let table: &[(&str, &[u8], &[char])] = &[
            ("A001", b"A001", &[]),
            ("号", &[0xba, 0xc5], &[]),
            ("社保", &[0xc9, 0xe7, 0xb1, 0xa3], &[]),
            ("¥5", &[0xa3, 0xa4, b'5'], &[]), // ¥ printed as ￥
            ("￥", &[0xa3, 0xa4], &[]),
            ("𠀀", &[0xa1, 0xf5], &['𠀀']), // needs 4 bytes: replaced
            ("😀x", &[0xa1, 0xf5, b'x'], &['😀']),
            ("a\x1b@b", b"a@b", &[]), // ESC cannot reach the printer
            ("1\n2", b"1\n2", &[]),
        ];
        for (text, bytes, replaced) in table {
            let e = encode(&[Command::Text(text.to_string())]);
            assert_eq!(e.bytes, *bytes, "{text:?}");
            assert_eq!(e.replaced, *replaced, "{text:?}");
        }
    }

    #[test]
    fn no_four_byte_sequence_is_ever_sent() {
        // Every BMP and astral sample: the output is ASCII or 2-byte pairs.
        let sample: String = (0x20u32..0x2_0100)
            .step_by(7)
            .filter_map(char::from_u32)
            .collect();
        let e = encode(&[Command::Text(sample)]);
        let mut i = 0;
        while i < e.bytes.len() {
            let b = e.bytes[i];
            if b < 0x80 {
                i += 1;
                continue;
            }
            assert!((0x81..=0xfe).contains(&b), "lead byte {b:#x} at {i}");
            let trail = e.bytes[i + 1];
            assert!(
                (0x40..=0xfe).contains(&trail) && trail != 0x7f,
                "trail {trail:#x} at {i}"
            );
            i += 2;
        }
        assert!(!e.replaced.is_empty());
    }

    #[test]
    fn ascii_printers_get_question_marks_and_a_report() {
        let e = encode_for(&[Command::Text("A001 号".into())], Charset::Ascii);
        assert_eq!(e.bytes, b"A001 ?");
        assert_eq!(e.replaced, ['号']);
    }

    #[test]
    fn boundaries_mark_where_each_command_ends() {
        let e = encode(&[Command::Init, Command::Text("号".into()), Command::Feed(2)]);
        assert_eq!(e.boundaries, [2, 4, 7]);
        assert_eq!(e.bytes.len(), 7);
    }

    #[test]
    fn printable_tells_the_subset() {
        assert!(printable('号'));
        assert!(printable('A'));
        assert!(!printable('𠀀'));
    }
}
