//! Board profiles: what is wired where, read from TOML and validated before
//! anything starts.
//!
//! This part of a profile is the evaluators: for each window, its keys
//! from the left (the pin each is wired to and the rating level it gives), how
//! they are debounced, when a held key counts as stuck, and the window's card
//! display. A window with 3 or 4 keys maps them onto the five levels here, and
//! nowhere else. Errors name the file, the line and the field. Whether a window
//! exists is the catalog's business: the profile keeps each window's line so the
//! kiosk can say where a window the catalog lacks was named.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::time::Duration;

use drivers::input::Filter;
use serde::Deserialize;
use toml::Spanned;

/// The simulated board's profile, compiled in.
pub const SIMULATED: &str = include_str!("../profiles/simulated.toml");

/// A profile refused, with where and why.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ProfileError {
    pub file: String,
    pub line: Option<usize>,
    pub field: Option<String>,
    pub problem: String,
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.problem)
    }
}

impl std::error::Error for ProfileError {}

/// A window's card display.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Display {
    /// A 128×64 one-colour OLED (SSD1306) on an I2C bus.
    Mono { bus: u8, address: u8 },
    /// A larger colour panel, drawn at this size.
    Colour { width: u32, height: u32 },
}

/// One window's evaluator.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Evaluator {
    pub window: u8,
    /// The line the window was named on, for messages about it.
    pub window_line: usize,
    /// Keys from the left: `(pin, level)`, level 5 非常满意 … 1 非常不满意.
    pub keys: Vec<(u32, u8)>,
    pub filter: Filter,
    /// A key held longer than this is a fault.
    pub stuck_after: Duration,
    pub display: Option<Display>,
}

impl Evaluator {
    /// The levels this evaluator's keys give, from the left.
    pub fn levels(&self) -> Vec<u8> {
        self.keys.iter().map(|(_, l)| *l).collect()
    }
}

