//! The complaint box behind the screen, in one process under tokio's paused
//! clock: complaints filed as the touchscreen files them, a double submit and
//! a restart between confirm and receipt, a case moved through its stages with
//! the answer's form, an extension only the manager may grant (PIN checked in
//! the real SQLite file), reopening, and callback numbers deleted when their
//! retention runs out.

mod support;

use kiosk::app::CitizenEvent;
use std::path::Path;

use kiosk::app::{ComplaintOutcome, Event};
use kiosk::config::Config;
use kiosk::domain::{CaseNo, Phone, Topic};
use kiosk::store::Store;
use support::{Rig, bodies, journal, staff};

const NUMBER: &str = "13812345678";

fn complaint(form: u64, phone: Option<&str>) -> Event {
    Event::Citizen(CitizenEvent::FileComplaint {
        topic: Topic::Efficiency,
        window: Some(2),
        text: "等候时间太长，请回电".into(),
        phone: phone.map(|p| Phone::parse(p).unwrap()),
        form,
        english: false,
    })
}

fn filed(rig: &Rig) -> Vec<String> {
    rig.screen
        .complaints
        .lock()
        .unwrap()
        .iter()
        .map(|c| match c {
            ComplaintOutcome::Filed(r) => r.case.clone(),
            ComplaintOutcome::Refused(why) => format!("refused: {why}"),
        })
        .collect()
}

fn contact(dir: &Path, case: &str) -> Option<String> {
    let config = Config::builtin().unwrap();
    let store = Store::open(&dir.join("kiosk.db"), &config.store).unwrap();
    store
        .case_contact(case.parse::<CaseNo>().unwrap())
        .unwrap()
        .map(|p| p.full().to_string())
}

#[tokio::test(start_paused = true)]
async fn a_form_files_one_case_however_often_it_is_submitted_and_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let rig = Rig::start(dir.path()).await;
    rig.send(complaint(77, Some(NUMBER))).await;
    // A double tap that got past the screen's guard.
    rig.send(complaint(77, Some(NUMBER))).await;
    assert_eq!(
        filed(&rig),
        ["2026-0001", "2026-0001"],
        "the second submit is answered with the same case"
    );
    // The power fails after the commit, before the receipt: on restart the
    // case is there once, and the same form submitted again finds it.
    rig.stop().await;
    let rig = Rig::start(dir.path()).await;
    rig.send(complaint(77, Some(NUMBER))).await;
    assert_eq!(filed(&rig), ["2026-0001"], "the same form finds its case");
    // Another citizen's form is another case.
    rig.send(complaint(78, None)).await;
    assert_eq!(filed(&rig), ["2026-0001", "2026-0002"]);
    rig.stop().await;
    let opened = bodies(dir.path(), &["case_opened"]);
    assert_eq!(opened.len(), 2, "{opened:?}");
    assert_eq!(opened[0]["callback"], true);
    assert_eq!(opened[1]["callback"], false);
    assert_eq!(contact(dir.path(), "2026-0001").as_deref(), Some(NUMBER));
    assert_eq!(contact(dir.path(), "2026-0002"), None);
}

