//! Tests of board profiles: the built-in profiles, the mapping of 3 and 4
//! keys, and every refusal located by file, line and field.

use std::time::Duration;

use drivers::input::Filter;
use drivers::zone::ZoneKind;

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
fn the_simulated_board_has_a_panic_button_a_smoke_loop_and_outputs() {
    let p = BoardProfile::simulated();
    let panic = p.zone("panic").unwrap();
    assert_eq!(panic.role, ZoneRole::Panic);
    assert_eq!(panic.kind(), ZoneKind::Panic);
    assert_eq!(panic.reset_role, Some(ResetRole::Staff));
    assert!(matches!(panic.wiring, ZoneWiring::Loop { channel: 1, .. }));
    let smoke = p.zone("smoke").unwrap();
    assert_eq!(
        smoke.kind(),
        ZoneKind::Smoke {
            confirm: Duration::from_secs(5)
        }
    );
    let ZoneWiring::Loop { bands, address, .. } = smoke.wiring else {
        panic!("{:?}", smoke.wiring)
    };
    assert_eq!(address, 0x48);
    assert_eq!(bands.classify(4700.0), drivers::zone::Reading::Normal);
    assert_eq!(p.outputs.siren_relay, Some(25));
}

#[test]
fn bad_zones_and_outputs_are_refused_with_file_line_and_field() {
    let zone = |input: &str, extra: &str| {
        format!("[[zone]]\nname = \"smoke\"\nrole = \"smoke\"\ninput = {input}\n{extra}")
    };
    let contact = "{ kind = \"contact\", pin = 23 }";
    let table = [
        (
            zone(contact, ""),
            "test.toml:2: field `zone[0].reset_role`: zone `smoke` has no reset_role; say who may reset its alarm: \"staff\" or \"manager\"",
        ),
        (
            zone(
                "{ kind = \"loop\", short_below = 300, normal = [3500, 6000], active_band = [5000, 7000], open_from = 20000 }",
                "reset_role = \"staff\"\n",
            ),
            "test.toml:5: field `zone[0].input.normal`: the normal band 3500–6000 and the active band 5000–7000 overlap",
        ),
        (
            zone(
                contact,
                "reset_role = \"staff\"\n[outputs]\nsiren_relay = 23\n",
            ),
            "test.toml:8: field `outputs.siren_relay`: pin 23 is already wired to zone `smoke`; each input and output needs its own pin",
        ),
        (
            zone(contact, "reset_role = \"staff\"\nconfirm_seconds = 11\n"),
            "test.toml:7: field `zone[0].confirm_seconds`: must be 0–10 seconds",
        ),
        (
            zone(
                "{ kind = \"loop\", short_below = 300 }",
                "reset_role = \"staff\"\n",
            ),
            "test.toml:5: field `zone[0].input.normal`: a `loop` input needs `normal`",
        ),
        (
            zone("{ kind = \"relay\", pin = 3 }", "reset_role = \"staff\"\n"),
            "test.toml:5: field `zone[0].input.kind`: `relay` is not a zone input; use \"contact\", \"contact-with-fault\" or \"loop\"",
        ),
        (
            zone(contact, "reset_role = \"janitor\"\n"),
            "test.toml:6: field `zone[0].reset_role`: `janitor` is not a role; use \"staff\" or \"manager\"",
        ),
    ];
    for (text, expected) in table {
        let e = profile(&text).unwrap_err();
        assert_eq!(e.to_string(), expected, "\n{text}");
    }
    // A key and a zone on one pin.
    let text = format!(
        "[[evaluator]]\nwindow = 1\nkeys = [{{ pin = 5, level = 5 }}, {{ pin = 6, level = 3 }}, {{ pin = 13, level = 1 }}]\n{}",
        zone(
            "{ kind = \"contact\", pin = 6 }",
            "reset_role = \"staff\"\n"
        )
    );
    assert_eq!(
        profile(&text).unwrap_err().to_string(),
        "test.toml:8: field `zone[0].input.pin`: pin 6 is already wired to evaluator[0].keys[1]; each input and output needs its own pin"
    );
}

