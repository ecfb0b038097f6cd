//! The station's uplink through the real binary, a real Mosquitto, a real
//! PostgreSQL and the real collector: what reaches the district, what never
//! leaves the station, and a week without the broker.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use fleet::rumqttc::{Client, Event, MqttOptions, Packet, QoS};

use crate::support::{Station, TEST_CONFIG, journal};

#[path = "../../collector/tests/support/services.rs"]
pub(crate) mod services;

use services::{Broker, Collector, Postgres, eventually};

const WAIT: Duration = Duration::from_secs(30);

fn uplink_config(data: &std::path::Path, broker: &Broker, station: &str) -> std::path::PathBuf {
    std::fs::create_dir_all(data).unwrap();
    let config = data.join("fleet-kiosk.toml");
    std::fs::write(
        &config,
        format!(
            "{TEST_CONFIG}[uplink]\nbroker = \"{}\"\nstation = \"{station}\"\nstatus_seconds = 5\n",
            broker.url()
        ),
    )
    .unwrap();
    config
}

/// Messages by topic, as a subscriber to everything saw them.
type Traffic = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// Every message the broker carries, as the broker's subscribers see it.
fn sniff(broker: &Broker) -> Traffic {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut options = MqttOptions::new("sniffer", "127.0.0.1", broker.port);
    options.set_max_packet_size(4 * 1024 * 1024, 4 * 1024 * 1024);
    let (client, mut connection) = Client::new(options, 16);
    client.subscribe("#", QoS::AtLeastOnce).unwrap();
    let out = Arc::clone(&seen);
    let (ready_tx, ready) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _client = client;
        for event in connection.iter() {
            match event {
                Ok(Event::Incoming(Packet::SubAck(_))) => {
                    let _ = ready_tx.send(());
                }
                Ok(Event::Incoming(Packet::Publish(p))) => {
                    out.lock()
                        .unwrap()
                        .push((p.topic.clone(), p.payload.to_vec()));
                }
                Ok(_) => {}
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    });
    ready.recv_timeout(WAIT).expect("the sniffer subscribed");
    seen
}

pub(crate) fn held(pg: &Postgres, station: &str) -> (i64, i64) {
    let out = pg.query(&format!(
        "SELECT count(*) || ' ' || coalesce(max(seq), 0) FROM entries WHERE station = '{station}'"
    ));
    let (n, max) = out.split_once(' ').unwrap();
    (n.parse().unwrap(), max.parse().unwrap())
}

