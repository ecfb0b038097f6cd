//! The station's status as the district sees it: figures and words, from
//! the same snapshot the control socket and the console read.

use domain::PrinterHealth;

use crate::state::{StationState, word};
use fleet::wire::Summary;

/// The summary of `state`, with the outbox's figures.
pub fn summary(state: &StationState, head: i64, acked: i64) -> Summary {
    let view = &state.station;
    let mut problems = state.board_problems.clone();
    problems.extend(state.store_fault.clone());
    Summary {
        at: state.now.to_string(),
        day: view.day.map(|d| d.to_string()),
        issuing: view.issuing,
        tickets_today: count(state.tickets.len()),
        waiting: count(view.waiting.len()),
        serving: count(view.windows.iter().filter(|w| w.ticket.is_some()).count()),
        open_cases: count(view.cases.len()),
        overdue_cases: count(view.cases.iter().filter(|c| c.overdue.any()).count()),
        alarms: view
            .zones
            .iter()
            .filter(|z| z.state.latched.is_some())
            .map(|z| z.info.name.clone())
            .collect(),
        printer: match &view.printer {
            PrinterHealth::Ready => "ready".into(),
            PrinterHealth::PaperLow => "paper_low".into(),
            PrinterHealth::Fault { fault, .. } => word(fault),
        },
        printer_fault: view.printer_fault.clone(),
        problems,
        head,
        acked,
        version: env!("CARGO_PKG_VERSION").to_string(),
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
