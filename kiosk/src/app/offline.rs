//! Journaling from the command line while no station runs: a manager's
//! export with the callback number in full, or the PIN refused for it, must
//! reach the journal even when the station is stopped. The command line
//! holds the data folder's lock, so no station starts meanwhile, and the
//! record is made exactly as the station loop would make it: the station
//! rebuilt from the journal, the command decided by the domain (which also
//! opens or closes the business day and holds a clock that runs behind the
//! journal), the records committed by the store. While a station runs, the
//! command line goes through its control socket instead; it never writes
//! the journal behind a running station's back.

use jiff::Timestamp;

use crate::config::Config;
use crate::data::DataDir;
use crate::domain::{Actor, Command, Rejection, Station};
use crate::store::{Store, StoreError};

/// Why a record could not be journaled.
#[derive(Debug, thiserror::Error)]
pub enum OfflineError {
    /// The database could not be read or written.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// The station's rules refused the command; nothing was journaled.
    #[error("{0}")]
    Refused(#[from] Rejection),
}

/// Decides `command` as `actor` at `now` on the station rebuilt from the
/// journal of `data` (locked by the caller) and commits what it records.
pub fn journal(
    data: &DataDir,
    config: &Config,
    command: &Command,
    actor: &Actor,
    now: Timestamp,
) -> Result<(), OfflineError> {
    let (calendar, _) = crate::config::calendar_with_installed(&data.calendar());
    let mut store = Store::open(&data.database(), &config.store)?;
    let resume = store.resume()?;
    let station = resume.rebuild(Station::new(
        config.catalog.clone(),
        calendar,
        config.settings.clone(),
    ));
    let decision = station.decide(command, actor, now)?;
    store.commit_private(&decision.records, &decision.contacts, &decision.principals)?;
    Ok(())
}
