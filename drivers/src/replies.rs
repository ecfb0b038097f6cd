//! Sorting the bytes a printer sends back, with no port: which byte answers
//! which question, which belong to an automatic status block, which are kept
//! for a later wait. The transport reads the bytes and hands each one here;
//! this is the part a printer (or line noise) can feed anything, so it is pure
//! and is fuzzed and property-tested on its own.
//!
//! Three kinds of answer share the line and never overlap (`status`): a
//! real-time status byte (`DLE EOT n`), the end-of-job marker's answer
//! (`GS r 1`), and — once `GS a` turned it on — a 4-byte automatic status
//! block whose first byte neither answer can be. An end-marker answer that
//! arrives while a real-time answer is awaited is kept for the wait that
//! expects it; nothing is read past the byte a wait asked for.

use std::collections::VecDeque;

use crate::status::{self, Health};

/// What one byte from the printer turned out to be.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Incoming {
    /// A byte on its own: an answer, or something to refuse.
    Byte(u8),
    /// The first, second or third byte of an automatic status block.
    PartOfBlock,
    /// The fourth byte of a block: the printer's state, or the first byte
    /// of the block that broke its pattern.
    Block(Result<Health, u8>),
}

/// What a wait for an answer does after one byte.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Step {
    /// Keep reading.
    More,
    /// The byte the wait ends with: the answer it expected, or a byte that
    /// answers nothing, for the caller to refuse (nothing is read past it).
    Answer(u8),
    /// An automatic status block reported a fault while a job was printing.
    Stopped(Health),
    /// An automatic status block broke its pattern at this byte.
    Bad(u8),
}

/// The state of the line from the printer.
#[derive(Clone, Debug, Default)]
pub struct Replies {
    /// Automatic status back is on: a byte that starts a block is followed
    /// by three more.
    auto_status_on: bool,
    /// The bytes so far of a block split across reads.
    block: Vec<u8>,
    /// The last automatic status block that decoded.
    last_auto_status: Option<Health>,
    /// End-marker answers that arrived while a real-time answer was awaited.
    marker_answers: VecDeque<u8>,
    /// End markers sent and not yet answered.
    markers_unanswered: usize,
}

impl Replies {
    /// Automatic status back was turned on or off.
    pub fn set_auto_status(&mut self, on: bool) {
        self.auto_status_on = on;
    }

    /// The printer's state from the last automatic status block.
    pub fn auto_status(&self) -> Option<Health> {
        self.last_auto_status
    }

    /// Puts a byte in its place: part of an automatic status block (whose
    /// first byte no other answer can be), or a byte on its own.
    pub fn sort(&mut self, byte: u8) -> Incoming {
        if self.block.is_empty() && !(self.auto_status_on && status::is_auto_status_start(byte)) {
            return Incoming::Byte(byte);
        }
        self.block.push(byte);
        if self.block.len() < 4 {
            return Incoming::PartOfBlock;
        }
        let block = [self.block[0], self.block[1], self.block[2], self.block[3]];
        self.block.clear();
        let health = Health::from_auto_status(block).map_err(|e| e.byte);
        if let Ok(h) = health {
            self.last_auto_status = Some(h);
        }
        Incoming::Block(health)
    }

    /// One byte read while waiting for an answer that `expected` recognises.
    /// `question`: a real-time status question is waiting (end-marker
    /// answers are kept for later, and a fault in a block does not end the
    /// wait); otherwise a job's end marker is (a block reporting a fault
    /// ends the wait at once: no need to sit out the bound).
    pub fn step(&mut self, byte: u8, expected: impl Fn(u8) -> bool, question: bool) -> Step {
        match self.sort(byte) {
            Incoming::Block(Ok(health)) if !question && health.fault().is_some() => {
                Step::Stopped(health)
            }
            Incoming::Block(Ok(_)) | Incoming::PartOfBlock => Step::More,
            Incoming::Block(Err(byte)) => Step::Bad(byte),
            Incoming::Byte(byte) if expected(byte) => Step::Answer(byte),
            Incoming::Byte(byte) if question && self.owes_marker(byte) => {
                self.marker_answers.push_back(byte);
                Step::More
            }
            Incoming::Byte(byte) => Step::Answer(byte),
        }
    }

