//! Documents against the encoder and against the virtual printer's independent
//! reader: every document, in both locales, on every shipped profile.

use board::sim::decode::Decoder;
use drivers::profile::Profiles;

use super::*;
use crate::domain::CategoryId;

fn slip(priority: bool, ahead: u32, wait: Option<u32>) -> TicketSlip {
    TicketSlip {
        away: None,
        code: "A012".parse().unwrap(),
        category: CategoryId::new('A').unwrap(),
        category_zh: "社保医保".into(),
        category_en: "Social & Medical Insurance".into(),
        priority,
        ahead,
        wait_minutes: wait,
        issued_at: "2026-11-30T01:05:00Z".parse().unwrap(),
        issued_local: "2026-11-30 09:05".into(),
        reprint: false,
        matter: None,
    }
}

fn station() -> StationInfo {
    StationInfo {
        name_zh: "龙坡村便民服务站".into(),
        name_en: "Longpo Village Service Station".into(),
        duty_phone: "0898-88880000".into(),
        complaint_hotline: "12345".into(),
    }
}

/// Every document the kiosk prints, in both locales.
fn all_documents() -> Vec<Document> {
    let s = station();
    let mut reprint = slip(true, 3, Some(8));
    reprint.reprint = true;
    let mut docs = Vec::new();
    for locale in [Locale::Zh, Locale::En] {
        docs.push(ticket(&slip(false, 0, Some(0)), &s, locale));
        docs.push(ticket(&reprint, &s, locale));
        docs.push(ticket(&slip(false, 4, None), &s, locale));
        docs.push(complaint_receipt(&sample_receipt(), &s, locale));
        docs.push(case_notice(&sample_notice(), &s, locale));
    }
    docs
}

#[test]
fn a_ticket_is_small_chinese_and_ends_with_a_cut() {
    let profiles = Profiles::built_in();
    let press = Press {
        profile: profiles.get("generic-58", "").unwrap(),
        logo: None,
    };
    let bytes = ticket(&slip(true, 3, Some(8)), &station(), Locale::Zh).escpos(press);
    assert!(bytes.replaced.is_empty(), "{:?}", bytes.replaced);
    assert!(
        bytes.bytes.len() < 1024,
        "a text ticket stays under 1 KB: {}",
        bytes.bytes.len()
    );
    assert!(
        bytes.bytes.starts_with(b"\x1b@\x1bt\x00\x1c&"),
        "init, code page, then Chinese mode"
    );
    assert!(bytes.bytes.ends_with(b"\x1dVB\x03"), "partial cut");
    let window = |needle: &[u8]| bytes.bytes.windows(needle.len()).any(|w| w == needle);
    assert!(
        window(b"\x1d!\x33\x1bE\x01A012\n"),
        "the number in 4x4 bold"
    );
    assert!(window(&[0xc9, 0xe7, 0xb1, 0xa3]), "社保 in GB18030");
    assert!(
        window(b"1P02026-11-30 A012"),
        "the QR code holds day and number only"
    );
}

#[test]
fn every_document_round_trips_through_the_virtual_printer() {
    // Two independent implementations checking each other: the document's own
    // text against what the printer's reader makes of the encoded bytes.
    let logo = StoredLogo::built_in().unwrap();
    for profile in Profiles::built_in().iter() {
        for with_logo in [false, true] {
            let press = Press {
                profile,
                logo: with_logo.then_some(&logo),
            };
            let mut docs = all_documents();
            docs.push(test_page(press, &station()));
            for doc in docs {
                let encoded = doc.escpos(press);
                assert!(
                    encoded.replaced.is_empty(),
                    "{}: {:?}",
                    doc.kind,
                    encoded.replaced
                );
                let mut decoder = Decoder::default();
                if with_logo {
                    decoder.feed(&escpos::encode(&logo.store()).bytes);
                }
                let pages = decoder.feed(&encoded.bytes);
                assert_eq!(pages.len(), 1, "{} on {}", doc.kind, profile.id);
                assert_eq!(
                    pages[0].text(),
                    doc.text(press),
                    "{} on {}",
                    doc.kind,
                    profile.id
                );
                assert_eq!(decoder.unknown(), 0, "{}: {}", doc.kind, pages[0].dump);
                // Nothing is wider than the paper.
                for line in pages[0].text().lines() {
                    let cols: usize = line.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
                    assert!(
                        cols <= usize::from(profile.columns) || line.starts_with('['),
                        "{line:?} on {}",
                        profile.id
                    );
                }
            }
        }
    }
}

#[test]
fn english_leads_in_the_english_locale() {
    let profiles = Profiles::built_in();
    let press = Press {
        profile: profiles.get("generic-80", "").unwrap(),
        logo: None,
    };
    let zh = ticket(&slip(false, 2, Some(6)), &station(), Locale::Zh).text(press);
    let en = ticket(&slip(false, 2, Some(6)), &station(), Locale::En).text(press);
    let position = |text: &str, needle: &str| text.find(needle).unwrap();
    assert!(position(&zh, "社保医保") < position(&zh, "Social"));
    assert!(position(&en, "Social") < position(&en, "社保医保"));
    assert!(en.contains("2 ahead, about 6 min\n前面还有 2 人，约 6 分钟\n"));
}

