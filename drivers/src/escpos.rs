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
}

/// Encoded bytes and the characters that had to be replaced.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Encoded {
    pub bytes: Vec<u8>,
    /// Characters outside the printable subset, each replaced by `□`.
    pub replaced: Vec<char>,
}

const ESC: u8 = 0x1b;
const GS: u8 = 0x1d;
const FS: u8 = 0x1c;
const LF: u8 = 0x0a;
/// `□` in GB18030 (and GB2312): the visible replacement.
const REPLACEMENT: [u8; 2] = [0xa1, 0xf5];

/// Encodes commands to the bytes sent to the printer.
pub fn encode(commands: &[Command]) -> Encoded {
    let mut out = Encoded::default();
    for command in commands {
        encode_one(command, &mut out);
    }
    out
}

fn encode_one(command: &Command, out: &mut Encoded) {
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
        Command::Text(text) => encode_text(text, out),
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
    }
}

/// Appends text as GB18030 2-byte subset.
fn encode_text(text: &str, out: &mut Encoded) {
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
    encode_text(&ch.to_string(), &mut enc);
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
    fn printable_tells_the_subset() {
        assert!(printable('号'));
        assert!(printable('A'));
        assert!(!printable('𠀀'));
    }
}
