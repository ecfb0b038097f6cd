//! The collector against a real Mosquitto and a real PostgreSQL, with
//! simulated stations speaking the uplink's protocol: order, idempotence,
//! gaps, edited and restored journals, a collector killed mid-batch,
//! PostgreSQL down, two collectors sharing the load.

mod support;

use std::time::Duration;

use support::services::{Broker, Collector, Postgres, eventually};
use support::station::{Answer, SimStation, hash, journal};

const DAY: &str = "2026-12-02";
const WAIT: Duration = Duration::from_secs(20);

struct Fleet {
    broker: Broker,
    pg: Postgres,
    collector: Collector,
    runtime: tokio::runtime::Runtime,
}

fn fleet() -> Fleet {
    let broker = Broker::start();
    let pg = Postgres::start();
    let collector = Collector::start(&broker, &pg, "collector-1", broker.dir.path());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    Fleet {
        broker,
        pg,
        collector,
        runtime,
    }
}

impl Fleet {
    fn count(&self, station: &str) -> String {
        self.pg.query(&format!(
            "SELECT count(*) || ' ' || count(DISTINCT seq) || ' ' || coalesce(max(seq), 0) FROM entries WHERE station = '{station}'"
        ))
    }
}

#[test]
fn batches_are_committed_in_order_and_a_batch_twice_changes_nothing() {
    let f = fleet();
    let rows = journal(1, 1200, "a", DAY);
    f.runtime.block_on(async {
        let mut s = SimStation::connect(f.broker.port, "s-order", "j1").await;
        assert_eq!(s.send_all(&rows, 500, "a", WAIT).await, 3);
        // Delivered again (a broker redelivering, a station resending).
        s.publish(&rows[..500], 1200, "a").await;
        assert_eq!(s.answer(WAIT).await, Some(Answer::Ack(500)));
        s.publish(&rows[1000..], 1200, "a").await;
        assert_eq!(s.answer(WAIT).await, Some(Answer::Ack(1200)));
    });
    assert_eq!(f.count("s-order"), "1200 1200 1200");
    assert_eq!(
        f.pg.query("SELECT chain || ' ' || last_seq || ' ' || head_seq || ' ' || last_hash FROM stations WHERE id = 's-order'"),
        format!("ok 1200 1200 {}", hash(1200, "a"))
    );
    assert_eq!(
        f.pg.query("SELECT count(*) FROM reports"),
        "0",
        "nothing to report"
    );
    // The rows are as the station sent them.
    assert_eq!(
        f.pg.query("SELECT kind || ' ' || ticket || ' ' || (body->>'level') FROM entries WHERE station = 's-order' AND seq = 7"),
        "ticket_rated A004 5"
    );
}

#[test]
fn a_gap_asks_the_station_to_send_again_from_where_it_is_missing() {
    let f = fleet();
    let rows = journal(1, 300, "a", DAY);
    f.runtime.block_on(async {
        let mut s = SimStation::connect(f.broker.port, "s-gap", "j1").await;
        s.send_all(&rows[..100], 100, "a", WAIT).await;
        s.publish(&rows[200..], 300, "a").await;
        assert_eq!(s.answer(WAIT).await, Some(Answer::Resend(101)));
        assert_eq!(
            f.pg.query("SELECT chain FROM stations WHERE id = 's-gap'"),
            "gap"
        );
        s.send_all(&rows[100..], 100, "a", WAIT).await;
    });
    assert_eq!(f.count("s-gap"), "300 300 300");
    assert_eq!(
        f.pg.query("SELECT chain FROM stations WHERE id = 's-gap'"),
        "ok"
    );
}

#[test]
fn a_journal_edited_after_it_reported_is_reported_and_the_district_copy_kept() {
    let f = fleet();
    let rows = journal(1, 100, "a", DAY);
    // Entry 100 changed at the station, the chain recomputed from there.
    let edited = journal(100, 150, "x", DAY);
    f.runtime.block_on(async {
        let mut s = SimStation::connect(f.broker.port, "s-edit", "j1").await;
        s.send_all(&rows, 100, "a", WAIT).await;
        s.publish(&edited[1..], 150, "x").await;
        assert_eq!(s.answer(WAIT).await, Some(Answer::Ack(150)));
    });
    assert_eq!(
        f.pg.query("SELECT chain || ' ' || incarnation FROM stations WHERE id = 's-edit'"),
        "edited 2"
    );
    let report = f
        .pg
        .query("SELECT kind || ' ' || seq || ' ' || message FROM reports WHERE station = 's-edit'");
    assert!(report.starts_with("edited 100 "), "{report}");
    assert!(
        report.contains(&format!("verify-log --anchor 100:{}", hash(100, "a"))),
        "{report}"
    );
    // The district's copy of entry 100 is the one first reported.
    assert_eq!(
        f.pg.query(
            "SELECT hash FROM entries WHERE station = 's-edit' AND incarnation = 1 AND seq = 100"
        ),
        hash(100, "a")
    );
    assert_eq!(
        f.pg.query("SELECT count(*) || ' ' || min(seq) FROM entries WHERE station = 's-edit' AND incarnation = 2"),
        "50 101"
    );
}

