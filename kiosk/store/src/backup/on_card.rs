//! The daily backup into a folder on the database's own disk (the SD card):
//! a copy a week there, two kept (ADR 0033).

use std::path::{Path, PathBuf};

use jiff::Timestamp;

use super::{BackupError, backup_name, io, is_good};

/// How often the daily backup copies the database into a folder on the
/// database's own disk (the SD card): a full copy a day writes the whole
/// database to the card every night, which after a few years is many times
/// what the station itself writes, and `keep` of them fill it (ADR 0033).
pub const ON_CARD_EVERY: jiff::SignedDuration = jiff::SignedDuration::from_hours(7 * 24);

/// How many backups a folder on the database's own disk keeps, whatever
/// `keep` says.
pub const ON_CARD_KEEP: u32 = 2;

/// Whether the folder `dir` is on the same disk (device) as the database
/// `db`: a backup there is lost with the card.
pub fn on_same_disk(dir: &Path, db: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let dev = |p: &Path| std::fs::metadata(p).map(|m| m.dev()).ok();
    let folder = db
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match (dev(dir), dev(folder)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// The newest good backup in `dir` whose name says it was made within
/// [`ON_CARD_EVERY`] before `now` (a name from a clock that ran ahead does
/// not count), with that time.
pub fn recent(dir: &Path, now: Timestamp) -> Result<Option<(PathBuf, Timestamp)>, BackupError> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let Some((stamp, _)) = entry.file_name().to_str().and_then(backup_name) else {
            continue;
        };
        let Ok(at) = jiff::fmt::strtime::parse("%Y%m%dT%H%M%SZ", &stamp)
            .and_then(|t| t.to_datetime())
            .and_then(|t| jiff::tz::TimeZone::UTC.to_timestamp(t))
        else {
            continue;
        };
        if at <= now && now.duration_since(at) < ON_CARD_EVERY {
            found.push((at, entry.path()));
        }
    }
    found.sort();
    Ok(found
        .into_iter()
        .rev()
        .find(|(_, path)| is_good(path))
        .map(|(at, path)| (path, at)))
}
