//! People at the windows through the real binary, on the station's own
//! defaults (signing on required, the call waiting for the rating): PINs
//! checked at sign-on, A and B posts from kiosk.toml, the away notice on the
//! card, the lobby's view and the ticket's paper, and the journal naming
//! whoever served.

use std::path::Path;

use serde_json::Value;

use crate::support::{Station, add_staff, journal};

/// The station's defaults, plus window 1's posts (A 0101, B 0102) and
/// window 2's (A 0103).
const PEOPLE_CONFIG: &str = "[console]\nlisten = \"127.0.0.1:0\"\n\
[[window]]\nnumber = 1\na = \"0101\"\nb = \"0102\"\n\
[[window]]\nnumber = 2\na = \"0103\"\n\
[printer]\nsimulate_timing = false\npoll_seconds = 1\n";

fn start(data: &Path) -> Station {
    std::fs::create_dir_all(data).unwrap();
    add_staff(data, "0101", "王芳", "staff", "2468");
    add_staff(data, "0102", "李强", "staff", "1357");
    add_staff(data, "0103", "赵敏", "staff", "9753");
    add_staff(data, "0001", "陈站长", "manager", "13579");
    let config = data.join("people.toml");
    std::fs::write(&config, PEOPLE_CONFIG).unwrap();
    Station::start(data, &["--config", config.to_str().unwrap()])
}

