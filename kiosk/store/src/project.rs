//! Appending a record to the journal (with its chain hash) and projecting
//! it into the tables the reports, the console and the cases read.

use rusqlite::{Transaction, params};

use domain::{Case, Fact, Outcome, Record};

use super::*;

/// Appends a record as the next link of the journal's hash chain.
pub(super) fn append(tx: &Transaction<'_>, record: &Record) -> rusqlite::Result<i64> {
    let actor = serde_json::to_string(&record.actor).unwrap_or_else(|_| "{}".into());
    let body = serde_json::to_string(&record.fact).unwrap_or_else(|_| "{}".into());
    let (last, prev) = chain::head(tx)?;
    let seq = last + 1;
    let at = record.at.to_string();
    let day = record.day.to_string();
    let ticket = record.fact.ticket().map(|t| t.to_string());
    let window = record.fact.window().map(|w| i64::from(w.get()));
    let row = chain::Row {
        seq,
        at: &at,
        at_ms: record.at.as_millisecond(),
        day: &day,
        kind: record.fact.kind(),
        actor: &actor,
        ticket: ticket.as_deref(),
        window,
        body: &body,
    };
    let hash = chain::hash(&prev, &row);
    tx.prepare_cached(
        "INSERT INTO journal (seq, at, at_ms, day, kind, actor, ticket, window_no, body, prev, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        seq,
        at,
        row.at_ms,
        day,
        row.kind,
        actor,
        ticket,
        window,
        body,
        prev.as_slice(),
        hash.as_slice(),
    ])?;
    Ok(seq)
}

