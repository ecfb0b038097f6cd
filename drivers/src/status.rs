//! Printer status: the one-byte answers to `DLE EOT n` and `GS r 1`, and the
//! 4-byte automatic status blocks that `GS a` turns on.
//!
//! A printer answers `DLE EOT 1..4` even while offline, with one byte whose bits 1
//! and 4 are always 1 and bits 0 and 7 always 0 (`b & 0x93 == 0x12`); a `GS r 1`
//! answer has bits 4 and 7 clear; an automatic status block starts with a byte
//! whose bit 4 is set and bits 0, 1 and 7 clear. A byte that breaks its pattern
//! is not a status — line noise, a printer at another baud rate, or something
//! that is not a printer — and is refused, never guessed at. This module only
//! decodes; asking and waiting (with a bound) is the transport's.

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
    "byte {byte:#04x} is not a status answer (its fixed bits are wrong) — check the baud rate and that the device is a printer"
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

/// The answer to `GS r 1` (the end-of-job marker): the roll-paper sensors.
/// Bits 4 and 7 are always 0.
pub fn decode_paper(byte: u8) -> Result<PaperSensor, StatusError> {
    if byte & 0x90 != 0 {
        return Err(StatusError { byte });
    }
    Ok(PaperSensor {
        near_end: byte & 0x03 != 0,
        end: byte & 0x0c != 0,
    })
}

/// The roll-paper sensors as `GS r 1` reports them.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct PaperSensor {
    pub near_end: bool,
    pub end: bool,
}

/// Whether a byte can start an automatic status back block: bits 0, 1 and 7
/// clear, bit 4 set. No `DLE EOT` answer (bit 1 set) or `GS r` answer (bit 4
/// clear) looks like that, so the three can share a line.
pub fn is_auto_status_start(byte: u8) -> bool {
    byte & 0x93 == 0x10
}

/// What is wrong with a printer, worst first.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Fault {
    PaperOut,
    CoverOpen,
    /// The cutter jammed or another error stopped the mechanism.
    Error {
        cutter: bool,
        recoverable: bool,
    },
    Offline,
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Fault::PaperOut => "out of paper — load a new roll",
            Fault::CoverOpen => "cover open — close the cover",
            Fault::Error { cutter: true, .. } => {
                "cutter error — open the cover, clear the jam, close it"
            }
            Fault::Error {
                recoverable: true, ..
            } => "error (the print head may be too hot) — it recovers by itself",
            Fault::Error { .. } => "error it cannot recover from — switch the printer off and on",
            Fault::Offline => "offline — check the printer's panel",
        })
    }
}

/// A printer's state, from `DLE EOT 1..4` or from an automatic status block.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Health {
    pub offline: bool,
    pub cover_open: bool,
    pub paper_out: bool,
    pub paper_near_end: bool,
    pub cutter_error: bool,
    pub unrecoverable_error: bool,
    pub recoverable_error: bool,
}

impl Health {
    /// Combines the answers to `DLE EOT 1`, `2`, `4` and (after an error) `3`.
    pub fn from_answers(answers: &[Status]) -> Self {
        let mut h = Health::default();
        for answer in answers {
            match *answer {
                Status::Printer { offline, .. } => h.offline |= offline,
                Status::Offline {
                    cover_open,
                    paper_end_stop,
                    ..
                } => {
                    h.cover_open |= cover_open;
                    h.paper_out |= paper_end_stop;
                }
                Status::Error {
                    cutter,
                    unrecoverable,
                    auto_recoverable,
                } => {
                    h.cutter_error |= cutter;
                    h.unrecoverable_error |= unrecoverable;
                    h.recoverable_error |= auto_recoverable;
                }
                Status::Paper { near_end, end } => {
                    h.paper_near_end |= near_end;
                    h.paper_out |= end;
                }
            }
        }
        h
    }

    /// Decodes a 4-byte automatic status back block.
    pub fn from_auto_status(block: [u8; 4]) -> Result<Self, StatusError> {
        if !is_auto_status_start(block[0]) {
            return Err(StatusError { byte: block[0] });
        }
        if let Some(&byte) = block[1..].iter().find(|&&b| b & 0x90 != 0) {
            return Err(StatusError { byte });
        }
        let bit = |byte: u8, n: u8| byte & (1 << n) != 0;
        Ok(Health {
            offline: bit(block[0], 3),
            cover_open: bit(block[0], 5),
            cutter_error: bit(block[1], 3),
            unrecoverable_error: bit(block[1], 5),
            recoverable_error: bit(block[1], 6),
            paper_near_end: block[2] & 0x03 != 0,
            paper_out: block[2] & 0x0c != 0,
        })
    }

