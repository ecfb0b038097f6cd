//! `kiosk backup` while the station runs and `kiosk restore` once it is
//! stopped, through the real binary: the copy's chain head matches the
//! journal's, numbering continues from the copy, the replaced database is
//! kept and restoring it undoes the restore; a copy older than the live
//! database needs --force; a killed station's copy with its `-wal` is
//! restored whole; encrypted backups need their passphrase; the daily
//! backup keeps the newest and tells `kiosk doctor`; damaged, tampered,
//! newer and missing copies are refused and change nothing; an older
//! schema's copy is migrated.

use std::path::Path;

use crate::support::{Station, kiosk};

/// Runs `kiosk ARGS --data DATA`: success, stdout, stderr.
fn run(args: &[&str], data: &Path) -> (bool, String, String) {
    let out = kiosk().args(args).arg("--data").arg(data).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The chain head `kiosk verify-log` prints.
fn head(data: &Path) -> String {
    let (ok, out, err) = run(&["verify-log"], data);
    assert!(ok, "{out}{err}");
    let first = out.lines().next().unwrap_or_default();
    first.rsplit(' ').next().unwrap().trim().to_string()
}

#[test]
fn a_backup_taken_while_running_is_restored_once_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let usb = dir.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let copy = usb.join("kiosk-2026-11-30.db");
    let copy_arg = copy.display().to_string();
    let mut station = Station::start(&data, &[]);
    assert_eq!(station.take_ticket('A'), "A001");
    assert_eq!(station.take_ticket('A'), "A002");
    station.ok("settle");

    let (ok, out, err) = run(&["backup", "--to", &copy_arg], &data);
    assert!(ok, "{err}");
    assert!(out.starts_with("backed up "), "{out}");
    let copied_head = out.rsplit(' ').next().unwrap().trim().to_string();
    assert_eq!(
        copied_head,
        head(&data),
        "the copy is the journal as it was"
    );
    // Never over an existing file; a folder that is not there is named.
    let (ok, _, err) = run(&["backup", "--to", &copy_arg], &data);
    assert!(!ok && err.contains("already exists"), "{err}");
    let nowhere = dir.path().join("no-stick/kiosk.db").display().to_string();
    let (ok, _, err) = run(&["backup", "--to", &nowhere], &data);
    assert!(!ok && err.contains("check that the folder exists"), "{err}");
    assert!(!dir.path().join("no-stick").exists());

    // Not while the station runs.
    let (ok, _, err) = run(&["restore", "--from", &copy_arg], &data);
    assert!(!ok && err.contains("already running"), "{err}");

    assert_eq!(station.take_ticket('A'), "A003");
    station.ok("settle");
    assert!(station.quit().success());
    let later_head = head(&data);

    // The copy lacks A003: said before anything changes.
    let (ok, _, err) = run(&["restore", "--from", &copy_arg], &data);
    assert!(!ok, "an older copy restored without --force");
    assert!(err.contains("is older than the live database"), "{err}");
    assert!(err.contains("pass --force"), "{err}");
    assert_eq!(head(&data), later_head, "nothing changed");

    let (ok, out, err) = run(&["restore", "--force", "--from", &copy_arg], &data);
    assert!(ok, "{err}");
    assert!(err.contains("warning: the copy is older"), "{err}");
    assert!(out.contains("the database it replaced is kept as"), "{out}");
    assert_eq!(head(&data), copied_head);
    let kept: Vec<_> = std::fs::read_dir(&data)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("kiosk.db.before-restore-")
        })
        .collect();
    assert_eq!(kept.len(), 1, "the replaced database is kept");

    // The station goes on from the copy: A003 was issued after it was taken.
    let mut station = Station::start(&data, &[]);
    assert_eq!(station.take_ticket('A'), "A003");
    assert!(station.quit().success());
}

#[test]
fn damaged_tampered_newer_and_missing_copies_are_refused_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut station = Station::start(&data, &[]);
    assert_eq!(station.take_ticket('A'), "A001");
    station.ok("settle");
    let good = dir.path().join("good.db");
    let (ok, _, err) = run(&["backup", "--to", &good.display().to_string()], &data);
    assert!(ok, "{err}");
    assert!(station.quit().success());
    let before = head(&data);

    let garbage = dir.path().join("garbage.db");
    std::fs::write(
        &garbage,
        b"this is a shopping list, not a database\n".repeat(200),
    )
    .unwrap();
    let tampered = dir.path().join("tampered.db");
    std::fs::copy(&good, &tampered).unwrap();
    rusqlite::Connection::open(&tampered)
        .unwrap()
        .execute_batch(
            "DROP TRIGGER journal_is_append_only_update;
             UPDATE journal SET body = replace(body, 'A001', 'A009') WHERE kind = 'ticket_issued';",
        )
        .unwrap();
    let newer = dir.path().join("newer.db");
    std::fs::copy(&good, &newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let missing = dir.path().join("missing.db");
    for (copy, expected) in [
        (&garbage, "not a kiosk database"),
        (&tampered, "hash chain breaks"),
        (&newer, "written by a newer kiosk"),
        (&missing, "check that the folder exists"),
    ] {
        let (ok, _, err) = run(&["restore", "--from", &copy.display().to_string()], &data);
        assert!(!ok, "{}: restored", copy.display());
        assert!(err.contains(expected), "{}: {err}", copy.display());
        assert_eq!(head(&data), before, "{}: nothing changed", copy.display());
    }
}

