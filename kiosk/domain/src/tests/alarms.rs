//! Tests of the safety zones: alarms latching, reset refusals, evacuation,
//! faults, alarms surviving a rebuild, and gas warnings.

use super::*;

/// A station with a panic button (staff reset) and a smoke detector (manager
/// reset), as zones 0 and 1.
fn guarded() -> Run {
    Run::new(Settings {
        zones: vec![
            ZoneInfo {
                name: "panic".into(),
                role: ZoneRole::Panic,
                reset_role: Some(StaffRole::Staff),
            },
            ZoneInfo {
                name: "smoke".into(),
                role: ZoneRole::Smoke,
                reset_role: Some(StaffRole::Manager),
            },
        ],
        ..Settings::default()
    })
}

fn signal(run: &mut Run, zone: u8, signal: ZoneSignal) -> Decision {
    run.go(Command::Zone { zone, signal }).unwrap()
}

#[test]
fn a_panic_alarm_latches_turns_the_alarm_relay_on_and_leaves_the_public_screen_alone() {
    let mut run = guarded();
    signal(&mut run, 0, ZoneSignal::Active(true));
    let d = signal(&mut run, 0, ZoneSignal::Alarm);
    assert_eq!(Run::kinds(&d), ["alarm_raised"]);
    assert_eq!(
        d.effects,
        [Effect::Notify(Notice::Alarm {
            zone: "panic".into(),
            role: ZoneRole::Panic
        })]
    );
    let view = run.station.view(run.now);
    assert!(
        !view.evacuate,
        "a panic alarm is silent on the public screen"
    );
    assert_eq!(
        view.outputs,
        OutputState {
            alarm_relay: true,
            siren_relay: false,
            buzzer: BuzzerPattern::Alarm
        }
    );
    // Tickets are still issued.
    run.issue(a(), false);
    // A second alarm signal while latched records nothing.
    assert!(signal(&mut run, 0, ZoneSignal::Alarm).records.is_empty());
    // Acknowledged: the buzzer stops, the relay stays on.
    run.go(Command::AcknowledgeAlarm { zone: 0 }).unwrap();
    let outputs = run.station.view(run.now).outputs;
    assert!(outputs.alarm_relay);
    assert_eq!(outputs.buzzer, BuzzerPattern::Off);
}

/// What the zones signalled at one moment is one decision: the panic
/// button's input and its alarm go to the journal together, each signal
/// seeing those before it; a bad zone rejects the lot.
#[test]
fn signals_of_one_moment_are_decided_together_in_order() {
    let mut run = guarded();
    run.go(Command::Tick).unwrap();
    let pressed = [(0, ZoneSignal::Active(true)), (0, ZoneSignal::Alarm)];
    let d = run.station.decide_zones(&pressed, run.now).unwrap();
    assert_eq!(Run::kinds(&d), ["zone_input", "alarm_raised"]);
    assert!(d.records.iter().all(|r| r.actor == Actor::System));
    assert_eq!(d.effects.len(), 1, "{:?}", d.effects);
    // Deciding changed nothing yet; applied, the alarm is latched.
    assert!(run.station.latched_zones().is_empty());
    for r in &d.records {
        run.station.apply(r);
    }
    assert_eq!(run.station.latched_zones(), ["panic"]);
    // A second alarm in the same moment as the first records nothing.
    let twice = [(1, ZoneSignal::Alarm), (1, ZoneSignal::Alarm)];
    let d = run.station.decide_zones(&twice, run.now).unwrap();
    assert_eq!(Run::kinds(&d), ["alarm_raised"]);
    assert!(matches!(
        run.station
            .decide_zones(&[(1, ZoneSignal::Alarm), (9, ZoneSignal::Alarm)], run.now),
        Err(Rejection::UnknownZone(9))
    ));
}

#[test]
fn a_reset_is_refused_while_the_input_is_active_or_the_role_is_too_low() {
    let mut run = guarded();
    signal(&mut run, 1, ZoneSignal::Active(true));
    signal(&mut run, 1, ZoneSignal::Alarm);
    let reset = |run: &mut Run, role| run.go(Command::ResetAlarm { zone: 1, role });
    assert_eq!(
        reset(&mut run, StaffRole::Staff),
        Err(Rejection::ResetRefused {
            zone: "smoke".into(),
            reason: ResetRefusal::Role,
            needed: Some(StaffRole::Manager)
        })
    );
    let refused = reset(&mut run, StaffRole::Manager).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "zone `smoke` still reports the alarm (button held, smoke present); reset it once the input is normal"
    );
    signal(&mut run, 1, ZoneSignal::Active(false));
    let d = reset(&mut run, StaffRole::Manager).unwrap();
    assert_eq!(Run::kinds(&d), ["alarm_reset"]);
    assert_eq!(
        reset(&mut run, StaffRole::Manager),
        Err(Rejection::NotLatched("smoke".into()))
    );
    assert_eq!(
        run.go(Command::Zone {
            zone: 7,
            signal: ZoneSignal::Alarm
        }),
        Err(Rejection::UnknownZone(7))
    );
}