#[tokio::test(start_paused = true)]
async fn a_case_is_answered_in_its_form_extended_by_the_manager_only_and_reopened() {
    let dir = tempfile::tempdir().unwrap();
    staff(dir.path());
    let rig = Rig::start(dir.path()).await;
    rig.send(complaint(1, Some(NUMBER))).await;
    let ok = |answer: serde_json::Value| {
        assert_eq!(answer["ok"], true, "{answer}");
    };
    ok(rig
        .command(r#"case 2026-0001 registered "与投诉人通话，了解情况""#)
        .await);
    ok(rig.command(r#"case 2026-0001 handled "窗口已整改""#).await);
    // A complaint's answer says whether it was oral or written.
    let answer = rig.command(r#"case 2026-0001 answered "已答复""#).await;
    assert_eq!(
        answer["error"],
        "case 2026-0001 is a complaint: say how the citizen was answered (oral or written)"
    );
    let answer = rig
        .command(r#"case 2026-0001 answered sung "已答复""#)
        .await;
    assert_eq!(answer["ok"], false, "{answer}");
    ok(rig
        .command(r#"case 2026-0001 answered written "书面答复已交投诉人""#)
        .await);

    // The complainant disagrees: back to 登记, due again in 5 working days.
    ok(rig
        .command(r#"case 2026-0001 reopen "投诉人不认可处理结果，重新核实""#)
        .await);

    // An extension needs the manager's PIN and a reason.
    let answer = rig
        .command(r#"case 2026-0001 extend 10 0101 2468 "需要核实""#)
        .await;
    assert_eq!(
        answer["error"],
        "extending a case needs the manager role (经领导同意) — the supervisor's (纪检) for a case about the manager"
    );
    let answer = rig
        .command(r#"case 2026-0001 extend 10 0001 1111 "需要核实""#)
        .await;
    assert_eq!(answer["error"], "unknown staff number or wrong PIN");
    let answer = rig
        .command(r#"case 2026-0001 extend 10 0001 13579 " ""#)
        .await;
    assert_eq!(
        answer["error"],
        "an extension needs a reason and 1 to 60 working days"
    );
    ok(rig
        .command(r#"case 2026-0001 extend 10 0001 13579 "需县医保局核实缴费记录""#)
        .await);
    let state = rig.command("state").await;
    rig.stop().await;

    let case = &state["state"]["station"]["cases"][0];
    let stages: Vec<&str> = case["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["stage"].as_str().unwrap())
        .collect();
    assert_eq!(
        stages,
        [
            "accepted",
            "registered",
            "handled",
            "answered",
            "registered"
        ]
    );
    assert_eq!(case["history"][3]["answer"], "written");
    assert_eq!(case["history"][4]["reopened"], true);
    // Reopened Monday 30 November: due Monday 7 December; ten more working
    // days make it Monday 21 December.
    assert_eq!(case["extensions"][0]["was"]["date"], "2026-12-07");
    assert_eq!(case["extensions"][0]["now_due"]["date"], "2026-12-21");
    assert_eq!(case["callback_due"]["date"], "2026-12-21");
    let extended = bodies(dir.path(), &["case_extended"]);
    assert_eq!(extended.len(), 1);
    let actors: Vec<String> = {
        let conn = rusqlite::Connection::open(dir.path().join("kiosk.db")).unwrap();
        let mut stmt = conn
            .prepare("SELECT actor FROM journal WHERE kind = 'case_extended'")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(actors, [r#"{"by":"staff","id":"0001"}"#]);
}

#[tokio::test(start_paused = true)]
async fn callback_numbers_are_deleted_after_retention_and_the_deletion_is_journaled() {
    let dir = tempfile::tempdir().unwrap();
    let rig = Rig::start(dir.path()).await;
    rig.send(complaint(5, Some(NUMBER))).await;
    for line in [
        r#"case 2026-0001 registered "登记""#,
        r#"case 2026-0001 handled "处理""#,
        r#"case 2026-0001 answered oral "电话答复""#,
        r#"case 2026-0001 archived """#,
    ] {
        let answer = rig.command(line).await;
        assert_eq!(answer["ok"], true, "{line}: {answer}");
    }
    rig.stop().await;

    // 180 days after filing (30 November): kept until 29 May 2027.
    let rig = Rig::start_at(dir.path(), "2027-05-28T01:00:00Z").await;
    rig.stop().await;
    assert_eq!(contact(dir.path(), "2026-0001").as_deref(), Some(NUMBER));
    let rig = Rig::start_at(dir.path(), "2027-05-30T01:00:00Z").await;
    rig.stop().await;
    assert_eq!(contact(dir.path(), "2026-0001"), None);
    let deleted = bodies(dir.path(), &["contact_deleted"]);
    assert_eq!(
        deleted,
        [serde_json::json!({"kind": "contact_deleted", "case": "2026-0001"})]
    );
    // The number was never journaled, in any form.
    for (kind, body) in journal(dir.path()) {
        let text = body.to_string();
        assert!(
            !text.contains(NUMBER) && !text.contains("12345678"),
            "{kind}: {text}"
        );
    }
}
