//! The bytes a printer (or line noise) sends back, sorted as the transport
//! sorts them, under every sequence of questions, end markers and automatic
//! status: no panic, and never more end-marker answers kept than owed.
#![no_main]
use drivers::replies::{Replies, Step, is_marker_answer, is_status_answer};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut r = Replies::default();
    // Pairs: what happens, and the byte it happens with.
    for pair in data.chunks_exact(2) {
        let (op, byte) = (pair[0], pair[1]);
        match op % 7 {
            0 => {
                if let Step::Answer(b) = r.step(byte, is_status_answer, true) {
                    assert_eq!(b, byte);
                }
            }
            1 => {
                if let Step::Stopped(h) = r.step(byte, is_marker_answer, false) {
                    assert!(h.fault().is_some());
                }
            }
            2 => r.stale(byte),
            3 => r.set_auto_status(byte & 1 == 1),
            4 => {
                r.forget_markers();
                r.marker_sent();
            }
            5 => r.marker_sent(),
            _ => {
                if let Some(b) = r.kept_marker_answer() {
                    assert!(is_marker_answer(b));
                }
                r.marker_answered();
            }
        }
        let (kept, owed) = r.markers();
        assert!(kept <= owed, "{kept} kept, {owed} owed");
    }
});
