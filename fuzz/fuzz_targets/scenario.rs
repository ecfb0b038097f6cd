//! A scenario file: steps or an error naming the line, never a panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|text: &str| {
    if let Err(e) = kiosk::app::control::command::parse_scenario("fuzz.txt", text) {
        assert!(e.starts_with("fuzz.txt:"));
    }
});
