//! A citizen's ticket from touch to call, and what survives a restart.

use crate::support::*;

#[test]
fn a_touch_issues_a_ticket_that_is_printed_called_and_logged() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &[]);
    let home = station.screen();
    assert_eq!(home["screen"], "home", "{home}");

    station.ok("tap category-A");
    let screen = station.screen();
    assert_eq!(screen["ticket"], "A001");
    station.ok("settle");
    assert_eq!(station.screen()["print"], "printed");

    // The virtual printer received a ticket: Chinese mode, GB18030 text, the
    // number in large type, a cut.
    let bytes = std::fs::read(station.jobs().join("job-0001.bin")).unwrap();
    let text = std::fs::read_to_string(station.jobs().join("job-0001.dump")).unwrap();
    // Before the ticket, the kiosk asked the printer's status (DLE EOT n),
    // between jobs and just before this one; nothing else.
    let start = bytes.windows(2).position(|w| w == b"\x1b@").unwrap();
    assert!(
        bytes[..start]
            .chunks(3)
            .all(|c| c.len() == 3 && c[..2] == [0x10, 0x04] && (1..=4).contains(&c[2])),
        "{:02x?}",
        &bytes[..start]
    );
    let bytes = &bytes[start..];
    assert!(
        bytes.starts_with(b"\x1b@\x1bt\x00\x1c&"),
        "init, code page and Chinese mode first"
    );
    let gb = |s: &str| encoding_rs::GB18030.encode(s).0.into_owned();
    assert!(
        bytes.windows(8).any(|w| w == gb("社保医保").as_slice()),
        "the category in GB18030"
    );
    assert!(text.contains("<size 4x4><bold on>A001\n"), "{text}");
    assert!(text.ends_with("<cut partial>"), "{text}");
    assert!(
        bytes.len() < 1024,
        "a text ticket stays under 1 KB: {}",
        bytes.len()
    );
    assert!(station.jobs().join("job-0001.png").exists());

    // Window 1's keypad calls it: it is now served there.
    station.ok("tap done");
    station.ok("key 1 call");
    let state = station.state();
    assert_eq!(state["station"]["windows"][0]["ticket"], "A001");
    assert_eq!(state["station"]["waiting"], serde_json::json!([]));
    // The lobby board itself shows it: its row for window 1 carries the call.
    station.ok("tap label \"请 A001 号到 1 号窗口\"");
    station.ok("key 1 complete");
    // The citizen rates the service on window 1's evaluator.
    station.ok("rate 1 5");
    assert_eq!(
        station.screen()["thanks_window"],
        1,
        "the lobby thanks the citizen"
    );
    let window = station.state()["station"]["windows"][0].clone();
    assert_eq!(
        window["ratings"],
        serde_json::json!([0, 0, 0, 0, 1]),
        "{window}"
    );
    assert!(station.quit().success());

    let entries = journal(dir.path(), &[]);
    assert_eq!(
        kinds(&entries),
        [
            "day_opened",
            "ticket_issued",
            "ticket_printed",
            "ticket_called",
            "ticket_completed",
            "rating_armed",
            "ticket_rated"
        ]
    );
    assert!(entries[1..].iter().all(|e| e["ticket"] == "A001"));
    assert_eq!(entries[1]["actor"]["by"], "citizen");
    assert_eq!(
        entries[3]["actor"],
        serde_json::json!({"by": "keypad", "window": 1})
    );
    assert_eq!(entries[3]["window"], 1);
    // The filters work on the real journal.
    assert_eq!(
        kinds(&journal(
            dir.path(),
            &["--window", "1", "--kind", "ticket_called"]
        )),
        ["ticket_called"]
    );
}

#[test]
fn numbering_continues_and_waiting_tickets_still_wait_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &[]);
    assert_eq!(station.take_ticket('A'), "A001");
    assert_eq!(station.take_ticket('A'), "A002");
    assert_eq!(station.take_ticket('B'), "B001");
    station.ok("key 1 call");
    assert!(station.quit().success());

    let mut station = Station::start(dir.path(), &[]);
    assert_eq!(station.waiting(), ["A002", "B001"]);
    assert_eq!(station.state()["station"]["windows"][0]["ticket"], "A001");
    assert_eq!(station.take_ticket('A'), "A003");
    assert_eq!(station.take_ticket('B'), "B002");
    assert!(station.quit().success());
}