#[test]
fn a_station_reports_to_the_district_and_nothing_personal_leaves_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let broker = Broker::start();
    let pg = Postgres::start();
    let _collector = Collector::start(&broker, &pg, "collector-1", dir.path());
    let traffic = sniff(&broker);
    let config = uplink_config(&data, &broker, "e2e-report");
    let mut station = Station::start(&data, &["--config", config.to_str().unwrap()]);

    // A day's business: a ticket served and rated badly, a complaint with
    // an ID number in its words and a callback number, the panic button.
    assert_eq!(station.take_ticket('A'), "A001");
    station.ok("key 1 call");
    station.ok("key 1 complete");
    station.ok("rate 1 1");
    const ID_NUMBER: &str = "460102199001011234";
    const CALLBACK: &str = "13912345678";
    for id in ["complaint", "topic-1", "window-1", "key-mode-digits"] {
        station.ok(&format!("tap {id}"));
    }
    for c in ID_NUMBER.chars() {
        station.ok(&format!("tap key-{c}"));
    }
    station.ok("tap form-next");
    for c in CALLBACK.chars() {
        station.ok(&format!("tap key-phone-{c}"));
    }
    station.ok("tap form-phone-next");
    station.ok("tap form-submit");
    station.ok("settle");
    assert_eq!(station.screen()["screen"], "complaint_done");
    station.ok("panic press");
    station.ok("settle");

    // Everything the journal holds reaches PostgreSQL, in order. The
    // station's own copy of the complaint keeps the words (the number in
    // them masked, as the station always masks such numbers).
    let entries = journal(&data, &[]);
    let words = entries
        .iter()
        .find_map(|e| {
            (e["kind"] == "case_opened")
                .then(|| e["body"]["text"].as_str())
                .flatten()
        })
        .expect("the complaint's words in the station's journal")
        .to_string();
    assert!(
        words.starts_with("46010") && words.ends_with("11234"),
        "{words}"
    );
    let last = entries.last().unwrap()["seq"].as_i64().unwrap();
    eventually(WAIT, "the journal at the district", || {
        let h = held(&pg, "e2e-report");
        (h == (last, last), h)
    });
    // The alarm and the bad rating came on the priority topic too.
    let priority = eventually(WAIT, "alarm and bad rating at once", || {
        let kinds = pg.query(
            "SELECT string_agg(kind, ' ' ORDER BY seq) FROM priority WHERE station = 'e2e-report'",
        );
        (
            kinds.contains("alarm_raised") && kinds.contains("ticket_rated"),
            kinds,
        )
    });
    assert!(!priority.contains("ticket_issued"), "{priority}");
    // The status says online, with the day's figures and the alarm.
    let status = eventually(WAIT, "a status with the alarm", || {
        let s = pg.query("SELECT link || ' ' || coalesce(status::text, '') FROM stations WHERE id = 'e2e-report'");
        (
            s.starts_with("online") && s.contains("\"alarms\": [\"panic\"]"),
            s,
        )
    });
    assert!(status.contains("\"tickets_today\": 1"), "{status}");
    // The complaint reached the district as a complaint, its words not.
    let complaint = pg.query(
        "SELECT body::text FROM entries WHERE station = 'e2e-report' AND kind = 'case_opened' AND body->>'source' = 'complaint'",
    );
    assert!(complaint.contains("留在站内"), "{complaint}");

    // Nothing personal crossed the broker: not the ID number typed into
    // the complaint, not the callback number, in any message.
    let traffic = traffic.lock().unwrap();
    assert!(
        traffic
            .iter()
            .any(|(t, _)| t == "stations/e2e-report/journal"),
        "the sniffer saw the journal"
    );
    for (topic, payload) in traffic.iter() {
        let text = String::from_utf8_lossy(payload);
        for secret in [ID_NUMBER, CALLBACK, words.as_str()] {
            assert!(!text.contains(secret), "{secret} on {topic}: {text}");
        }
    }
    drop(traffic);

    // Stopping says goodbye: the retained status turns offline at once.
    station.quit();
    eventually(WAIT, "offline after the goodbye", || {
        let link = pg.query("SELECT link FROM stations WHERE id = 'e2e-report'");
        (link == "offline", link)
    });
}

#[test]
fn the_broker_down_for_a_week_the_station_works_alone_and_catches_up_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut broker = Broker::start();
    let pg = Postgres::start();
    let _collector = Collector::start(&broker, &pg, "collector-1", dir.path());
    let config = uplink_config(&data, &broker, "e2e-week");
    let config = config.to_str().unwrap().to_string();
    let mut station = Station::start(&data, &["--config", &config]);
    assert_eq!(station.take_ticket('A'), "A001");
    station.ok("settle");
    let first = journal(&data, &[]).len() as i64;
    eventually(WAIT, "the first day at the district", || {
        let h = held(&pg, "e2e-week");
        (h.0 >= first, h)
    });
    station.quit();

    // A week with the broker gone: every day the station opens, issues and
    // closes as always; one morning its clock is two hours behind.
    broker.stop();
    for (day, clock) in [
        ("2026-12-01", "2026-12-01 09:00"),
        ("2026-12-02", "2026-12-02 09:00"),
        ("2026-12-03", "2026-12-03 11:00"),
        ("2026-12-03", "2026-12-03 09:00"),
        ("2026-12-04", "2026-12-04 09:00"),
        ("2026-12-07", "2026-12-07 09:00"),
    ] {
        let mut station = Station::start(&data, &["--config", &config, "--clock", clock]);
        let ticket = station.take_ticket('A');
        assert!(ticket.starts_with('A'), "{day}: {ticket}");
        station.ok("key 1 call");
        station.ok("settle");
        station.quit();
    }
    let entries = journal(&data, &[]);
    let last = entries.last().unwrap()["seq"].as_i64().unwrap();
    assert!(
        held(&pg, "e2e-week").1 < last,
        "nothing new reached the district"
    );

    // The broker is back: the station catches up, complete and in order.
    broker.resume();
    let mut station = Station::start(&data, &["--config", &config, "--clock", "2026-12-07 10:00"]);
    station.ok("settle");
    let last = journal(&data, &[]).last().unwrap()["seq"].as_i64().unwrap();
    eventually(Duration::from_secs(60), "the week at the district", || {
        let h = held(&pg, "e2e-week");
        (h == (last, last), h)
    });
    assert_eq!(
        pg.query("SELECT chain FROM stations WHERE id = 'e2e-week'"),
        "ok"
    );
    // Sequence order is the station's; the skewed morning's times are kept
    // as the station wrote them.
    let hashes = pg.query(
        "SELECT count(*) FROM entries a JOIN entries b ON b.station = a.station AND b.seq = a.seq + 1 WHERE a.station = 'e2e-week' AND b.prev <> a.hash",
    );
    assert_eq!(hashes, "0", "every entry continues the one before");
    station.quit();
}

