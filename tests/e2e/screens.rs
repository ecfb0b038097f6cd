//! The real lobby screen rendered headless at both supported sizes.

use std::path::Path;

use crate::support::*;

/// Reads a PNG as (width, height, RGBA pixels).
fn read_png(path: &Path) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

fn pixel(png: &(u32, u32, Vec<u8>), x: u32, y: u32) -> [u8; 3] {
    let i = ((y * png.0 + x) * 4) as usize;
    [png.2[i], png.2[i + 1], png.2[i + 2]]
}

/// How many distinct colours a region has: text drawn in it shows as more than
/// the two or three of a flat button.
fn colours(png: &(u32, u32, Vec<u8>), x0: u32, y0: u32, x1: u32, y1: u32) -> usize {
    let mut seen = std::collections::BTreeSet::new();
    for y in y0..y1 {
        for x in x0..x1 {
            seen.insert(pixel(png, x, y));
        }
    }
    seen.len()
}

#[test]
fn the_lobby_renders_at_800x480_and_1080x1920() {
    for (size, w, h) in [("800x480", 800, 480), ("1080x1920", 1080, 1920)] {
        let dir = tempfile::tempdir().unwrap();
        let mut station = Station::start(dir.path(), &["--size", size]);
        let home = dir.path().join("home.png");
        station.ok(&format!("screenshot {}", home.display()));
        station.ok("tap category-A");
        let ticket = dir.path().join("ticket.png");
        station.ok("settle");
        station.ok(&format!("screenshot {}", ticket.display()));
        assert!(station.quit().success());

        let home = read_png(&home);
        assert_eq!((home.0, home.1), (w, h), "{size}");
        // The header bar is the station's deep blue.
        assert_eq!(pixel(&home, w / 2, 4), [0x0b, 0x3a, 0x82], "{size} header");
        // The first category button is blue and carries text.
        let (bx, by) = if w > h { (30, 80) } else { (60, 560) };
        assert_eq!(
            pixel(&home, bx, by),
            [0x0d, 0x47, 0xa1],
            "{size} button at {bx},{by}"
        );
        let (x1, y1) = if w > h { (230, 170) } else { (520, 700) };
        assert!(
            colours(&home, bx, by, x1, y1) > 20,
            "{size}: the button shows text"
        );

        // The ticket screen shows the number big: a wide band of the number's blue.
        let ticket = read_png(&ticket);
        let blue = [0x0b, 0x3a, 0x82];
        let band = (0..ticket.1)
            .filter(|&y| {
                (0..ticket.0)
                    .filter(|&x| pixel(&ticket, x, y) == blue)
                    .count()
                    > 20
            })
            .count();
        assert!(band as u32 > h / 8, "{size}: number rows {band}");
    }
}

#[test]
fn after_hours_the_screen_says_when_it_opens_and_the_duty_phone() {
    let dir = tempfile::tempdir().unwrap();
    // Saturday evening.
    let mut station = Station::start(dir.path(), &["--clock", "2026-12-05 19:30"]);
    let state = station.state();
    assert_eq!(state["screen"]["screen"], "closed");
    assert_eq!(state["station"]["next_open"], "2026-12-07 08:30");
    let refused = station.send("tap category-A");
    assert_eq!(
        refused["ok"], false,
        "no category buttons when closed: {refused}"
    );
    station.ok("tap label 现在不能取号");
    assert!(station.quit().success());
}

#[test]
fn the_language_button_switches_to_english_and_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &[]);
    station.ok("tap language");
    assert_eq!(station.screen()["english"], true);
    // Labels of Chinese text still find the buttons (accessible labels stay Chinese).
    station.ok("tap label 社保医保");
    assert_eq!(station.screen()["ticket"], "A001");
    station.ok("tap done");
    station.ok("tap language");
    assert_eq!(station.screen()["english"], false);
    assert!(station.quit().success());
}