    /// A byte that was waiting before a question was asked: dropped, unless
    /// it answers an end marker still awaited (kept) or belongs to a block.
    pub fn stale(&mut self, byte: u8) {
        if let Incoming::Byte(byte) = self.sort(byte)
            && self.owes_marker(byte)
        {
            self.marker_answers.push_back(byte);
        }
    }

    /// Whether `byte` can be the answer to an end marker still unanswered.
    fn owes_marker(&self, byte: u8) -> bool {
        self.markers_unanswered > self.marker_answers.len() && status::decode_paper(byte).is_ok()
    }

    /// A new job's end marker is about to be sent: answers still owed for an
    /// earlier one are forgotten.
    pub fn forget_markers(&mut self) {
        self.marker_answers.clear();
        self.markers_unanswered = 0;
    }

    /// An end marker is on the line.
    pub fn marker_sent(&mut self) {
        self.markers_unanswered += 1;
    }

    /// An end-marker answer kept from an earlier wait, oldest first.
    pub fn kept_marker_answer(&mut self) -> Option<u8> {
        self.marker_answers.pop_front()
    }

    /// An end marker was answered.
    pub fn marker_answered(&mut self) {
        self.markers_unanswered = self.markers_unanswered.saturating_sub(1);
    }

    /// End-marker answers kept, and end markers still unanswered.
    pub fn markers(&self) -> (usize, usize) {
        (self.marker_answers.len(), self.markers_unanswered)
    }
}

/// Whether a byte is a real-time status answer (`DLE EOT n`).
pub fn is_status_answer(byte: u8) -> bool {
    byte & 0x93 == 0x12
}

