//! The evaluators' keys as a board sees them: raw edges on pins in, debounced
//! ratings and stuck-key faults out.
//!
//! Every backend (the simulated board's `edge` command now, the GPIO character
//! device and rppal on a Pi) hands its raw edges here with the time it saw them;
//! the filters are the pure ones in `drivers::input`. Nothing here reads a clock:
//! the caller passes time in and asks [`Keys::deadline`] when to call
//! [`Keys::tick`].

use std::collections::BTreeMap;
use std::time::Duration;

use drivers::input::{Key, KeyEvent};

use crate::profile::{BoardProfile, KEYPAD_LOCKOUT};
use crate::{Input, StaffKey};

/// A staff key held this long is only logged: a window's work never waits
/// on it, and nothing is rated.
const KEYPAD_STUCK: Duration = Duration::from_secs(60);

/// What a key gives when pressed.
#[derive(Clone, Copy)]
enum Gives {
    /// An evaluator's rating level.
    Level(u8),
    /// A staff keypad's action.
    Staff(StaffKey),
}

struct Wired {
    window: u8,
    gives: Gives,
    key: Key,
}

/// Every evaluator key of a board, by pin.
pub struct Keys {
    pins: BTreeMap<u32, Wired>,
    /// Each window's levels, for checking debounced presses given directly.
    levels: BTreeMap<u8, Vec<u8>>,
    profile: String,
}

impl Keys {
    /// The keys of `profile`, all released at `now`.
    pub fn new(profile: &BoardProfile, now: Duration) -> Self {
        let mut pins = BTreeMap::new();
        let mut levels = BTreeMap::new();
        for e in &profile.evaluators {
            for &(pin, level) in &e.keys {
                pins.insert(
                    pin,
                    Wired {
                        window: e.window,
                        gives: Gives::Level(level),
                        key: Key::new(e.filter, e.stuck_after, now),
                    },
                );
            }
            levels.insert(e.window, e.levels());
        }
        for k in &profile.keypads {
            for &(pin, staff) in &k.keys {
                pins.insert(
                    pin,
                    Wired {
                        window: k.window,
                        gives: Gives::Staff(staff),
                        key: Key::new(
                            drivers::input::Filter::Leading(KEYPAD_LOCKOUT),
                            KEYPAD_STUCK,
                            now,
                        ),
                    },
                );
            }
        }
        Self {
            pins,
            levels,
            profile: profile.file.clone(),
        }
    }

    /// A raw level seen on `pin` at `at` (`pressed`: the key closes the
    /// contact). Returns what the filters decide, in time order.
    pub fn edge(&mut self, pin: u32, pressed: bool, at: Duration) -> Result<Vec<Input>, String> {
        if !self.pins.contains_key(&pin) {
            let wired: Vec<String> = self.pins.keys().map(u32::to_string).collect();
            return Err(format!(
                "pin {pin} is not wired to a key in {}; its key pins are {}",
                self.profile,
                wired.join(", ")
            ));
        }
        let mut out = self.settle(at);
        if let Some(w) = self.pins.get_mut(&pin) {
            let events = w.key.edge(pressed, at);
            out.extend(events.into_iter().map(|e| (e, w.window, w.gives)));
        }
        Ok(Self::inputs(out))
    }

    /// Time passes with no edge: presses that settle, keys that become stuck.
    pub fn tick(&mut self, now: Duration) -> Vec<Input> {
        let events = self.settle(now);
        Self::inputs(events)
    }

    /// When [`Keys::tick`] has something to decide next.
    pub fn deadline(&self) -> Option<Duration> {
        self.pins.values().filter_map(|w| w.key.deadline()).min()
    }

    /// A debounced press given by level (the simulated board's `rate`
    /// command): refused when the window has no evaluator or no key for it.
    pub fn press(&self, window: u8, level: u8) -> Result<Input, String> {
        let levels = self.levels.get(&window).ok_or_else(|| {
            let windows: Vec<String> = self.levels.keys().map(u8::to_string).collect();
            format!(
                "window {window} has no evaluator in {}; the evaluators are at windows {}",
                self.profile,
                windows.join(", ")
            )
        })?;
        if !levels.contains(&level) {
            let list: Vec<String> = levels.iter().map(u8::to_string).collect();
            return Err(format!(
                "window {window}'s evaluator has no key for level {level}; its keys give {}",
                list.join(", ")
            ));
        }
        Ok(Input::EvaluatorKey { window, level })
    }

    fn settle(&mut self, now: Duration) -> Vec<(KeyEvent, u8, Gives)> {
        let mut out = Vec::new();
        for w in self.pins.values_mut() {
            out.extend(w.key.tick(now).into_iter().map(|e| (e, w.window, w.gives)));
        }
        out
    }

