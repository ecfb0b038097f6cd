//! The Pi's routing on simulated lines: the input thread, the loops'
//! sampling and the output driver, as they run on a Pi.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use drivers::zone::{FaultKind, Reading};

use super::*;
use crate::StaffKey;
use crate::pi::sim::SimGpio;
use crate::profile::PI_2_WINDOWS;

/// What the threads told the station.
#[derive(Clone, PartialEq, Debug)]
enum Seen {
    Key(u32, bool),
    Zone(String, ZoneRead),
}

#[derive(Clone)]
struct Recorder(Sender<Seen>);

impl Sink for Recorder {
    fn key(&self, pin: u32, pressed: bool) -> bool {
        self.0.send(Seen::Key(pin, pressed)).is_ok()
    }
    fn zone(&self, zone: &str, read: ZoneRead) -> bool {
        self.0.send(Seen::Zone(zone.to_string(), read)).is_ok()
    }
    fn gone(&self) -> bool {
        false
    }
}

/// The next thing seen that `keep` keeps (the loops are sampled ten times
/// a second, so the same readings come again and again).
fn next(seen: &Receiver<Seen>, keep: impl Fn(&Seen) -> bool) -> Seen {
    loop {
        let s = seen
            .recv_timeout(Duration::from_secs(5))
            .expect("the hardware's threads send it");
        if keep(&s) {
            return s;
        }
    }
}

fn reading(zone: &str, r: Reading) -> Seen {
    Seen::Zone(zone.into(), ZoneRead::Reading(r))
}

/// Two contact zones, one with a fault contact, and window 1's evaluator.
const CONTACTS: &str = "name = \"c\"\n[board]\nmodel = \"pi4\"\nbackend = \"gpiocdev\"\n[[evaluator]]\nwindow = 1\nkeys = [{ pin = 5, level = 5 }, { pin = 6, level = 3 }, { pin = 13, level = 1 }]\n[[zone]]\nname = \"panic\"\nrole = \"panic\"\ninput = { kind = \"contact\", pin = 20, active = \"open\" }\nreset_role = \"staff\"\n[[zone]]\nname = \"smoke\"\nrole = \"smoke\"\ninput = { kind = \"contact-with-fault\", pin = 21, active = \"closed\", fault_pin = 7, fault_active = \"open\" }\nreset_role = \"manager\"\n";

fn contacts() -> BoardProfile {
    BoardProfile::parse("c.toml", CONTACTS).unwrap()
}

fn started(profile: &BoardProfile) -> (SimGpio, Hardware, Receiver<Seen>) {
    let (sim, lines) = SimGpio::open(profile);
    let (tx, rx) = channel();
    let parts = Parts {
        lines: Ok(lines),
        adc: sim.adc(),
    };
    let hw = start_with(profile, parts, Recorder(tx));
    (sim, hw, rx)
}

#[test]
fn contact_levels_become_zone_readings_with_their_fault_contacts() {
    let profile = contacts();
    let closed = |levels: &[(u32, bool)]| levels.iter().copied().collect::<BTreeMap<_, _>>();
    use inputs::contact_reads;
    // Both healthy: the panic loop closed, the smoke contact open, its
    // fault contact closed.
    assert_eq!(
        contact_reads(&profile, &closed(&[(20, true), (21, false), (7, true)])),
        [
            ("panic".to_string(), Reading::Normal),
            ("smoke".to_string(), Reading::Normal)
        ]
    );
    assert_eq!(
        contact_reads(&profile, &closed(&[(20, false), (21, true), (7, true)])),
        [
            ("panic".to_string(), Reading::Active),
            ("smoke".to_string(), Reading::Active)
        ]
    );
    assert_eq!(
        contact_reads(&profile, &closed(&[(20, true), (21, false), (7, false)]))[1],
        ("smoke".to_string(), Reading::Fault(FaultKind::Detector))
    );
    // Levels that could not be read are no reading at all: never the
    // open contact that would raise a panic alarm.
    assert_eq!(
        contact_reads(&profile, &closed(&[(21, false)])),
        [
            ("panic".to_string(), Reading::Fault(FaultKind::Unreadable)),
            ("smoke".to_string(), Reading::Fault(FaultKind::Unreadable))
        ]
    );
}

