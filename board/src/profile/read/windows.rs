//! A window's parts in a profile: its evaluator (keys, levels, debounce
//! filter, stuck time), its card display and its staff keypad.

use std::time::Duration;

use drivers::input::Filter;

use super::{RawDisplay, RawEvaluator, RawKeypad, Reader, Span};
use crate::profile::{Display, Evaluator, Keypad, ProfileError};

impl Reader<'_> {
    pub(super) fn evaluator(
        &mut self,
        i: usize,
        e: &RawEvaluator,
    ) -> Result<Evaluator, ProfileError> {
        let field = |f: &str| Some(format!("evaluator[{i}].{f}"));
        let window = *e.window.get_ref();
        let window_no = u8::try_from(window)
            .ok()
            .filter(|w| (1..=99).contains(w))
            .ok_or_else(|| {
                self.error(
                    Some(e.window.span()),
                    field("window"),
                    format!("{window} is not a window number 1–99"),
                )
            })?;
        let keys = e.keys.get_ref();
        if !(3..=5).contains(&keys.len()) {
            return Err(self.error(
                Some(e.keys.span()),
                field("keys"),
                format!(
                    "an evaluator has 3, 4 or 5 keys; this one lists {}",
                    keys.len()
                ),
            ));
        }
        let mut mapped: Vec<(u32, u8)> = Vec::new();
        for (k, key) in keys.iter().enumerate() {
            let key = key.get_ref();
            let kfield = |f: &str| format!("evaluator[{i}].keys[{k}].{f}");
            let level = *key.level.get_ref();
            let level = u8::try_from(level)
                .ok()
                .filter(|l| (1..=5).contains(l))
                .ok_or_else(|| {
                    self.error(
                        Some(key.level.span()),
                        Some(kfield("level")),
                        format!("{level} is not a rating level; levels are 1 (非常不满意) to 5 (非常满意)"),
                    )
                })?;
            if mapped.iter().any(|(_, l)| *l == level) {
                return Err(self.error(
                    Some(key.level.span()),
                    Some(kfield("level")),
                    format!("two keys of window {window} give level {level}"),
                ));
            }
            let pin = self.pin(
                &key.pin,
                &kfield("pin"),
                format!("evaluator[{i}].keys[{k}]"),
            )?;
            mapped.push((pin, level));
        }
        if !mapped.iter().any(|(_, l)| *l <= 2) || !mapped.iter().any(|(_, l)| *l >= 4) {
            return Err(self.error(
                Some(e.keys.span()),
                field("keys"),
                "the keys need at least one good level (4 or 5) and one bad level (1 or 2)",
            ));
        }
        let ms = self.number(
            &e.debounce_ms,
            format!("evaluator[{i}].debounce_ms"),
            1..=200,
            15,
            " ms (keys bounce for 1–20 ms)",
        )? as u64;
        let filter = match e
            .debounce
            .as_ref()
            .map(|d| (d.get_ref().as_str(), d.span()))
        {
            None | Some(("stable", _)) => Filter::Stable(Duration::from_millis(ms)),
            Some(("leading", _)) => Filter::Leading(Duration::from_millis(ms)),
            Some((other, span)) => {
                return Err(self.error(
                    Some(span),
                    field("debounce"),
                    format!("`{other}` is not a filter; use \"stable\" or \"leading\""),
                ));
            }
        };
        let stuck = self.number(
            &e.stuck_seconds,
            format!("evaluator[{i}].stuck_seconds"),
            2..=120,
            10,
            " seconds",
        )?;
        let display = match &e.display {
            None => None,
            Some(d) => Some(self.display(i, d.get_ref())?),
        };
        Ok(Evaluator {
            window: window_no,
            window_line: self.line(e.window.span().start),
            keys: mapped,
            filter,
            stuck_after: Duration::from_secs(stuck as u64),
            display,
        })
    }

    pub(super) fn keypad(
        &mut self,
        i: usize,
        k: &RawKeypad,
        span: Span,
    ) -> Result<Keypad, ProfileError> {
        let window = *k.window.get_ref();
        let window_no = u8::try_from(window)
            .ok()
            .filter(|w| (1..=99).contains(w))
            .ok_or_else(|| {
                self.error(
                    Some(k.window.span()),
                    Some(format!("keypad[{i}].window")),
                    format!("{window} is not a window number 1–99"),
                )
            })?;
        let mut keys = Vec::new();
        for (pin, key) in [
            (&k.call, crate::StaffKey::CallNext),
            (&k.recall, crate::StaffKey::Recall),
            (&k.skip, crate::StaffKey::Skip),
            (&k.complete, crate::StaffKey::Complete),
        ] {
            if let Some(pin) = pin {
                let field = format!("keypad[{i}].{}", key.word());
                let owner = format!("window {window_no}'s {} key", key.word());
                keys.push((self.pin(pin, &field, owner)?, key));
            }
        }
        // A numeric keypad: all ten digits and enter, or none.
        match (&k.digits, &k.enter) {
            (None, None) => {}
            (Some(digits), Some(enter)) => {
                if digits.get_ref().len() != 10 {
                    return Err(self.error(
                        Some(digits.span()),
                        Some(format!("keypad[{i}].digits")),
                        format!(
                            "a numeric keypad lists the pins of its ten digit keys, 0 to 9; this one lists {}",
                            digits.get_ref().len()
                        ),
                    ));
                }
                for (d, pin) in digits.get_ref().iter().enumerate() {
                    let key = crate::StaffKey::Digit(d as u8);
                    let field = format!("keypad[{i}].digits[{d}]");
                    let owner = format!("window {window_no}'s digit {d} key");
                    keys.push((self.pin(pin, &field, owner)?, key));
                }
                let owner = format!("window {window_no}'s enter key");
                keys.push((
                    self.pin(enter, &format!("keypad[{i}].enter"), owner)?,
                    crate::StaffKey::Enter,
                ));
            }
            (Some(digits), None) => {
                return Err(self.error(
                    Some(digits.span()),
                    Some(format!("keypad[{i}].enter")),
                    "a numeric keypad needs its enter key's pin too (enter = PIN)",
                ));
            }
            (None, Some(enter)) => {
                return Err(self.error(
                    Some(enter.span()),
                    Some(format!("keypad[{i}].digits")),
                    "an enter key needs the ten digit keys' pins (digits = [PIN0, …, PIN9])",
                ));
            }
        }
        if keys.is_empty() {
            return Err(self.error(
                Some(span),
                Some(format!("keypad[{i}]")),
                "a keypad needs at least one key: call, recall, skip or complete = PIN",
            ));
        }
        Ok(Keypad {
            window: window_no,
            window_line: self.line(k.window.span().start),
            keys,
        })
    }

    fn display(&self, i: usize, d: &RawDisplay) -> Result<Display, ProfileError> {
        let field = |f: &str| format!("evaluator[{i}].display.{f}");
        match d.kind.get_ref().as_str() {
            "ssd1306" => Ok(Display::Mono {
                bus: self.number(&d.bus, field("bus"), 0..=31, 1, "")? as u8,
                // The SSD1306 answers at 0x3C or 0x3D, as its SA0 pin is wired.
                address: match &d.address {
                    None => 0x3C,
                    Some(a) if matches!(a.get_ref(), 0x3C | 0x3D) => *a.get_ref() as u8,
                    Some(a) => {
                        return Err(self.error(
                            Some(a.span()),
                            Some(field("address")),
                            format!(
                                "{:#04x} is not an SSD1306 address; use 0x3C or 0x3D",
                                a.get_ref()
                            ),
                        ));
                    }
                },
            }),
            "colour" => Ok(Display::Colour {
                width: self.number(&d.width, field("width"), 128..=1920, 320, "")? as u32,
                height: self.number(&d.height, field("height"), 64..=1080, 240, "")? as u32,
            }),
            other => Err(self.error(
                Some(d.kind.span()),
                Some(field("kind")),
                format!("`{other}` is not a card display; use \"ssd1306\" (128×64) or \"colour\""),
            )),
        }
    }
}