    fn inputs(mut events: Vec<(KeyEvent, u8, Gives)>) -> Vec<Input> {
        let at = |e: &KeyEvent| match *e {
            KeyEvent::Pressed { at }
            | KeyEvent::Released { at }
            | KeyEvent::Stuck { at }
            | KeyEvent::Unstuck { at } => at,
        };
        events.sort_by_key(|(e, _, _)| at(e));
        events
            .into_iter()
            .filter_map(|(e, window, gives)| match (e, gives) {
                (KeyEvent::Pressed { .. }, Gives::Level(level)) => {
                    Some(Input::EvaluatorKey { window, level })
                }
                (KeyEvent::Pressed { .. }, Gives::Staff(key)) => {
                    Some(Input::StaffKey { window, key })
                }
                (KeyEvent::Released { .. }, _) => None,
                (KeyEvent::Stuck { .. }, Gives::Level(level)) => Some(Input::EvaluatorStuck {
                    window,
                    level,
                    stuck: true,
                }),
                (KeyEvent::Unstuck { .. }, Gives::Level(level)) => Some(Input::EvaluatorStuck {
                    window,
                    level,
                    stuck: false,
                }),
                (KeyEvent::Stuck { .. } | KeyEvent::Unstuck { .. }, Gives::Staff(_)) => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// Feeds `(ms, pin, pressed)` edges, then ticks to `end` ms.
    fn run(edges: &[(u64, u32, bool)], end: u64) -> Vec<Input> {
        let mut keys = Keys::new(&BoardProfile::simulated(), ms(0));
        let mut out = Vec::new();
        for &(t, pin, pressed) in edges {
            while let Some(d) = keys.deadline().filter(|d| *d <= ms(t)) {
                out.extend(keys.tick(d));
            }
            out.extend(keys.edge(pin, pressed, ms(t)).unwrap());
        }
        while let Some(d) = keys.deadline().filter(|d| *d <= ms(end)) {
            out.extend(keys.tick(d));
        }
        out
    }

    /// A press of `pin` at `t` ms that bounces for 5 ms, held 150 ms.
    fn bouncy(pin: u32, t: u64) -> Vec<(u64, u32, bool)> {
        vec![
            (t, pin, true),
            (t + 1, pin, false),
            (t + 2, pin, true),
            (t + 4, pin, false),
            (t + 5, pin, true),
            (t + 150, pin, false),
            (t + 152, pin, true),
            (t + 153, pin, false),
        ]
    }

    #[test]
    fn a_bouncy_press_is_one_press_of_the_key_s_level() {
        // Window 1 (stable 15 ms), key 4 from the left: level 2.
        assert_eq!(
            run(&bouncy(19, 100), 1000),
            [Input::EvaluatorKey {
                window: 1,
                level: 2
            }]
        );
        // Window 2 (leading edge, 50 ms lockout), its first key: level 5.
        assert_eq!(
            run(&bouncy(12, 100), 1000),
            [Input::EvaluatorKey {
                window: 2,
                level: 5
            }]
        );
    }

    #[test]
    fn a_key_held_too_long_is_stuck_until_released() {
        let out = run(&[(0, 22, true), (12_000, 22, false)], 13_000);
        assert_eq!(
            out,
            [
                Input::EvaluatorKey {
                    window: 3,
                    level: 1
                },
                Input::EvaluatorStuck {
                    window: 3,
                    level: 1,
                    stuck: true
                },
                Input::EvaluatorStuck {
                    window: 3,
                    level: 1,
                    stuck: false
                },
            ]
        );
    }

    #[test]
    fn a_staff_keypad_key_counts_at_its_first_edge_once_per_press() {
        let mut keys = Keys::new(&BoardProfile::simulated(), ms(0));
        // Window 1's call key (pin 30) bounces on press and release.
        let mut got = Vec::new();
        for (at, pressed) in [
            (10, true),
            (11, false),
            (12, true),
            (90, false),
            (92, true),
            (93, false),
        ] {
            got.extend(keys.edge(30, pressed, ms(at)).unwrap());
        }
        got.extend(keys.tick(ms(500)));
        assert_eq!(
            got,
            [Input::StaffKey {
                window: 1,
                key: StaffKey::CallNext
            }],
            "the bounce within the lockout is one press"
        );
        // Pressed again later: a second call; complete is its own key.
        let again = keys.edge(30, true, ms(1_000)).unwrap();
        assert_eq!(
            again,
            [Input::StaffKey {
                window: 1,
                key: StaffKey::CallNext
            }]
        );
        let complete = keys.edge(33, true, ms(1_100)).unwrap();
        assert_eq!(
            complete,
            [Input::StaffKey {
                window: 1,
                key: StaffKey::Complete
            }]
        );
        // Held a minute and more, a staff key is no fault to rate.
        assert!(keys.tick(ms(70_000)).is_empty());
    }

    #[test]
    fn unknown_pins_and_missing_levels_are_refused_by_name() {
        let mut keys = Keys::new(&BoardProfile::simulated(), ms(0));
        let e = keys.edge(4, true, ms(1)).unwrap_err();
        assert!(e.starts_with("pin 4 is not wired to a key in built-in board profile simulated.toml; its key pins are 5, 6, 12,"), "{e}");
        assert_eq!(
            keys.press(3, 4).unwrap_err(),
            "window 3's evaluator has no key for level 4; its keys give 5, 3, 1"
        );
        assert!(
            keys.press(9, 5)
                .unwrap_err()
                .starts_with("window 9 has no evaluator")
        );
        assert_eq!(
            keys.press(2, 1),
            Ok(Input::EvaluatorKey {
                window: 2,
                level: 1
            })
        );
    }
}