#[test]
fn the_reference_pi_profile_wires_two_windows_on_the_header() {
    let p = BoardProfile::parse("pi-2-windows.toml", PI_2_WINDOWS).unwrap();
    assert_eq!(p.model, Model::Pi4);
    assert_eq!(p.backend, Backend::Gpiocdev { chip: Chip::Auto });
    assert_eq!(
        (p.pull, p.active_low, p.outputs_active_low),
        (Pull::Up, true, false)
    );
    assert_eq!(p.evaluators.len(), 2);
    assert_eq!(
        p.keypads.iter().map(|k| k.keys.len()).collect::<Vec<_>>(),
        [4, 4]
    );
    assert_eq!(p.printer.port.as_ref().unwrap().value, "/dev/kiosk-printer");
    assert_eq!(p.printer.baud.as_ref().unwrap().value, 9600);
    assert_eq!(p.screen.output.as_deref(), Some("DSI-1"));
    let mut pins: Vec<u32> = p
        .evaluators
        .iter()
        .flat_map(|e| e.keys.iter().map(|(pin, _)| *pin))
        .chain(
            p.keypads
                .iter()
                .flat_map(|k| k.keys.iter().map(|(pin, _)| *pin)),
        )
        .chain(
            [
                p.outputs.buzzer,
                p.outputs.alarm_relay,
                p.outputs.siren_relay,
                p.outputs.heartbeat,
            ]
            .into_iter()
            .flatten(),
        )
        .collect();
    pins.sort();
    assert!(
        pins.iter().all(|p| (4..=27).contains(p)),
        "off I2C bus 1's pins: {pins:?}"
    );
    pins.dedup();
    assert_eq!(pins.len(), 22);
    // The loops' bands as a 4.7 kΩ pull-up to 3.3 V against the loop
    // sees them: 4.7 kΩ normal, 2.2 kΩ across it when active.
    let mv = |r: f64| 3300.0 * r / (r + 4700.0);
    for z in &p.zones {
        let ZoneWiring::Loop { bands, .. } = z.wiring else {
            panic!("zone {} is a loop", z.name)
        };
        use drivers::zone::{FaultKind, Reading};
        assert_eq!(bands.classify(mv(4700.0) as f32), Reading::Normal);
        assert_eq!(
            bands.classify(mv(1.0 / (1.0 / 4700.0 + 1.0 / 2200.0)) as f32),
            Reading::Active
        );
        assert_eq!(
            bands.classify(mv(0.0) as f32),
            Reading::Fault(FaultKind::Short)
        );
        assert_eq!(bands.classify(3300.0), Reading::Fault(FaultKind::Open));
    }
}