#[test]
fn a_copy_from_the_first_schema_is_migrated_when_restored() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("v1.db");
    rusqlite::Connection::open(&old)
        .unwrap()
        .execute_batch(include_str!("../../kiosk/store/src/fixtures/v1.sql"))
        .unwrap();
    let data = dir.path().join("data");
    let (ok, out, err) = run(&["restore", "--from", &old.display().to_string()], &data);
    assert!(ok, "{err}");
    assert!(out.contains("(schema 1)"), "{out}");
    // Migrated: chained, and the station takes up its day's numbering.
    let (ok, out, err) = run(&["verify-log"], &data);
    assert!(ok && out.starts_with("journal intact"), "{out}{err}");
    let mut station = Station::start(&data, &[]);
    assert_eq!(station.take_ticket('A'), "A002");
    assert!(station.quit().success());
}

/// The file named after "to undo: kiosk restore --from ".
fn undo_file(out: &str) -> String {
    out.split("to undo: kiosk restore --from ")
        .nth(1)
        .unwrap_or_else(|| panic!("no undo command in {out}"))
        .trim()
        .to_string()
}

/// Issue: after a `kill -9`, restoring a copy of `kiosk.db` with its
/// `kiosk.db-wal` said "restored 9 journal entries" and installed none.
/// Restoring twice in a second overwrote the first kept copy; restoring a
/// kept copy must undo a restore.
#[test]
fn a_killed_stations_copy_is_restored_whole_and_the_restore_undone() {
    let dir = tempfile::tempdir().unwrap();
    let killed = dir.path().join("killed");
    let mut station = Station::start(&killed, &[]);
    for code in ["A001", "A002", "A003"] {
        assert_eq!(station.take_ticket('A'), code);
    }
    station.ok("settle");
    drop(station); // SIGKILL: the entries are still in the WAL
    let stick = dir.path().join("stick");
    std::fs::create_dir_all(&stick).unwrap();
    for name in ["kiosk.db", "kiosk.db-wal"] {
        std::fs::copy(killed.join(name), stick.join(name)).unwrap();
    }
    let killed_head = head(&killed);

    let data = dir.path().join("data");
    let mut station = Station::start(&data, &[]);
    assert_eq!(station.take_ticket('B'), "B001");
    station.ok("settle");
    assert!(station.quit().success());
    let own_head = head(&data);
    // Both stations' simulated clocks started at 09:00, so which journal
    // ends later is chance: --force says losing entries is intended.
    let copy = stick.join("kiosk.db").display().to_string();
    let (ok, out, err) = run(&["restore", "--force", "--from", &copy], &data);
    assert!(ok, "{err}");
    assert_eq!(head(&data), killed_head, "the WAL's entries are installed");
    let first_kept = undo_file(&out);
    let mut station = Station::start(&data, &[]);
    assert_eq!(station.take_ticket('A'), "A004");
    assert!(station.quit().success());
    let restored_head = head(&data);

    // Undo, at once (the same second, as often as not). A004 is lost with
    // it, and said so.
    let (ok, _, err) = run(&["restore", "--from", &first_kept], &data);
    assert!(!ok && err.contains("pass --force"), "{err}");
    let (ok, out, err) = run(&["restore", "--force", "--from", &first_kept], &data);
    assert!(ok, "{err}");
    assert_eq!(head(&data), own_head, "the station's own database is back");
    let second_kept = undo_file(&out);
    assert_ne!(second_kept, first_kept);
    assert_eq!(head_of(&first_kept), own_head, "never overwritten");
    assert_eq!(head_of(&second_kept), restored_head);
    let mut station = Station::start(&data, &[]);
    assert_eq!(station.take_ticket('B'), "B002");
    assert!(station.quit().success());
}

/// The chain head of a kept copy, as `kiosk restore` would check it: its
/// data folder is made for the occasion.
fn head_of(file: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, err) = run(&["restore", "--from", file], dir.path());
    assert!(ok, "{err}");
    head(dir.path())
}

