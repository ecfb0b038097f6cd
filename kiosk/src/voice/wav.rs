//! WAV files as clip sets hold them: the RIFF chunks read without copying the
//! samples (a built-in set's clips stay in the binary), and the format
//! judged with a reason a technician can act on.

/// How a clip's samples are stored: 16-bit PCM, or G.711 μ-law (8 bits a
/// sample; the shipped sets, half the size).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Encoding {
    Pcm16,
    MuLaw,
}

impl Encoding {
    /// Bytes a sample.
    pub fn width(self) -> usize {
        match self {
            Encoding::Pcm16 => 2,
            Encoding::MuLaw => 1,
        }
    }

    /// One sample from its bytes.
    pub fn decode(self, bytes: &[u8]) -> i16 {
        match self {
            Encoding::Pcm16 => i16::from_le_bytes([bytes[0], bytes[1]]),
            Encoding::MuLaw => mu_law(bytes[0]),
        }
    }
}

/// G.711 μ-law to linear (ITU-T G.711: the byte is stored inverted; ±32124
/// at most, 0xFF is 0).
fn mu_law(byte: u8) -> i16 {
    let u = !byte;
    let exponent = u32::from((u >> 4) & 7);
    let mantissa = i32::from(u & 0x0F);
    let magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
    (if u & 0x80 != 0 { -magnitude } else { magnitude }) as i16
}

/// A WAV file's format and its sample data, borrowed.
#[derive(Debug)]
pub struct Wav<'a> {
    /// The format tag (1 PCM, 7 μ-law; taken from the sub-format of
    /// WAVE_FORMAT_EXTENSIBLE).
    pub tag: u16,
    pub channels: u16,
    pub rate: u32,
    pub bits: u16,
    /// The `data` chunk: little-endian samples, interleaved.
    pub data: &'a [u8],
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Reads the chunks of a RIFF/WAVE file: its `fmt ` and `data`, skipping any
/// other (LIST, fact…). A `data` chunk cut short is taken as far as it goes.
pub fn parse(bytes: &[u8]) -> Result<Wav<'_>, String> {
    if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return Err("not a WAV file (no RIFF/WAVE header): save it as WAV".into());
    }
    let mut at = 12;
    let mut format = None;
    while at + 8 <= bytes.len() {
        let id = &bytes[at..at + 4];
        let size = u32_at(bytes, at + 4) as usize;
        let body = at + 8;
        let end = body.saturating_add(size).min(bytes.len());
        match id {
            b"fmt " => {
                if end - body < 16 {
                    return Err("its format chunk is too short".into());
                }
                let tag = u16_at(bytes, body);
                // WAVE_FORMAT_EXTENSIBLE: the sub-format's first two bytes.
                let tag = if tag == 0xFFFE && end - body >= 26 {
                    u16_at(bytes, body + 24)
                } else {
                    tag
                };
                format = Some((
                    tag,
                    u16_at(bytes, body + 2),
                    u32_at(bytes, body + 4),
                    u16_at(bytes, body + 14),
                ));
            }
            b"data" => {
                let (tag, channels, rate, bits) =
                    format.ok_or("its data comes before its format chunk")?;
                return Ok(Wav {
                    tag,
                    channels,
                    rate,
                    bits,
                    data: &bytes[body..end],
                });
            }
            _ => {}
        }
        // Chunks are padded to an even length.
        at = body.saturating_add(size).saturating_add(size & 1);
    }
    Err("it has no sample data (no `data` chunk)".into())
}

