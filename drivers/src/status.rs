//! Real-time printer status: the one-byte answers to `DLE EOT n`.
//!
//! A printer answers `DLE EOT 1..4` even while offline, with one byte whose bits 1
//! and 4 are always 1 and bits 0 and 7 always 0 (`b & 0x93 == 0x12`). A byte that
//! breaks that pattern is not a status — line noise, a printer at another baud
//! rate, or something that is not a printer — and is refused, never guessed at.
//! This module only decodes; asking and waiting (with a bound) is the transport's.

/// Which status `DLE EOT n` asks for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum StatusKind {
    /// n = 1: online or offline, drawer, feed button.
    Printer = 1,
    /// n = 2: why offline: cover, paper end, error.
    Offline = 2,
    /// n = 3: which error: cutter, unrecoverable, auto-recoverable.
    Error = 3,
    /// n = 4: the roll-paper sensors.
    Paper = 4,
}

impl StatusKind {
    /// The request bytes, `DLE EOT n`.
    pub fn request(self) -> [u8; 3] {
        [0x10, 0x04, self as u8]
    }
}

/// A decoded status byte.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Status {
    Printer {
        offline: bool,
        /// Waiting for online recovery after an error.
        waiting_recovery: bool,
        feed_button: bool,
    },
    Offline {
        cover_open: bool,
        feeding_by_button: bool,
        paper_end_stop: bool,
        error: bool,
    },
    Error {
        cutter: bool,
        unrecoverable: bool,
        auto_recoverable: bool,
    },
    Paper {
        near_end: bool,
        end: bool,
    },
}

/// A byte that is not a status answer.
#[derive(Clone, Copy, PartialEq, Eq, Debug, thiserror::Error)]
#[error(
    "byte {byte:#04x} is not a status answer (bits 1 and 4 must be set, 0 and 7 clear) — check the baud rate and that the device is a printer"
)]
pub struct StatusError {
    pub byte: u8,
}

/// Decodes the answer to `DLE EOT n`.
pub fn decode(kind: StatusKind, byte: u8) -> Result<Status, StatusError> {
    if byte & 0x93 != 0x12 {
        return Err(StatusError { byte });
    }
    let bit = |n: u8| byte & (1 << n) != 0;
    Ok(match kind {
        StatusKind::Printer => Status::Printer {
            offline: bit(3),
            waiting_recovery: bit(5),
            feed_button: bit(6),
        },
        StatusKind::Offline => Status::Offline {
            cover_open: bit(2),
            feeding_by_button: bit(3),
            paper_end_stop: bit(5),
            error: bit(6),
        },
        StatusKind::Error => Status::Error {
            cutter: bit(3),
            unrecoverable: bit(5),
            auto_recoverable: bit(6),
        },
        // Each sensor is reported on two bits; either one set counts.
        StatusKind::Paper => Status::Paper {
            near_end: bit(2) || bit(3),
            end: bit(5) || bit(6),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_bytes_decode_per_kind() {
        let table = [
            (
                StatusKind::Printer,
                0x12,
                Status::Printer {
                    offline: false,
                    waiting_recovery: false,
                    feed_button: false,
                },
            ),
            (
                StatusKind::Printer,
                0x1a,
                Status::Printer {
                    offline: true,
                    waiting_recovery: false,
                    feed_button: false,
                },
            ),
            (
                StatusKind::Printer,
                0x72,
                Status::Printer {
                    offline: false,
                    waiting_recovery: true,
                    feed_button: true,
                },
            ),
            (
                StatusKind::Offline,
                0x16,
                Status::Offline {
                    cover_open: true,
                    feeding_by_button: false,
                    paper_end_stop: false,
                    error: false,
                },
            ),
            (
                StatusKind::Offline,
                0x32,
                Status::Offline {
                    cover_open: false,
                    feeding_by_button: false,
                    paper_end_stop: true,
                    error: false,
                },
            ),
            (
                StatusKind::Offline,
                0x52,
                Status::Offline {
                    cover_open: false,
                    feeding_by_button: false,
                    paper_end_stop: false,
                    error: true,
                },
            ),
            (
                StatusKind::Error,
                0x1a,
                Status::Error {
                    cutter: true,
                    unrecoverable: false,
                    auto_recoverable: false,
                },
            ),
            (
                StatusKind::Error,
                0x32,
                Status::Error {
                    cutter: false,
                    unrecoverable: true,
                    auto_recoverable: false,
                },
            ),
            (
                StatusKind::Paper,
                0x12,
                Status::Paper {
                    near_end: false,
                    end: false,
                },
            ),
            (
                StatusKind::Paper,
                0x1e,
                Status::Paper {
                    near_end: true,
                    end: false,
                },
            ),
            (
                StatusKind::Paper,
                0x72,
                Status::Paper {
                    near_end: false,
                    end: true,
                },
            ),
            (
                StatusKind::Paper,
                0x7e,
                Status::Paper {
                    near_end: true,
                    end: true,
                },
            ),
        ];
        for (kind, byte, status) in table {
            assert_eq!(decode(kind, byte), Ok(status), "{kind:?} {byte:#04x}");
        }
        assert_eq!(StatusKind::Paper.request(), [0x10, 0x04, 4]);
    }

    #[test]
    fn bytes_outside_the_pattern_are_refused() {
        for byte in [0x00, 0xff, 0x10, 0x02, 0x13, 0x92, b'A'] {
            let err = decode(StatusKind::Printer, byte).unwrap_err();
            assert_eq!(err.byte, byte);
        }
        assert!(
            decode(StatusKind::Paper, 0x00)
                .unwrap_err()
                .to_string()
                .contains("check the baud rate")
        );
    }

    proptest::proptest! {
        #[test]
        fn every_byte_decodes_or_is_refused_by_the_pattern(byte in proptest::prelude::any::<u8>(), n in 1u8..=4) {
            let kind = [StatusKind::Printer, StatusKind::Offline, StatusKind::Error, StatusKind::Paper][usize::from(n - 1)];
            proptest::prop_assert_eq!(decode(kind, byte).is_ok(), byte & 0x93 == 0x12);
        }
    }
}
