//! A staff console request's form, query, cookie or path segment: parsed or
//! refused with a reason, never a panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|text: &str| {
    if let Err(broken) = kiosk::console::forms::check_all(text) {
        panic!("{broken}: {text:?}");
    }
});
