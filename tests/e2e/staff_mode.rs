//! Staff mode on the touchscreen beyond the alarms, through the real binary
//! and UI: the printer's state and a paper change, a reprint, today's
//! figures, and back-entry (补录); every action journaled under the member.

use crate::support::{Station, add_staff, journal, kinds, pad};

/// Touches each of `ids` in turn.
fn taps(station: &mut Station, ids: &[&str]) {
    for id in ids {
        station.ok(&format!("tap {id}"));
    }
}

fn staff(station: &mut Station) -> serde_json::Value {
    station.screen()["staff"].clone()
}

fn printed(station: &mut Station) -> (u64, String) {
    let sim = station.state()["printer"]["simulated"].clone();
    (
        sim["jobs"].as_u64().unwrap(),
        sim["last_job"]["text"].as_str().unwrap_or("").to_string(),
    )
}

#[test]
fn staff_mode_changes_paper_reprints_shows_today_and_back_enters() {
    let dir = tempfile::tempdir().unwrap();
    add_staff(dir.path(), "0101", "王芳", "staff", "2468");
    let mut station = Station::start(dir.path(), &[]);
    assert_eq!(station.take_ticket('A'), "A001");
    assert_eq!(station.take_ticket('A'), "A002");
    station.ok("key 1 call");
    station.ok("settle");
    // The roll runs out: the next ticket waits for paper.
    station.ok("printer paper-out");
    assert_eq!(station.take_ticket('B'), "B001");
    station.ok("settle held");

    for _ in 0..5 {
        station.ok("tap staff-entry");
    }
    // The PIN typed where the staff number goes: refused, and what was typed
    // is journaled nowhere.
    pad(&mut station, "2468");
    pad(&mut station, "0101");
    assert_eq!(station.screen()["screen"], "staff_login");
    station.ok("tap staff-cancel");
    for _ in 0..5 {
        station.ok("tap staff-entry");
    }
    pad(&mut station, "0101");
    pad(&mut station, "9999");
    pad(&mut station, "2468");
    assert_eq!(station.screen()["screen"], "staff");
    let shots = std::env::var_os("KIOSK_STAFF_SHOTS").map(std::path::PathBuf::from);
    // A screenshot goes inside the data folder; from there to the README's.
    let shot = |station: &mut Station, name: &str| {
        if let Some(d) = &shots {
            station.ok(&format!("screenshot {name}"));
            std::fs::copy(dir.path().join(name), d.join(name)).unwrap();
        }
    };

    // The printer: out of paper, then a new roll and a test page.
    station.ok("tap staff-tab-printer");
    let s = staff(&mut station);
    assert_eq!(s["tab"], 1);
    assert_eq!(s["printer_ok"], false, "{s}");
    assert!(s["printer"].as_str().unwrap().contains("缺纸"), "{s}");
    shot(&mut station, "staff-printer-800x480.png");
    station.ok("printer paper-load");
    station.ok("settle");
    let (jobs, text) = printed(&mut station);
    assert!(text.contains("B001"), "the held ticket printed: {text}");
    station.ok("tap staff-paper-changed");
    station.ok("settle");
    let (after, text) = printed(&mut station);
    assert_eq!(after, jobs + 1);
    assert!(text.contains("打印机测试页"), "{text}");
    let s = staff(&mut station);
    assert!(
        s["message"].as_str().unwrap().contains("测试页已打印"),
        "{s}"
    );
    assert_eq!(s["printer_ok"], true, "{s}");

    // Reprint A002 from the keypad; a ticket that does not exist is refused.
    station.ok("tap staff-tab-reprint");
    taps(
        &mut station,
        &[
            "staff-reprint-cat-A",
            "staff-reprint-key-0",
            "staff-reprint-key-0",
            "staff-reprint-key-2",
        ],
    );
    shot(&mut station, "staff-reprint-800x480.png");
    station.ok("tap staff-reprint-go");
    station.ok("settle");
    let (_, text) = printed(&mut station);
    assert!(
        text.contains("A002") && text.contains("补打 REPRINT"),
        "{text}"
    );
    taps(
        &mut station,
        &[
            "staff-reprint-cat-A",
            "staff-reprint-key-0",
            "staff-reprint-key-9",
            "staff-reprint-key-9",
        ],
    );
    station.ok("tap staff-reprint-go");
    let s = staff(&mut station);
    assert!(
        s["message"].as_str().unwrap().contains("no ticket A099"),
        "{s}"
    );

    // Back-entry: A at window 2, today 08:00 for 20 minutes; twice is refused.
    station.ok("tap staff-tab-back");
    taps(
        &mut station,
        &[
            "back-cat-A",
            "back-window-2",
            "back-start-hour-down",
            "back-minutes-up",
        ],
    );
    shot(&mut station, "staff-back-entry-800x480.png");
    station.ok("tap back-enter");
    let s = staff(&mut station);
    assert!(s["message"].as_str().unwrap().contains("已补录"), "{s}");
    station.ok("tap back-enter");
    let s = staff(&mut station);
    assert!(
        s["message"]
            .as_str()
            .unwrap()
            .contains("already back-entered"),
        "{s}"
    );

    // Today's figures include it.
    station.ok("tap staff-tab-today");
    let s = staff(&mut station);
    assert_eq!(s["summary"]["取号 Tickets issued"], "3", "{s}");
    assert_eq!(s["summary"]["等候中 Waiting"], "2", "{s}");
    assert_eq!(s["summary"]["补录 Back-entered"], "1", "{s}");
    shot(&mut station, "staff-today-800x480.png");

    // The voice page: window 1 calls (once the first call has been said);
    // the member stops the call and asks for it again.
    station.ok("voice wait");
    station.ok("key 1 call");
    station.ok("tap staff-tab-voice");
    let s = staff(&mut station);
    assert!(
        s["voice"]
            .as_str()
            .unwrap()
            .starts_with("正在播放 Now: 叫号 call A002 → 1"),
        "{s}"
    );
    shot(&mut station, "staff-voice-800x480.png");
    station.ok("tap staff-voice-stop");
    station.ok("tap staff-voice-repeat-1");
    assert_eq!(staff(&mut station)["message"], "好的 Done");
    station.ok("tap staff-voice-stop");
    station.ok("voice wait");
    let said = journal(dir.path(), &["--kind", "announced"]);
    let how: Vec<(&str, &str, &str)> = said
        .iter()
        .map(|e| {
            (
                e["body"]["what"].as_str().unwrap(),
                e["body"]["outcome"].as_str().unwrap(),
                e["actor"]["id"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        how,
        [
            ("call", "played", ""),
            ("call", "stopped", "0101"),
            ("repeat", "stopped", "0101")
        ]
    );
    station.ok("tap staff-exit");
    assert_eq!(station.screen()["screen"], "home");
    assert!(station.quit().success());

    // Everything is in the journal, under the member who did it.
    let all = journal(dir.path(), &[]);
    let by = |kind: &str| -> Vec<serde_json::Value> {
        all.iter().filter(|e| e["kind"] == kind).cloned().collect()
    };
    let refused = by("pin_refused");
    assert_eq!(refused.len(), 2, "{:?}", kinds(&all));
    assert_eq!(refused[0]["body"]["staff"], "?", "an unknown number");
    assert_eq!(refused[1]["body"]["staff"], "0101");
    assert_eq!(refused[1]["body"]["place"], "touchscreen");
    let signed_in = by("staff_signed_in");
    assert_eq!(signed_in.len(), 1);
    let member = serde_json::json!({"by": "staff", "id": "0101"});
    for kind in [
        "staff_signed_in",
        "paper_changed",
        "ticket_reprinted",
        "back_entered",
    ] {
        let entries = by(kind);
        assert_eq!(entries.len(), 1, "{kind}");
        assert_eq!(entries[0]["actor"], member, "{kind}");
    }
    let back = &by("back_entered")[0];
    assert_eq!(back["window"], 2);
    assert_eq!(back["body"]["category"], "A");
    assert_eq!(back["body"]["service_seconds"], 20 * 60);
    assert_eq!(back["body"]["started"], "2026-11-30T00:00:00Z");
    // The PIN is nowhere in what the journal holds.
    let typed = crate::support::typed_strings(&all);
    assert!(typed.iter().all(|s| !s.contains("2468")), "{typed:?}");
    assert!(typed.iter().any(|s| s == "0101"), "the walk reads values");
}

/// Staff mode's written notice of missing materials: window, category,
/// matter, what is missing ticked across two pages; the paper says exactly
/// that and the journal has it under the member.
#[test]
fn staff_mode_prints_the_written_notice_of_missing_materials() {
    let dir = tempfile::tempdir().unwrap();
    add_staff(dir.path(), "0101", "王芳", "staff", "2468");
    let mut station = Station::start(dir.path(), &[]);
    assert_eq!(station.take_ticket('B'), "B001");
    station.ok("key 2 call");
    station.ok("settle");
    for _ in 0..5 {
        station.ok("tap staff-entry");
    }
    pad(&mut station, "0101");
    pad(&mut station, "2468");
    assert_eq!(station.screen()["screen"], "staff");
    taps(
        &mut station,
        &[
            "staff-tab-notice",
            "notice-window-2",
            "notice-cat-B",
            "notice-item-dibao",
            "notice-item-1",
            "notice-later",
            "notice-item-8",
        ],
    );
    if let Some(d) = std::env::var_os("KIOSK_STAFF_SHOTS") {
        station.ok("screenshot staff-notice-800x480.png");
        let name = "staff-notice-800x480.png";
        std::fs::copy(dir.path().join(name), std::path::Path::new(&d).join(name)).unwrap();
    }
    station.ok("tap notice-print");
    station.ok("settle");
    assert!(
        staff(&mut station)["message"]
            .as_str()
            .unwrap()
            .contains("最低生活保障申请"),
        "{}",
        staff(&mut station)
    );
    let (jobs, text) = printed(&mut station);
    assert_eq!(jobs, 2);
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(text.contains("BZ20261130-001"), "{text}");
    assert!(text.contains("□1.户口簿"), "{text}");
    assert!(text.contains("□2.疾病诊断证明或病历"), "{text}");
    assert!(!text.contains("□3."), "{text}");
    assert!(station.quit().success());
    let all = journal(dir.path(), &[]);
    let notice = all.iter().find(|e| e["kind"] == "notice_given").unwrap();
    assert_eq!(
        notice["actor"],
        serde_json::json!({"by": "staff", "id": "0101"})
    );
    assert_eq!(notice["ticket"], "B001", "the window's ticket: {notice}");
    let handled = all.iter().find(|e| e["kind"] == "matter_handled").unwrap();
    assert_eq!(handled["body"]["outcome"], "notice");
}

/// Staff mode's 在岗 page: the member signed in to staff mode signs on at a
/// window (and the window then calls under their number), then off.
#[test]
fn staff_mode_signs_the_member_on_and_off_at_a_window() {
    let dir = tempfile::tempdir().unwrap();
    add_staff(dir.path(), "0101", "王芳", "staff", "2468");
    let mut station = Station::start(dir.path(), &[]);
    station.take_ticket('A');
    for _ in 0..5 {
        station.ok("tap staff-entry");
    }
    pad(&mut station, "0101");
    pad(&mut station, "2468");
    assert_eq!(station.screen()["screen"], "staff");
    taps(&mut station, &["staff-tab-duty", "staff-sign-on-2"]);
    assert_eq!(
        staff(&mut station)["message"],
        "已在 2 号窗口上岗 · Signed on at window 2"
    );
    let state = station.state();
    let w2 = &state["station"]["windows"][1];
    assert_eq!(
        (
            w2["member"]["member"].as_str(),
            w2["member"]["name"].as_str()
        ),
        (Some("0101"), Some("王芳"))
    );
    if let Some(d) = std::env::var_os("KIOSK_STAFF_SHOTS").map(std::path::PathBuf::from) {
        let name = "staff-duty-800x480.png";
        station.ok(&format!("screenshot {name}"));
        std::fs::copy(dir.path().join(name), d.join(name)).unwrap();
    }
    station.ok("key 2 call");
    // Signed on at window 2, she signs off there (the button says so).
    station.ok("key 2 skip");
    taps(&mut station, &["staff-sign-off-2"]);
    assert_eq!(
        staff(&mut station)["message"],
        "已在 2 号窗口下岗 · Signed off at window 2"
    );
    assert_eq!(
        station.state()["station"]["windows"][1]["member"],
        serde_json::Value::Null
    );
    station.quit();
    let called = crate::support::journal(dir.path(), &["--kind", "ticket_called"]);
    assert_eq!(called[0]["body"]["member"], "0101");
    let on = crate::support::journal(dir.path(), &["--kind", "signed_on"]);
    assert_eq!(on[0]["actor"]["id"], "0101");
}
