//! The chain rules on batches made by hand: the next batch, a batch again,
//! a gap, an edited or restored journal, a new database, a malformed batch.

use fleet::wire::UplinkRow;
use fleet::wire::{Batch, Head};
use store::LogEntry;

use super::*;

fn h(seq: i64, tag: &str) -> String {
    format!("{tag}{seq:04}")
}

/// Entries `from..=to` of a journal whose hashes carry `tag` (a journal
/// rewritten from some entry on has another tag there).
fn batch(journal: &str, from: i64, to: i64, tag: impl Fn(i64) -> &'static str) -> Batch {
    let rows = (from..=to)
        .map(|seq| UplinkRow {
            entry: LogEntry {
                seq,
                at: "2026-12-02T01:00:00Z".into(),
                day: "2026-12-02".into(),
                kind: "ticket_issued".into(),
                actor: serde_json::Value::Null,
                ticket: None,
                window: None,
                body: serde_json::json!({}),
            },
            prev: if seq == 1 {
                String::new()
            } else {
                h(seq - 1, tag(seq - 1))
            },
            hash: h(seq, tag(seq)),
        })
        .collect();
    Batch {
        station: "s1".into(),
        journal: journal.into(),
        from,
        to,
        head: Head {
            seq: to,
            hash: h(to, tag(to)),
        },
        rows,
    }
}

fn same(_: i64) -> &'static str {
    "a"
}

fn held(last: i64) -> Held {
    Held {
        journal: Some("j1".into()),
        incarnation: 1,
        last_seq: last,
        last_hash: if last == 0 {
            String::new()
        } else {
            h(last, "a")
        },
        head_seq: last,
    }
}

fn hashes(from: i64, to: i64) -> Vec<(i64, String)> {
    (from..=to).map(|s| (s, h(s, "a"))).collect()
}

#[test]
fn the_next_batch_is_appended() {
    let b = batch("j1", 11, 20, same);
    assert_eq!(
        decide(&held(10), &b, &[]),
        Verdict::Append {
            skip: 0,
            diverged: None
        }
    );
    assert_eq!(
        decide(&Held::default(), &batch("j1", 1, 5, same), &[]),
        Verdict::Append {
            skip: 0,
            diverged: None
        },
        "a station first heard of"
    );
}

#[test]
fn a_batch_held_already_is_acknowledged_again() {
    let b = batch("j1", 11, 20, same);
    assert_eq!(decide(&held(20), &b, &hashes(11, 20)), Verdict::Duplicate);
    assert_eq!(decide(&held(30), &b, &hashes(11, 20)), Verdict::Duplicate);
}

#[test]
fn a_batch_overlapping_the_end_keeps_only_the_new_entries() {
    let b = batch("j1", 11, 20, same);
    assert_eq!(
        decide(&held(15), &b, &hashes(11, 15)),
        Verdict::Append {
            skip: 5,
            diverged: None
        }
    );
}

#[test]
fn a_gap_asks_for_the_missing_entries() {
    let b = batch("j1", 21, 30, same);
    assert_eq!(decide(&held(10), &b, &[]), Verdict::Gap { resend_from: 11 });
}

#[test]
fn an_entry_edited_after_reporting_breaks_the_next_batch() {
    // Entry 10 was changed at the station and the chain recomputed from
    // there: the district's 10 and the station's 10 differ.
    let b = batch("j1", 11, 20, |s| if s >= 10 { "x" } else { "a" });
    let v = decide(&held(10), &b, &[]);
    let Verdict::Append {
        skip: 0,
        diverged: Some(d @ Divergence::Edited { seq: 10, .. }),
    } = &v
    else {
        panic!("{v:?}");
    };
    assert!(d.message().contains("edited"), "{}", d.message());
    assert!(d.message().contains("verify-log --anchor 10:a0010"));
}

#[test]
fn a_restored_station_writing_on_is_kept_apart() {
    // The district holds 1–20; the station came back from a backup taken
    // at 12 and wrote new entries 13… with other hashes.
    let b = batch("j1", 11, 16, |s| if s >= 13 { "r" } else { "a" });
    let mut held = held(20);
    assert_eq!(
        restored(&held, &b).map(|m| m.contains("restored from a backup")),
        Some(true),
        "its head is behind what it reported"
    );
    let v = decide(&held, &b, &hashes(11, 20));
    assert_eq!(
        v,
        Verdict::Append {
            skip: 0,
            diverged: Some(Divergence::Rewritten {
                seq: 13,
                held: h(13, "a"),
                now: h(13, "r")
            })
        }
    );
    held.head_seq = 10;
    assert_eq!(restored(&held, &b), None);
}

#[test]
fn another_journal_is_a_new_incarnation() {
    let b = batch("j2", 1, 5, same);
    assert_eq!(
        decide(&held(20), &b, &[]),
        Verdict::Append {
            skip: 0,
            diverged: Some(Divergence::NewJournal { was: "j1".into() })
        }
    );
}

#[test]
fn a_batch_that_contradicts_itself_is_refused() {
    let mut b = batch("j1", 11, 20, same);
    b.rows[3].prev = "zz".into();
    assert!(
        matches!(decide(&held(10), &b, &[]), Verdict::Malformed(m) if m.contains("entry 14 does not continue"))
    );
    let mut b = batch("j1", 11, 20, same);
    b.to = 25;
    assert!(matches!(decide(&held(10), &b, &[]), Verdict::Malformed(_)));
    let mut b = batch("j1", 11, 20, same);
    b.rows.remove(4);
    assert!(matches!(decide(&held(10), &b, &[]), Verdict::Malformed(_)));
    let mut b = batch("j1", 11, 20, same);
    b.rows.clear();
    assert!(matches!(decide(&held(10), &b, &[]), Verdict::Malformed(_)));
}