/// Keeps the `tickets` table in step with the journal.
pub(super) fn project(tx: &Transaction<'_>, record: &Record) -> rusqlite::Result<()> {
    let day = record.day.to_string();
    let at = record.at.as_millisecond();
    match &record.fact {
        Fact::TicketIssued {
            ticket,
            priority,
            ahead,
            wait_minutes,
            matter,
            ..
        } => {
            tx.prepare_cached(
                "INSERT INTO tickets (day, code, category, number, queue, priority, state,
                                      issued_at_ms, ahead, wait_minutes, matter_id)
                 VALUES (?1, ?2, ?3, ?4, ?3, ?5, 'waiting', ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                day,
                ticket.to_string(),
                ticket.category.to_string(),
                ticket.number,
                priority,
                at,
                ahead,
                wait_minutes,
                matter.as_ref().map(|m| m.id.as_str())
            ])?;
        }
        Fact::MatterHandled {
            ticket,
            window,
            matter,
            outcome,
        } => {
            let (notice, promised) = match outcome {
                Outcome::Notice { notice } => (Some(notice.to_string()), None),
                Outcome::Accepted { promised, .. } => (None, Some(promised.to_string())),
                _ => (None, None),
            };
            let referred = match outcome {
                Outcome::Referred { to } => Some(to.as_str()),
                _ => None,
            };
            let staff = match &record.actor {
                domain::Actor::Staff { id } => Some(id.as_str()),
                _ => None,
            };
            tx.prepare_cached(
                "INSERT INTO matters (day, at_ms, ticket, window_no, matter_id, matter_version,
                                      matter_zh, outcome, notice, promised, staff, receipt, referred)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?
            .execute(params![
                day,
                at,
                ticket.map(|t| t.to_string()),
                window.get(),
                matter.id.as_str(),
                matter.version,
                matter.zh,
                outcome.word(),
                notice,
                promised,
                staff,
                outcome.receipt().map(|r| r.to_string()),
                referred
            ])?;
        }
        Fact::TicketCalled {
            ticket,
            window,
            member,
        } => {
            tx.prepare_cached(
                "UPDATE tickets SET state = 'called', called_at_ms = ?3, window_no = ?4, recalls = 0,
                                    served_by = ?5
                 WHERE day = ?1 AND code = ?2",
            )?
            .execute(params![day, ticket.to_string(), at, window.get(), member])?;
        }
        Fact::TicketRecalled { ticket, count, .. } => {
            tx.prepare_cached("UPDATE tickets SET recalls = ?3 WHERE day = ?1 AND code = ?2")?
                .execute(params![day, ticket.to_string(), count])?;
        }
        Fact::TicketSkipped { ticket, .. } => {
            tx.prepare_cached(
                "UPDATE tickets SET state = 'skipped', finished_at_ms = ?3 WHERE day = ?1 AND code = ?2",
            )?
            .execute(params![day, ticket.to_string(), at])?;
        }
        Fact::TicketRequeued { ticket, .. } => {
            tx.prepare_cached(
                "UPDATE tickets SET state = 'waiting', finished_at_ms = NULL, window_no = NULL
                 WHERE day = ?1 AND code = ?2",
            )?
            .execute(params![day, ticket.to_string()])?;
        }
        Fact::TicketTransferred { ticket, to, .. } => {
            tx.prepare_cached(
                "UPDATE tickets SET state = 'waiting', queue = ?3, window_no = NULL
                 WHERE day = ?1 AND code = ?2",
            )?
            .execute(params![day, ticket.to_string(), to.to_string()])?;
        }
        Fact::TicketCompleted {
            ticket,
            window,
            service_seconds,
            member,
            ..
        } => {
            tx.prepare_cached(
                "UPDATE tickets SET state = 'completed', finished_at_ms = ?3, window_no = ?4,
                                    service_seconds = ?5, served_by = COALESCE(?6, served_by)
                 WHERE day = ?1 AND code = ?2",
            )?
            .execute(params![
                day,
                ticket.to_string(),
                at,
                window.get(),
                service_seconds,
                member
            ])?;
        }
        Fact::DayClosed { unserved } => {
            let mut stmt = tx.prepare_cached(
                "UPDATE tickets SET state = 'unserved', finished_at_ms = ?3 WHERE day = ?1 AND code = ?2",
            )?;
            for code in unserved {
                stmt.execute(params![day, code.to_string(), at])?;
            }
        }
        // A day closed by a clock that ran ahead opens again: the tickets it
        // closed unserved after the confirmed time wait again.
        Fact::ClockCorrected { .. } => {
            tx.prepare_cached(
                "UPDATE tickets SET state = 'waiting', finished_at_ms = NULL, window_no = NULL
                 WHERE day = ?1 AND state = 'unserved' AND finished_at_ms > ?2",
            )?
            .execute(params![day, at])?;
        }
        Fact::DayOpened
        | Fact::WindowOpened { .. }
        | Fact::WindowPaused { .. }
        | Fact::SignedOn { .. }
        | Fact::SignedOff { .. }
        | Fact::CallHeld { .. }
        | Fact::LeaveRegistered { .. }
        | Fact::LeaveCancelled { .. }
        | Fact::DutySet { .. }
        | Fact::NoticePosted { .. }
        | Fact::NoticeWithdrawn { .. }
        | Fact::ClockBehind { .. }
        | Fact::ClockRecovered
        | Fact::ClockUnconfirmed { .. }
        | Fact::ClockConfirmed
        | Fact::TicketPrinted { .. }
        | Fact::TicketReprinted { .. }
        | Fact::RatingArmed { .. }
        | Fact::TicketRated { .. }
        | Fact::TicketUnrated { .. }
        | Fact::RatingIgnored { .. }
        | Fact::PrinterChanged { .. }
        | Fact::EvaluatorFault { .. }
        | Fact::ZoneInput { .. }
        | Fact::AlarmRaised { .. }
        | Fact::AlarmAcknowledged { .. }
        | Fact::AlarmReset { .. }
        | Fact::ZoneFaulted { .. }
        | Fact::PrintFailed { .. }
        // Back-entries stay in the journal only: reports read them there,
        // marked, beside the tickets.
        | Fact::BackEntered { .. }
        | Fact::PaperChanged
        | Fact::StaffSignedIn { .. }
        | Fact::PinRefused { .. }
        | Fact::PrintUnconfirmed { .. }
        | Fact::DayAnchored { .. }
        | Fact::PrintResent { .. }
        | Fact::CaseReprinted { .. }
        // An export changes no case: the journal is its only trace.
        | Fact::CaseExported { .. }
        | Fact::Announced { .. }
        | Fact::GuidePrinted { .. }
        | Fact::NoticeGiven { .. }
        | Fact::MattersInstalled { .. }
        | Fact::DocketRatingArmed { .. }
        | Fact::DocketReprinted { .. } => {}
        Fact::DocketOpened { .. }
        | Fact::DocketAdvanced { .. }
        | Fact::DocketRated { .. }
        | Fact::PrincipalDeleted { .. } => super::dockets::project_docket(tx, record)?,
        Fact::CaseOpened { .. }
        | Fact::CaseAdvanced { .. }
        | Fact::CaseReopened { .. }
        | Fact::CaseExtended { .. } => project_case(tx, record)?,
        Fact::CasePrinted { .. } | Fact::CallbackAdded { .. } => {}
        Fact::ContactDeleted { case } => {
            tx.execute(
                "DELETE FROM case_contacts WHERE case_no = ?1",
                [case.to_string()],
            )?;
        }
    }
    Ok(())
}

/// Keeps the `cases` table in step with the journal.
pub(super) fn project_case(tx: &Transaction<'_>, record: &Record) -> rusqlite::Result<()> {
    let write = |case: &Case| -> rusqlite::Result<()> {
        let body = serde_json::to_string(case).unwrap_or_else(|_| "{}".into());
        tx.prepare_cached(
            "INSERT INTO cases (number, year, seq, day, stage, window_no, body)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (number) DO UPDATE SET stage = excluded.stage, body = excluded.body",
        )?
        .execute(params![
            case.no.to_string(),
            case.no.year,
            case.no.seq,
            case.day.to_string(),
            case.stage().word(),
            case.window.map(|w| w.get()),
            body,
        ])?;
        Ok(())
    };
    match &record.fact {
        Fact::CaseOpened { .. } => {
            if let Some(case) = Case::opened(record) {
                write(&case)?;
            }
        }
        Fact::CaseAdvanced { case, .. }
        | Fact::CaseReopened { case, .. }
        | Fact::CaseExtended { case, .. } => {
            let body: String = tx.query_row(
                "SELECT body FROM cases WHERE number = ?1",
                [case.to_string()],
                |r| r.get(0),
            )?;
            let mut current: Case = serde_json::from_str(&body).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    0,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })?;
            current.apply(record);
            write(&current)?;
        }
        _ => {}
    }
    Ok(())
}