    /// The worst thing wrong, if anything stops printing.
    pub fn fault(&self) -> Option<Fault> {
        if self.paper_out {
            Some(Fault::PaperOut)
        } else if self.cover_open {
            Some(Fault::CoverOpen)
        } else if self.cutter_error || self.unrecoverable_error || self.recoverable_error {
            Some(Fault::Error {
                cutter: self.cutter_error,
                recoverable: self.recoverable_error && !self.unrecoverable_error,
            })
        } else if self.offline {
            Some(Fault::Offline)
        } else {
            None
        }
    }
}

impl std::fmt::Display for Health {
    /// One line for a technician: `online, paper adequate` or the fault.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.fault() {
            Some(fault) => write!(f, "{fault}")?,
            None => f.write_str("online")?,
        }
        if !self.paper_out {
            f.write_str(if self.paper_near_end {
                ", paper low — change the roll soon"
            } else {
                ", paper adequate"
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_marker_answers_and_auto_status_blocks_decode() {
        assert_eq!(decode_paper(0x00), Ok(PaperSensor::default()));
        assert_eq!(
            decode_paper(0x03),
            Ok(PaperSensor {
                near_end: true,
                end: false
            })
        );
        assert_eq!(
            decode_paper(0x0f),
            Ok(PaperSensor {
                near_end: true,
                end: true
            })
        );
        assert_eq!(decode_paper(0x12), Err(StatusError { byte: 0x12 }));
        // A DLE EOT answer is never mistaken for the start of a block.
        for b in 0..=255u8 {
            if b & 0x93 == 0x12 {
                assert!(!is_auto_status_start(b));
            }
            if decode_paper(b).is_ok() {
                assert!(!is_auto_status_start(b));
            }
        }
        let h = Health::from_auto_status([0x38, 0x00, 0x0c, 0x00]).unwrap();
        assert!(h.offline && h.cover_open && h.paper_out && !h.paper_near_end);
        assert_eq!(h.fault(), Some(Fault::PaperOut));
        assert_eq!(
            Health::from_auto_status([0x10, 0x00, 0x03, 0x00])
                .unwrap()
                .to_string(),
            "online, paper low — change the roll soon"
        );
        assert_eq!(
            Health::from_auto_status([0x12, 0, 0, 0]),
            Err(StatusError { byte: 0x12 })
        );
        assert_eq!(
            Health::from_auto_status([0x10, 0x80, 0, 0]),
            Err(StatusError { byte: 0x80 })
        );
    }

    #[test]
    fn answers_combine_into_the_worst_fault() {
        let answers = [
            decode(StatusKind::Printer, 0x1a).unwrap(),
            decode(StatusKind::Offline, 0x16).unwrap(),
            decode(StatusKind::Paper, 0x12).unwrap(),
        ];
        let h = Health::from_answers(&answers);
        assert_eq!(h.fault(), Some(Fault::CoverOpen));
        assert_eq!(
            h.to_string(),
            "cover open — close the cover, paper adequate"
        );
        let h = Health::from_answers(&[decode(StatusKind::Error, 0x1a).unwrap()]);
        assert_eq!(
            h.fault(),
            Some(Fault::Error {
                cutter: true,
                recoverable: false
            })
        );
        assert_eq!(Health::default().fault(), None);
        assert_eq!(Health::default().to_string(), "online, paper adequate");
    }

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
        fn any_four_bytes_are_a_status_block_or_refused(block in proptest::prelude::any::<[u8; 4]>()) {
            let valid = is_auto_status_start(block[0]) && block[1..].iter().all(|b| b & 0x90 == 0);
            proptest::prop_assert_eq!(Health::from_auto_status(block).is_ok(), valid);
            if let Ok(h) = Health::from_auto_status(block) {
                // Paper out always shows as a fault, whatever else is set.
                proptest::prop_assert_eq!(h.paper_out, h.fault() == Some(Fault::PaperOut));
            }
        }

        #[test]
        fn every_byte_decodes_or_is_refused_by_the_pattern(byte in proptest::prelude::any::<u8>(), n in 1u8..=4) {
            let kind = [StatusKind::Printer, StatusKind::Offline, StatusKind::Error, StatusKind::Paper][usize::from(n - 1)];
            proptest::prop_assert_eq!(decode(kind, byte).is_ok(), byte & 0x93 == 0x12);
        }
    }
}
