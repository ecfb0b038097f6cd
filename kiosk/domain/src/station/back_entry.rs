//! Back-entry (补录): a matter handled by hand while the kiosk was down,
//! entered afterwards with its real times and counted for the day it was
//! handled.

use super::{
    BACK_ENTRY_DAYS, BACK_ENTRY_MAX_HOURS, BackEntry, Fact, Record, Rejection, Scratch, Station,
};
use crate::complaint::{MAX_NOTE, private_text};

/// The longest hand-register number kept.
const MAX_REGISTER_NO: usize = 16;

impl Station {
    /// Applies a back-entered matter.
    pub(super) fn apply_back_entry(&mut self, record: &Record) {
        if let Fact::BackEntered {
            window, started, ..
        } = &record.fact
        {
            self.back_entries.insert((*window, *started));
        }
    }
}

impl Scratch {
    /// Decides a back-entry: the category and window must exist, the times
    /// must be plausible, and the same matter is entered once.
    pub(super) fn back_enter(&mut self, entry: &BackEntry) -> Result<(), Rejection> {
        self.station
            .catalog
            .category(entry.category)
            .ok_or_else(|| {
                Rejection::UnknownCategory(entry.category, self.station.category_list())
            })?;
        self.window(entry.window)?;
        let service = entry.finished.duration_since(entry.started).as_secs();
        let oldest = self.now.as_second() - BACK_ENTRY_DAYS * 86_400;
        if !(0..=BACK_ENTRY_MAX_HOURS * 3600).contains(&service)
            || entry.finished > self.now
            || entry.started.as_second() < oldest
        {
            return Err(Rejection::BackEntryTimes);
        }
        if self
            .station
            .back_entries
            .contains(&(entry.window, entry.started))
        {
            return Err(Rejection::BackEnteredTwice {
                window: entry.window,
                started: self.station.local(entry.started),
            });
        }
        let register_no = private_text(&entry.register_no, MAX_REGISTER_NO);
        self.record(Fact::BackEntered {
            category: entry.category,
            window: entry.window,
            started: entry.started,
            finished: entry.finished,
            handled_day: self.station.business_day(entry.started),
            service_seconds: u32::try_from(service).unwrap_or(u32::MAX),
            register_no,
            note: private_text(&entry.note, MAX_NOTE),
        });
        Ok(())
    }
}