#[test]
fn an_encrypted_backup_is_restored_with_its_passphrase_only() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut station = Station::start(&data, &[]);
    assert_eq!(station.take_ticket('A'), "A001");
    station.ok("settle");
    let secret = dir.path().join("passphrase");
    std::fs::write(&secret, "a long passphrase nobody guesses\n").unwrap();
    let wrong = dir.path().join("wrong");
    std::fs::write(&wrong, "a short one\n").unwrap();
    let sealed = dir.path().join("kiosk.db.age");
    let sealed_arg = sealed.display().to_string();
    let (ok, out, err) = run(
        &[
            "backup",
            "--to",
            &sealed_arg,
            "--passphrase-file",
            &secret.display().to_string(),
        ],
        &data,
    );
    assert!(ok, "{err}");
    assert!(out.contains(", encrypted) to "), "{out}");
    let copied_head = out.rsplit(' ').next().unwrap().trim().to_string();
    assert!(
        std::fs::read(&sealed)
            .unwrap()
            .starts_with(b"age-encryption.org/v1\n")
    );
    assert_eq!(station.take_ticket('A'), "A002");
    station.ok("settle");
    assert!(station.quit().success());
    let before = head(&data);

    for (args, expected) in [
        (vec![], "is an encrypted backup — pass --passphrase-file"),
        (
            vec!["--passphrase-file", wrong.to_str().unwrap()],
            "the passphrase is wrong",
        ),
    ] {
        let mut all = vec!["restore", "--force", "--from", &sealed_arg];
        all.extend(args);
        let (ok, _, err) = run(&all, &data);
        assert!(!ok && err.contains(expected), "{err}");
        assert_eq!(head(&data), before, "nothing changed");
    }
    let (ok, out, err) = run(
        &[
            "restore",
            "--force",
            "--from",
            &sealed_arg,
            "--passphrase-file",
            secret.to_str().unwrap(),
        ],
        &data,
    );
    assert!(ok, "{err}");
    assert!(out.contains(", decrypted) from"), "{out}");
    assert_eq!(head(&data), copied_head);
}

#[test]
fn the_daily_backup_keeps_the_newest_and_tells_the_doctor() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // The stick is another disk than the data folder's (a tmpfs here).
    let other_disk = tempfile::tempdir_in("/dev/shm").unwrap();
    let stick = other_disk.path().join("stick");
    let config = dir.path().join("kiosk.toml");
    std::fs::write(
        &config,
        format!("[backup]\ndir = \"{}\"\nkeep = 2\n", stick.display()),
    )
    .unwrap();
    let config_arg = config.display().to_string();
    let mut station = Station::start(&data, &[]);
    assert_eq!(station.take_ticket('A'), "A001");
    station.ok("settle");

    let (ok, _, err) = run(&["backup", "--config", &config_arg], &data);
    assert!(!ok && err.contains("mount the backup stick"), "{err}");
    std::fs::create_dir_all(&stick).unwrap();
    let mut last = String::new();
    for _ in 0..3 {
        let (ok, out, err) = run(&["backup", "--config", &config_arg], &data);
        assert!(ok, "{err}");
        last = out;
    }
    assert!(last.contains("removed "), "{last}");
    let mut files: Vec<String> = std::fs::read_dir(&stick)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(
        files
            .iter()
            .all(|f| f.starts_with("kiosk-") && f.ends_with(".db"))
    );
    assert!(station.quit().success());

    let out = kiosk()
        .args(["doctor", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    let line = said
        .lines()
        .find(|l| l.contains(" backup "))
        .unwrap_or_else(|| panic!("{said}"));
    assert!(line.contains("last good backup"), "{line}");
    assert!(line.contains(&stick.display().to_string()), "{line}");

    // Without [backup] dir: the data folder's backups/, on the card, where
    // a copy is taken once a week.
    let (ok, out, err) = run(&["backup"], &data);
    assert!(ok && out.starts_with("backed up "), "{out}{err}");
    let (ok, out, err) = run(&["backup"], &data);
    assert!(ok, "{err}");
    assert!(out.starts_with("no backup taken:"), "{out}");
    assert!(out.contains("once a week"), "{out}");
    assert_eq!(std::fs::read_dir(data.join("backups")).unwrap().count(), 1);
}

#[test]
fn compact_waits_for_the_station_to_stop_then_rewrites_an_old_database() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    // An older kiosk's database: SQLite's default 4 KB pages.
    rusqlite::Connection::open(data.join("kiosk.db"))
        .unwrap()
        .execute_batch("PRAGMA page_size = 4096; CREATE TABLE older (x);")
        .unwrap();
    let mut station = Station::start(&data, &[]);
    assert_eq!(station.take_ticket('A'), "A001");
    station.ok("settle");
    let (ok, _, err) = run(&["compact"], &data);
    assert!(!ok, "refused while the station runs");
    assert!(err.contains("already running"), "{err}");
    let before = head(&data);
    assert!(station.quit().success());

    let (ok, out, err) = run(&["compact"], &data);
    assert!(ok, "{err}");
    assert!(out.contains("page size 4096 → 1024 bytes"), "{out}");
    assert!(out.contains(", checked, in "), "{out}");
    assert_eq!(head(&data), before, "every entry kept");
    let mut station = Station::start(&data, &[]);
    assert_eq!(station.take_ticket('A'), "A002");
    assert!(station.quit().success());
}