#[test]
fn the_priority_path_issues_a_priority_ticket_called_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &[]);
    assert_eq!(station.take_ticket('A'), "A001");
    // A finger on the red button's spot (800x480: bottom right of the grid).
    station.ok("tap 360 370");
    assert_eq!(station.screen()["screen"], "priority");
    station.ok("tap priority-A");
    assert_eq!(station.screen()["ticket"], "A002");
    station.ok("tap done");
    station.ok("key 2 call");
    assert_eq!(
        station.state()["station"]["windows"][1]["ticket"],
        "A002",
        "strict policy: priority first"
    );
    station.ok("settle");
    let text = std::fs::read_to_string(station.jobs().join("job-0002.txt")).unwrap();
    assert!(text.contains("优先 PRIORITY"), "{text}");
    assert!(station.quit().success());
}

#[test]
fn window_keys_recall_skip_and_transfer_through_the_control_socket() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &[]);
    station.take_ticket('A');
    station.take_ticket('A');
    station.ok("key 1 call");
    station.ok("key 1 recall");
    station.ok("key 1 skip");
    let state = station.state();
    assert_eq!(state["tickets"][0]["state"], "skipped");
    assert_eq!(
        state["station"]["windows"][0]["ticket"],
        serde_json::Value::Null
    );
    let refused = station.send("key 1 recall");
    assert_eq!(refused["error"], "window 1 is not serving a ticket");
    // The keyboard shortcuts drive the same keys: not testable without a window,
    // so the mapping has its own unit test; the journal names the keypad.
    let entries = journal(dir.path(), &["--ticket", "A001"]);
    assert_eq!(
        kinds(&entries),
        [
            "ticket_issued",
            "ticket_printed",
            "ticket_called",
            "ticket_recalled",
            "ticket_skipped"
        ]
    );
    assert!(station.quit().success());
}

#[test]
fn sigterm_stops_cleanly_with_everything_committed() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &[]);
    station.take_ticket('C');
    let pid = station.pid().to_string();
    // The shell's own `kill`, so that the test needs no procps.
    let sent = std::process::Command::new("sh")
        .args(["-c", &format!("kill -TERM {pid}")])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = station.wait();
    assert_eq!(status.code(), Some(0), "SIGTERM exits 0");
    let entries = journal(dir.path(), &[]);
    assert_eq!(
        kinds(&entries),
        ["day_opened", "ticket_issued", "ticket_printed"]
    );
    assert!(
        !dir.path().join("control.sock").exists(),
        "the socket is removed"
    );
}

#[test]
fn staff_transfer_requeue_and_pause_through_the_control_socket() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &[]);
    for category in ['C', 'A', 'A', 'A'] {
        station.take_ticket(category);
    }
    // Window 1 finds A001 belongs at the household-registration window: it goes to
    // the front of C's queue, ahead of C001.
    station.ok("key 1 call");
    station.ok("transfer 1 C");
    station.ok("key 3 call");
    assert_eq!(station.state()["station"]["windows"][2]["ticket"], "A001");
    // A002 does not come; later the citizen is back and re-queued behind the next two.
    station.ok("key 1 call");
    station.ok("key 1 skip");
    station.ok("requeue A002");
    assert_eq!(station.waiting(), ["C001", "A003", "A002"]);
    // A paused window shows as paused on the board, and the wait estimate for A
    // now counts window 2 only; calling there opens it again.
    station.ok("pause 1");
    assert_eq!(station.state()["station"]["windows"][0]["paused"], true);
    let refused = station.send("transfer 1 Q");
    assert_eq!(refused["error"], "window 1 is not serving a ticket");
    assert_eq!(
        station.send("requeue A999")["error"],
        "there is no ticket A999 today"
    );
    assert_eq!(
        station.send("requeue 12")["error"],
        "`12` is not a ticket number such as A001"
    );
    station.ok("reopen 1");
    assert!(station.quit().success());
    let entries = journal(
        dir.path(),
        &[
            "--kind",
            "ticket_transferred,ticket_requeued,window_paused,window_opened",
        ],
    );
    assert_eq!(
        kinds(&entries),
        [
            "ticket_transferred",
            "ticket_requeued",
            "window_paused",
            "window_opened"
        ]
    );
    assert!(entries.iter().all(|e| e["actor"]["by"] == "technician"));
}