#[test]
fn a_station_restored_from_a_backup_is_reported_not_merged() {
    let f = fleet();
    let rows = journal(1, 200, "a", DAY);
    // Restored from a backup taken at 120; written on since (121… differ).
    let mut restored = journal(101, 120, "a", DAY);
    let mut after = journal(121, 160, "r", DAY);
    after[0].prev = hash(120, "a");
    restored.extend(after);
    f.runtime.block_on(async {
        let mut s = SimStation::connect(f.broker.port, "s-restored", "j1").await;
        s.send_all(&rows, 200, "a", WAIT).await;
        s.publish(&restored, 160, "r").await;
        assert_eq!(s.answer(WAIT).await, Some(Answer::Ack(160)));
    });
    let reports = f.pg.query(
        "SELECT string_agg(kind || ' ' || seq, ', ' ORDER BY id) FROM reports WHERE station = 's-restored'",
    );
    assert_eq!(reports, "restored 160, rewritten 121");
    assert_eq!(
        f.pg.query("SELECT chain || ' ' || incarnation FROM stations WHERE id = 's-restored'"),
        "rewritten 2"
    );
    // Nothing of the first history was overwritten.
    assert_eq!(
        f.pg.query("SELECT count(*) || ' ' || max(seq) FROM entries WHERE station = 's-restored' AND incarnation = 1"),
        "200 200"
    );
    assert_eq!(
        f.pg.query("SELECT hash FROM entries WHERE station = 's-restored' AND incarnation = 1 AND seq = 121"),
        hash(121, "a")
    );
}

#[test]
fn a_new_database_at_a_station_is_kept_apart() {
    let f = fleet();
    f.runtime.block_on(async {
        let mut s = SimStation::connect(f.broker.port, "s-new", "j1").await;
        s.send_all(&journal(1, 50, "a", DAY), 50, "a", WAIT).await;
        let mut s2 = SimStation::connect(f.broker.port, "s-new", "j2").await;
        drop(s);
        s2.send_all(&journal(1, 30, "b", DAY), 50, "b", WAIT).await;
    });
    assert_eq!(
        f.pg.query(
            "SELECT chain || ' ' || incarnation || ' ' || journal FROM stations WHERE id = 's-new'"
        ),
        "new_journal 2 j2"
    );
    assert_eq!(
        f.pg.query("SELECT string_agg(incarnation || ':' || n, ' ') FROM (SELECT incarnation, count(*) n FROM entries WHERE station = 's-new' GROUP BY 1 ORDER BY 1) x"),
        "1:50 2:30"
    );
}

#[test]
fn a_collector_killed_mid_batch_loses_nothing_and_stores_nothing_twice() {
    let mut f = fleet();
    let stations = 12;
    let rows = journal(1, 2000, "a", DAY);
    let handle = f.runtime.handle().clone();
    let senders: Vec<_> = (0..stations)
        .map(|n| {
            let rows = rows.clone();
            let port = f.broker.port;
            handle.spawn(async move {
                let mut s = SimStation::connect(port, &format!("s-kill-{n}"), "j1").await;
                s.send_all(&rows, 100, "a", Duration::from_secs(3)).await
            })
        })
        .collect();
    // Kill it once some entries are in, mid-stream.
    eventually(WAIT, "some entries committed", || {
        let n: i64 =
            f.pg.query("SELECT count(*) FROM entries")
                .parse()
                .unwrap_or(0);
        (n >= 2000, n)
    });
    f.collector.kill();
    let at_kill: i64 =
        f.pg.query("SELECT count(*) FROM entries")
            .parse()
            .unwrap_or(0);
    assert!(
        at_kill < 2000 * stations,
        "killed before the end ({at_kill})"
    );
    f.collector.resume();
    f.runtime.block_on(async {
        for s in senders {
            s.await.expect("station");
        }
    });
    for n in 0..stations {
        assert_eq!(
            f.count(&format!("s-kill-{n}")),
            "2000 2000 2000",
            "station {n}"
        );
    }
    assert_eq!(f.pg.query("SELECT count(*) FROM reports"), "0");
}

#[test]
fn postgres_down_the_collector_holds_its_acknowledgement_and_resumes() {
    let mut f = fleet();
    let rows = journal(1, 200, "a", DAY);
    f.runtime.block_on(async {
        let mut s = SimStation::connect(f.broker.port, "s-pg", "j1").await;
        s.send_all(&rows[..100], 100, "a", WAIT).await;
        f.pg.stop();
        s.publish(&rows[100..], 200, "a").await;
        assert_eq!(
            s.answer(Duration::from_secs(3)).await,
            None,
            "nothing acknowledged while PostgreSQL is down"
        );
        f.pg.resume();
        assert_eq!(s.answer(WAIT).await, Some(Answer::Ack(200)));
    });
    assert_eq!(f.count("s-pg"), "200 200 200");
    assert!(
        f.collector.log().contains("not acknowledged, trying again"),
        "{}",
        f.collector.log()
    );
}

#[test]
fn two_collectors_share_the_stations_and_each_station_stays_in_order() {
    let f = fleet();
    let second = Collector::start(&f.broker, &f.pg, "collector-2", f.broker.dir.path());
    let rows = journal(1, 1000, "a", DAY);
    let handle = f.runtime.handle().clone();
    let senders: Vec<_> = (0..16)
        .map(|n| {
            let rows = rows.clone();
            let port = f.broker.port;
            handle.spawn(async move {
                let mut s = SimStation::connect(port, &format!("s-two-{n}"), "j1").await;
                s.send_all(&rows, 100, "a", WAIT).await
            })
        })
        .collect();
    f.runtime.block_on(async {
        for s in senders {
            assert_eq!(s.await.expect("station"), 10, "no batch needed again");
        }
    });
    for n in 0..16 {
        assert_eq!(f.count(&format!("s-two-{n}")), "1000 1000 1000");
    }
    assert_eq!(f.pg.query("SELECT count(*) FROM reports"), "0");
    drop(second);
}
