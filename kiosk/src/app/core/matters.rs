//! The station loop's side of matters: a ticket taken for a matter at the
//! lobby guide, the guide's one-time notice printed, a written notice of
//! missing materials printed, and a new catalog version put in force.

use super::*;
use crate::app::{JobKey, PrintState, Refusal};
use crate::documents::{self, Locale};
use crate::domain::{Actor, Command, Deadline, MatterRef, NoticeNo};

impl Core {
    /// A matter of the catalog in force by its id, as records name it.
    fn matter_ref(&self, id: &str) -> Option<(crate::domain::CategoryId, MatterRef)> {
        let book = self.matters.current();
        let m = book.matters.iter().find(|m| m.id.as_str() == id)?;
        Some((m.category, m.reference(book.version)))
    }

    pub(super) async fn take_ticket_for(&mut self, matter: &str, priority: bool, locale: Locale) {
        let Some((category, matter)) = self.matter_ref(matter) else {
            tracing::warn!("the guide asked for a ticket for unknown matter `{matter}`");
            self.screen.problem(false);
            return;
        };
        let command = Command::IssueFor {
            category,
            priority,
            matter,
        };
        self.issue_with(command, locale).await;
    }

    pub(super) async fn print_guide(&mut self, matter: &str, locale: Locale) {
        let Some((_, matter)) = self.matter_ref(matter) else {
            tracing::warn!("the guide asked to print unknown matter `{matter}`");
            self.screen.print_state("guide".into(), PrintState::Failed);
            return;
        };
        match self
            .exec(Command::PrintGuide { matter }, Actor::Citizen)
            .await
        {
            Ok(effects) => self.perform_in(effects, locale),
            Err(f) => {
                tracing::warn!("the guide's notice was not printed: {}", f.message());
                self.screen.print_state("guide".into(), PrintState::Failed);
            }
        }
    }

    /// Prints a matter's one-time notice as the catalog version it was
    /// chosen under describes it.
    pub(super) fn print_guide_notice(&mut self, matter: &MatterRef, locale: Locale) {
        let found = self
            .matters
            .version(matter.version)
            .ok()
            .and_then(|book| book.get(&matter.id).cloned());
        let Some(m) = found else {
            tracing::error!("matter {matter} is not in its catalog version; nothing printed");
            self.screen.print_state("guide".into(), PrintState::Failed);
            return;
        };
        let today = self.station.local(self.clock.now());
        let today = today.split(' ').next().unwrap_or_default().to_string();
        let paper = documents::guide_notice(&m, &self.info, locale, &today);
        self.serial += 1;
        let key = JobKey::Guide {
            serial: self.serial,
        };
        let state = if self.submit(key, &paper) {
            PrintState::Printing
        } else {
            PrintState::NoPrinter
        };
        self.screen.print_state("guide".into(), state);
    }

    /// Prints a written notice of missing materials.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn print_missing(
        &mut self,
        notice: NoticeNo,
        window: crate::domain::WindowNo,
        matter: &MatterRef,
        missing: Vec<String>,
        return_by: Deadline,
        by: &Actor,
        given_local: String,
    ) {
        let staff = match by {
            Actor::Staff { id } => self
                .station
                .settings()
                .staff
                .get(&window)
                .filter(|s| s.number == *id)
                .map_or_else(|| id.clone(), |s| format!("{} ({id})", s.name)),
            other => other.to_string(),
        };
        let facts = documents::MissingFacts {
            notice_no: notice.to_string(),
            matter_zh: matter.zh.clone(),
            missing,
            return_by: return_by.date.to_string(),
            provisional: return_by.provisional,
            window: window.get(),
            staff,
            given_local,
        };
        let paper = documents::missing_notice(&facts, &self.info);
        if !self.submit(JobKey::Missing { notice }, &paper) {
            tracing::warn!(
                "no printer: notice {notice} is not printed; the console has it as a document"
            );
        }
    }

    /// Puts installed version `version` in force and journals who approved
    /// it; refused (the version in force stays) when it does not read or
    /// cannot be journaled.
    pub(super) async fn install_matters(
        &mut self,
        version: u32,
        approver: String,
    ) -> Result<u32, Refusal> {
        let matters = self.matters.version(version).map_err(Refusal::Refused)?;
        let count = matters.matters.len() as u32;
        let sha256 = self.matters.digest(version).map_err(Refusal::Refused)?;
        let command = Command::NoteMatters {
            version,
            approver,
            matters: count,
            sha256,
        };
        self.command(command, Actor::Technician).await?;
        self.matters.take(version).map_err(Refusal::Refused)?;
        tracing::info!("matter catalog version {version} in force: {count} matters");
        Ok(count)
    }
}

impl Core {
    /// Prints a docket's receipt or its commission (with the citizen's
    /// particulars, which exist only in this effect and the store).
    pub(super) fn print_docket(
        &mut self,
        docket: &crate::domain::Docket,
        document: crate::domain::DocketDocument,
        principal: Option<&crate::domain::Principal>,
        again: bool,
    ) {
        use crate::domain::DocketDocument;
        let staff = docket
            .staff
            .as_ref()
            .map_or_else(|| "—".to_string(), |s| format!("{} ({})", s.name, s.number));
        let accepted = docket.history.first().map(|s| s.at).unwrap_or_default();
        let facts = documents::DocketFacts {
            staff,
            accepted_local: self.station.local(accepted),
        };
        let paper = match (document, principal) {
            (DocketDocument::Receipt, _) => documents::docket_receipt(docket, &facts, &self.info),
            (DocketDocument::Commission, Some(p)) => {
                documents::docket_commission(docket, p, &facts, &self.info)
            }
            (DocketDocument::Commission, None) => {
                tracing::error!("{}: no commission particulars to print", docket.no);
                return;
            }
        };
        let paper = if again { paper.reprinted() } else { paper };
        self.serial += 1;
        let key = JobKey::Docket {
            docket: docket.no,
            document,
            serial: self.serial,
        };
        tracing::info!("{}: printing its {}", docket.no, document.zh());
        if !self.submit(key, &paper) {
            tracing::warn!(
                "no printer: the {} of {} is not printed; print it again from the console",
                document.zh(),
                docket.no
            );
        }
    }
}