#[test]
fn the_qr_code_reads_back_from_the_printed_picture() {
    let profiles = Profiles::built_in();
    let press = Press {
        profile: profiles.get("generic-58", "").unwrap(),
        logo: None,
    };
    let doc = ticket(&slip(false, 1, Some(3)), &station(), Locale::Zh);
    let page = Decoder::default().feed(&doc.escpos(press).bytes).remove(0);
    let printed = board::sim::render::draw(&page.lines, 384).unwrap();
    let preview = doc.preview(press).unwrap();
    for paper in [printed, preview] {
        let mut image =
            rqrr::PreparedImage::prepare_from_greyscale(paper.width, paper.height, |x, y| {
                paper.pixels[y * paper.width + x]
            });
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1);
        let (_, content) = grids[0].decode().unwrap();
        assert_eq!(content, "2026-11-30 A012");
    }
}

#[test]
fn text_wraps_at_the_paper_edge() {
    let table: &[(&str, usize, &[&str])] = &[
        ("A001", 32, &["A001"]),
        (
            "Social & Medical Insurance",
            16,
            &["Social & Medical", "Insurance"],
        ),
        (
            "前面还有 3 人，约 8 分钟",
            8,
            &["前面还有", "3 人，约", "8 分钟"],
        ),
        ("abcdefghij", 4, &["abcd", "efgh", "ij"]),
        ("", 8, &[""]),
    ];
    for (text, columns, lines) in table {
        assert_eq!(wrap(text, *columns), *lines, "{text:?} in {columns}");
    }
}

#[test]
fn logos_come_from_png_files_and_bad_ones_are_refused() {
    let logo = StoredLogo::built_in().unwrap();
    assert_eq!((logo.image.width(), logo.image.height()), (320, 88));
    let ink = logo
        .image
        .bits()
        .iter()
        .map(|b| b.count_ones())
        .sum::<u32>();
    assert!(ink > 2000, "the logo has ink: {ink}");
    assert!(
        StoredLogo::from_png(b"not a png")
            .unwrap_err()
            .starts_with("not a PNG image")
    );
    let stored = escpos::encode(&logo.store()).bytes;
    assert!(stored.starts_with(b"\x1b@\x1d(L"));
}

#[test]
fn a_printer_without_a_cutter_or_qr_still_gets_a_whole_ticket() {
    let mut profile = Profiles::built_in().get("generic-58", "").unwrap().clone();
    profile.cuts.clear();
    profile.qr = false;
    profile.encoding = TextEncoding::Ascii;
    let press = Press {
        profile: &profile,
        logo: None,
    };
    let doc = ticket(&slip(false, 1, Some(3)), &station(), Locale::En);
    let encoded = doc.escpos(press);
    assert!(!encoded.bytes.windows(2).any(|w| w == b"\x1dV"), "no cut");
    assert!(
        encoded.bytes.ends_with(b"\x1bd\x05"),
        "fed past the tear bar"
    );
    assert!(
        !encoded.replaced.is_empty(),
        "Chinese is reported as replaced"
    );
    assert!(
        doc.text(press).contains("2026-11-30 A012\n"),
        "the QR data as text"
    );
}

#[test]
fn an_unprintable_character_is_replaced_visibly_and_reported() {
    // A category name with a character outside GB18030's 2-byte subset.
    let mut odd = slip(false, 0, Some(0));
    odd.category_zh = "𠀀社保".into();
    let profiles = Profiles::built_in();
    let press = Press {
        profile: profiles.get("generic-58", "").unwrap(),
        logo: None,
    };
    let doc = ticket(&odd, &station(), Locale::Zh);
    let encoded = doc.escpos(press);
    assert_eq!(encoded.replaced, ['𠀀']);
    let page = Decoder::default().feed(&encoded.bytes).remove(0);
    assert!(page.text().contains("□社保\n"), "{}", page.text());
}

/// A PNG of `w`×`h` pixels in this colour type and depth.
fn png_file(w: u32, h: u32, color: png::ColorType, depth: png::BitDepth, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(color);
    encoder.set_depth(depth);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(data).unwrap();
    writer.finish().unwrap();
    out
}

