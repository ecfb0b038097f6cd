//! Tests that every text the lobby screen draws stands out from what is
//! behind it by at least 7:1 (the WCAG 2 contrast ratio; 7:1 is the AAA level
//! for normal text): the elderly read these screens, in a bright hall.
//!
//! The pairs are not a hand-kept list. The scan reads every `.slint` file in
//! `kiosk/ui` and expands each component where it is used, from the window
//! down, so a `BigButton`'s title is checked on every `base` it is given. For
//! every `Text` it takes the colour and the backgrounds of the elements that
//! enclose it (a translucent fill is composited over what is beneath). Where a
//! colour depends on a condition (`touch.pressed ? … : …`), every combination
//! of the conditions involved is checked, so a pressed, disabled or chosen
//! state is a pair of its own; a condition written the same way in the same
//! place (a key's `base` and `ink` both on `Lobby.form-keyboard == 0`) counts
//! as one, so pairs that never meet are not reported. Colour literals outside
//! `theme.slint` are refused: the theme is the one table of colours. What the
//! scan does not understand (a colour it cannot trace, a `Text` without a
//! colour, a construct it cannot read) fails the test with its file and line
//! rather than being skipped. It is not a full Slint parser; it reads the
//! subset these files use and says so when that changes.
//!
//! What it assumes: a text's background is the nearest enclosing element with
//! a `background`, which is how the screens are built (nothing is drawn behind
//! a text that is not one of its ancestors).

use std::collections::BTreeMap;

mod reader;
mod scan;

use reader::*;
use scan::*;

/// The floor for every pair.
const MIN_RATIO: f64 = 7.0;

/// A colour, each channel 0–1.
#[derive(Clone, Copy, PartialEq, Debug)]
struct Rgba {
    r: f64,
    g: f64,
    b: f64,
    a: f64,
}

impl Rgba {
    fn parse(hex: &str) -> Option<Self> {
        let digits = hex.strip_prefix('#')?;
        let nibble = |c: char| c.to_digit(16).map(f64::from);
        let chars: Vec<char> = digits.chars().collect();
        let channels: Vec<f64> = match chars.len() {
            3 | 4 => chars
                .iter()
                .map(|&c| nibble(c).map(|v| v * 17.0 / 255.0))
                .collect::<Option<_>>()?,
            6 | 8 => chars
                .chunks(2)
                .map(|p| Some((nibble(p[0])? * 16.0 + nibble(p[1])?) / 255.0))
                .collect::<Option<_>>()?,
            _ => return None,
        };
        Some(Self {
            r: channels[0],
            g: channels[1],
            b: channels[2],
            a: channels.get(3).copied().unwrap_or(1.0),
        })
    }

    /// This colour drawn over `below` (which is opaque).
    fn over(self, below: Rgba) -> Rgba {
        let mix = |top: f64, bottom: f64| top * self.a + bottom * (1.0 - self.a);
        Rgba {
            r: mix(self.r, below.r),
            g: mix(self.g, below.g),
            b: mix(self.b, below.b),
            a: 1.0,
        }
    }

