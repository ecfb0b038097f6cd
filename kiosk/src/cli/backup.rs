//! `kiosk backup` and `kiosk restore`.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use jiff::Timestamp;
use kiosk::config::Config;
use kiosk::data::DataDir;
use kiosk::store;

use super::*;

pub(super) fn backup(args: BackupArgs) -> Result<ExitCode> {
    use store::backup::{self, Encrypt, Passphrase};
    let data = args.data.dir()?;
    let db = data.join("kiosk.db");
    if !db.exists() {
        bail!(
            "there is no journal at {} — pass --data with the station's data folder",
            db.display()
        );
    }
    let config = Config::load(args.config.as_deref())?;
    let settings = &config.backup;
    // What the command line says, else what the settings say.
    let encrypt = if let Some(file) = &args.passphrase_file {
        Some(Encrypt::Passphrase(Passphrase::from_file(file)?))
    } else if !args.recipient.is_empty() {
        Some(Encrypt::recipients(&args.recipient)?)
    } else if let Some(file) = &settings.passphrase_file {
        Some(Encrypt::Passphrase(Passphrase::from_file(file)?))
    } else if !settings.recipients.is_empty() {
        Some(Encrypt::recipients(&settings.recipients)?)
    } else {
        None
    };
    let now = Timestamp::now();
    let (file, copy, folder) = match &args.to {
        Some(to) => (
            to.clone(),
            backup::backup(&db, &config.store, to, encrypt.as_ref())?,
            None,
        ),
        None => {
            let dir = match args.dir.clone().or_else(|| settings.dir.clone()) {
                Some(dir) => dir,
                None => {
                    // The default folder is the station's own; a stick's
                    // folder must be there already (mounted).
                    let dir = data.join("backups");
                    std::fs::create_dir_all(&dir)
                        .with_context(|| format!("cannot make {}", dir.display()))?;
                    dir
                }
            };
            // On the card itself: a copy a week, two kept (ADR 0033).
            let on_card = backup::on_same_disk(&dir, &db);
            if on_card && let Some((newest, at)) = backup::recent(&dir, now)? {
                println!(
                    "no backup taken: {} is on the station's own disk, where a copy is taken once a week (card wear); the newest, {}, is from {}. For a daily copy set [backup] dir to a USB stick's folder.",
                    dir.display(),
                    newest.display(),
                    at.round(jiff::Unit::Second).unwrap_or(at)
                );
                return Ok(ExitCode::SUCCESS);
            }
            let made = backup::backup_into(&db, &config.store, &dir, encrypt.as_ref(), now)?;
            (made.file, made.checked, Some((dir, on_card)))
        }
    };
    println!(
        "backed up {} journal entries ({} bytes, schema {}{}) to {}; chain head {}",
        copy.entries,
        copy.bytes,
        copy.version,
        if encrypt.is_some() { ", encrypted" } else { "" },
        file.display(),
        copy.head
    );
    let last = backup::LastBackup {
        at: now,
        file: std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone()),
        entries: copy.entries,
        head: copy.head.clone(),
        bytes: copy.bytes,
        encrypted: encrypt.is_some(),
    };
    if let Err(e) = backup::record(&data, &last) {
        eprintln!("warning: the backup is good, but `kiosk doctor` will not know of it: {e}");
    }
    if let Some((dir, on_card)) = folder {
        let mut keep = args.keep.unwrap_or(settings.keep);
        if on_card {
            keep = keep.min(backup::ON_CARD_KEEP);
        }
        let removed = backup::prune(&dir, &file, keep).with_context(|| {
            format!(
                "the backup is written, but old backups in {} could not be removed",
                dir.display()
            )
        })?;
        for old in removed {
            println!("removed {} (keeping the newest {keep})", old.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn restore(args: RestoreArgs) -> Result<ExitCode> {
    use store::backup::{self, Decrypt, Passphrase, RestoreOptions};
    let key = match (&args.passphrase_file, &args.identity) {
        (Some(file), _) => Some(Decrypt::Passphrase(Passphrase::from_file(file)?)),
        (None, Some(file)) => Some(Decrypt::identity_file(file)?),
        (None, None) => None,
    };
    // The station's own lock: refused while it runs.
    let data = DataDir::open(&args.data.dir()?)?;
    let stamp = Timestamp::now().strftime("%Y%m%dT%H%M%SZ").to_string();
    let done = backup::restore(
        &data.database(),
        &kiosk::store::StoreSettings::default(),
        &args.from,
        &RestoreOptions {
            key: key.as_ref(),
            force: args.force,
            stamp: &stamp,
        },
    )?;
    if done.lost > 0 {
        eprintln!(
            "warning: the copy is older than the database it replaced: {} journal entries written after the copy's last one are not in the station now (they are in the kept copy)",
            done.lost
        );
    }
    println!(
        "restored {} journal entries (schema {}{}) from {}; chain head {}",
        done.from.entries,
        done.from.version,
        if done.encrypted { ", decrypted" } else { "" },
        args.from.display(),
        done.from.head
    );
    if let Some(kept) = done.kept {
        match &kept.check {
            Ok(c) => println!(
                "the database it replaced is kept as {} ({} journal entries, chain head {}); to undo: kiosk restore --from {}",
                kept.path.display(),
                c.entries,
                c.head,
                kept.path.display()
            ),
            Err(why) => println!(
                "the database it replaced is kept as {} ({why})",
                kept.path.display()
            ),
        }
    }
    Ok(ExitCode::SUCCESS)
}
