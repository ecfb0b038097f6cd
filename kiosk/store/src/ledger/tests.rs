//! The ledger and the monthly report over dockets moved through the real
//! station and committed to a real SQLite file.

use jiff::Timestamp;

use super::*;
use crate::tests::{station, temp};
use crate::{Store, StoreSettings};
use domain::{
    Actor, Command, DocketNo, DocketStage, LookupCode, MatterId, MatterRef, NotifyBy, Outcome,
    Principal, Received, Station, WindowNo,
};

fn go(store: &mut Store, st: &mut Station, at: &str, staff: &str, command: Command) {
    let now: Timestamp = at.parse().unwrap();
    let d = st
        .decide(&command, &Actor::Staff { id: staff.into() }, now)
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    store
        .commit_private(&d.records, &d.contacts, &d.principals)
        .unwrap();
    for r in &d.records {
        st.apply(r);
    }
}

fn matter(id: &str, zh: &str) -> MatterRef {
    MatterRef {
        id: MatterId::parse(id).unwrap(),
        version: 1,
        zh: zh.into(),
        en: None,
    }
}

fn accept(window: u8, m: MatterRef, days: u16, proxy: bool) -> Command {
    Command::AcceptMatter {
        window: WindowNo::new(window).unwrap(),
        ticket: None,
        matter: m,
        working_days: days,
        materials: vec![Received {
            name: "身份证复印件".into(),
            count: 1,
        }],
        principal: proxy.then(|| Principal::new("赵六", "440524188001010014").unwrap()),
        code: LookupCode::from_random(99),
    }
}

fn step(docket: &str, stage: DocketStage) -> Command {
    Command::AdvanceDocket {
        docket: docket.parse::<DocketNo>().unwrap(),
        stage,
        note: "理由已告知".into(),
        office: Some("县民政局".into()),
        notified: Some(NotifyBy::Phone),
        window: Some(WindowNo::new(1).unwrap()),
        signed: true,
    }
}

