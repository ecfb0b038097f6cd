//! What the station asked the printer for, and what it cannot be sure of.
//!
//! Every ticket and case document the station asks the printer for is
//! *outstanding* until the printer worker's outcome (printed, or failed) is
//! journaled. A crash — `kill -9`, a power cut, a panic — can leave papers
//! outstanding: the citizen saw their number, the journal does not say whether
//! the paper came out. On the next start the station decides for each one
//! ([`decide_after_restart`]): print it again marked 补打 when it was asked for
//! so recently that the citizen is probably still at the kiosk, otherwise list
//! it for staff (the number is valid; the paper may be missing) — and the
//! decision is journaled. A paper the printer took but never confirmed before
//! its port went away is sent again marked 补打 and journaled as a second
//! print (`PrintResent`), so that nothing comes out twice unmarked.
//!
//! This module holds the bookkeeping and the rule; the station feeds it the
//! facts it applies.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::case::{CaseDocument, CaseNo};
use super::ticket::TicketCode;

/// A paper the station prints: a queue ticket or a case's document.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(tag = "paper", rename_all = "snake_case")]
pub enum Paper {
    Ticket {
        ticket: TicketCode,
    },
    Case {
        case: CaseNo,
        document: CaseDocument,
    },
}

impl std::fmt::Display for Paper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Paper::Ticket { ticket } => write!(f, "{ticket}"),
            Paper::Case { case, document } => write!(f, "{case} {}", document.zh()),
        }
    }
}

impl Paper {
    pub fn ticket(&self) -> Option<TicketCode> {
        match self {
            Paper::Ticket { ticket } => Some(*ticket),
            Paper::Case { .. } => None,
        }
    }

    pub fn case(&self) -> Option<CaseNo> {
        match self {
            Paper::Case { case, .. } => Some(*case),
            Paper::Ticket { .. } => None,
        }
    }
}

/// What the station did after a restart about a paper whose print outcome the
/// journal lacks.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unconfirmed {
    /// Asked for moments ago: printed again, marked 补打.
    Reprinted,
    /// Too long ago to print again unasked: listed for staff until it no
    /// longer matters (called, printed again, archived, the day over).
    Listed,
    /// The ticket was served (or the day closed on it) before the restart:
    /// its paper no longer matters.
    NotNeeded,
    /// The station now has no printer: nothing can be printed again.
    NoPrinter,
}

impl Unconfirmed {
    pub fn word(self) -> &'static str {
        match self {
            Unconfirmed::Reprinted => "printed again, marked 补打",
            Unconfirmed::Listed => "listed for staff",
            Unconfirmed::NotNeeded => "not needed any more",
            Unconfirmed::NoPrinter => "no printer to print it again",
        }
    }
}

/// A paper staff should know may not have printed.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct UnconfirmedPaper {
    #[serde(flatten)]
    pub paper: Paper,
    /// When it was asked of the printer.
    pub requested_at: Timestamp,
}

/// The papers outstanding at the printer and those listed for staff.
#[derive(Clone, Debug, Default)]
pub struct Prints {
    /// Asked of the printer, outcome not yet journaled, with when.
    outstanding: BTreeMap<Paper, Timestamp>,
    /// Listed for staff after a restart, with when they were asked for.
    listed: BTreeMap<Paper, Timestamp>,
}

impl Prints {
    /// The paper was handed to the printer (again) at `at`.
    pub fn requested(&mut self, paper: Paper, at: Timestamp) {
        self.outstanding.insert(paper, at);
        self.listed.remove(&paper);
    }

    /// The printer's outcome is journaled; `printed` when it came out.
    pub fn settled(&mut self, paper: Paper, printed: bool) {
        self.outstanding.remove(&paper);
        if printed {
            self.listed.remove(&paper);
        }
    }

    /// The decision taken after a restart is journaled.
    pub fn decided(&mut self, paper: Paper, requested_at: Timestamp, decision: Unconfirmed) {
        self.outstanding.remove(&paper);
        if decision == Unconfirmed::Listed {
            self.listed.insert(paper, requested_at);
        }
    }

    /// The paper no longer matters to staff (its ticket was called, its case
    /// archived).
    pub fn forget_listed(&mut self, paper: &Paper) {
        self.listed.remove(paper);
    }

