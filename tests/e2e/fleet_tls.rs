//! The district's production layout in small (docs/fleet.md): a broker that
//! takes only TLS clients with a certificate from the district's CA, each
//! known by its certificate's name and held to the ACL that docs/fleet.md
//! gives — read from that file, so the guide cannot drift from what was
//! tested.

use std::path::{Path, PathBuf};
use std::time::Duration;

use fleet::rumqttc::{Client, Event, Packet, QoS};
use fleet::wire::{self, Batch, Head, Topic, UplinkRow};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};

use crate::fleet::held;
use crate::fleet::services::{Broker, BrokerTls, Collector, Postgres, eventually};
use crate::support::{Station, TEST_CONFIG, journal};

const WAIT: Duration = Duration::from_secs(30);

/// The district's CA and the certificates it signs, as files.
struct Pki {
    dir: PathBuf,
    issuer: Issuer<'static, KeyPair>,
}

impl Pki {
    fn new(dir: &Path, name: &str) -> Pki {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        let dir = dir.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("ca.pem"), cert.pem()).unwrap();
        Pki {
            dir,
            issuer: Issuer::new(params, key),
        }
    }

    fn ca(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    /// A certificate for `cn` (also valid for 127.0.0.1); its cert and key.
    fn sign(&self, cn: &str) -> (PathBuf, PathBuf) {
        let mut params = CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
        params.distinguished_name.push(DnType::CommonName, cn);
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        let (c, k) = (
            self.dir.join(format!("{cn}.pem")),
            self.dir.join(format!("{cn}.key")),
        );
        std::fs::write(&c, cert.pem()).unwrap();
        std::fs::write(&k, key.serialize_pem()).unwrap();
        (c, k)
    }
}

/// The ACL in docs/fleet.md's production layout.
fn documented_acl() -> String {
    let guide =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/fleet.md"))
            .unwrap();
    let from = guide.find("**The ACL**").expect("the guide's ACL");
    let block = &guide[from..];
    let start = block.find("```\n").expect("its block") + 4;
    let end = start + block[start..].find("```").expect("the block's end");
    block[start..end]
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// A client of the broker with `cert`, connected or refused.
fn client(
    broker: &Broker,
    id: &str,
    ca: &Path,
    cert: Option<(&Path, &Path)>,
) -> (Client, Result<(), String>) {
    let tls = fleet::broker::client_config(ca, cert).unwrap();
    let options = fleet::broker::Broker {
        host: "127.0.0.1".into(),
        port: broker.port,
        tls: Some(tls),
    }
    .options(id, 1024 * 1024);
    let (client, mut connection) = Client::new(options, 16);
    let (first, connected) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut first = Some(first);
        for event in connection.iter() {
            match event {
                Ok(Event::Incoming(Packet::ConnAck(_))) => {
                    if let Some(f) = first.take() {
                        let _ = f.send(Ok(()));
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    if let Some(f) = first.take() {
                        let _ = f.send(Err(e.to_string()));
                    }
                    return;
                }
            }
        }
    });
    let outcome = connected
        .recv_timeout(WAIT)
        .unwrap_or_else(|_| Err("no answer".into()));
    (client, outcome)
}

/// A batch of one entry, the first of `station`'s journal `journal`: a
/// forgery when another sends it.
fn first_entry(station: &str, journal: &str, ticket: &str, hash: &str) -> Vec<u8> {
    let row = UplinkRow {
        entry: store::LogEntry {
            seq: 1,
            at: "2026-11-30T09:00:00+08:00".into(),
            day: "2026-11-30".into(),
            kind: "ticket_issued".into(),
            actor: serde_json::json!({"kind": "system"}),
            ticket: Some(ticket.into()),
            window: None,
            body: serde_json::json!({"kind": "ticket_issued", "ticket": ticket}),
        },
        prev: String::new(),
        hash: hash.repeat(64),
    };
    serde_json::to_vec(&Batch {
        station: station.into(),
        journal: journal.into(),
        from: 1,
        to: 1,
        head: Head {
            seq: 1,
            hash: row.hash.clone(),
        },
        rows: vec![row],
    })
    .unwrap()
}

