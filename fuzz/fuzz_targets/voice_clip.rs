//! A station's recorded clip (a WAV file of its own clip set): judged or
//! refused with a reason, never a panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    let _ = kiosk::voice::clip_level(bytes, 16_000);
});
