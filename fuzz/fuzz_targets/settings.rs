//! A kiosk.toml: settings or an error naming the file, never a panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|text: &str| {
    if let Err(e) = kiosk::config::Config::parse("fuzz.toml", text, None) {
        assert!(e.to_string().starts_with("fuzz.toml"));
    }
});
