//! `[backup]` in kiosk.toml: where backups go, how many are kept, and how
//! they are encrypted.

use std::path::{Path, PathBuf};

use super::*;

/// The `[backup]` table: where the daily backup goes, how many it keeps,
/// how it is encrypted. Read by `kiosk backup` only; a station starts
/// whatever it says about files, which are opened when a backup runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupSettings {
    /// An absolute folder; none: the data folder's `backups/`.
    pub dir: Option<PathBuf>,
    /// How many good backups the folder keeps (1–1000).
    pub keep: u32,
    /// Public keys (`age1…`) the backups are encrypted to, checked.
    pub recipients: Vec<String>,
    /// A file whose first line is the passphrase the backups are encrypted
    /// with (relative to the settings file's folder).
    pub passphrase_file: Option<PathBuf>,
}

/// How many daily backups are kept when the settings do not say.
pub const DEFAULT_BACKUP_KEEP: u32 = 14;

pub(super) fn backup_settings(
    src: &Source<'_>,
    raw: &RawBackup,
    base: Option<&Path>,
) -> Result<BackupSettings, ConfigError> {
    let dir = match &raw.dir {
        Some(d) if !d.get_ref().trim().is_empty() => {
            let path = PathBuf::from(d.get_ref().trim());
            if !path.is_absolute() {
                return Err(src.error(
                    Some(d.span()),
                    Some("backup.dir"),
                    "must be an absolute folder such as \"/media/kiosk-backup\" (empty: the data folder's backups/)",
                ));
            }
            Some(path)
        }
        _ => None,
    };
    let keep = src.in_range(&raw.keep, "backup.keep", 1..=1000, DEFAULT_BACKUP_KEEP, "")?;
    let recipients: Vec<String> = match &raw.recipients {
        None => Vec::new(),
        Some(list) => {
            for r in list.get_ref() {
                crate::store::backup::parse_recipient(r).map_err(|e| {
                    src.error(Some(list.span()), Some("backup.recipients"), e.to_string())
                })?;
            }
            list.get_ref()
                .iter()
                .map(|r| r.trim().to_string())
                .collect()
        }
    };
    let passphrase_file = raw
        .passphrase_file
        .as_ref()
        .filter(|p| !p.get_ref().trim().is_empty());
    if let (Some(p), false) = (passphrase_file, recipients.is_empty()) {
        return Err(src.error(
            Some(p.span()),
            Some("backup.passphrase_file"),
            "give recipients or a passphrase file, not both (an age file is opened by either a passphrase or keys)",
        ));
    }
    Ok(BackupSettings {
        dir,
        keep,
        recipients,
        passphrase_file: passphrase_file
            .map(|p| base.unwrap_or(Path::new(".")).join(p.get_ref().trim())),
    })
}
