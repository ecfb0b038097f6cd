//! A service catalog: categories or an error naming the file, never a panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|text: &str| {
    if let Err(e) = kiosk::config::parse_catalog("fuzz.toml", text) {
        assert!(e.to_string().starts_with("fuzz.toml"));
    }
});