/// A validated board profile.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BoardProfile {
    /// Where it was read from, for messages.
    pub file: String,
    pub name: String,
    pub evaluators: Vec<Evaluator>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    name: Spanned<String>,
    #[serde(default)]
    evaluator: Vec<Spanned<RawEvaluator>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvaluator {
    window: Spanned<i64>,
    keys: Spanned<Vec<Spanned<RawKey>>>,
    debounce: Option<Spanned<String>>,
    debounce_ms: Option<Spanned<i64>>,
    stuck_seconds: Option<Spanned<i64>>,
    display: Option<Spanned<RawDisplay>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKey {
    pin: Spanned<i64>,
    level: Spanned<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDisplay {
    kind: Spanned<String>,
    bus: Option<Spanned<i64>>,
    address: Option<Spanned<i64>>,
    width: Option<Spanned<i64>>,
    height: Option<Spanned<i64>>,
}

/// The highest GPIO line number accepted (the Pi 5's RP1 has 54 lines; the
/// character device numbers lines per chip).
const MAX_PIN: i64 = 63;

impl BoardProfile {
    /// Reads a profile; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Self, ProfileError> {
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let err =
            |span: Option<Range<usize>>, field: Option<String>, problem: String| ProfileError {
                file: file.to_string(),
                line: span.map(|s| line_of(s.start)),
                field,
                problem,
            };
        let raw: Raw = toml::from_str(text)
            .map_err(|e| err(e.span(), None, e.message().trim().to_string()))?;
        let mut pins: BTreeMap<i64, String> = BTreeMap::new();
        let mut windows: BTreeMap<i64, usize> = BTreeMap::new();
        let mut evaluators = Vec::new();
        for (i, e) in raw.evaluator.iter().enumerate() {
            let e = e.get_ref();
            let field = |f: &str| Some(format!("evaluator[{i}].{f}"));
            let window = *e.window.get_ref();
            let window_no = u8::try_from(window)
                .ok()
                .filter(|w| (1..=99).contains(w))
                .ok_or_else(|| {
                    err(
                        Some(e.window.span()),
                        field("window"),
                        format!("{window} is not a window number 1–99"),
                    )
                })?;
            if let Some(earlier) = windows.insert(window, i) {
                return Err(err(
                    Some(e.window.span()),
                    field("window"),
                    format!("window {window} already has an evaluator (evaluator[{earlier}])"),
                ));
            }
            let keys = e.keys.get_ref();
            if !(3..=5).contains(&keys.len()) {
                return Err(err(
                    Some(e.keys.span()),
                    field("keys"),
                    format!(
                        "an evaluator has 3, 4 or 5 keys; this one lists {}",
                        keys.len()
                    ),
                ));
            }
            let mut mapped = Vec::new();
            for (k, key) in keys.iter().enumerate() {
                let key = key.get_ref();
                let kfield = |f: &str| Some(format!("evaluator[{i}].keys[{k}].{f}"));
                let level = *key.level.get_ref();
                let level = u8::try_from(level)
                    .ok()
                    .filter(|l| (1..=5).contains(l))
                    .ok_or_else(|| {
                        err(
                            Some(key.level.span()),
                            kfield("level"),
                            format!(
                                "{level} is not a rating level; levels are 1 (非常不满意) to 5 (非常满意)"
                            ),
                        )
                    })?;
                if mapped.iter().any(|(_, l)| *l == level) {
                    return Err(err(
                        Some(key.level.span()),
                        kfield("level"),
                        format!("two keys of window {window} give level {level}"),
                    ));
                }
                let pin = *key.pin.get_ref();
                if !(0..=MAX_PIN).contains(&pin) {
                    return Err(err(
                        Some(key.pin.span()),
                        kfield("pin"),
                        format!("{pin} is not a GPIO line 0–{MAX_PIN}"),
                    ));
                }
                let name = format!("evaluator[{i}].keys[{k}]");
                if let Some(other) = pins.insert(pin, name) {
                    return Err(err(
                        Some(key.pin.span()),
                        kfield("pin"),
                        format!(
                            "pin {pin} is already wired to {other}; each key needs its own pin"
                        ),
                    ));
                }
                mapped.push((pin as u32, level));
            }
            if !mapped.iter().any(|(_, l)| *l <= 2) || !mapped.iter().any(|(_, l)| *l >= 4) {
                return Err(err(
                    Some(e.keys.span()),
                    field("keys"),
                    "the keys need at least one good level (4 or 5) and one bad level (1 or 2)"
                        .into(),
                ));
            }
            let ms = match &e.debounce_ms {
                None => 15,
                Some(ms) if (1..=200).contains(ms.get_ref()) => *ms.get_ref() as u64,
                Some(ms) => {
                    return Err(err(
                        Some(ms.span()),
                        field("debounce_ms"),
                        "must be 1–200 ms (keys bounce for 1–20 ms)".into(),
                    ));
                }
            };
            let filter = match e
                .debounce
                .as_ref()
                .map(|d| (d.get_ref().as_str(), d.span()))
            {
                None | Some(("stable", _)) => Filter::Stable(Duration::from_millis(ms)),
                Some(("leading", _)) => Filter::Leading(Duration::from_millis(ms)),
                Some((other, span)) => {
                    return Err(err(
                        Some(span),
                        field("debounce"),
                        format!("`{other}` is not a filter; use \"stable\" or \"leading\""),
                    ));
                }
            };
            let stuck_after = match &e.stuck_seconds {
                None => Duration::from_secs(10),
                Some(s) if (2..=120).contains(s.get_ref()) => {
                    Duration::from_secs(*s.get_ref() as u64)
                }
                Some(s) => {
                    return Err(err(
                        Some(s.span()),
                        field("stuck_seconds"),
                        "must be 2–120 seconds".into(),
                    ));
                }
            };
            let display = match &e.display {
                None => None,
                Some(d) => Some(display(d, &|span, f: &str, p| {
                    err(Some(span), field(&format!("display.{f}")), p)
                })?),
            };
            evaluators.push(Evaluator {
                window: window_no,
                window_line: line_of(e.window.span().start),
                keys: mapped,
                filter,
                stuck_after,
                display,
            });
        }
        let name = raw.name.get_ref().trim();
        if name.is_empty() {
            return Err(err(
                Some(raw.name.span()),
                Some("name".into()),
                "the profile needs a name".into(),
            ));
        }
        Ok(Self {
            file: file.to_string(),
            name: name.to_string(),
            evaluators,
        })
    }

    /// The simulated board's built-in profile.
    pub fn simulated() -> Self {
        Self::parse("built-in board profile simulated.toml", SIMULATED)
            .expect("the built-in board profile is valid (tested)")
    }

    pub fn evaluator(&self, window: u8) -> Option<&Evaluator> {
        self.evaluators.iter().find(|e| e.window == window)
    }
}

fn display(
    d: &Spanned<RawDisplay>,
    err: &dyn Fn(Range<usize>, &str, String) -> ProfileError,
) -> Result<Display, ProfileError> {
    let d = d.get_ref();
    let number = |v: &Option<Spanned<i64>>, f: &str, range: Range<i64>, default: i64| match v {
        None => Ok(default),
        Some(n) if range.contains(n.get_ref()) => Ok(*n.get_ref()),
        Some(n) => Err(err(
            n.span(),
            f,
            format!("must be {}–{}", range.start, range.end - 1),
        )),
    };
    match d.kind.get_ref().as_str() {
        "ssd1306" => Ok(Display::Mono {
            bus: number(&d.bus, "bus", 0..32, 1)? as u8,
            // The SSD1306 answers at 0x3C or 0x3D, as its SA0 pin is wired.
            address: match &d.address {
                None => 0x3C,
                Some(a) if matches!(a.get_ref(), 0x3C | 0x3D) => *a.get_ref() as u8,
                Some(a) => {
                    return Err(err(
                        a.span(),
                        "address",
                        format!(
                            "{:#04x} is not an SSD1306 address; use 0x3C or 0x3D",
                            a.get_ref()
                        ),
                    ));
                }
            },
        }),
        "colour" => Ok(Display::Colour {
            width: number(&d.width, "width", 128..1921, 320)? as u32,
            height: number(&d.height, "height", 64..1081, 240)? as u32,
        }),
        other => Err(err(
            d.kind.span(),
            "kind",
            format!("`{other}` is not a card display; use \"ssd1306\" (128×64) or \"colour\""),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_simulated_profile_is_valid() {
        let p = BoardProfile::simulated();
        assert_eq!(p.name, "simulated");
        assert!(p.evaluators.len() >= 3);
        let levels: Vec<Vec<u8>> = p.evaluators.iter().map(Evaluator::levels).collect();
        assert!(levels.iter().any(|l| l.len() == 5));
        assert!(levels.iter().any(|l| l.len() == 3), "{levels:?}");
    }

    fn profile(evaluators: &str) -> Result<BoardProfile, ProfileError> {
        BoardProfile::parse("test.toml", &format!("name = \"test\"\n{evaluators}"))
    }

    #[test]
    fn three_and_four_keys_map_onto_the_five_levels() {
        let p = profile(
            "[[evaluator]]\nwindow = 1\nkeys = [{ pin = 5, level = 5 }, { pin = 6, level = 3 }, { pin = 13, level = 1 }]\n\
             [[evaluator]]\nwindow = 2\nkeys = [{ pin = 16, level = 5 }, { pin = 19, level = 4 }, { pin = 20, level = 2 }, { pin = 21, level = 1 }]\ndebounce = \"leading\"\ndebounce_ms = 50\nstuck_seconds = 20\ndisplay = { kind = \"ssd1306\", bus = 1, address = 0x3D }\n",
        )
        .unwrap();
        assert_eq!(p.evaluators[0].levels(), [5, 3, 1]);
        assert_eq!(
            p.evaluators[0].filter,
            Filter::Stable(Duration::from_millis(15))
        );
        assert_eq!(p.evaluators[1].keys, [(16, 5), (19, 4), (20, 2), (21, 1)]);
        assert_eq!(
            p.evaluators[1].filter,
            Filter::Leading(Duration::from_millis(50))
        );
        assert_eq!(p.evaluators[1].stuck_after, Duration::from_secs(20));
        assert_eq!(
            p.evaluators[1].display,
            Some(Display::Mono {
                bus: 1,
                address: 0x3D
            })
        );
        assert_eq!(p.evaluators[1].window_line, 6);
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::*;

        proptest! {
            /// Any text is a profile or refused with the file named; never a
            /// panic.
            #[test]
            fn any_text_is_a_profile_or_refused_by_file(text in any::<String>()) {
                if let Err(e) = BoardProfile::parse("p.toml", &text) {
                    prop_assert!(e.to_string().starts_with("p.toml"), "{}", e);
                }
            }

            /// Profiles made of plausible pieces: accepted ones never wire two
            /// keys to one pin or give a level outside 1–5.
            #[test]
            fn accepted_profiles_keep_their_rules(
                keys in proptest::collection::vec((0i64..70, -1i64..8), 0..7),
                window in -2i64..5,
            ) {
                let list: Vec<String> = keys.iter().map(|(p, l)| format!("{{ pin = {p}, level = {l} }}")).collect();
                let text = format!("name = \"x\"\n[[evaluator]]\nwindow = {window}\nkeys = [{}]\n", list.join(", "));
                if let Ok(p) = BoardProfile::parse("p.toml", &text) {
                    let e = &p.evaluators[0];
                    let pins: std::collections::BTreeSet<u32> = e.keys.iter().map(|k| k.0).collect();
                    prop_assert_eq!(pins.len(), e.keys.len());
                    prop_assert!(e.keys.iter().all(|k| (1..=5).contains(&k.1)));
                    prop_assert!((3..=5).contains(&e.keys.len()));
                }
            }
        }
    }

    #[test]
    fn bad_profiles_are_refused_with_file_line_and_field() {
        let three = |a: &str| {
            format!(
                "[[evaluator]]\nwindow = 1\nkeys = [\n  {a},\n  {{ pin = 6, level = 3 }},\n  {{ pin = 13, level = 1 }},\n]\n"
            )
        };
        let table = [
            (
                three("{ pin = 5, level = 6 }"),
                "test.toml:5: field `evaluator[0].keys[0].level`: 6 is not a rating level; levels are 1 (非常不满意) to 5 (非常满意)",
            ),
            (
                three("{ pin = 13, level = 5 }"),
                "test.toml:7: field `evaluator[0].keys[2].pin`: pin 13 is already wired to evaluator[0].keys[0]; each key needs its own pin",
            ),
            (
                three("{ pin = 5, level = 3 }"),
                "test.toml:6: field `evaluator[0].keys[1].level`: two keys of window 1 give level 3",
            ),
            (
                three("{ pin = 99, level = 5 }"),
                "test.toml:5: field `evaluator[0].keys[0].pin`: 99 is not a GPIO line 0–63",
            ),
            (
                three("{ pin = 5, level = 2 }"),
                "test.toml:4: field `evaluator[0].keys`: the keys need at least one good level (4 or 5) and one bad level (1 or 2)",
            ),
            (
                "[[evaluator]]\nwindow = 1\nkeys = [{ pin = 5, level = 5 }, { pin = 6, level = 1 }]\n".into(),
                "test.toml:4: field `evaluator[0].keys`: an evaluator has 3, 4 or 5 keys; this one lists 2",
            ),
            (
                format!("{}debounce = \"slow\"\n", three("{ pin = 5, level = 5 }")),
                "test.toml:9: field `evaluator[0].debounce`: `slow` is not a filter; use \"stable\" or \"leading\"",
            ),
            (
                format!("{}display = {{ kind = \"ssd1306\", address = 0x50 }}\n", three("{ pin = 5, level = 5 }")),
                "test.toml:9: field `evaluator[0].display.address`: 0x50 is not an SSD1306 address; use 0x3C or 0x3D",
            ),
            (
                format!("{}{}", three("{ pin = 5, level = 5 }"), three("{ pin = 7, level = 5 }").replace("pin = 6", "pin = 8").replace("pin = 13", "pin = 9")),
                "test.toml:10: field `evaluator[1].window`: window 1 already has an evaluator (evaluator[0])",
            ),
        ];
        for (text, expected) in table {
            let e = profile(&text).unwrap_err();
            assert_eq!(e.to_string(), expected, "\n{text}");
        }
        let e = profile("[[evaluator]]\nwindow = 1\nkeyz = 3\n").unwrap_err();
        assert_eq!(e.line, Some(4), "{e}");
        assert!(e.problem.contains("unknown field `keyz`"), "{e}");
    }
}