#[test]
fn the_district_dashboard_in_a_browser_shows_the_stations_and_an_alarm_as_it_happens() {
    use fantoccini::Locator;

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let broker = Broker::start();
    let pg = Postgres::start();
    let collector = Collector::start(&broker, &pg, "collector-1", dir.path());
    pg.add_user("zhao", "viewer", "viewer-password-1");
    pg.add_user("qian", "supervisor", "supervisor-password-1");
    let config = uplink_config(&data, &broker, "e2e-dash");
    let mut station = Station::start(&data, &["--config", config.to_str().unwrap()]);
    assert_eq!(station.take_ticket('A'), "A001");
    station.ok("key 1 call");
    station.ok("settle");
    eventually(WAIT, "the station online with its ticket", || {
        let s = pg.query("SELECT link || ' ' || (SELECT count(*) FROM entries WHERE kind = 'ticket_issued') FROM stations WHERE id = 'e2e-dash'");
        (s == "online 1", s)
    });

    let driver = crate::browser::driver();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let c = crate::browser::browser(&driver).await;
        let base = &collector.dashboard;
        // Signed out: every page leads to the sign-in.
        c.goto(&format!("{base}/month")).await.unwrap();
        assert!(c.current_url().await.unwrap().as_str().ends_with("/login"));
        let sign_in = |name: &'static str, password: &'static str| {
            let c = c.clone();
            async move {
                c.goto(&format!("{base}/login")).await.unwrap();
                c.find(Locator::Id("name"))
                    .await
                    .unwrap()
                    .send_keys(name)
                    .await
                    .unwrap();
                c.find(Locator::Id("password"))
                    .await
                    .unwrap()
                    .send_keys(password)
                    .await
                    .unwrap();
                c.find(Locator::Id("sign-in"))
                    .await
                    .unwrap()
                    .click()
                    .await
                    .unwrap();
            }
        };
        sign_in("zhao", "wrong-password").await;
        // Each sign-in is a navigation: wait for the page it leads to.
        let error = c
            .wait()
            .for_element(Locator::Id("login-error"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(error.contains("Wrong name or password"), "{error}");

        sign_in("zhao", "viewer-password-1").await;
        let row = c
            .wait()
            .for_element(Locator::Css("tr[data-station=e2e-dash]"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(row.contains("在线 online"), "{row}");
        assert!(row.contains("完整 intact"), "{row}");
        let who = c
            .find(Locator::Id("who"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(who.contains("viewer"), "{who}");

        // The panic button at the station: the open page shows it within
        // seconds, without a reload.
        station.ok("panic press");
        station.ok("settle");
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let banner = c
                .find(Locator::Id("alarms"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            if banner.contains("e2e-dash") && banner.contains("panic") {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no alarm on the page: {banner:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        crate::browser::shot(&c, "district-overview.png").await;

        // One station's day: its journal as the district holds it, once the
        // batch with the alarm's entry has followed the priority message
        // (the journal goes a second after its commit; the alarm at once).
        let last = journal(&data, &[]).last().unwrap()["seq"].as_i64().unwrap();
        eventually(WAIT, "the alarm's entry in the district's copy", || {
            let h = held(&pg, "e2e-dash");
            (h.1 >= last, h)
        });
        c.find(Locator::LinkText("e2e-dash"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let tickets = c
            .wait()
            .for_element(Locator::Id("tickets"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(tickets, "1");
        let entries = c
            .find(Locator::Id("entries"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            entries.contains("alarm_raised") && entries.contains("A001"),
            "{entries}"
        );

        // The month across stations, with its chart and CSV.
        c.goto(&format!("{base}/month?m=2026-11")).await.unwrap();
        let total = c
            .find(Locator::Id("total"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(total, "1");
        assert!(
            c.find(Locator::Css("svg#chart rect")).await.is_ok(),
            "a bar for the day"
        );
        crate::browser::shot(&c, "district-month.png").await;
        let href = c
            .find(Locator::Id("csv"))
            .await
            .unwrap()
            .attr("href")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(href, "/month.csv?m=2026-11");

        // A viewer sees reports but cannot review them.
        c.goto(&format!("{base}/reports")).await.unwrap();
        assert!(c.find(Locator::Css("button.review")).await.is_err());
        c.close().await.unwrap();
    });
    station.quit();
}
