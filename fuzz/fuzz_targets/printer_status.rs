//! Bytes a printer (or line noise) sends back: every status decoder must give
//! an answer or a refusal, and agree with the fixed-bit patterns.
#![no_main]
use drivers::status::{self, Health, StatusKind};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    for (i, &byte) in data.iter().enumerate() {
        let kind = [
            StatusKind::Printer,
            StatusKind::Offline,
            StatusKind::Error,
            StatusKind::Paper,
        ][i % 4];
        assert_eq!(status::decode(kind, byte).is_ok(), byte & 0x93 == 0x12);
        assert_eq!(status::decode_paper(byte).is_ok(), byte & 0x90 == 0);
    }
    for block in data.chunks_exact(4) {
        if let Ok(health) = Health::from_auto_status([block[0], block[1], block[2], block[3]]) {
            let _ = health.fault();
            let _ = health.to_string();
        }
    }
});
