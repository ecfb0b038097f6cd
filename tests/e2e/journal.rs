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

fn run(args: &[&str], data: &Path) -> (bool, String, String) {
    let out = kiosk().args(args).arg("--data").arg(data).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn report_and_export_read_the_journal_and_refuse_bad_ranges() {
    let dir = tempfile::tempdir().unwrap();
    journal_written(dir.path());
    let (ok, out, err) = run(&["report", "--day", "2026-11-30"], dir.path());
    assert!(ok, "{err}");
    assert!(
        out.contains("issued     4") && out.contains("rating levels: 5 = 非常满意"),
        "{out}"
    );
    let (ok, out, _) = run(&["report", "--month", "2026-11", "--json"], dir.path());
    assert!(ok);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["total"]["issued"], 4);
    assert_eq!(json["to"], "2026-11-30");

    let (ok, out, err) = run(
        &[
            "export",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--format",
            "json",
        ],
        dir.path(),
    );
    assert!(ok, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let entries = json["entries"].as_array().unwrap();
    assert!(entries.len() >= 6);
    assert!(
        err.contains(&format!("exported {0} of {0} entries", entries.len())),
        "{err}"
    );

    for (args, says) in [
        (
            &["export", "--from", "2026-12-01", "--to", "2026-11-01"][..],
            "the range is reversed",
        ),
        (
            &["export", "--from", "2016-11-01", "--to", "2026-11-01"][..],
            "export at most two years",
        ),
        (
            &[
                "export",
                "--from",
                "2026-11-01",
                "--to",
                "2026-11-30",
                "--format",
                "xml",
            ][..],
            "is not csv or json",
        ),
        (
            &["export", "--from", "30/11/2026", "--to", "2026-11-30"][..],
            "is not a day such as",
        ),
        (
            &["report", "--month", "2026-13"][..],
            "is not a month such as 2026-11",
        ),
        (&["report"][..], "--day 2026-11-30 or --month 2026-11"),
    ] {
        let (ok, _, err) = run(args, dir.path());
        assert!(!ok && err.contains(says), "{args:?}: {err}");
    }
}