#[test]
fn the_input_thread_reads_the_levels_at_start_then_every_edge() {
    let profile = contacts();
    let (sim, hw, seen) = started(&profile);
    assert!(hw.problems.now().is_empty(), "{:?}", hw.problems.now());
    // At rest every line is inactive: the panic contact (active open) is
    // open, so it reads active; the smoke detector's fault contact is open.
    assert_eq!(seen.recv().unwrap(), reading("panic", Reading::Active));
    assert_eq!(
        seen.recv().unwrap(),
        reading("smoke", Reading::Fault(FaultKind::Detector))
    );
    sim.contact("panic", false, true);
    assert_eq!(seen.recv().unwrap(), reading("panic", Reading::Normal));
    assert_eq!(
        seen.recv().unwrap(),
        reading("smoke", Reading::Fault(FaultKind::Detector))
    );
    // A key's bouncing burst arrives whole, in order, for the filters.
    sim.key_edges(1, 5, &[true, false, true]);
    let keys: Vec<Seen> = (0..3).map(|_| seen.recv().unwrap()).collect();
    assert_eq!(
        keys,
        [Seen::Key(5, true), Seen::Key(5, false), Seen::Key(5, true)]
    );
}

#[test]
fn lines_that_cannot_be_read_make_contacts_unreadable_until_read_afresh() {
    let profile = contacts();
    let (sim, _hw, seen) = started(&profile);
    for _ in 0..2 {
        seen.recv().unwrap();
    }
    sim.fail_inputs(true);
    assert_eq!(
        seen.recv().unwrap(),
        reading("panic", Reading::Fault(FaultKind::Unreadable))
    );
    assert_eq!(
        seen.recv().unwrap(),
        reading("smoke", Reading::Fault(FaultKind::Unreadable))
    );
    // While the lines are out, a key is pressed and the contacts closed;
    // once they read again, the levels are read, not the gap's edges: the
    // held key is one press, the zones read what they are now.
    sim.key_edges(1, 1, &[true, false, true]);
    sim.contact("panic", false, true);
    sim.contact("smoke", true, true);
    sim.fail_inputs(false);
    assert_eq!(seen.recv().unwrap(), Seen::Key(13, true));
    assert_eq!(seen.recv().unwrap(), reading("panic", Reading::Normal));
    assert_eq!(seen.recv().unwrap(), reading("smoke", Reading::Normal));
}

#[test]
fn a_backend_that_cannot_open_leaves_the_outputs_out_and_the_contacts_unreadable() {
    let profile = contacts();
    let (sim, _) = SimGpio::open(&profile);
    let (tx, seen) = channel();
    let parts = Parts {
        lines: Err(GpioError::Permission("/dev/gpiochip0".into())),
        adc: sim.adc(),
    };
    let hw = start_with(&profile, parts, Recorder(tx));
    assert!(hw.outputs.is_none());
    let problems = hw.problems.now();
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].starts_with("GPIO (gpiocdev backend): permission denied on /dev/gpiochip0"),
        "{problems:?}"
    );
    assert_eq!(
        seen.recv().unwrap(),
        reading("panic", Reading::Fault(FaultKind::Unreadable))
    );
}

#[test]
fn the_loops_are_sampled_through_their_adc_and_a_silent_adc_is_a_problem() {
    let profile = BoardProfile::parse("pi-2-windows.toml", PI_2_WINDOWS).unwrap();
    let (sim, lines) = SimGpio::open(&profile);
    sim.loop_millivolts("panic", 1650.0);
    sim.loop_millivolts("smoke", 800.0);
    let (tx, seen) = channel();
    let parts = Parts {
        lines: Ok(lines),
        adc: sim.adc(),
    };
    let _hw = start_with(&profile, parts, Recorder(tx));
    let value = |zone: &'static str| move |s: &Seen| matches!(s, Seen::Zone(z, ZoneRead::Value(_)) if z == zone);
    assert_eq!(
        next(&seen, value("smoke")),
        Seen::Zone("smoke".into(), ZoneRead::Value(800.0))
    );
    sim.loop_millivolts("panic", 900.0);
    let panic = next(
        &seen,
        |s| matches!(s, Seen::Zone(z, ZoneRead::Value(v)) if z == "panic" && *v < 1000.0),
    );
    assert_eq!(panic, Seen::Zone("panic".into(), ZoneRead::Value(900.0)));

    // An ADC that does not answer when the kiosk starts.
    let (sim, lines) = SimGpio::open(&profile);
    sim.silence_adc(1, 0x48, true);
    let (tx, seen) = channel();
    let parts = Parts {
        lines: Ok(lines),
        adc: sim.adc(),
    };
    let hw = start_with(&profile, parts, Recorder(tx));
    assert_eq!(
        hw.problems.now(),
        [
            "zone panic: the ADC at 0x48 does not answer",
            "zone smoke: the ADC at 0x48 does not answer"
        ]
    );
    let unreadable = |zone: &'static str| {
        move |s: &Seen| *s == reading(zone, Reading::Fault(FaultKind::Unreadable))
    };
    next(&seen, unreadable("panic"));
    next(&seen, unreadable("smoke"));
}