#[test]
fn pi_profiles_are_refused_with_file_line_and_field() {
    let pi = |board: &str, rest: &str| {
        BoardProfile::parse(
            "pi.toml",
            &format!("name = \"pi\"\n[board]\n{board}\n{rest}"),
        )
        .map(|_| ())
        .map_err(|e| e.to_string())
    };
    let keys = |a: u32| {
        format!(
            "[[evaluator]]\nwindow = 1\nkeys = [{{ pin = {a}, level = 5 }}, {{ pin = 6, level = 3 }}, {{ pin = 13, level = 1 }}]\n"
        )
    };
    let table = [
        (
            pi("model = \"pi4\"", &keys(28)),
            "pi.toml:6: field `evaluator[0].keys[0].pin`: the pi4 has no GPIO 28; its header's lines are 2–27",
        ),
        (
            pi("model = \"pi5\"", &keys(0)),
            "pi.toml:6: field `evaluator[0].keys[0].pin`: the pi5 has no GPIO 0; its header's lines are 2–27",
        ),
        (
            pi("model = \"pi4\"\nbackend = \"wiringpi\"", ""),
            "pi.toml:4: field `board.backend`: `wiringpi` is not one of \"simulated\", \"gpiocdev\", \"rppal\"",
        ),
        (
            pi("model = \"pi3\"", ""),
            "pi.toml:3: field `board.model`: `pi3` is not one of \"simulated\", \"pi4\", \"pi5\"",
        ),
        (
            pi("backend = \"gpiocdev\"", ""),
            "pi.toml:3: field `board.model`: a GPIO backend needs the board's model: \"pi4\" or \"pi5\"",
        ),
        (
            pi("model = \"pi4\"\nchip = \"gpiochip0\"", ""),
            "pi.toml:4: field `board.chip`: `gpiochip0` is not a GPIO chip; use \"auto\" or a device such as \"/dev/gpiochip0\" (`gpiodetect` lists them)",
        ),
        (
            pi("model = \"pi4\"\nbackend = \"rppal\"\nchip = \"auto\"", ""),
            "pi.toml:5: field `board.chip`: only the gpiocdev backend opens a chip by name; leave `chip` out",
        ),
        (
            pi(
                "model = \"pi4\"",
                &(keys(3) + "display = { kind = \"ssd1306\" }\n"),
            ),
            "pi.toml:6: field `evaluator[0].keys[0].pin`: pin 3 is already wired to I2C bus 1's SCL (the window cards and the ADC); each input and output needs its own pin",
        ),
        (
            pi(
                "model = \"pi4\"",
                &format!("[printer]\nport = \"/dev/serial0\"\n{}", keys(14)),
            ),
            "pi.toml:8: field `evaluator[0].keys[0].pin`: pin 14 is already wired to the UART's TXD (the printer); each input and output needs its own pin",
        ),
        (
            pi("model = \"pi4\"", "[printer]\nbaud = 9601\n"),
            "pi.toml:5: field `printer.baud`: 9601 is not a serial speed a printer uses; use one of 2400, 4800, 9600, 19200, 38400, 57600, 115200",
        ),
        (
            pi(
                "model = \"pi4\"",
                &(keys(5) + "[[keypad]]\nwindow = 1\ncall = 6\n"),
            ),
            "pi.toml:9: field `keypad[0].call`: pin 6 is already wired to evaluator[0].keys[1]; each input and output needs its own pin",
        ),
        (
            pi("model = \"pi4\"", "[[keypad]]\nwindow = 2\n"),
            "pi.toml:4: field `keypad[0]`: a keypad needs at least one key: call, recall, skip or complete = PIN",
        ),
        (
            pi(
                "model = \"pi4\"",
                "[[keypad]]\nwindow = 2\ndigits = [2, 3, 4]\nenter = 5\n",
            ),
            "pi.toml:6: field `keypad[0].digits`: a numeric keypad lists the pins of its ten digit keys, 0 to 9; this one lists 3",
        ),
        (
            pi(
                "model = \"pi4\"",
                "[[keypad]]\nwindow = 2\ndigits = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]\n",
            ),
            "pi.toml:6: field `keypad[0].enter`: a numeric keypad needs its enter key's pin too (enter = PIN)",
        ),
        (
            pi(
                "model = \"pi4\"",
                "[[keypad]]\nwindow = 2\ndigits = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]\nenter = 11\n",
            ),
            "pi.toml:7: field `keypad[0].enter`: pin 11 is already wired to window 2's digit 9 key; each input and output needs its own pin",
        ),
        (
            pi(
                "model = \"pi4\"",
                "[[keypad]]\nwindow = 2\ncall = 20\n[[keypad]]\nwindow = 2\nskip = 21\n",
            ),
            "pi.toml:8: field `keypad[1].window`: window 2 already has a keypad (keypad[0])",
        ),
        (
            pi("model = \"pi4\"", "[screen]\nrotation = 45\n"),
            "pi.toml:5: field `screen.rotation`: 45 is not a rotation; use 0, 90, 180 or 270 (degrees clockwise)",
        ),
        (
            pi(
                "model = \"pi4\"",
                "[screen]\ntouch_calibration = [1, 0, 0, 0, 1]\n",
            ),
            "pi.toml:5: field `screen.touch_calibration`: give libinput's six numbers [a, b, c, d, e, f], each between -10 and 10 (the identity is [1, 0, 0, 0, 1, 0]; see docs/pi.md)",
        ),
        (
            pi(
                "model = \"pi4\"",
                &(keys(5) + "display = { kind = \"ssd1306\", address = 0x78 }\n"),
            ),
            "pi.toml:7: field `evaluator[0].display.address`: 0x78 is not an SSD1306 address; use 0x3C or 0x3D",
        ),
    ];
    for (got, want) in table {
        assert_eq!(got, Err(want.to_string()));
    }
    // Unknown pins on the simulated board stay as wide as its lines.
    assert!(pi("", &keys(40)).is_ok());
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
            "test.toml:7: field `evaluator[0].keys[2].pin`: pin 13 is already wired to evaluator[0].keys[0]; each input and output needs its own pin",
        ),
        (
            three("{ pin = 5, level = 3 }"),
            "test.toml:6: field `evaluator[0].keys[1].level`: two keys of window 1 give level 3",
        ),
        (
            three("{ pin = 99, level = 5 }"),
            "test.toml:5: field `evaluator[0].keys[0].pin`: the simulated has no GPIO 99; its header's lines are 0–63",
        ),
        (
            three("{ pin = 5, level = 2 }"),
            "test.toml:4: field `evaluator[0].keys`: the keys need at least one good level (4 or 5) and one bad level (1 or 2)",
        ),
        (
            "[[evaluator]]\nwindow = 1\nkeys = [{ pin = 5, level = 5 }, { pin = 6, level = 1 }]\n"
                .into(),
            "test.toml:4: field `evaluator[0].keys`: an evaluator has 3, 4 or 5 keys; this one lists 2",
        ),
        (
            format!("{}debounce = \"slow\"\n", three("{ pin = 5, level = 5 }")),
            "test.toml:9: field `evaluator[0].debounce`: `slow` is not a filter; use \"stable\" or \"leading\"",
        ),
        (
            format!(
                "{}display = {{ kind = \"ssd1306\", address = 0x50 }}\n",
                three("{ pin = 5, level = 5 }")
            ),
            "test.toml:9: field `evaluator[0].display.address`: 0x50 is not an SSD1306 address; use 0x3C or 0x3D",
        ),
        (
            format!(
                "{}{}",
                three("{ pin = 5, level = 5 }"),
                three("{ pin = 7, level = 5 }")
                    .replace("pin = 6", "pin = 8")
                    .replace("pin = 13", "pin = 9")
            ),
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
    assert_eq!(e.field.as_deref(), Some("evaluator[0].keyz"), "{e}");
}

