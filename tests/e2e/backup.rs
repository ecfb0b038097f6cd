//! `kiosk backup` while the station runs and `kiosk restore` once it is
//! stopped, through the real binary: the copy's chain head matches the
//! journal's, numbering continues from the copy, the replaced database is
//! kept; damaged, tampered, newer and missing copies are refused and change
//! nothing; an older schema's copy is migrated.

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
    out.rsplit(' ').next().unwrap().trim().to_string()
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

    let (ok, out, err) = run(&["restore", "--from", &copy_arg], &data);
    assert!(ok, "{err}");
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
        .execute_batch(include_str!("../../kiosk/src/store/fixtures/v1.sql"))
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