#[test]
fn the_evaluator_takes_one_rating_per_ticket_while_armed() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &[]);
    // A key pressed before anything was served: logged, not counted.
    station.ok("rate 2 4");
    // Window 2's evaluator has four keys; none gives level 3.
    assert_eq!(
        station.send("rate 2 3")["error"],
        "window 2's evaluator has no key for level 3; its keys give 5, 4, 2, 1"
    );
    assert_eq!(station.take_ticket('B'), "B001");
    station.ok("key 2 call");
    station.ok("key 2 complete");
    assert_eq!(station.state()["station"]["windows"][1]["armed"], "B001");
    // A bad rating, then a second press: only the first counts.
    station.ok("rate 2 1");
    station.ok("rate 2 5");
    let window = station.state()["station"]["windows"][1].clone();
    assert_eq!(
        window["ratings"],
        serde_json::json!([1, 0, 0, 0, 0]),
        "{window}"
    );
    assert_eq!(window["armed"], serde_json::Value::Null);
    let refused = station.send("rate 2 7");
    assert_eq!(refused["error"], "`7` is not a rating level 1–5");
    // The bad rating opened a case for the manager, who moves it on.
    let cases = station.state()["station"]["cases"].clone();
    assert_eq!(cases.as_array().map(Vec::len), Some(1), "{cases}");
    assert_eq!(cases[0]["source"], "rating");
    assert_eq!(cases[0]["level"], 1);
    assert_eq!(cases[0]["ticket"], "B001");
    assert_eq!(cases[0]["stage"], "accepted");
    let case = cases[0]["no"].as_str().unwrap().to_string();
    let refused = station.send(&format!("case {case} handled \"skipped a stage\""));
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .ends_with("its next stage is 登记 registered"),
        "{refused}"
    );
    station.ok(&format!(
        "case {case} registered \"站长已到2号窗口了解情况\""
    ));
    assert_eq!(
        station.state()["station"]["cases"][0]["stage"],
        "registered"
    );
    assert!(station.quit().success());
    let steps = journal(dir.path(), &["--kind", "case_advanced"]);
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0]["body"]["note"], "站长已到2号窗口了解情况");
    let entries = journal(dir.path(), &["--window", "2"]);
    let rated: Vec<String> = kinds(&entries)
        .into_iter()
        .filter(|k| k.starts_with("rating") || k.starts_with("ticket_rated"))
        .collect();
    assert_eq!(
        rated,
        [
            "rating_ignored",
            "rating_armed",
            "ticket_rated",
            "rating_ignored"
        ]
    );
    let by = entries
        .iter()
        .find(|e| e["kind"] == "ticket_rated")
        .map(|e| e["actor"].clone())
        .unwrap();
    assert_eq!(by, serde_json::json!({"by": "evaluator", "window": 2}));
}

#[test]
fn a_restart_while_a_window_is_armed_ends_its_rating_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = Station::start(dir.path(), &[]);
    assert_eq!(station.take_ticket('A'), "A001");
    station.ok("key 1 call");
    station.ok("key 1 complete");
    assert!(station.quit().success());

    let mut station = Station::start(dir.path(), &[]);
    assert_eq!(
        station.state()["station"]["windows"][0]["armed"],
        serde_json::Value::Null
    );
    station.ok("rate 1 5");
    assert!(station.quit().success());
    let entries = journal(
        dir.path(),
        &["--ticket", "A001", "--kind", "ticket_unrated"],
    );
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["body"]["reason"], "restart");
    assert_eq!(
        kinds(&journal(dir.path(), &["--kind", "rating_ignored"])),
        ["rating_ignored"]
    );
}
