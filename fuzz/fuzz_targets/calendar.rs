//! A holiday calendar file: a year of exceptions or an error, never a panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|text: &str| {
    let mut calendar = kiosk::domain::HolidayCalendar::default();
    let _ = kiosk::config::add_calendar_file(&mut calendar, "fuzz.json", text);
});