    /// Relative luminance, as WCAG 2 defines it.
    fn luminance(self) -> f64 {
        let linear = |c: f64| {
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(self.r) + 0.7152 * linear(self.g) + 0.0722 * linear(self.b)
    }

    fn hex(self) -> String {
        let byte = |c: f64| (c * 255.0).round() as u8;
        format!(
            "#{:02x}{:02x}{:02x}",
            byte(self.r),
            byte(self.g),
            byte(self.b)
        )
    }
}

/// The WCAG 2 contrast ratio of two opaque colours.
fn ratio(a: Rgba, b: Rgba) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Where something is written.
#[derive(Clone, Debug)]
struct Spot {
    file: String,
    line: usize,
}

impl std::fmt::Display for Spot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// An element to walk, the scope it is read in and the file it is written in.
type Child = (Element, usize, String);

/// One text colour on one background, where it is written.
#[derive(Debug)]
pub struct Pair {
    pub text: String,
    pub background: String,
    pub names: String,
    pub ratio: f64,
    pub spot: String,
}

/// The lobby's `.slint` files, as they are on disk now.
fn lobby_sources() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "slint"))
        .map(|p| {
            (
                format!("kiosk/ui/{}", p.file_name().unwrap().to_string_lossy()),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_text_on_every_background_reaches_7_to_1() {
    let pairs = pairs(&lobby_sources()).unwrap_or_else(|e| panic!("{e}"));
    // The scan found the screens: the header's station name, a key, the
    // evacuation screen.
    assert!(pairs.len() > 50, "only {} pairs found", pairs.len());
    let mut table: BTreeMap<(String, String), (f64, String, usize)> = BTreeMap::new();
    for p in &pairs {
        let entry = table
            .entry((p.text.clone(), p.background.clone()))
            .or_insert((p.ratio, p.names.clone(), 0));
        entry.2 += 1;
    }
    // Shown with --nocapture: the pairs and their ratios, lowest first.
    let mut rows: Vec<_> = table.iter().collect();
    rows.sort_by(|a, b| a.1.0.total_cmp(&b.1.0));
    for ((text, background), (r, names, n)) in &rows {
        println!("{r:5.2}:1  {text} on {background}  ({names}; {n} texts)");
    }
    let low: Vec<String> = pairs
        .iter()
        .filter(|p| p.ratio < MIN_RATIO)
        .map(|p| {
            format!(
                "{}: {} ({} on {}) is {:.2}:1",
                p.spot, p.names, p.text, p.background, p.ratio
            )
        })
        .collect();
    assert!(
        low.is_empty(),
        "texts below {MIN_RATIO}:1:\n{}",
        low.join("\n")
    );
}

#[test]
fn the_contrast_scan_catches_a_new_pair_and_a_colour_it_cannot_trace() {
    let theme = r#"
        export global Theme {
            out property <color> page: #ffffff;
            out property <color> ink: #111111;
            out property <color> dark: #0d47a1;
            out property <color> soft: #99aacc;
            out property <color> shade: #00000022;
        }
    "#;
    let window = |body: &str| {
        vec![
            ("theme.slint".to_string(), theme.to_string()),
            (
                "main.slint".to_string(),
                format!(
                    r#"
                    component Chip inherits Rectangle {{
                        in property <color> base: Theme.dark;
                        in property <bool> on;
                        background: touch.pressed ? Theme.shade : root.base;
                        Text {{ text: "x"; color: root.on ? Theme.soft : Theme.page; }}
                        touch := TouchArea {{ }}
                    }}
                    export component W inherits Window {{
                        background: Theme.page;
                        // A comment {{ with braces }} is not code.
                        {body}
                    }}
                    "#
                ),
            ),
        ]
    };
    // Dark ink on the page: fine.
    let ok = pairs(&window(r#"if true: Text { text: "a"; color: Theme.ink; }"#)).unwrap();
    assert_eq!(ok.len(), 1, "{ok:?}");
    assert!(ok[0].ratio >= MIN_RATIO, "{ok:?}");
    // The pale text a chip shows when `on`, and the white text on a pressed
    // chip (a translucent shade over the white page): both found.
    let bad = pairs(&window(r#"Chip { on: Lobby.english; }"#)).unwrap();
    let low: Vec<&Pair> = bad.iter().filter(|p| p.ratio < MIN_RATIO).collect();
    assert!(
        low.iter()
            .any(|p| p.names == "Theme.soft on Theme.dark" && p.spot == "main.slint:6"),
        "{bad:?}"
    );
    assert!(
        low.iter()
            .any(|p| p.names == "Theme.page on Theme.shade over Theme.page"),
        "{bad:?}"
    );
    // A chip that is never `on` never shows the pale text.
    let off = pairs(&window(r#"Chip { on: false; base: Theme.ink; }"#)).unwrap();
    assert!(
        off.iter().all(|p| !p.names.starts_with("Theme.soft")),
        "{off:?}"
    );
    // A colour written in place, and a text without a colour, are refused.
    let literal = pairs(&window(r#"Text { text: "a"; color: #777777; }"#)).unwrap_err();
    assert!(literal.contains("outside theme.slint"), "{literal}");
    let none = pairs(&window(r#"Text { text: "a"; }"#)).unwrap_err();
    assert!(none.contains("sets no colour"), "{none}");
}

#[test]
fn contrast_ratios_match_the_wcag_examples() {
    let c = |h: &str| Rgba::parse(h).unwrap();
    assert!((ratio(c("#ffffff"), c("#000000")) - 21.0).abs() < 1e-9);
    assert!((ratio(c("#777777"), c("#ffffff")) - 4.48).abs() < 0.01);
    assert!((ratio(c("#595959"), c("#ffffff")) - 7.0).abs() < 0.01);
    assert_eq!(c("#0002").a, 34.0 / 255.0);
}