#[test]
fn over_tls_each_station_reports_and_publishes_only_under_its_own_name() {
    let dir = tempfile::tempdir().unwrap();
    let district = Pki::new(dir.path(), "district-ca");
    let (server_cert, server_key) = district.sign("broker");
    let broker = Broker::start_tls(BrokerTls {
        ca: district.ca(),
        cert: server_cert,
        key: server_key,
        acl: documented_acl(),
    });
    let pg = Postgres::start();
    let (cert, key) = district.sign("collector-1");
    let ca = district.ca();
    let _collector = Collector::start_with(
        &broker,
        &pg,
        "collector-1",
        dir.path(),
        &[
            "--ca",
            ca.to_str().unwrap(),
            "--cert",
            cert.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
        ],
    );

    // The station, over TLS with its own certificate.
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let (cert, key) = district.sign("e2e-tls");
    let config = data.join("fleet-kiosk.toml");
    std::fs::write(
        &config,
        format!(
            "{TEST_CONFIG}[uplink]\nbroker = \"{}\"\nstation = \"e2e-tls\"\nca = \"{}\"\ncert = \"{}\"\nkey = \"{}\"\n",
            broker.url(),
            ca.display(),
            cert.display(),
            key.display()
        ),
    )
    .unwrap();
    let mut station = Station::start(&data, &["--config", config.to_str().unwrap()]);
    assert_eq!(station.take_ticket('A'), "A001");
    station.ok("settle");
    let last = journal(&data, &[]).last().unwrap()["seq"].as_i64().unwrap();
    eventually(
        WAIT,
        "the station's journal at the district over TLS",
        || {
            let h = held(&pg, "e2e-tls");
            (h == (last, last), h)
        },
    );

    // Another station's certificate: it may publish under its own name,
    // and what it publishes under this station's is refused by the broker
    // (which then drops the connection).
    let (cert, key) = district.sign("e2e-rogue");
    let (rogue, connected) = client(&broker, "station-e2e-rogue", &ca, Some((&cert, &key)));
    connected.expect("a district certificate connects");
    rogue
        .publish(
            wire::topic("e2e-rogue", Topic::Journal),
            QoS::AtLeastOnce,
            false,
            first_entry("e2e-rogue", "journal-e2e-rogue", "A001", "r"),
        )
        .unwrap();
    eventually(WAIT, "the rogue's own entry at the district", || {
        let h = held(&pg, "e2e-rogue");
        (h == (1, 1), h)
    });
    rogue
        .publish(
            wire::topic("e2e-tls", Topic::Journal),
            QoS::AtLeastOnce,
            false,
            first_entry("e2e-tls", "forged", "A999", "f"),
        )
        .unwrap();
    eventually(WAIT, "the broker refusing the forgery", || {
        let log = broker.log();
        (
            log.contains("Denied PUBLISH from station-e2e-rogue")
                && log.contains("'stations/e2e-tls/journal'"),
            log.len(),
        )
    });
    // The station's next ticket arrives after where the forgery would have:
    // its chain is intact, nothing reported, nothing of the forgery stored.
    assert_eq!(station.take_ticket('A'), "A002");
    station.ok("settle");
    let last = journal(&data, &[]).last().unwrap()["seq"].as_i64().unwrap();
    eventually(WAIT, "the station's second ticket at the district", || {
        let h = held(&pg, "e2e-tls");
        (h == (last, last), h)
    });
    assert_eq!(
        pg.query("SELECT chain || ' ' || (SELECT count(*) FROM reports WHERE station = 'e2e-tls') FROM stations WHERE id = 'e2e-tls'"),
        "ok 0"
    );
    assert_eq!(
        pg.query("SELECT count(*) FROM entries WHERE station = 'e2e-tls' AND ticket = 'A999'"),
        "0"
    );

    // Without a certificate, or with one the district did not sign, no
    // connection at all.
    let (_c, refused) = client(&broker, "station-nobody", &ca, None);
    assert!(refused.is_err(), "a client without a certificate connected");
    let stranger = Pki::new(dir.path(), "stranger-ca");
    let (cert, key) = stranger.sign("e2e-tls");
    let (_c, refused) = client(&broker, "station-e2e-tls-2", &ca, Some((&cert, &key)));
    assert!(refused.is_err(), "a certificate from another CA connected");
    station.quit();
}