#[test]
fn the_outputs_follow_by_role_and_a_failed_line_is_set_again() {
    let profile = BoardProfile::parse("pi-2-windows.toml", PI_2_WINDOWS).unwrap();
    let (sim, hw, _seen) = started(&profile);
    let driver = hw.outputs.expect("the outputs opened");
    driver.set(Output::AlarmRelay, true);
    driver.set(Output::AlarmRelay, true);
    driver.set(Output::Heartbeat, true);
    assert_eq!(sim.settings(Some(Output::AlarmRelay)), [true]);
    assert_eq!(sim.output(Some(Output::Heartbeat)), Some(true));
    assert_eq!(sim.output(Some(Output::SirenRelay)), None);
    // The line fails as the alarm ends; it is set at the next call, though
    // the wanted level is the same.
    sim.fail_outputs(true);
    driver.set(Output::AlarmRelay, false);
    assert_eq!(sim.output(Some(Output::AlarmRelay)), Some(true));
    sim.fail_outputs(false);
    driver.set(Output::AlarmRelay, false);
    assert_eq!(sim.settings(Some(Output::AlarmRelay)), [true, false]);
}

#[test]
fn the_buzzer_plays_the_pattern_it_is_told_until_told_another() {
    let profile = BoardProfile::parse("pi-2-windows.toml", PI_2_WINDOWS).unwrap();
    let (sim, hw, _seen) = started(&profile);
    let driver = hw.outputs.expect("the outputs opened");
    assert!(
        sim.wait_output(None, false, Duration::from_secs(5)),
        "quiet at start"
    );
    driver.buzzer(Buzzer::BadRating);
    // Three beeps, then quiet: six settings after the first.
    let settings = || sim.settings(None);
    while settings().len() < 7 {
        assert!(sim.wait_output(None, !settings().last().unwrap(), Duration::from_secs(5)));
    }
    assert_eq!(settings(), [false, true, false, true, false, true, false]);
    driver.buzzer(Buzzer::Alarm);
    assert!(
        sim.wait_output(None, true, Duration::from_secs(5)),
        "an alarm sounds"
    );
}

#[test]
fn keypad_keys_reach_the_sink_as_key_edges() {
    let profile = BoardProfile::parse("pi-2-windows.toml", PI_2_WINDOWS).unwrap();
    let (sim, _hw, seen) = started(&profile);
    sim.keypad(2, StaffKey::CallNext, true);
    assert_eq!(
        next(&seen, |s| matches!(s, Seen::Key(..))),
        Seen::Key(9, true)
    );
}

#[test]
fn the_survey_names_held_keys_and_reads_each_contact_and_loop_once() {
    let profile = BoardProfile::parse("pi-2-windows.toml", PI_2_WINDOWS).unwrap();
    let (sim, lines) = SimGpio::open(&profile);
    sim.key_edges(2, 3, &[true]);
    sim.loop_millivolts("panic", 1650.0);
    sim.silence_adc(1, 0x48, false);
    let s = survey_with(
        &profile,
        Parts {
            lines: Ok(lines),
            adc: sim.adc(),
        },
    );
    assert_eq!(s.lines.unwrap(), 18);
    assert_eq!(
        s.held,
        [(1, vec![]), (2, vec!["key 3 (GPIO 22)".to_string()])]
    );
    assert!(s.contacts.is_empty(), "the reference wiring has loops only");
    assert_eq!(s.loops[0], ("panic".into(), Ok((1650.0, Reading::Normal))));
    assert_eq!(
        s.loops[1],
        ("smoke".into(), Err("nothing is wired to input 0".into()))
    );

    // Contacts at rest: three keys and three contact lines read.
    let profile = contacts();
    let (sim, lines) = SimGpio::open(&profile);
    let parts = Parts {
        lines: Ok(lines),
        adc: sim.adc(),
    };
    let s = survey_with(&profile, parts);
    assert_eq!(s.lines.unwrap(), 6);
    assert_eq!(
        s.contacts,
        [
            ("panic".to_string(), Reading::Active),
            ("smoke".to_string(), Reading::Fault(FaultKind::Detector))
        ]
    );
    // Lines that open but do not read: no reading is made up.
    let (sim, lines) = SimGpio::open(&profile);
    sim.fail_inputs(true);
    let parts = Parts {
        lines: Ok(lines),
        adc: sim.adc(),
    };
    let s = survey_with(&profile, parts);
    assert!(s.lines.is_err() && s.contacts.is_empty() && s.held.is_empty());
}
