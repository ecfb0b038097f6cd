//! The complaint box through the real binary and the real UI, touch by touch:
//! a complaint typed in pinyin with a callback number, its receipt on the
//! virtual printer, the case moved on and extended with a printed notice, the
//! case exported; and nowhere — log lines, journal, receipt, a staff export —
//! the number, except a manager's export. Cancel and the idle time file
//! nothing; with no printer the case is filed and its number shown.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::{Station, TEST_CONFIG, add_staff, journal, kinds, kiosk};

/// The callback number left in the form, and one typed into the text.
const CALLBACK: &str = "13912345678";
const IN_TEXT: &str = "13812345678";
/// The same number as typed into the text, grouped with the 123 keyboard's
/// slash, after a staff number and a space.
const TYPED: &str = "138/1234/5678";
/// A landline with its area code, written into a case note.
const LANDLINE: &str = "0898 - 6531 - 2345";

fn tap(station: &mut Station, ids: &[&str]) {
    for id in ids {
        station.ok(&format!("tap {id}"));
    }
}

fn keys(station: &mut Station, prefix: &str, typed: &str) {
    for c in typed.chars() {
        station.ok(&format!("tap {prefix}{c}"));
    }
}

/// Every printed job's text, concatenated.
fn printed(jobs: &Path) -> String {
    let mut out = String::new();
    let mut names: Vec<_> = std::fs::read_dir(jobs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    names.sort();
    for name in names {
        out.push_str(&std::fs::read_to_string(name).unwrap());
    }
    out
}

fn export(data: &Path, out: &Path, manager: Option<(&str, &str)>) -> String {
    let result = export_run(data, out, manager);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    std::fs::read_to_string(out).unwrap()
}

/// `kiosk case export 2026-0001`, as a manager with `(id, pin)`.
fn export_run(data: &Path, out: &Path, manager: Option<(&str, &str)>) -> std::process::Output {
    use std::io::Write;
    let mut command = kiosk();
    command
        .args(["case", "export", "2026-0001", "--data"])
        .arg(data)
        .arg("--out")
        .arg(out)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    if let Some((id, _)) = manager {
        command.args(["--manager", id]);
    }
    let mut child = command.spawn().unwrap();
    let pin = manager.map_or(String::new(), |(_, pin)| format!("{pin}\n"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(pin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn a_complaint_typed_by_touch_is_filed_once_with_a_receipt_and_its_number_stays_private() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    add_staff(&data, "0001", "李站长", "manager", "13579");
    add_staff(&data, "0101", "王芳", "staff", "2468");
    let log = dir.path().join("kiosk.log");
    let mut station = Station::start_logging(&data, &[], Some(&log));

    tap(&mut station, &["complaint", "topic-1", "window-2"]);
    assert_eq!(station.screen()["screen"], "complaint_text");
    // dengdai → 等待, the most frequent word for those letters.
    keys(&mut station, "key-", "dengdai");
    assert_eq!(station.screen()["form_letters"], "deng'dai");
    tap(
        &mut station,
        &["candidate-0", "key-mode-phrases", "key-phrase-0"],
    );
    // A number typed into the text is masked when the case is opened.
    tap(&mut station, &["key-mode-digits"]);
    keys(&mut station, "key-", "0101");
    tap(&mut station, &["key-space"]);
    keys(&mut station, "key-", TYPED);
    assert_eq!(station.screen()["form_count"], 2 + 1 + 6 + 5 + 13);
    tap(&mut station, &["form-next"]);

    // Ten digits are refused with a message; the twelfth is not taken.
    keys(&mut station, "key-phone-", &CALLBACK[..10]);
    tap(&mut station, &["form-phone-next"]);
    let screen = station.screen();
    assert_eq!(screen["screen"], "complaint_phone");
    assert_eq!(screen["form_phone_error"], true);
    keys(&mut station, "key-phone-", "89");
    tap(&mut station, &["form-phone-next"]);
    assert_eq!(station.screen()["screen"], "complaint_confirm");

    // A double tap on submit: the second finds the button disabled or the
    // receipt screen; either way one case.
    station.ok("tap form-submit");
    station.send("tap form-submit");
    station.ok("settle");
    let screen = station.screen();
    assert_eq!(screen["screen"], "complaint_done");
    assert_eq!(screen["receipt"], "2026-0001");
    assert_eq!(screen["receipt_print"], "printed");

    // Staff move the case on; the manager extends it and the notice prints.
    station.ok(&format!(
        r#"case 2026-0001 registered "与投诉人通话 {LANDLINE}""#
    ));
    let refused = station.send(r#"case 2026-0001 extend 5 0101 2468 "需核实""#);
    assert_eq!(refused["ok"], false, "{refused}");
    station.ok(r#"case 2026-0001 extend 5 0001 13579 "需县医保局核实""#);
    station.ok("settle");
    // While the station runs, a manager's export goes through it: it checks
    // the PIN and journals the export before the file is written. A wrong
    // PIN, or window staff, get no file.
    let running = export(
        &data,
        &dir.path().join("case-running.html"),
        Some(("0001", "13579")),
    );
    assert!(running.contains(CALLBACK));
    for (who, pin, says) in [
        ("0001", "0000", "wrong PIN"),
        ("0101", "2468", "only the manager"),
    ] {
        let out = dir.path().join(format!("refused-{who}.html"));
        let result = export_run(&data, &out, Some((who, pin)));
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(
            !result.status.success() && stderr.contains(says),
            "{who}: {stderr}"
        );
        assert!(!out.exists(), "{who} got the file");
    }
    assert!(station.quit().success());

    let paper = printed(&data.join("printer"));
    assert!(paper.contains("投诉受理回执"), "{paper}");
    assert!(paper.contains("2026-0001") && paper.contains("2026-12-07"));
    assert!(paper.contains("延期办理告知书") && paper.contains("需县医保局核实"));

    let entries = journal(&data, &["--case", "2026-0001"]);
    assert_eq!(
        kinds(&entries),
        [
            "case_opened",
            "case_printed",
            "case_advanced",
            "case_extended",
            "case_printed",
            "case_exported"
        ]
    );
    let opened = &entries[0]["body"];
    assert_eq!(opened["topic"], "efficiency");
    assert_eq!(opened["window"], 2);
    assert_eq!(opened["callback"], true);
    assert_eq!(opened["text"], "等待，等候时间太长0101 138/****/5678");
    assert_eq!(
        entries[2]["body"]["note"],
        "与投诉人通话 0898 - **** - 2345"
    );

    let staff_copy = export(&data, &dir.path().join("case.html"), None);
    assert!(staff_copy.contains("139****5678"));
    let manager_copy = export(
        &data,
        &dir.path().join("case-manager.html"),
        Some(("0001", "13579")),
    );
    assert!(manager_copy.contains(CALLBACK));
    assert!(!manager_copy.contains("<script") && manager_copy.contains("需县医保局核实"));
    // Every full export is journaled, with the station running (through its
    // control socket) and stopped (by the command line itself); the masked
    // staff copy is not. The wrong PIN is journaled too.
    let exported = journal(&data, &["--kind", "case_exported"]);
    assert_eq!(exported.len(), 2, "{exported:?}");
    for e in &exported {
        assert_eq!(e["actor"]["id"], "0001");
        assert_eq!(e["body"]["case"], "2026-0001");
        assert_eq!(e["body"]["place"], "command");
    }
    let refused = journal(&data, &["--kind", "pin_refused"]);
    assert!(
        refused
            .iter()
            .any(|e| e["body"]["staff"] == "0001" && e["body"]["place"] == "command"),
        "{refused:?}"
    );
    // A wrong PIN with the station stopped is refused and journaled too.
    let result = export_run(&data, &dir.path().join("x.html"), Some(("0001", "1111")));
    assert!(!result.status.success());
    assert_eq!(
        journal(&data, &["--kind", "pin_refused"]).len(),
        refused.len() + 1
    );

    // The number is nowhere but the case and the manager's copy.
    let everything = [
        ("the log", std::fs::read_to_string(&log).unwrap()),
        (
            "the journal",
            journal(&data, &[])
                .iter()
                .map(|e| e.to_string())
                .collect::<String>(),
        ),
        ("the printed paper", paper),
        ("the staff export", staff_copy),
    ];
    for (place, text) in everything {
        assert!(text.len() > 100, "{place} was read");
        for number in [CALLBACK, IN_TEXT, TYPED, "1234/5678", LANDLINE] {
            assert!(!text.contains(number), "{number} in {place}");
        }
    }
    assert!(
        std::fs::read_to_string(&log)
            .unwrap()
            .contains("complaint 2026-0001 filed"),
        "the log does record the complaint"
    );
}

/// The idle time of the complaint screens, shortened for the test.
fn short_idle(data: &Path) -> std::path::PathBuf {
    std::fs::create_dir_all(data).unwrap();
    let config = data.join("short-idle.toml");
    std::fs::write(
        &config,
        format!("{TEST_CONFIG}[ui]\ncomplaint_idle_seconds = 5\n"),
    )
    .unwrap();
    config
}

#[test]
fn cancel_and_walking_away_file_nothing_and_without_a_printer_the_number_is_shown() {
    let dir = tempfile::tempdir().unwrap();
    let config = short_idle(dir.path());
    let config = config.to_str().unwrap();
    let mut station = Station::start(dir.path(), &["--config", config, "--printer", "none"]);

    // Cancel from each step goes home.
    tap(&mut station, &["complaint", "form-cancel"]);
    assert_eq!(station.screen()["screen"], "home");
    tap(&mut station, &["complaint", "topic-0", "window-1", "key-h"]);
    tap(
        &mut station,
        &["form-next", "form-anonymous", "form-cancel"],
    );
    assert_eq!(station.screen()["screen"], "home");

    // Walking away in the middle of typing: home after the idle time.
    tap(
        &mut station,
        &["complaint", "topic-0", "window-unsure", "key-h"],
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while station.screen()["screen"] != "home" {
        assert!(Instant::now() < deadline, "still on the complaint screen");
        station.ok("wait 200ms");
    }
    assert!(
        !kinds(&journal(dir.path(), &[])).contains(&"case_opened".to_string()),
        "nothing was filed"
    );

    // A new form starts empty, and with no printer the case is filed and its
    // number shown large.
    tap(&mut station, &["complaint", "topic-5", "window-unsure"]);
    assert_eq!(station.screen()["form_count"], 0);
    tap(
        &mut station,
        &["form-next", "form-anonymous", "form-submit"],
    );
    station.ok("settle");
    let screen = station.screen();
    assert_eq!(screen["screen"], "complaint_done");
    assert_eq!(screen["receipt"], "2026-0001");
    assert_eq!(screen["receipt_print"], "no_printer");
    assert!(station.quit().success());
    let entries = journal(dir.path(), &["--kind", "case_opened"]);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["body"]["callback"], false);
    assert_eq!(entries[0]["body"]["text"], "");
}