#[test]
fn a_smoke_alarm_evacuates_stops_ticketing_and_the_station_returns_where_it_was() {
    let mut run = guarded();
    let a1 = run.issue(a(), false);
    signal(&mut run, 1, ZoneSignal::Active(true));
    signal(&mut run, 1, ZoneSignal::Alarm);
    let view = run.station.view(run.now);
    assert!(view.evacuate);
    assert_eq!(
        view.outputs,
        OutputState {
            alarm_relay: true,
            siren_relay: true,
            buzzer: BuzzerPattern::Alarm
        }
    );
    assert_eq!(
        run.go(Command::Issue {
            category: a(),
            priority: false
        }),
        Err(Rejection::Evacuation("smoke".into()))
    );
    signal(&mut run, 1, ZoneSignal::Active(false));
    run.go(Command::ResetAlarm {
        zone: 1,
        role: StaffRole::Manager,
    })
    .unwrap();
    let view = run.station.view(run.now);
    assert!(!view.evacuate);
    assert_eq!(view.waiting, [a1], "the waiting ticket still waits");
    run.issue(a(), false);
}

#[test]
fn a_fault_on_one_zone_never_masks_an_alarm_on_another_and_is_told_once_per_change() {
    let mut run = guarded();
    run.issue(a(), false);
    let d = signal(&mut run, 1, ZoneSignal::Fault(Some(ZoneFault::Open)));
    assert_eq!(Run::kinds(&d), ["zone_fault"]);
    assert!(
        signal(&mut run, 1, ZoneSignal::Fault(Some(ZoneFault::Open)))
            .records
            .is_empty()
    );
    let view = run.station.view(run.now);
    assert!(!view.evacuate, "a fault leaves the public screen unchanged");
    assert_eq!(view.outputs.buzzer, BuzzerPattern::Fault);
    // The panic button still alarms, and its alarm outranks the fault.
    signal(&mut run, 0, ZoneSignal::Alarm);
    let outputs = run.station.view(run.now).outputs;
    assert!(outputs.alarm_relay);
    assert_eq!(outputs.buzzer, BuzzerPattern::Alarm);
    // Repaired.
    let d = signal(&mut run, 1, ZoneSignal::Fault(None));
    assert_eq!(
        d.effects,
        [Effect::Notify(Notice::ZoneFault {
            zone: "smoke".into(),
            fault: None
        })]
    );
}

#[test]
fn latched_alarms_survive_a_rebuild_and_a_new_day() {
    let mut run = guarded();
    signal(&mut run, 0, ZoneSignal::Alarm);
    // The store finds the latched alarm in the journal of an earlier day.
    let mut rebuilt = run.station.blank();
    rebuilt.seed_alarms([("panic".to_string(), run.now)]);
    assert_eq!(rebuilt.latched_zones(), ["panic"]);
    assert!(rebuilt.view(run.now).outputs.alarm_relay);
    // A new business day does not clear it.
    let mut next = Run {
        station: rebuilt,
        now: at("2026-12-01T09:00"),
        journal: Vec::new(),
    };
    next.issue(a(), false);
    assert_eq!(next.station.latched_zones(), ["panic"]);
}

#[test]
fn a_gas_sensor_only_ever_warns_staff() {
    let mut run = Run::new(Settings {
        zones: vec![ZoneInfo {
            name: "gas".into(),
            role: ZoneRole::Gas,
            reset_role: None,
        }],
        ..Settings::default()
    });
    let d = signal(&mut run, 0, ZoneSignal::Alarm);
    assert!(d.effects.contains(&Effect::Notify(Notice::Alarm {
        zone: "gas".into(),
        role: ZoneRole::Gas
    })));
    let view = run.station.view(run.now);
    assert!(!view.evacuate);
    assert_eq!(
        view.outputs,
        OutputState {
            alarm_relay: false,
            siren_relay: false,
            buzzer: BuzzerPattern::Off
        }
    );
    run.issue(a(), false);
    // Any staff member clears the warning once the reading is normal.
    run.go(Command::ResetAlarm {
        zone: 0,
        role: StaffRole::Staff,
    })
    .unwrap();
}
