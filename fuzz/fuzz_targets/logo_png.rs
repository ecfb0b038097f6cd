//! A logo PNG (`kiosk printer store-logo FILE`): a logo that fits a printer's
//! memory or a refusal, never a panic and never a huge allocation.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(logo) = kiosk::documents::StoredLogo::from_png(data) {
        assert!(!logo.store().is_empty());
    }
});
