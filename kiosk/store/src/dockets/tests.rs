//! Dockets on a real SQLite file: the projection beside the journal, the
//! commission's citizen kept apart and deleted, a restart's seeds, and
//! `verify-log` catching an edited docket.

use jiff::Timestamp;

use super::{expired_principals, read_docket, read_principal};
use crate::tests::{station, temp};
use crate::*;
use domain::{
    Command, DocketNo, DocketStage, LookupCode, MatterId, MatterRef, NotifyBy, Principal, Received,
    Station, WindowNo,
};

fn go(store: &mut Store, station: &mut Station, at: &str, command: Command) {
    let now: Timestamp = at.parse().unwrap();
    let d = station
        .decide(&command, &Actor::Staff { id: "0101".into() }, now)
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    store
        .commit_private(&d.records, &d.contacts, &d.principals)
        .unwrap();
    for r in &d.records {
        station.apply(r);
    }
}

fn accept(principal: Option<Principal>) -> Command {
    Command::AcceptMatter {
        window: WindowNo::new(3).unwrap(),
        ticket: None,
        matter: MatterRef {
            id: MatterId::parse("pension-enrol").unwrap(),
            version: 1,
            zh: "城乡居民养老保险参保登记".into(),
            en: None,
        },
        working_days: 5,
        materials: vec![Received {
            name: "户口簿复印件".into(),
            count: 1,
        }],
        principal,
        code: LookupCode::from_random(1234),
    }
}

fn step(docket: DocketNo, stage: DocketStage) -> Command {
    Command::AdvanceDocket {
        docket,
        stage,
        note: "已办".into(),
        office: Some("县社保中心".into()),
        notified: Some(NotifyBy::Phone),
        window: Some(WindowNo::new(3).unwrap()),
        signed: true,
    }
}

#[test]
fn a_proxy_docket_is_kept_beside_the_journal_and_its_citizen_apart() {
    let (_dir, path) = temp();
    let mut store = Store::open(&path, &StoreSettings::default()).unwrap();
    let mut st = station();
    let citizen = Principal::new("李秀英", "440524188001010014").unwrap();
    go(
        &mut store,
        &mut st,
        "2026-11-30T02:00:00Z",
        accept(Some(citizen.clone())),
    );
    let no: DocketNo = "SL2026-00001".parse().unwrap();
    assert_eq!(
        read_principal(store.connection(), no).unwrap(),
        Some(citizen)
    );
    // Nowhere but its own table.
    let leaks: i64 = store
        .connection()
        .query_row(
            "SELECT (SELECT count(*) FROM journal WHERE body LIKE '%李秀英%' OR body LIKE '%188001010014%')
                  + (SELECT count(*) FROM dockets WHERE body LIKE '%李秀英%')
                  + (SELECT count(*) FROM matters WHERE matter_zh LIKE '%李秀英%')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(leaks, 0);
    // The 首问 ledger row names the receipt.
    let receipt: String = store
        .connection()
        .query_row("SELECT receipt FROM matters", [], |r| r.get(0))
        .unwrap();
    assert_eq!(receipt, "SL2026-00001");
    for (at, stage) in [
        ("2026-11-30T03:00:00Z", DocketStage::Sent),
        ("2026-12-02T03:00:00Z", DocketStage::Finished),
        ("2026-12-02T04:00:00Z", DocketStage::Notified),
    ] {
        go(&mut store, &mut st, at, step(no, stage));
    }
    // A restart seeds the open docket and numbers on.
    let resume = store.resume().unwrap();
    assert_eq!(resume.open_dockets.len(), 1);
    assert_eq!(resume.open_dockets[0].stage(), DocketStage::Notified);
    assert_eq!(resume.docket_numbers, [(2026, 1)]);
    let (office, result_day): (String, String) = store
        .connection()
        .query_row("SELECT office, result_day FROM dockets", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(
        (office.as_str(), result_day.as_str()),
        ("县社保中心", "2026-12-02")
    );
    // Handed over and rated; its particulars expire only after hand-over.
    go(
        &mut store,
        &mut st,
        "2026-12-03T02:00:00Z",
        step(no, DocketStage::Collected),
    );
    let before: Timestamp = "2026-12-03T01:00:00Z".parse().unwrap();
    assert!(
        expired_principals(store.connection(), before)
            .unwrap()
            .is_empty()
    );
    let after: Timestamp = "2026-12-03T03:00:00Z".parse().unwrap();
    assert_eq!(expired_principals(store.connection(), after).unwrap(), [no]);
    go(
        &mut store,
        &mut st,
        "2026-12-03T02:00:05Z",
        Command::Rate {
            window: WindowNo::new(3).unwrap(),
            level: 5,
        },
    );
    go(
        &mut store,
        &mut st,
        "2026-12-03T03:00:00Z",
        Command::ForgetPrincipals { dockets: vec![no] },
    );
    assert_eq!(read_principal(store.connection(), no).unwrap(), None);
    let d = read_docket(store.connection(), no).unwrap().unwrap();
    assert_eq!(
        (d.stage(), d.rating, d.principal),
        (DocketStage::Collected, Some(5), false)
    );
    assert!(store.resume().unwrap().open_dockets.is_empty());
    // The projection is the journal's.
    assert_eq!(audit::projections(store.connection()).unwrap(), None);
    store
        .connection()
        .execute("UPDATE dockets SET rating = 1", [])
        .unwrap();
    let m = audit::projections(store.connection()).unwrap().unwrap();
    assert_eq!((m.table, m.row.as_str()), ("dockets", "SL2026-00001"));
}
