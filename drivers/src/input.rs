//! Input filters for keys and contacts: debouncing and stuck-key detection.
//!
//! Pure state machines for every backend (the GPIO character device, rppal, the
//! simulated board's raw edges; `board::keys` feeds them the evaluator keys).
//! A backend reports raw level changes with the time it saw them; the filter
//! says what the key really did. Nothing here reads a clock or sleeps: time is passed in, as a [`Duration`] since any fixed start, and a
//! caller with nothing to report asks [`Key::deadline`] when to call
//! [`Key::tick`] next.
//!
//! Mechanical keys bounce for 1–20 ms. Two filters are offered, chosen per input:
//! - [`Filter::Stable`]: a level counts once the raw input has held it for `T`
//!   (10–20 ms suits keys). Immune to glitches shorter than `T`; adds `T` of
//!   latency.
//! - [`Filter::Leading`]: the first edge counts at once, then edges are ignored
//!   for a lockout (50 ms suits keys). No latency; a glitch on an idle line
//!   counts as a press.

use std::time::Duration;

/// How an input is debounced.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Filter {
    /// A level counts once it has held for this long.
    Stable(Duration),
    /// The first edge counts at once; edges within this long after are ignored.
    Leading(Duration),
}

/// What a key did, as the filters decided.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum KeyEvent {
    Pressed {
        at: Duration,
    },
    Released {
        at: Duration,
    },
    /// Held down longer than the stuck limit: a fault (a jammed key, a short).
    Stuck {
        at: Duration,
    },
    /// Released after being stuck: the fault clears.
    Unstuck {
        at: Duration,
    },
}

/// One debounced input.
#[derive(Clone, Debug)]
pub struct Debouncer {
    filter: Filter,
    /// The debounced level (true = active).
    level: bool,
    /// The raw level and when it last changed.
    raw: bool,
    raw_since: Duration,
    /// Leading-edge filter: edges before this are ignored.
    locked_until: Duration,
}

impl Debouncer {
    /// An input whose level is `level` at time `now` (read at start).
    pub fn new(filter: Filter, level: bool, now: Duration) -> Self {
        Self {
            filter,
            level,
            raw: level,
            raw_since: now,
            locked_until: now,
        }
    }

    /// The debounced level.
    pub fn level(&self) -> bool {
        self.level
    }

    /// A raw level seen at `at`. Returns the debounced changes it makes now, in
    /// order: a change the time up to this edge settled, then (leading filter)
    /// the change this edge makes at once. Edges must come in time order; one
    /// earlier than the last is taken as happening at the last edge's time.
    pub fn edge(&mut self, level: bool, at: Duration) -> Vec<(bool, Duration)> {
        let at = at.max(self.raw_since);
        let mut changes: Vec<(bool, Duration)> = self.tick(at).into_iter().collect();
        if level != self.raw {
            self.raw = level;
            self.raw_since = at;
        }
        if let Filter::Leading(lockout) = self.filter
            && at >= self.locked_until
            && self.raw != self.level
        {
            self.level = self.raw;
            self.locked_until = at + lockout;
            changes.push((self.level, at));
        }
        changes
    }

    /// Time passes with no edge. Returns the change that settles by `now`.
    pub fn tick(&mut self, now: Duration) -> Option<(bool, Duration)> {
        if self.raw == self.level {
            return None;
        }
        let due = self.due()?;
        if now < due {
            return None;
        }
        self.level = self.raw;
        if let Filter::Leading(lockout) = self.filter {
            self.locked_until = due + lockout;
        }
        Some((self.level, due))
    }

    /// When a pending change would settle, if one is pending.
    pub fn deadline(&self) -> Option<Duration> {
        if self.raw == self.level {
            None
        } else {
            self.due()
        }
    }

    fn due(&self) -> Option<Duration> {
        Some(match self.filter {
            Filter::Stable(t) => self.raw_since + t,
            // A change that came during the lockout counts when it ends, if the
            // raw level still differs then.
            Filter::Leading(_) => self.locked_until.max(self.raw_since),
        })
    }
}

/// A debounced key with stuck-key detection.
#[derive(Clone, Debug)]
pub struct Key {
    debouncer: Debouncer,
    /// Held longer than this is a fault.
    stuck_after: Duration,
    pressed_at: Option<Duration>,
    stuck: bool,
}

impl Key {
    /// A key, released at `now`.
    pub fn new(filter: Filter, stuck_after: Duration, now: Duration) -> Self {
        Self {
            debouncer: Debouncer::new(filter, false, now),
            stuck_after,
            pressed_at: None,
            stuck: false,
        }
    }

    pub fn is_stuck(&self) -> bool {
        self.stuck
    }

    /// A raw level (true = pressed) seen at `at`.
    pub fn edge(&mut self, pressed: bool, at: Duration) -> Vec<KeyEvent> {
        let mut events = self.tick(at);
        for change in self.debouncer.edge(pressed, at) {
            self.change(change, &mut events);
        }
        events
    }