    /// A case's documents no longer matter to staff (the case is archived).
    pub fn forget_case(&mut self, case: CaseNo) {
        self.listed.retain(|p, _| p.case() != Some(case));
    }

    /// A new business day: yesterday's tickets are history.
    pub fn new_day(&mut self) {
        self.outstanding
            .retain(|p, _| matches!(p, Paper::Case { .. }));
        self.listed.retain(|p, _| matches!(p, Paper::Case { .. }));
    }

    /// Papers asked of the printer whose outcome is not journaled.
    pub fn outstanding(&self) -> impl Iterator<Item = (Paper, Timestamp)> + '_ {
        self.outstanding.iter().map(|(p, at)| (*p, *at))
    }

    /// Papers listed for staff, oldest request first.
    pub fn listed(&self) -> Vec<UnconfirmedPaper> {
        let mut list: Vec<UnconfirmedPaper> = self
            .listed
            .iter()
            .map(|(paper, at)| UnconfirmedPaper {
                paper: *paper,
                requested_at: *at,
            })
            .collect();
        list.sort_by_key(|p| (p.requested_at, p.paper));
        list
    }
}

/// After a restart, what to do about a paper whose outcome the journal lacks:
/// asked for at `requested_at`, `now` is the restart; `still_due` when its
/// ticket still waits for its call (a case's document: its case is open);
/// `within` is how recent a request is printed again unasked.
pub fn decide_after_restart(
    requested_at: Timestamp,
    now: Timestamp,
    still_due: bool,
    printer: bool,
    within: SignedDuration,
) -> Unconfirmed {
    if !still_due {
        Unconfirmed::NotNeeded
    } else if !printer {
        Unconfirmed::NoPrinter
    } else if !within.is_zero() && now.duration_since(requested_at) <= within {
        Unconfirmed::Reprinted
    } else {
        Unconfirmed::Listed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn ticket(code: &str) -> Paper {
        Paper::Ticket {
            ticket: code.parse().unwrap(),
        }
    }

    #[test]
    fn a_recent_paper_is_printed_again_an_old_one_listed() {
        let asked = t("2026-11-30T01:00:00Z");
        let within = SignedDuration::from_mins(2);
        let table = [
            ("2026-11-30T01:00:05Z", true, true, Unconfirmed::Reprinted),
            ("2026-11-30T01:02:00Z", true, true, Unconfirmed::Reprinted),
            ("2026-11-30T01:02:01Z", true, true, Unconfirmed::Listed),
            ("2026-11-30T01:00:05Z", false, true, Unconfirmed::NotNeeded),
            ("2026-11-30T01:00:05Z", true, false, Unconfirmed::NoPrinter),
            ("2026-11-30T03:00:00Z", false, false, Unconfirmed::NotNeeded),
        ];
        for (now, due, printer, expected) in table {
            assert_eq!(
                decide_after_restart(asked, t(now), due, printer, within),
                expected,
                "{now} due={due} printer={printer}"
            );
        }
        // Zero lists everything, even a paper asked for this very instant.
        assert_eq!(
            decide_after_restart(asked, asked, true, true, SignedDuration::ZERO),
            Unconfirmed::Listed
        );
    }

    #[test]
    fn listed_papers_leave_the_list_when_they_stop_mattering() {
        let mut prints = Prints::default();
        let asked = t("2026-11-30T01:00:00Z");
        let receipt = Paper::Case {
            case: "2026-0001".parse().unwrap(),
            document: CaseDocument::Receipt,
        };
        for p in [ticket("A001"), ticket("A002"), receipt] {
            prints.requested(p, asked);
        }
        prints.settled(ticket("A002"), true);
        let outstanding: Vec<Paper> = prints.outstanding().map(|(p, _)| p).collect();
        assert_eq!(outstanding, [ticket("A001"), receipt]);
        prints.decided(ticket("A001"), asked, Unconfirmed::Listed);
        prints.decided(receipt, asked, Unconfirmed::Listed);
        assert_eq!(prints.listed().len(), 2);
        assert_eq!(prints.outstanding().count(), 0);
        // A failure is known, but does not prove the paper came out.
        prints.settled(ticket("A001"), false);
        assert_eq!(prints.listed().len(), 2);
        prints.new_day();
        assert_eq!(prints.listed()[0].paper, receipt, "cases outlive the day");
        prints.forget_case("2026-0001".parse().unwrap());
        assert!(prints.listed().is_empty());
    }
}
