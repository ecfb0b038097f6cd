//! A board profile: validated or refused with the file named, never a panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|text: &str| {
    if let Err(e) = board::profile::BoardProfile::parse("fuzz.toml", text) {
        assert!(e.to_string().starts_with("fuzz.toml"), "{e}");
    }
});