    /// Time passes: debounced changes that settle and a key that becomes stuck.
    pub fn tick(&mut self, now: Duration) -> Vec<KeyEvent> {
        let mut events = Vec::new();
        if let Some(change) = self.debouncer.tick(now) {
            self.change(change, &mut events);
        }
        if let Some(since) = self.pressed_at
            && !self.stuck
            && now >= since + self.stuck_after
        {
            self.stuck = true;
            events.push(KeyEvent::Stuck {
                at: since + self.stuck_after,
            });
        }
        events
    }

    /// When to call [`Key::tick`] next, if anything is pending.
    pub fn deadline(&self) -> Option<Duration> {
        let stuck = self
            .pressed_at
            .filter(|_| !self.stuck)
            .map(|since| since + self.stuck_after);
        match (self.debouncer.deadline(), stuck) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn change(&mut self, (pressed, at): (bool, Duration), events: &mut Vec<KeyEvent>) {
        if pressed {
            self.pressed_at = Some(at);
            // A press is a press even if the key later turns out stuck: the
            // rating rule takes the first one and no more.
            if !self.stuck {
                events.push(KeyEvent::Pressed { at });
            }
        } else {
            self.pressed_at = None;
            if std::mem::take(&mut self.stuck) {
                events.push(KeyEvent::Unstuck { at });
            } else {
                events.push(KeyEvent::Released { at });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// Feeds a train of raw edges (time in ms, level), then ticks to `end`;
    /// returns every event in order.
    fn run(key: &mut Key, train: &[(u64, bool)], end: u64) -> Vec<KeyEvent> {
        let mut events = Vec::new();
        for &(t, level) in train {
            events.extend(key.edge(level, ms(t)));
        }
        // Tick at every deadline, as a timer would, then at the end.
        while let Some(d) = key.deadline().filter(|d| *d <= ms(end)) {
            events.extend(key.tick(d));
        }
        events.extend(key.tick(ms(end)));
        events
    }

    /// A press at `t` that bounces for 5 ms, held for `hold` ms, released with
    /// another 5 ms of bounce.
    fn bouncy_press(t: u64, hold: u64) -> Vec<(u64, bool)> {
        vec![
            (t, true),
            (t + 1, false),
            (t + 2, true),
            (t + 4, false),
            (t + 5, true),
            (t + hold, false),
            (t + hold + 1, true),
            (t + hold + 3, false),
            (t + hold + 5, true),
            (t + hold + 6, false),
        ]
    }

    fn presses(events: &[KeyEvent]) -> Vec<u64> {
        events
            .iter()
            .filter_map(|e| match e {
                KeyEvent::Pressed { at } => Some(at.as_millis() as u64),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_bounce_of_five_ms_is_one_press_with_either_filter() {
        for filter in [Filter::Stable(ms(15)), Filter::Leading(ms(50))] {
            let mut key = Key::new(filter, ms(10_000), ms(0));
            let events = run(&mut key, &bouncy_press(100, 120), 1000);
            assert_eq!(presses(&events).len(), 1, "{filter:?}: {events:?}");
            assert_eq!(
                events
                    .iter()
                    .filter(|e| matches!(e, KeyEvent::Released { .. }))
                    .count(),
                1,
                "{filter:?}: {events:?}"
            );
        }
    }

    #[test]
    fn stable_waits_and_leading_does_not() {
        let mut stable = Key::new(Filter::Stable(ms(15)), ms(10_000), ms(0));
        let mut leading = Key::new(Filter::Leading(ms(50)), ms(10_000), ms(0));
        // Last bounce at 105: stable from 105, counted at 120.
        assert_eq!(
            presses(&run(&mut stable, &bouncy_press(100, 120), 1000)),
            [120]
        );
        assert_eq!(
            presses(&run(&mut leading, &bouncy_press(100, 120), 1000)),
            [100]
        );
    }

    #[test]
    fn two_presses_200_ms_apart_are_two_presses() {
        // Two citizens (or one impatient one): the filter reports both; the
        // rating rule decides that only the first counts.
        for filter in [Filter::Stable(ms(15)), Filter::Leading(ms(50))] {
            let mut key = Key::new(filter, ms(10_000), ms(0));
            let mut train = bouncy_press(100, 80);
            train.extend(bouncy_press(300, 80));
            assert_eq!(presses(&run(&mut key, &train, 1000)).len(), 2, "{filter:?}");
        }
    }

    #[test]
    fn a_glitch_shorter_than_the_window_is_ignored_by_the_stable_filter() {
        let mut key = Key::new(Filter::Stable(ms(15)), ms(10_000), ms(0));
        let events = run(&mut key, &[(100, true), (108, false)], 1000);
        assert!(events.is_empty(), "{events:?}");
        // The leading filter takes it: that is its trade.
        let mut key = Key::new(Filter::Leading(ms(50)), ms(10_000), ms(0));
        let events = run(&mut key, &[(100, true), (108, false)], 1000);
        assert_eq!(
            events,
            [
                KeyEvent::Pressed { at: ms(100) },
                KeyEvent::Released { at: ms(150) }
            ],
            "the release counts when the lockout ends"
        );
    }

    #[test]
    fn a_key_held_too_long_is_stuck_until_released() {
        let mut key = Key::new(Filter::Stable(ms(15)), ms(5000), ms(0));
        let events = run(&mut key, &[(100, true)], 6000);
        assert_eq!(
            events,
            [
                KeyEvent::Pressed { at: ms(115) },
                KeyEvent::Stuck { at: ms(5115) }
            ]
        );
        assert!(key.is_stuck());
        assert_eq!(key.deadline(), None, "nothing more to wait for");
        let events = run(&mut key, &[(7000, false)], 8000);
        assert_eq!(events, [KeyEvent::Unstuck { at: ms(7015) }]);
        assert!(!key.is_stuck());
        // A normal press after the fault cleared.
        let events = run(&mut key, &bouncy_press(9000, 100), 10_000);
        assert_eq!(presses(&events), [9020]);
    }

    #[test]
    fn a_key_pressed_at_start_is_seen() {
        // The input was already active when read at start: a released key
        // that reads pressed is pressed (then maybe stuck).
        let mut key = Key::new(Filter::Stable(ms(15)), ms(1000), ms(0));
        let events = run(&mut key, &[(0, true)], 2000);
        assert_eq!(
            events,
            [
                KeyEvent::Pressed { at: ms(15) },
                KeyEvent::Stuck { at: ms(1015) }
            ]
        );
    }

    #[test]
    fn a_bare_debouncer_reports_both_changes_an_edge_decides() {
        // A release settled at the end of the lockout and the next press, fed
        // with no tick in between: both are reported, in order.
        let mut d = Debouncer::new(Filter::Leading(ms(50)), false, ms(0));
        assert_eq!(d.edge(true, ms(100)), [(true, ms(100))]);
        assert_eq!(d.edge(false, ms(108)), []);
        assert_eq!(d.edge(true, ms(300)), [(false, ms(150)), (true, ms(300))]);
        // The same with the stable filter: the release settles at 123.
        let mut d = Debouncer::new(Filter::Stable(ms(15)), false, ms(0));
        assert_eq!(d.edge(true, ms(100)), []);
        assert_eq!(d.edge(false, ms(200)), [(true, ms(115))]);
        assert_eq!(d.edge(true, ms(300)), [(false, ms(215))]);
    }

    proptest::proptest! {
        /// Whatever the raw train, debounced presses and releases alternate,
        /// come in time order, and (with the stable filter) are never closer
        /// than the window.
        #[test]
        fn any_train_gives_alternating_ordered_changes(
            gaps in proptest::collection::vec(0u64..40, 0..200),
            stable in proptest::prelude::any::<bool>(),
        ) {
            let filter = if stable { Filter::Stable(ms(15)) } else { Filter::Leading(ms(50)) };
            // Held 300 ms or more is stuck: long gaps in the train make some.
            let mut key = Key::new(filter, ms(300), ms(0));
            let mut t = 0;
            let mut level = false;
            let mut train = Vec::new();
            for g in gaps {
                t += g;
                level = !level;
                train.push((t, level));
            }
            let events = run(&mut key, &train, t + 1000);
            let mut pressed = false;
            let mut stuck = false;
            let mut last: Option<Duration> = None;
            for e in &events {
                let (now_pressed, at) = match *e {
                    KeyEvent::Pressed { at } => (true, at),
                    KeyEvent::Released { at } | KeyEvent::Unstuck { at } => (false, at),
                    KeyEvent::Stuck { at } => {
                        // Stuck only while pressed, and only once per press.
                        proptest::prop_assert!(pressed && !stuck, "{:?}", events);
                        stuck = true;
                        proptest::prop_assert!(last.is_none_or(|l| at >= l));
                        continue;
                    }
                };
                proptest::prop_assert_ne!(now_pressed, pressed, "{:?}", events);
                proptest::prop_assert_eq!(matches!(e, KeyEvent::Unstuck { .. }), stuck && !now_pressed);
                if let Some(l) = last {
                    proptest::prop_assert!(at >= l);
                    // Changes are at least the window (stable) or the lockout
                    // (leading) apart.
                    let gap = if stable { ms(15) } else { ms(50) };
                    proptest::prop_assert!(at - l >= gap, "{:?}", events);
                }
                if !now_pressed {
                    stuck = false;
                }
                pressed = now_pressed;
                last = Some(at);
            }
            // After the train the key rests at the last raw level.
            proptest::prop_assert_eq!(pressed, level);
        }
    }
}
