//! The journal's hash chain through the binary: `kiosk verify-log` passes a
//! journal the station wrote and fails, naming the entry, once a row is
//! edited, deleted or moved behind the kiosk's back.

use std::path::Path;

use crate::support::{Station, kiosk};

fn verify(data: &Path) -> (bool, String) {
    let out = kiosk()
        .args(["verify-log", "--data"])
        .arg(data)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// A station that issued and called a few tickets, stopped.
fn journal_written(data: &Path) {
    let mut station = Station::start(data, &[]);
    for c in ['A', 'B', 'A', 'C'] {
        station.take_ticket(c);
    }
    station.ok("key 1 call");
    station.ok("settle");
    assert!(station.quit().success());
}

fn tamper(data: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(data.join("kiosk.db")).unwrap();
    conn.execute_batch(&format!(
        "DROP TRIGGER journal_is_append_only_update;
         DROP TRIGGER journal_is_append_only_delete;
         {sql}"
    ))
    .unwrap();
}

#[test]
fn verify_log_passes_what_the_station_wrote_and_names_each_kind_of_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "edited",
            "UPDATE journal SET body = replace(body, 'A002', 'A009') WHERE kind = 'ticket_issued' AND ticket = 'A002'",
            "contents were changed",
        ),
        (
            "deleted",
            "DELETE FROM journal WHERE seq = 4",
            "are missing (deleted)",
        ),
        (
            "reordered",
            "UPDATE journal SET seq = 1000 WHERE seq = 3;
             UPDATE journal SET seq = 3 WHERE seq = 4;
             UPDATE journal SET seq = 4 WHERE seq = 1000;",
            "does not follow the entry before it",
        ),
    ];
    for (name, sql, says) in cases {
        let data = dir.path().join(name);
        journal_written(&data);
        let (ok, out) = verify(&data);
        assert!(ok, "{name}: a fresh journal fails: {out}");
        assert!(out.starts_with("journal intact:"), "{out}");
        tamper(&data, sql);
        let (ok, out) = verify(&data);
        assert!(!ok, "{name}: not detected: {out}");
        assert!(
            out.contains("journal BROKEN at entry #") && out.contains(says),
            "{name}: {out}"
        );
    }
}