#[test]
fn the_month_counts_dockets_on_time_and_overdue_by_office_and_rating() {
    let (_dir, path) = temp();
    let mut store = Store::open(&path, &StoreSettings::default()).unwrap();
    let mut st = station();
    let allowance = matter("elderly-allowance", "高龄津贴申请");
    let pension = matter("pension-enrol", "养老保险参保登记");
    // Tue 1 Dec: a promised matter (2 working days: due Thu 3) by 0101, a
    // proxy matter (3 days: due Fri 4) by 0102; both at 09:00 local.
    go(
        &mut store,
        &mut st,
        "2026-12-01T01:00:00Z",
        "0101",
        accept(1, allowance.clone(), 2, false),
    );
    go(
        &mut store,
        &mut st,
        "2026-12-01T01:05:00Z",
        "0102",
        accept(2, pension.clone(), 3, true),
    );
    // A referral and a consultation in the ledger.
    for (outcome, m) in [
        (
            Outcome::Referred {
                to: "镇派出所".into(),
            },
            pension.clone(),
        ),
        (Outcome::Consult, allowance.clone()),
    ] {
        go(
            &mut store,
            &mut st,
            "2026-12-01T01:10:00Z",
            "0101",
            Command::RecordMatter {
                window: WindowNo::new(1).unwrap(),
                ticket: None,
                matter: m,
                outcome,
            },
        );
    }
    // The promised one finished on time (Thu 3), collected and rated 5.
    go(
        &mut store,
        &mut st,
        "2026-12-02T01:00:00Z",
        "0101",
        step("SL2026-00001", DocketStage::InProgress),
    );
    go(
        &mut store,
        &mut st,
        "2026-12-03T01:00:00Z",
        "0101",
        step("SL2026-00001", DocketStage::Finished),
    );
    go(
        &mut store,
        &mut st,
        "2026-12-03T02:00:00Z",
        "0101",
        step("SL2026-00001", DocketStage::Collected),
    );
    go(
        &mut store,
        &mut st,
        "2026-12-03T02:00:05Z",
        "0101",
        Command::Rate {
            window: WindowNo::new(1).unwrap(),
            level: 5,
        },
    );
    // The proxy one sent Wed 2, back late on Mon 7.
    go(
        &mut store,
        &mut st,
        "2026-12-02T03:00:00Z",
        "0102",
        step("SL2026-00002", DocketStage::Sent),
    );
    go(
        &mut store,
        &mut st,
        "2026-12-07T03:00:00Z",
        "0102",
        step("SL2026-00002", DocketStage::Returned),
    );

    let conn = store.connection();
    let d = |s: &str| s.parse::<Date>().unwrap();
    let m = monthly(conn, d("2026-12-01"), d("2026-12-31"), d("2026-12-08")).unwrap();
    assert_eq!(m.received, 4);
    let outcome = |w: &str| m.by_outcome.iter().find(|(o, _)| o == w).unwrap().1;
    assert_eq!(
        (
            outcome("accepted"),
            outcome("proxy"),
            outcome("referred"),
            outcome("consult")
        ),
        (1, 1, 1, 1)
    );
    assert_eq!(
        (
            m.total.accepted,
            m.total.finished,
            m.total.on_time,
            m.total.overdue
        ),
        (2, 2, 1, 1)
    );
    let member = |n: &str| m.by_member.iter().find(|l| l.key == n).unwrap().clone();
    assert_eq!((member("0101").on_time, member("0102").overdue), (1, 1));
    assert_eq!(m.offices.len(), 1);
    let office = &m.offices[0];
    assert_eq!(
        (
            office.office.as_str(),
            office.sent,
            office.back,
            office.days_max
        ),
        ("县民政局", 1, 1, Some(6))
    );
    assert_eq!((m.result_ratings[4], m.result_unrated), (1, 0));
    // Reckoned on 5 December, the proxy matter (due the 4th, back on the
    // 7th) is late and still without its result.
    let early = monthly(conn, d("2026-12-01"), d("2026-12-05"), d("2026-12-08")).unwrap();
    assert_eq!(
        (
            early.total.finished,
            early.total.on_time,
            early.total.overdue,
            early.open_overdue
        ),
        (1, 1, 1, 1)
    );
    assert_eq!(m.open_overdue, 0, "back by the month's end");
    // November knows nothing of December's.
    let nov = monthly(conn, d("2026-11-01"), d("2026-11-30"), d("2026-12-08")).unwrap();
    assert_eq!((nov.received, nov.total.accepted), (0, 0));

    // The ledger: by member, by outcome, by words, newest first.
    let all = LedgerFilter {
        from: "2026-12-01".into(),
        to: "2026-12-31".into(),
        limit: 100,
        ..LedgerFilter::default()
    };
    let (rows, total) = ledger(conn, &all).unwrap();
    assert_eq!((rows.len(), total), (4, 4));
    assert!(rows[0].id > rows[3].id);
    let by = |f: LedgerFilter| ledger(conn, &f).unwrap().1;
    assert_eq!(
        by(LedgerFilter {
            staff: "0102".into(),
            ..all.clone()
        }),
        1
    );
    assert_eq!(
        by(LedgerFilter {
            outcome: "referred".into(),
            ..all.clone()
        }),
        1
    );
    assert_eq!(
        by(LedgerFilter {
            text: "派出所".into(),
            ..all.clone()
        }),
        1
    );
    assert_eq!(
        by(LedgerFilter {
            text: "SL2026-00002".into(),
            ..all.clone()
        }),
        1
    );
    assert_eq!(
        by(LedgerFilter {
            window: 2,
            ..all.clone()
        }),
        1
    );
    assert_eq!(
        by(LedgerFilter {
            text: "%".into(),
            ..all.clone()
        }),
        4
    );

    // Exports state their coding; the citizen's name is in none of them.
    for format in [Format::Csv, Format::Json] {
        let mut out = Vec::new();
        export_ledger(conn, d("2026-12-01"), d("2026-12-31"), format, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("referred = 转介") && text.contains("镇派出所"),
            "{text}"
        );
        let mut out = Vec::new();
        export_monthly(&m, format, &mut out).unwrap();
        let report = String::from_utf8(out).unwrap();
        assert!(
            report.contains("on time = a result back on or before"),
            "{report}"
        );
        assert!(!text.contains("赵六") && !report.contains("赵六"));
    }
}
