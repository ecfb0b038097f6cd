//! The broker side: a persistent session with manual acknowledgements,
//! the stations' journals and priority messages through a shared
//! subscription, their statuses through a plain one. Each message is
//! PUBACKed only after PostgreSQL committed what it carries, so a collector
//! killed at any instant loses nothing: the broker delivers again.

use std::hash::{Hash, Hasher};
use std::time::Duration;

use fleet::broker::Broker;
use fleet::rumqttc::{AsyncClient, Event, Packet, Publish, QoS};
use fleet::wire::{self, Ack, Batch, Command, Priority, Status, Topic};
use tokio::sync::mpsc;

use crate::Error;
use crate::db::{self, Outcome};

/// Where the collector takes its messages from and puts them.
#[derive(Clone)]
pub struct Settings {
    pub broker: Broker,
    /// This collector's client id: its persistent session at the broker.
    pub client_id: String,
    /// The shared subscription's group: collectors of one group share the
    /// stations' messages.
    pub group: String,
    pub database: String,
    /// Stations are spread over this many database connections; one
    /// station's messages always go to the same one, in order.
    pub workers: usize,
}

/// Runs until the broker connection's task ends (never, in service).
pub async fn run(settings: Settings) -> Result<(), Error> {
    let mut options = settings
        .broker
        .options(&settings.client_id, 2 * 1024 * 1024);
    // Acknowledged to the broker only once committed.
    options.set_manual_acks(true);
    let (client, mut eventloop) = fleet::broker::client(options, 4096);
    let mut workers = Vec::new();
    for n in 0..settings.workers.max(1) {
        // Unbounded: the broker sends at most its in-flight window of
        // unacknowledged messages, so the queues stay short.
        let (tx, rx) = mpsc::unbounded_channel();
        workers.push(tx);
        tokio::spawn(worker(n, settings.database.clone(), client.clone(), rx));
    }
    let group = settings.group.clone();
    let mut backoff = Duration::from_secs(1);
    loop {
        match eventloop.poll().await {
            Ok(Event::Incoming(Packet::ConnAck(_))) => {
                backoff = Duration::from_secs(1);
                tracing::info!(
                    "collector: connected to {}:{}",
                    settings.broker.host,
                    settings.broker.port
                );
                for (filter, qos) in [
                    (
                        format!("$share/{group}/stations/+/journal"),
                        QoS::AtLeastOnce,
                    ),
                    (
                        format!("$share/{group}/stations/+/priority"),
                        QoS::AtLeastOnce,
                    ),
                    ("stations/+/status".to_string(), QoS::AtLeastOnce),
                ] {
                    client.try_subscribe(filter, qos)?;
                }
            }
            Ok(Event::Incoming(Packet::Publish(p))) => {
                let Some((station, topic)) = Topic::parse(&p.topic) else {
                    tracing::warn!("collector: a message on {} ignored", p.topic);
                    client.try_ack(&p)?;
                    continue;
                };
                let mut hasher = std::collections::hash_map::DefaultHasher::new();
                station.hash(&mut hasher);
                let n = usize::try_from(hasher.finish() % workers.len() as u64).unwrap_or(0);
                let station = station.to_string();
                if workers[n].send((station, topic, p)).is_err() {
                    return Err(Error::WorkerStopped(n));
                }
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(
                    "collector: the broker at {}:{} cannot be reached ({e}); trying again in {} s",
                    settings.broker.host,
                    settings.broker.port,
                    backoff.as_secs()
                );
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(15));
            }
        }
    }
}

/// One database connection's share of the stations.
async fn worker(
    n: usize,
    conninfo: String,
    client: AsyncClient,
    mut rx: mpsc::UnboundedReceiver<(String, Topic, Publish)>,
) {
    let mut pg = None;
    while let Some((station, topic, publish)) = rx.recv().await {
        let mut backoff = Duration::from_millis(200);
        loop {
            match handle(&mut pg, &conninfo, &client, &station, topic, &publish).await {
                Ok(()) => break,
                Err(e) => {
                    // PostgreSQL down: nothing is acknowledged; the message
                    // is held here and tried again until it commits.
                    tracing::warn!(
                        "collector {n}: station {station}: {e} — not acknowledged, trying again in {} ms",
                        backoff.as_millis()
                    );
                    pg = None;
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                }
            }
        }
        if let Err(e) = client.ack(&publish).await {
            tracing::warn!("collector {n}: acknowledging to the broker: {e}");
        }
    }
}

async fn handle(
    pg: &mut Option<tokio_postgres::Client>,
    conninfo: &str,
    client: &AsyncClient,
    station: &str,
    topic: Topic,
    publish: &Publish,
) -> Result<(), Error> {
    if pg.as_ref().is_none_or(|c| c.is_closed()) {
        let c = db::connect(conninfo).await?;
        db::migrate(&c).await?;
        *pg = Some(c);
    }
    let Some(pg) = pg.as_mut() else {
        unreachable!("connected above")
    };
    match topic {
        Topic::Journal => {
            let batch: Batch = match serde_json::from_slice(&publish.payload) {
                Ok(b) => b,
                Err(e) => {
                    tracing::warn!(
                        "collector: station {station}: a journal message that is not a batch ({e}); dropped"
                    );
                    return Ok(());
                }
            };
            if batch.station != station {
                tracing::warn!(
                    "collector: a batch of station {} on station {station}'s topic; dropped (check the broker's ACL)",
                    batch.station
                );
                return Ok(());
            }
            match db::ingest(pg, &batch).await? {
                Outcome::Ack(to) => {
                    let ack = Ack {
                        journal: batch.journal.clone(),
                        to,
                    };
                    client
                        .publish(
                            wire::topic(station, Topic::Ack),
                            QoS::AtLeastOnce,
                            false,
                            serde_json::to_vec(&ack)?,
                        )
                        .await?;
                }
                Outcome::Resend(seq) => {
                    let command = Command::ResendFrom {
                        journal: batch.journal.clone(),
                        seq,
                    };
                    client
                        .publish(
                            wire::topic(station, Topic::Command),
                            QoS::AtLeastOnce,
                            false,
                            serde_json::to_vec(&command)?,
                        )
                        .await?;
                }
                Outcome::Refused(_) => {}
            }
        }
        Topic::Priority => match serde_json::from_slice::<Priority>(&publish.payload) {
            Ok(p) if p.station == station => db::priority(pg, &p).await?,
            Ok(_) | Err(_) => {
                tracing::warn!(
                    "collector: station {station}: a priority message that is not one; dropped"
                );
            }
        },
        Topic::Status => match serde_json::from_slice::<Status>(&publish.payload) {
            Ok(s) => db::status(pg, station, &s).await?,
            Err(e) => {
                tracing::warn!(
                    "collector: station {station}: a status that is not one ({e}); dropped"
                );
            }
        },
        Topic::Ack | Topic::Command => {}
    }
    Ok(())
}
