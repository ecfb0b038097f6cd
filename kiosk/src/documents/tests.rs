//! Documents against the encoder and against the virtual printer's independent
//! reader: every document, in both locales, on every shipped profile.

use board::sim::decode::Decoder;
use drivers::profile::Profiles;

use super::*;
use crate::domain::CategoryId;

fn slip(priority: bool, ahead: u32, wait: Option<u32>) -> TicketSlip {
    TicketSlip {
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
