//! Properties of the command grammar: any line, JSON-shaped or not, and any
//! scenario gives a command or an error, never a panic.

use std::time::Duration;

use proptest::prelude::*;

use super::*;
use board::command::parse_duration;
use board::{Input, StaffKey};

proptest! {
    #[test]
    fn any_line_parses_or_is_refused_without_panicking(line in any::<String>()) {
        let _ = parse(&line);
    }

    #[test]
    fn any_json_shaped_line_parses_or_is_refused(body in "[ -~]{0,80}") {
        let _ = parse(&format!("{{{body}}}"));
    }

    #[test]
    fn any_scenario_parses_or_names_a_line(text in any::<String>()) {
        if let Err(e) = parse_scenario("s.txt", &text) {
            prop_assert!(e.starts_with("s.txt:"), "{e}");
        }
    }

    #[test]
    fn every_keypad_command_means_what_it_says(window in 1u8..=99, key in 0usize..4) {
        let key = StaffKey::ALL[key];
        let plain = parse(&format!("key {window} {}", key.word()));
        let json = parse(&format!(r#"{{"cmd":"key","window":{window},"key":"{}"}}"#, key.word()));
        let expected = Command::Board(BoardCommand::Input(Input::StaffKey { window, key }));
        prop_assert_eq!(plain.as_ref(), Ok(&expected));
        prop_assert_eq!(json.as_ref(), Ok(&expected));
    }

    #[test]
    fn durations_in_milliseconds_read_back(ms in 0u64..86_400_000) {
        prop_assert_eq!(parse_duration(&format!("{ms}ms")), Ok(Duration::from_millis(ms)));
    }
}
