//! Tests that every character the kiosk shows has a glyph in the embedded font,
//! and every character it prints is in the printer's 2-byte GB18030 subset.
//!
//! Without a CJK glyph, Slint draws nothing — and label tests would still pass —
//! so this is the only thing standing between a new string and a blank on a bare
//! Raspberry Pi OS.

use std::collections::BTreeSet;

const REGULAR: &[u8] = include_bytes!("../../assets/fonts/NotoSansCJKsc-Regular-subset.otf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/NotoSansCJKsc-Bold-subset.otf");

/// Every double-quoted string literal in a source text.
fn literals(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = source.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut s = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => break,
                c => s.push(c),
            }
        }
        out.push(s);
    }
    out
}

/// Everything the screen can show: the `.slint` files' strings, the English
/// translation, the catalog and settings, and the texts Rust puts on screen.
fn shown() -> BTreeSet<char> {
    let sources = [
        include_str!("../ui/main.slint"),
        include_str!("../ui/home.slint"),
        include_str!("../ui/ticket.slint"),
        include_str!("../ui/widgets.slint"),
        include_str!("../ui/lobby.slint"),
        include_str!("../ui/complaint.slint"),
        include_str!("../ui/guide.slint"),
        include_str!("../ui/staff.slint"),
        include_str!("../ui/notice.slint"),
        include_str!("../ui/choices.slint"),
        include_str!("../ui/board.slint"),
        include_str!("../ui/receipt.slint"),
        include_str!("receipt.rs"),
        include_str!("app/core/notice_board.rs"),
        include_str!("form.rs"),
        include_str!("ui.rs"),
        include_str!("../ui/translations/en/LC_MESSAGES/kiosk.po"),
        include_str!("../../assets/catalog.toml"),
        include_str!("../../assets/matters.toml"),
        include_str!("guide.rs"),
        include_str!("../../assets/kiosk.toml"),
        include_str!("app/core/mod.rs"),
        include_str!("app/core/commit.rs"),
        include_str!("app/core/paper.rs"),
        include_str!("app/core/staff.rs"),
        include_str!("app/core/views.rs"),
        include_str!("run.rs"),
    ];
    let mut chars: BTreeSet<char> = sources
        .iter()
        .flat_map(|s| literals(s))
        .filter(|s| !s.ends_with(".otf") && !s.ends_with(".slint"))
        .flat_map(|s| s.chars().collect::<Vec<_>>())
        .collect();
    // Dates and numbers are built at run time from these.
    chars.extend("0123456789:月日星期一二三四五六日".chars());
    chars.retain(|c| !c.is_control() && !c.is_whitespace());
    chars
}

#[test]
fn every_shown_character_has_a_glyph_in_both_weights() {
    let chars = shown();
    assert!(
        chars.contains(&'号') && chars.contains(&'A'),
        "the scan found the strings"
    );
    for (name, data) in [("Regular", REGULAR), ("Bold", BOLD)] {
        let face = ttf_parser::Face::parse(data, 0).expect("the font parses");
        let missing: String = chars
            .iter()
            .filter(|&&c| face.glyph_index(c).is_none())
            .collect();
        assert!(missing.is_empty(), "{name} lacks glyphs for {missing:?}");
    }
}

#[test]
fn the_glyph_check_would_catch_a_missing_character() {
    let face = ttf_parser::Face::parse(REGULAR, 0).unwrap();
    // A rare character outside GB2312: not in the subset.
    assert!(face.glyph_index('𠀀').is_none());
    assert!(face.glyph_index('龘').is_none());
}

#[test]
fn every_printed_character_is_in_the_printer_subset() {
    let sources = [
        include_str!("documents.rs"),
        include_str!("documents/matters.rs"),
        include_str!("../../assets/matters.toml"),
        include_str!("../../assets/catalog.toml"),
        include_str!("../../assets/kiosk.toml"),
    ];
    let bad: BTreeSet<char> = sources
        .iter()
        .flat_map(|s| literals(s))
        .flat_map(|s| s.chars().collect::<Vec<_>>())
        .filter(|c| !c.is_control() && !drivers::escpos::printable(*c))
        .collect();
    assert!(bad.is_empty(), "not printable as GB18030 2-byte: {bad:?}");
}

#[test]
fn every_translated_string_has_an_english_entry() {
    let po = include_str!("../ui/translations/en/LC_MESSAGES/kiosk.po");
    let ids: BTreeSet<String> = po
        .lines()
        .filter_map(|l| l.strip_prefix("msgid \""))
        .map(|l| l.trim_end_matches('"').to_string())
        .collect();
    let sources = [
        include_str!("../ui/main.slint"),
        include_str!("../ui/home.slint"),
        include_str!("../ui/ticket.slint"),
        include_str!("../ui/widgets.slint"),
        include_str!("../ui/complaint.slint"),
        include_str!("../ui/guide.slint"),
        include_str!("../ui/board.slint"),
        include_str!("../ui/receipt.slint"),
    ];
    let mut missing = Vec::new();
    for source in sources {
        for part in source.split("@tr(").skip(1) {
            let text = literals(part).into_iter().next().unwrap_or_default();
            if !ids.contains(&text) {
                missing.push(text);
            }
        }
    }
    assert!(missing.is_empty(), "no English for {missing:?}");
}