#[test]
fn a_value_of_the_wrong_type_names_its_field() {
    let keys = "keys = [{ pin = 5, level = 5 }, { pin = 6, level = 3 }, { pin = 13, level = 1 }]\n";
    for (text, line, field) in [
        (
            format!("[[evaluator]]\nwindow = \"one\"\n{keys}"),
            3,
            "evaluator[0].window",
        ),
        (
            "[[evaluator]]\nwindow = 1\nkeys = [{ pin = 5, level = 5 }, { pin = \"six\", level = 3 }]\n"
                .to_string(),
            4,
            "evaluator[0].keys[1].pin",
        ),
        (
            format!("[[evaluator]]\nwindow = 1\n{keys}stuck_seconds = \"long\"\n"),
            5,
            "evaluator[0].stuck_seconds",
        ),
        ("[board]\npull = 3\n".to_string(), 3, "board.pull"),
    ] {
        let e = profile(&text).unwrap_err();
        assert_eq!(
            (e.line, e.field.as_deref()),
            (Some(line), Some(field)),
            "{text}: {e}"
        );
    }
}

#[test]
fn a_numeric_keypad_wires_ten_digits_and_enter_beside_the_calling_keys() {
    let p = BoardProfile::parse(
        "pi.toml",
        "name = \"pi\"\n[board]\nmodel = \"pi4\"\n[[keypad]]\nwindow = 1\ncall = 26\ndigits = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]\nenter = 12\n",
    )
    .unwrap();
    let keys = &p.keypads[0].keys;
    assert_eq!(keys.len(), 12);
    assert_eq!(keys[0], (26, crate::StaffKey::CallNext));
    assert_eq!(keys[1], (2, crate::StaffKey::Digit(0)));
    assert_eq!(keys[10], (11, crate::StaffKey::Digit(9)));
    assert_eq!(keys[11], (12, crate::StaffKey::Enter));
    for k in crate::StaffKey::ALL {
        assert_eq!(crate::StaffKey::from_word(k.word()), Some(k), "{k:?}");
    }
}
