//! The outbox on a real SQLite file: its identity, rows as the district
//! sees them with the station's chain, and the cursor that only moves
//! forward.

use domain::{Actor, CaseNo, CaseSource, Deadline, Fact, Record, Topic};
use jiff::Timestamp;

use super::*;
use crate::{StoreSettings, chain};

fn record(at: &str, fact: Fact) -> Record {
    let at: Timestamp = at.parse().unwrap();
    Record {
        at,
        day: "2026-11-30".parse().unwrap(),
        actor: Actor::Citizen,
        fact,
    }
}

fn deadline() -> Deadline {
    Deadline {
        date: "2026-12-07".parse().unwrap(),
        provisional: false,
    }
}

#[test]
fn the_outbox_hands_out_rows_as_the_district_sees_them_and_moves_only_forward() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiosk.db");
    let mut store = Store::open(&path, &StoreSettings::default()).unwrap();
    let first = outbox(store.connection()).unwrap();
    assert_eq!(first.acked, 0);
    assert_eq!(first.journal_id.len(), 32, "{first:?}");
    // Another database is another journal.
    let other = Store::open(&dir.path().join("other.db"), &StoreSettings::default()).unwrap();
    assert_ne!(
        outbox(other.connection()).unwrap().journal_id,
        first.journal_id
    );

    let complaint = Fact::CaseOpened {
        about_manager: false,
        case: CaseNo { year: 2026, seq: 1 },
        source: CaseSource::Complaint {
            topic: Topic::Attitude,
            text: "我是王秀英，住椰林村三组".into(),
            callback: false,
            form: 0,
            channel: Default::default(),
        },
        window: None,
        staff: None,
        ticket: None,
        callback_due: deadline(),
        rectify_due: deadline(),
        note: String::new(),
    };
    let seqs = store
        .commit(&[
            record("2026-11-30T01:00:00Z", Fact::DayOpened),
            record("2026-11-30T01:05:00Z", complaint),
            record("2026-11-30T01:06:00Z", Fact::PaperChanged),
        ])
        .unwrap();
    let rows = rows_after(store.connection(), 0, 10).unwrap();
    assert_eq!(rows.iter().map(|r| r.entry.seq).collect::<Vec<_>>(), seqs);
    assert_eq!(rows[1].entry.kind, "case_opened");
    let text = serde_json::to_string(&rows).unwrap();
    assert!(
        !text.contains("王秀英") && !text.contains("椰林村"),
        "{text}"
    );
    assert_eq!(
        rows[1].entry.body["text"],
        "〔留在站内 withheld: 12 chars〕"
    );
    // The chain is the station's own, over the full rows.
    assert_eq!(rows[0].prev, "0".repeat(64));
    assert_eq!(rows[1].prev, rows[0].hash);
    assert_eq!(rows[2].prev, rows[1].hash);
    assert_eq!(chain::verify(store.connection()).unwrap().first_break, None);
    assert!(rows.iter().all(|r| r.hash.len() == 64 && r.hash != r.prev));

    // Paged from a cursor; acknowledged up to the second row.
    assert_eq!(
        rows_after(store.connection(), seqs[0], 1).unwrap()[0]
            .entry
            .seq,
        seqs[1]
    );
    assert_eq!(store.acknowledge(seqs[1]).unwrap().acked, seqs[1]);
    // Never back, never past the end of the journal.
    assert_eq!(store.acknowledge(seqs[0]).unwrap().acked, seqs[1]);
    assert_eq!(store.acknowledge(seqs[2] + 5).unwrap().acked, seqs[1]);
    // Kept across a restart; the journal keeps its identity.
    drop(store);
    let store = Store::open(&path, &StoreSettings::default()).unwrap();
    assert_eq!(
        outbox(store.connection()).unwrap(),
        Outbox {
            journal_id: first.journal_id,
            acked: seqs[1]
        }
    );
    assert_eq!(
        rows_after(store.connection(), seqs[1], 10).unwrap().len(),
        1
    );
    // Even SQL cannot move the cursor back.
    let back = store
        .connection()
        .execute("UPDATE uplink SET acked_seq = 0", []);
    assert!(back.is_err());
}

#[test]
fn the_priority_rows_are_the_urgent_facts() {
    use domain::{TicketCode, WindowNo, ZoneRole};
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("kiosk.db"), &StoreSettings::default()).unwrap();
    let ticket: TicketCode = "A001".parse().unwrap();
    let window = WindowNo::new(1).unwrap();
    let mut facts = vec![
        Fact::DayOpened,
        Fact::AlarmRaised {
            zone: "panic".into(),
            role: ZoneRole::Panic,
        },
        Fact::AlarmAcknowledged {
            zone: "panic".into(),
        },
        Fact::AlarmReset {
            zone: "panic".into(),
        },
        Fact::ZoneInput {
            zone: "panic".into(),
            active: true,
        },
        Fact::PaperChanged,
    ];
    for level in 1..=5 {
        facts.push(Fact::TicketRated {
            member: None,
            ticket,
            window,
            level,
        });
    }
    let records: Vec<Record> = facts
        .iter()
        .map(|f| record("2026-11-30T01:00:00Z", f.clone()))
        .collect();
    let seqs = store.commit(&records).unwrap();
    let urgent: Vec<i64> = seqs
        .iter()
        .zip(&facts)
        .filter(|(_, f)| f.is_urgent())
        .map(|(s, _)| *s)
        .collect();
    let selected: Vec<i64> = priority_rows_after(store.connection(), 0, 100)
        .unwrap()
        .iter()
        .map(|r| r.entry.seq)
        .collect();
    assert_eq!(selected, urgent);
    // Three alarm facts and the ratings 1 and 2.
    assert_eq!(urgent.len(), 5);
}