impl Wav<'_> {
    /// How its samples are stored, if the kiosk can play them.
    pub fn encoding(&self) -> Option<Encoding> {
        match (self.tag, self.bits) {
            (1, 16) => Some(Encoding::Pcm16),
            (7, 8) => Some(Encoding::MuLaw),
            _ => None,
        }
    }

    /// Why the clip cannot be played as mono 16-bit PCM (or μ-law) at
    /// `rate`, if so.
    pub fn unplayable(&self, rate: u32) -> Option<String> {
        if !matches!(self.tag, 1 | 7) {
            Some("it is compressed or floating point; save it as 16-bit PCM WAV".into())
        } else if self.channels != 1 {
            Some(format!(
                "it has {} channels; save it as mono",
                self.channels
            ))
        } else if self.encoding().is_none() {
            Some(format!(
                "it has {} bits a sample; save it as 16-bit PCM",
                self.bits
            ))
        } else if self.rate != rate {
            Some(format!(
                "it is recorded at {} Hz but the manifest says rate = {rate}; resample it or change the manifest",
                self.rate
            ))
        } else {
            None
        }
    }
}

/// The samples of `data`.
pub fn samples(data: &[u8], encoding: Encoding) -> impl Iterator<Item = i16> + '_ {
    data.chunks_exact(encoding.width())
        .map(move |b| encoding.decode(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wav(tag: u16, channels: u16, rate: u32, bits: u16, samples: &[i16]) -> Vec<u8> {
        let data: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
        let mut b = Vec::new();
        b.extend(b"RIFF");
        b.extend((36 + data.len() as u32 + 10).to_le_bytes());
        b.extend(b"WAVE");
        // A chunk to skip, of odd length (padded).
        b.extend(b"LIST");
        b.extend(1u32.to_le_bytes());
        b.extend([0, 0]);
        b.extend(b"fmt ");
        b.extend(16u32.to_le_bytes());
        b.extend(tag.to_le_bytes());
        b.extend(channels.to_le_bytes());
        b.extend(rate.to_le_bytes());
        b.extend((rate * u32::from(channels) * u32::from(bits) / 8).to_le_bytes());
        b.extend((channels * bits / 8).to_le_bytes());
        b.extend(bits.to_le_bytes());
        b.extend(b"data");
        b.extend((data.len() as u32).to_le_bytes());
        b.extend(data);
        b
    }

    #[test]
    fn mu_law_decodes_as_g711_says() {
        assert_eq!(mu_law(0xFF), 0);
        assert_eq!(mu_law(0x7F), 0);
        assert_eq!(mu_law(0x80), 32124);
        assert_eq!(mu_law(0x00), -32124);
        // Monotonic over each half of the codes.
        let positive: Vec<i16> = (0x80..=0xFFu8).rev().map(mu_law).collect();
        assert!(positive.windows(2).all(|w| w[0] < w[1]), "{positive:?}");
    }

    #[test]
    fn reads_pcm_and_says_what_is_wrong() {
        let good = wav(1, 1, 22050, 16, &[1, -2, 300]);
        let w = parse(&good).unwrap();
        assert_eq!(w.encoding(), Some(Encoding::Pcm16));
        assert_eq!(
            samples(w.data, Encoding::Pcm16).collect::<Vec<_>>(),
            [1, -2, 300]
        );
        assert_eq!(w.unplayable(22050), None);
        assert!(w.unplayable(44100).unwrap().contains("22050 Hz"));
        let stereo = wav(1, 2, 22050, 16, &[0; 4]);
        assert!(
            parse(&stereo)
                .unwrap()
                .unplayable(22050)
                .unwrap()
                .contains("mono")
        );
        let float = wav(3, 1, 22050, 32, &[0; 4]);
        assert!(
            parse(&float)
                .unwrap()
                .unplayable(22050)
                .unwrap()
                .contains("16-bit PCM")
        );
        assert!(parse(b"ID3\x04 an mp3").unwrap_err().contains("not a WAV"));
        let mut cut = good.clone();
        cut.truncate(cut.len() - 2);
        assert_eq!(
            samples(parse(&cut).unwrap().data, Encoding::Pcm16).count(),
            2
        );
        let eight = wav(1, 1, 22050, 8, &[0; 4]);
        assert!(
            parse(&eight)
                .unwrap()
                .unplayable(22050)
                .unwrap()
                .contains("16-bit PCM")
        );
        let mut headless = good;
        headless.truncate(30);
        assert!(parse(&headless).is_err());
    }
}