fn window(state: &Value, n: u64) -> Value {
    state["station"]["windows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["window"] == n)
        .cloned()
        .unwrap()
}

fn card(state: &Value, n: u64) -> Value {
    state["cards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["window"] == n)
        .map(|c| c["card"].clone())
        .unwrap_or(Value::Null)
}

fn error(station: &mut Station, command: &str) -> String {
    let answer = station.send(command);
    assert_eq!(answer["ok"], false, "`{command}` was accepted: {answer}");
    answer["error"].as_str().unwrap().to_string()
}

/// The member each entry of a kind names, in journal order.
fn members(entries: &[Value], kind: &str) -> Vec<String> {
    entries
        .iter()
        .filter(|e| e["kind"] == kind)
        .map(|e| e["body"]["member"].as_str().unwrap_or("-").to_string())
        .collect()
}

#[test]
fn members_sign_on_with_their_pin_and_every_record_names_who_served() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut station = start(&data);
    for _ in 0..3 {
        station.take_ticket('A');
    }
    // Nobody signed on: the keypad cannot call.
    assert!(error(&mut station, "key 1 call").contains("nobody is signed on at window 1"));
    // A wrong PIN, and a member who holds no post at window 1.
    assert!(error(&mut station, "sign-on 1 0101 1111").contains("PIN"));
    let refused = error(&mut station, "sign-on 1 0103 9753");
    assert!(
        refused.contains("0103 holds no post at window 1 (its posts: a 0101, b 0102)"),
        "{refused}"
    );
    station.ok("sign-on 1 0101 2468");
    let state = station.state();
    let on = &window(&state, 1)["member"];
    assert_eq!(
        (on["name"].as_str(), on["post"].as_str()),
        (Some("王芳"), Some("a"))
    );
    assert_eq!(card(&state, 1)["staff"][0], "王芳");

    // A001 is served; "call next" without completing offers it for rating
    // first and the call waits.
    station.ok("key 1 call");
    station.ok("key 1 call");
    let state = station.state();
    assert_eq!(window(&state, 1)["call_held"], true);
    assert_eq!(card(&state, 1)["screen"], "armed");
    assert_eq!(window(&state, 1)["ticket"], Value::Null);
    // The citizen rates: A002 is called at once.
    station.ok("rate 1 5");
    assert_eq!(window(&station.state(), 1)["ticket"], "A002");

    // 王芳 steps away: a quarter of an hour needs nobody's approval.
    assert!(error(&mut station, "away 1 visit +15").contains("serving A002"));
    // The citizen did not come (a card thanking the last one would show
    // for its five seconds first).
    station.ok("key 1 skip");
    let long = error(&mut station, "away 1 delivery +90");
    assert!(long.contains("needs the manager's approval"), "{long}");
    let not_manager = error(
        &mut station,
        "away 1 delivery +90 contact 0898-88881234 manager 0102 1357",
    );
    assert!(not_manager.contains("not a manager"), "{not_manager}");
    station.ok("away 1 delivery 10:30 contact 0898-88881234 manager 0001 13579");
    let state = station.state();
    let away = &window(&state, 1)["away"];
    assert_eq!(away["approver"], "0001");
    assert_eq!(
        away["zh"],
        "工作人员区政务中心送件，预计 10:30 返回，联系电话 0898-88881234"
    );
    assert_eq!(window(&state, 1)["paused"], true);

    // 李强, the B post, takes over in one step.
    station.ok("sign-on 1 0102 1357");
    let state = station.state();
    let w1 = window(&state, 1);
    assert_eq!(w1["member"]["post"], "b");
    assert_eq!(w1["away"], Value::Null);
    assert_eq!(w1["paused"], false);
    station.ok("key 1 call");
    station.ok("key 1 complete");
    station.ok("rate 1 1");
    let state = station.state();
    let case = &state["station"]["cases"][0];
    assert_eq!(case["staff"]["number"], "0102", "{case}");
    assert_eq!(case["staff"]["name"], "李强");
    station.quit();

    let entries = journal(&data, &[]);
    assert_eq!(members(&entries, "ticket_called"), ["0101", "0101", "0102"]);
    assert_eq!(members(&entries, "ticket_rated"), ["0101", "0102"]);
    assert_eq!(members(&entries, "rating_armed"), ["0101", "0102"]);
    let kinds = crate::support::kinds(&entries);
    for kind in ["signed_on", "signed_off", "call_held", "window_paused"] {
        assert!(kinds.contains(&kind.to_string()), "{kind}: {kinds:?}");
    }
    // A PIN refused at sign-on is journaled like any other.
    assert!(kinds.contains(&"pin_refused".to_string()));
}

#[test]
fn a_category_all_away_says_so_in_the_lobby_and_on_its_tickets() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut station = start(&data);
    // Category B is served at window 2 only.
    station.ok("sign-on 2 0103 9753");
    station.ok("away 2 meeting 09:25 instead 1");
    let state = station.state();
    let b = state["station"]["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "B")
        .cloned()
        .unwrap();
    assert_eq!(
        b["away"]["zh"],
        "工作人员会议，预计 09:25 返回，请到 1 号窗口办理"
    );
    let c = card(&state, 2);
    assert_eq!(
        (
            c["screen"].as_str(),
            c["reason"].as_str(),
            c["back"].as_str()
        ),
        (Some("away"), Some("会议"), Some("09:25"))
    );
    assert_eq!(station.take_ticket('B'), "B001");
    station.ok("settle");
    let jobs = station.jobs();
    let paper: String = std::fs::read_to_string(jobs.join("job-0001.txt"))
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(
        paper.contains("工作人员会议，预计09:25返回，请到1号窗口办理"),
        "{paper}"
    );
    // The member comes back and calls: the notice is gone everywhere.
    station.ok("key 2 call");
    let state = station.state();
    assert_eq!(window(&state, 2)["away"], Value::Null);
    assert_eq!(card(&state, 2)["screen"], "serving");
    station.quit();
}

#[test]
fn a_case_about_the_manager_goes_to_the_supervisor_and_nobody_handles_their_own() {
    use crate::console::Client;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut station = start(&data);
    add_staff(&data, "0009", "纪检员", "supervisor", "8642");
    let base = station.console.clone().expect("the console runs");
    // The manager serves at window 3 (it names no posts) and is rated badly;
    // 王芳 at window 1 too.
    station.ok("sign-on 3 0001 13579");
    station.ok("sign-on 1 0101 2468");
    station.take_ticket('C');
    station.take_ticket('A');
    for w in [3, 1] {
        station.ok(&format!("key {w} call"));
        station.ok(&format!("key {w} complete"));
        station.ok(&format!("rate {w} 1"));
    }
    let cases = station.state()["station"]["cases"].clone();
    assert_eq!(cases[0]["about_manager"], true, "{cases}");
    assert_eq!(cases[1]["about_manager"], Value::Null, "{cases}");

    let advance = |client: &Client, case: &str| {
        let csrf = client.csrf(&format!("/cases/{case}"));
        client.post(
            &format!("/cases/{case}/advance"),
            &[("csrf", &csrf), ("stage", "registered"), ("note", "已登记")],
        )
    };
    // The manager sees the case is the supervisor's and cannot move it.
    let mut manager = Client::new(&base);
    manager.login("0001", "13579");
    // The day's report: each member who served, by name, with both rates.
    let report = manager.get("/reports?day=2026-11-30").body;
    for served in [
        "<td>王芳 (0101)</td><td>1</td><td>1</td><td>0</td>",
        "<td>陈站长 (0001)</td><td>1</td>",
    ] {
        assert!(report.contains(served), "{served}: {report}");
    }
    assert!(report.contains("好评率 (5+4+3)"), "{report}");
    let page = manager.get("/cases/2026-0001").body;
    assert!(page.contains("id=\"own-case\""), "{page}");
    assert!(
        !page.contains("action=\"/cases/2026-0001/advance\""),
        "{page}"
    );
    let r = advance(&manager, "2026-0001");
    let refused = r.location.unwrap_or_default();
    assert!(refused.contains("done="), "{refused}");
    // 王芳 cannot move her own case; the manager can.
    let mut wang = Client::new(&base);
    wang.login("0101", "2468");
    assert!(
        wang.get("/cases/2026-0002")
            .body
            .contains("id=\"own-case\"")
    );
    advance(&wang, "2026-0002");
    assert_eq!(
        station.state()["station"]["cases"][1]["history"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    advance(&manager, "2026-0002");
    assert_eq!(
        station.state()["station"]["cases"][1]["stage"],
        "registered"
    );
    // The supervisor handles the case about the manager.
    let mut supervisor = Client::new(&base);
    supervisor.login("0009", "8642");
    let page = supervisor.get("/cases/2026-0001").body;
    assert!(page.contains("id=\"supervisors-case\""), "{page}");
    assert!(
        page.contains("action=\"/cases/2026-0001/advance\""),
        "{page}"
    );
    assert_eq!(advance(&supervisor, "2026-0001").status, 303);
    let state = station.state();
    assert_eq!(state["station"]["cases"][0]["stage"], "registered");
    assert_eq!(
        state["station"]["cases"][0]["history"][1]["by"]["id"],
        "0009"
    );
    station.quit();
}

#[test]
fn the_weeks_attendance_sheet_marks_each_member_by_their_sign_ons() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut station = start(&data);
    // Monday 30 November, 09:00: 王芳 signs on 30 minutes after the start
    // (still 迟到); 李强 and 赵敏 never do.
    station.ok("sign-on 1 0101 2468");
    station.quit();
    let out = crate::support::kiosk()
        .args(["attendance", "--week", "2026-11-30", "--data"])
        .arg(&data)
        .arg("--config")
        .arg(data.join("people.toml"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = |member: &str| {
        text.lines()
            .find(|l| l.starts_with(member))
            .unwrap_or_else(|| panic!("{member} in {text}"))
            .to_string()
    };
    assert!(line("0101 王芳").contains("11-30 迟到 30 分"), "{text}");
    assert!(line("0102 李强").contains("11-30 旷工"), "{text}");
    // The manager is on the sheet too; nobody is expected on a Saturday.
    assert!(line("0001 陈站长").contains("11-30 旷工"), "{text}");
    if text.contains("12-05") {
        assert!(line("0101 王芳").contains("12-05 休"), "{text}");
    }
}

/// Types a staff number and PIN on window `w`'s numeric keypad, each
/// followed by enter, and waits for the PIN check.
fn keypad(station: &mut Station, w: u8, staff: &str, pin: &str) {
    for part in [staff, pin] {
        for d in part.chars() {
            station.ok(&format!("key {w} {d}"));
        }
        station.ok(&format!("key {w} enter"));
    }
    station.ok("settle");
}

#[test]
fn a_member_signs_on_at_the_keypad_and_ten_wrong_pins_lock_the_number_out() {
    let dir = tempfile::tempdir().unwrap();
    let mut station = start(dir.path());
    // 王芳 signs on at window 1 with number and PIN on its keypad.
    keypad(&mut station, 1, "0101", "2468");
    let on = window(&station.state(), 1);
    assert_eq!(on["member"]["member"], "0101", "{on}");
    assert_eq!(on["member"]["name"], "王芳");
    // A post the member does not hold is refused like any sign-on.
    keypad(&mut station, 2, "0102", "1357");
    assert!(window(&station.state(), 2)["member"].is_null());
    // Wrong PINs for 李强 at window 1, each journaled as typed at the
    // keypad: five lock the number for a while (the right PIN is refused
    // meanwhile, saying until when); five more after the wait lock it out
    // until a manager unlocks it; the right PIN then signs nobody on.
    for _ in 0..5 {
        keypad(&mut station, 1, "0102", "0000");
    }
    keypad(&mut station, 1, "0102", "1357");
    assert_eq!(window(&station.state(), 1)["member"]["member"], "0101");
    // Six minutes on (the station restarted then: the lock is the staff
    // list's, in the database).
    assert!(station.quit().success());
    let config = dir.path().join("people.toml");
    let mut station = Station::start(
        dir.path(),
        &[
            "--config",
            config.to_str().unwrap(),
            "--clock",
            "2026-11-30 09:06",
        ],
    );
    for _ in 0..5 {
        keypad(&mut station, 1, "0102", "0000");
    }
    keypad(&mut station, 1, "0102", "1357");
    assert_eq!(window(&station.state(), 1)["member"]["member"], "0101");
    let refused = journal(dir.path(), &["--kind", "pin_refused"]);
    let keypad_refusals: Vec<&Value> = refused
        .iter()
        .filter(|e| e["body"]["place"] == "keypad" && e["body"]["staff"] == "0102")
        .collect();
    assert_eq!(keypad_refusals.len(), 12, "{refused:?}");
    let soft = keypad_refusals[5]["body"]["reason"].as_str().unwrap();
    assert!(soft.contains("try again then"), "{soft}");
    let last = keypad_refusals.last().unwrap()["body"]["reason"]
        .as_str()
        .unwrap();
    assert!(last.contains("locked out"), "{last}");
    assert!(last.contains("kiosk staff unlock"), "what to do: {last}");
    // No PIN anywhere in what the journal holds as text.
    let typed = crate::support::typed_strings(&journal(dir.path(), &[]));
    assert!(
        !typed
            .iter()
            .any(|s| s.contains("1357") || s.contains("2468")),
        "{typed:?}"
    );
    // A stray enter with no PIN typed does nothing (no wrong PIN counted).
    let before = journal(dir.path(), &["--kind", "pin_refused"]).len();
    station.ok("key 1 0");
    station.ok("key 1 enter");
    station.ok("key 1 enter");
    station.ok("settle");
    assert_eq!(window(&station.state(), 1)["member"]["member"], "0101");
    assert_eq!(
        journal(dir.path(), &["--kind", "pin_refused"]).len(),
        before
    );
    assert!(station.quit().success());
}