/// PNG's chunk checksum (CRC-32, ISO 3309), for a hand-made header.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn a_png_that_claims_to_be_huge_is_refused_before_it_is_decoded() {
    // A real header for 60000×60000 RGBA (14 GB decoded) and a few bytes
    // of data: refused from the header, nothing allocated for it.
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(60_000u32.to_be_bytes());
    ihdr.extend(60_000u32.to_be_bytes());
    ihdr.extend([8, 6, 0, 0, 0]);
    let mut file = b"\x89PNG\r\n\x1a\n".to_vec();
    file.extend(13u32.to_be_bytes());
    file.extend(&ihdr);
    file.extend(crc32(&ihdr).to_be_bytes());
    let idat = b"IDAT\x78\x9c\x03\x00\x00\x00\x00\x01".to_vec();
    file.extend(8u32.to_be_bytes());
    file.extend(&idat);
    file.extend(crc32(&idat).to_be_bytes());
    assert_eq!(
        StoredLogo::from_png(&file).err().as_deref(),
        Some("the logo is 60000×60000 dots; at most 576×512 fits a printer's memory")
    );
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    /// A colour type and depth, and how many bytes a pixel row of `w` takes.
    fn kinds() -> impl Strategy<Value = (png::ColorType, png::BitDepth)> {
        prop::sample::select(vec![
            (png::ColorType::Grayscale, png::BitDepth::One),
            (png::ColorType::Grayscale, png::BitDepth::Eight),
            (png::ColorType::Grayscale, png::BitDepth::Sixteen),
            (png::ColorType::GrayscaleAlpha, png::BitDepth::Eight),
            (png::ColorType::Rgb, png::BitDepth::Eight),
            (png::ColorType::Rgba, png::BitDepth::Eight),
        ])
    }

    fn row_bytes(color: png::ColorType, depth: png::BitDepth, w: u32) -> usize {
        let bits = color.samples() * depth as usize * w as usize;
        bits.div_ceil(8)
    }

    /// Whether the pixel at `x` of a row prints, by the rule: dark (mean of
    /// the colour channels below 128) and not transparent (alpha 128 or
    /// more); 16-bit samples by their high byte, 1-bit ones as 0 or 255.
    fn prints(color: png::ColorType, depth: png::BitDepth, row: &[u8], x: usize) -> bool {
        match (color, depth) {
            (png::ColorType::Grayscale, png::BitDepth::One) => row[x / 8] & (0x80 >> (x % 8)) == 0,
            (png::ColorType::Grayscale, png::BitDepth::Sixteen) => row[2 * x] < 128,
            (png::ColorType::Grayscale, _) => row[x] < 128,
            (png::ColorType::GrayscaleAlpha, _) => row[2 * x] < 128 && row[2 * x + 1] >= 128,
            (png::ColorType::Rgb, _) => {
                let p = &row[3 * x..3 * x + 3];
                (u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2])) / 3 < 128
            }
            _ => {
                let p = &row[4 * x..4 * x + 4];
                (u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2])) / 3 < 128 && p[3] >= 128
            }
        }
    }

    fn image() -> impl Strategy<Value = (u32, u32, png::ColorType, png::BitDepth, Vec<u8>)> {
        (1u32..=24, 1u32..=12, kinds()).prop_flat_map(|(w, h, (color, depth))| {
            let len = row_bytes(color, depth, w) * h as usize;
            (
                Just(w),
                Just(h),
                Just(color),
                Just(depth),
                prop::collection::vec(any::<u8>(), len),
            )
        })
    }

    proptest! {
        /// Any image that fits: every dot prints exactly when its pixel is
        /// dark and opaque, whatever the colour type and depth.
        #[test]
        fn each_dot_prints_by_the_rule((w, h, color, depth, data) in image()) {
            let logo = StoredLogo::from_png(&png_file(w, h, color, depth, &data)).unwrap();
            prop_assert_eq!((u32::from(logo.image.width()), u32::from(logo.image.height())), (w, h));
            let row = row_bytes(color, depth, w);
            let dots = (w as usize).div_ceil(8);
            for y in 0..h as usize {
                for x in 0..w as usize {
                    let ink = logo.image.bits()[y * dots + x / 8] & (0x80 >> (x % 8)) != 0;
                    prop_assert_eq!(ink, prints(color, depth, &data[y * row..][..row], x), "({}, {})", x, y);
                }
            }
        }

        /// Wider than 576 or taller than 512 dots is refused with its size.
        #[test]
        fn sizes_past_the_printer_memory_are_refused(w in 560u32..600, h in 500u32..530) {
            let data = vec![0xffu8; w as usize * h as usize];
            let result = StoredLogo::from_png(&png_file(w, h, png::ColorType::Grayscale, png::BitDepth::Eight, &data));
            if w <= 576 && h <= 512 {
                prop_assert!(result.is_ok());
            } else {
                prop_assert_eq!(
                    result.err(),
                    Some(format!("the logo is {w}×{h} dots; at most 576×512 fits a printer's memory"))
                );
            }
        }

        /// A damaged file — bytes changed or cut off — is read or refused,
        /// never a panic.
        #[test]
        fn damaged_files_never_panic(
            (w, h, color, depth, data) in image(),
            damage in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
            cut in any::<prop::sample::Index>(),
        ) {
            let mut file = png_file(w, h, color, depth, &data);
            for (at, byte) in damage {
                let i = at.index(file.len());
                file[i] = byte;
            }
            file.truncate(cut.index(file.len() + 1));
            let _ = StoredLogo::from_png(&file);
        }
    }
}