/// Whether a byte is an end-marker answer (`GS r 1`).
pub fn is_marker_answer(byte: u8) -> bool {
    byte & 0x90 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A block reporting paper out, and one reporting nothing wrong.
    const PAPER_OUT: [u8; 4] = [0x10, 0x00, 0x0c, 0x00];
    const ALL_WELL: [u8; 4] = [0x10, 0x00, 0x00, 0x00];

    #[test]
    fn without_automatic_status_every_byte_stands_alone() {
        let mut r = Replies::default();
        for byte in [0x10, 0x12, 0x00, 0xff] {
            assert_eq!(r.sort(byte), Incoming::Byte(byte));
        }
    }

    #[test]
    fn a_block_is_read_whole_and_a_fault_in_it_ends_a_job_wait_only() {
        let mut r = Replies::default();
        r.set_auto_status(true);
        let steps: Vec<Step> = PAPER_OUT
            .iter()
            .map(|b| r.step(*b, is_marker_answer, false))
            .collect();
        assert_eq!(steps[..3], [Step::More; 3]);
        assert!(matches!(steps[3], Step::Stopped(h) if h.paper_out));
        assert!(r.auto_status().is_some_and(|h| h.paper_out));
        // While a question waits, the block is noted and the wait goes on.
        for b in PAPER_OUT {
            assert_eq!(r.step(b, is_status_answer, true), Step::More);
        }
        assert_eq!(r.step(0x12, is_status_answer, true), Step::Answer(0x12));
        for b in ALL_WELL {
            assert_eq!(r.step(b, is_marker_answer, false), Step::More);
        }
        assert_eq!(r.auto_status(), Some(Health::default()));
        // A block that breaks its pattern is refused at the byte that broke it.
        for b in [0x10, 0x80, 0x00] {
            assert_eq!(r.step(b, is_marker_answer, false), Step::More);
        }
        assert_eq!(r.step(0x00, is_marker_answer, false), Step::Bad(0x80));
    }

    #[test]
    fn an_end_marker_answer_during_a_question_is_kept_for_its_own_wait() {
        let mut r = Replies::default();
        r.forget_markers();
        r.marker_sent();
        // The question's wait meets the marker's answer first.
        assert_eq!(r.step(0x00, is_status_answer, true), Step::More);
        assert_eq!(r.step(0x12, is_status_answer, true), Step::Answer(0x12));
        assert_eq!(r.markers(), (1, 1));
        assert_eq!(r.kept_marker_answer(), Some(0x00));
        r.marker_answered();
        assert_eq!(r.markers(), (0, 0));
        // With no marker owed, the same byte answers the question's wait,
        // which refuses it.
        assert_eq!(r.step(0x00, is_status_answer, true), Step::Answer(0x00));
        // A stale byte is kept only when a marker is owed.
        r.stale(0x00);
        assert_eq!(r.markers(), (0, 0));
        r.marker_sent();
        r.stale(0x03);
        r.stale(0x03);
        assert_eq!(r.markers(), (1, 1), "one marker, one answer kept");
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        fn block() -> impl Strategy<Value = [u8; 4]> {
            (
                any::<u8>().prop_map(|b| (b & !0x93) | 0x10),
                any::<u8>().prop_map(|b| b & !0x90),
                any::<u8>().prop_map(|b| b & !0x90),
                any::<u8>().prop_map(|b| b & !0x90),
            )
                .prop_map(|(a, b, c, d)| [a, b, c, d])
        }

        proptest! {
            /// Whatever the printer sends: no panic, and every byte is
            /// accounted for — alone, or in exactly one block of four.
            #[test]
            fn every_byte_is_sorted_once(bytes in prop::collection::vec(any::<u8>(), 0..200), on in any::<bool>()) {
                let mut r = Replies::default();
                r.set_auto_status(on);
                let (mut alone, mut parts, mut blocks) = (Vec::new(), 0usize, 0usize);
                for &b in &bytes {
                    match r.sort(b) {
                        Incoming::Byte(x) => {
                            prop_assert_eq!(x, b);
                            alone.push(x);
                        }
                        Incoming::PartOfBlock => parts += 1,
                        Incoming::Block(_) => blocks += 1,
                    }
                }
                prop_assert!(on || alone == bytes);
                prop_assert_eq!(alone.len() + parts + blocks, bytes.len());
                prop_assert_eq!(parts, blocks * 3 + r.block.len());
            }

            /// Blocks between answers: each block decodes to what it says,
            /// and each answer ends the wait that expects it, whatever
            /// stands between them.
            #[test]
            fn answers_between_blocks_are_found(
                blocks in prop::collection::vec(block(), 0..5),
                answer in any::<u8>().prop_map(|b| (b & !0x93) | 0x12),
                at in 0usize..5,
            ) {
                let mut r = Replies::default();
                r.set_auto_status(true);
                let at = at.min(blocks.len());
                let mut stream: Vec<u8> = blocks[..at].iter().flatten().copied().collect();
                stream.push(answer);
                let mut got = None;
                for b in stream {
                    match r.step(b, is_status_answer, true) {
                        Step::More => {}
                        Step::Answer(x) => got = Some(x),
                        other => prop_assert!(false, "{:?}", other),
                    }
                }
                prop_assert_eq!(got, Some(answer));
                if at > 0 {
                    let last = Health::from_auto_status(blocks[at - 1]).unwrap();
                    prop_assert_eq!(r.auto_status(), Some(last));
                }
            }

            /// However a question's answer and end-marker answers are
            /// interleaved, the question gets its answer and every owed
            /// marker answer is kept, in order, never more than owed.
            #[test]
            fn marker_answers_are_kept_in_order(
                markers in prop::collection::vec(any::<u8>().prop_map(|b| b & 0x6f), 0..4),
                answer in any::<u8>().prop_map(|b| (b & !0x93) | 0x12),
                owed in 0usize..4,
            ) {
                let mut r = Replies::default();
                for _ in 0..owed {
                    r.marker_sent();
                }
                let mut answered = None;
                for &m in &markers {
                    if let Step::Answer(x) = r.step(m, is_status_answer, true) {
                        answered = Some(x);
                        break;
                    }
                }
                let kept_count = markers.len().min(owed);
                if markers.len() > owed {
                    // The first marker answer beyond what is owed ends the
                    // wait, to be refused.
                    prop_assert_eq!(answered, Some(markers[owed]));
                } else {
                    prop_assert_eq!(answered, None);
                    prop_assert_eq!(r.step(answer, is_status_answer, true), Step::Answer(answer));
                }
                let mut kept = Vec::new();
                while let Some(m) = r.kept_marker_answer() {
                    kept.push(m);
                }
                prop_assert_eq!(&kept[..], &markers[..kept_count]);
            }
        }
    }
}
