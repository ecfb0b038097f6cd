//! A control-socket line: a command or an error, never a panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|line: &str| {
    let _ = kiosk::app::control::command::parse(line);
});
