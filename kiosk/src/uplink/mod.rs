//! The district uplink (ADR 0026, docs/fleet.md): the journal is the
//! outbox. One task publishes the entries after the cursor to the district's
//! broker, a batch at a time, and moves the cursor (through the single
//! writer) only when the collector says it committed them; alarms and bad
//! ratings also go at once on the priority topic; a retained status tells
//! the district the station is online, with a last will saying it is not.
//!
//! Nothing here touches the station loop but a state snapshot now and then
//! for the status: a broker that is slow or gone costs the station nothing,
//! and the journal holds what has not been acknowledged for as long as it
//! takes.

mod outbox;
mod status;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use fleet::rumqttc::{self, AsyncClient, Event as MqttEvent, LastWill, MqttOptions, Packet, QoS};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use crate::app::{Event, OutboxHandle, ProbeEvent, Shutdown};
use crate::config::{UplinkLink, UplinkSettings};
use crate::store::StoreSettings;
use fleet::wire::{self, Ack, Command, Link, Priority, Status, Topic};

pub use outbox::{BATCH_BYTES, BATCH_ROWS, Reader};

/// How long a batch waits for the collector's answer before it is sent
/// again (the collector is idempotent: a batch twice is harmless).
pub const ACK_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest wait between two attempts to reach the broker.
const RECONNECT_MAX: Duration = Duration::from_secs(30);
/// Entries go to the district this long after the commit that woke the
/// uplink, gathered with whatever else was committed meanwhile: a burst of
/// tickets is one read and one batch, and the journal is never read in
/// the moment a ticket is being printed. Alarms and bad ratings go at once.
pub const BATCH_DELAY: Duration = Duration::from_secs(1);
/// The acknowledged cursor is written to the journal's file at most this
/// often (and when the station stops): each write is a commit with its
/// fsync, which a ticket's own commit would otherwise queue behind, and
/// wear on the SD card. Lost in a power cut, it only means the district is
/// sent again what it holds already, which it takes as a duplicate.
pub const CURSOR_EVERY: Duration = Duration::from_secs(30);

/// What the uplink needs from the station.
pub struct UplinkParts {
    pub database: PathBuf,
    pub store: StoreSettings,
    pub outbox: OutboxHandle,
    /// The station loop, asked for a snapshot when the status is due.
    pub events: tokio::sync::mpsc::UnboundedSender<Event>,
    pub shutdown: Shutdown,
}

/// What the MQTT connection reports to the uplink's loop.
enum Wire {
    Connected,
    Down(String),
    Message(Topic, Vec<u8>),
}

/// The broker's options for this station.
fn options(link: &UplinkLink) -> Result<MqttOptions, String> {
    let tls = link.tls.as_ref().map(|t| t.client_config()).transpose()?;
    let broker = fleet::broker::Broker {
        host: link.host.clone(),
        port: link.port,
        tls,
    };
    let mut options = broker.options(&format!("station-{}", link.station), 1024 * 1024);
    options.set_last_will(LastWill::new(
        wire::topic(&link.station, Topic::Status),
        serde_json::to_vec(&Status {
            state: Link::Offline,
            summary: None,
        })
        .unwrap_or_default(),
        QoS::AtLeastOnce,
        true,
    ));
    Ok(options)
}

/// Puts the calling thread (and the threads it starts later) under Linux's
/// `SCHED_IDLE` policy: it runs only on a core nothing else wants, and
/// gives the core up the moment the station loop, the writer or the
/// printer wakes.
fn idle_priority() -> std::io::Result<()> {
    let param = libc::sched_param { sched_priority: 0 };
    // SAFETY: `sched_setscheduler` reads the `sched_param` we pass by
    // reference for the duration of the call; pid 0 is the calling thread.
    let done = unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) };
    if done == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Starts the uplink on a thread of its own, under `SCHED_IDLE` (which the
/// blocking threads it starts inherit) with a runtime of its own, so that
/// its reads, its JSON and its sends take only what the station leaves of
/// the CPU. The returned future ends when the uplink has (when the station
/// stops).
pub fn start(
    settings: UplinkSettings,
    parts: UplinkParts,
) -> impl std::future::Future<Output = ()> + Send + 'static {
    let (done, ended) = oneshot::channel::<()>();
    let spawned = std::thread::Builder::new()
        .name("uplink".into())
        .spawn(move || {
            if let Err(e) = idle_priority() {
                tracing::warn!("uplink: cannot lower its CPU priority ({e}); it runs as the station does");
            }
            match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime.block_on(run(settings, parts)),
                Err(e) => tracing::error!(
                    "uplink: cannot start its runtime ({e}); the station runs without reporting to the district"
                ),
            }
            drop(done);
        });
    async move {
        match spawned {
            Ok(_) => {
                let _ = ended.await;
            }
            Err(e) => tracing::error!(
                "uplink: cannot start its thread ({e}); the station runs without reporting to the district"
            ),
        }
    }
}

/// Runs the uplink until the station stops. Returns at once when it is
/// off.
pub async fn run(settings: UplinkSettings, parts: UplinkParts) {
    let Some(link) = settings.link.clone() else {
        return;
    };
    let options = match options(&link) {
        Ok(o) => o,
        Err(e) => {
            tracing::error!("uplink: {e} — the station runs without reporting to the district");
            return;
        }
    };
    tracing::info!(
        "uplink: reporting as {} to {}:{}{}",
        link.station,
        link.host,
        link.port,
        if link.tls.is_some() { " (TLS)" } else { "" }
    );
    let (client, mut eventloop) = fleet::broker::client(options, 16);
    let (wire_tx, wire_rx) = mpsc::channel(64);
    let station = link.station.clone();
    let stopping = parts.shutdown.clone();
    // The connection: polled without pause, so keep-alives flow while the
    // uplink's loop waits on the database.
    tokio::spawn(async move {
        let mut backoff = Duration::from_secs(1);
        loop {
            let event = tokio::select! {
                e = eventloop.poll() => e,
                () = stopping.begun() => {
                    // Let the goodbye and the disconnect go out.
                    let deadline = Instant::now() + Duration::from_secs(2);
                    while let Ok(Ok(e)) = tokio::time::timeout_at(deadline, eventloop.poll()).await {
                        if matches!(e, MqttEvent::Outgoing(rumqttc::Outgoing::Disconnect)) {
                            break;
                        }
                    }
                    return;
                }
            };
            let report = match event {
                Ok(MqttEvent::Incoming(Packet::ConnAck(_))) => {
                    backoff = Duration::from_secs(1);
                    Some(Wire::Connected)
                }
                Ok(MqttEvent::Incoming(Packet::Publish(p))) => wire::Topic::parse(&p.topic)
                    .filter(|(s, _)| *s == station)
                    .map(|(_, t)| Wire::Message(t, p.payload.to_vec())),
                Ok(_) => None,
                Err(e) => {
                    let _ = wire_tx.send(Wire::Down(e.to_string())).await;
                    tokio::select! {
                        () = tokio::time::sleep(backoff) => {}
                        () = stopping.begun() => return,
                    }
                    backoff = (backoff * 2).min(RECONNECT_MAX);
                    None
                }
            };
            if let Some(r) = report
                && wire_tx.send(r).await.is_err()
            {
                return;
            }
        }
    });
    Uplink {
        station: link.station,
        status_interval: settings.status_interval,
        client,
        reader: Arc::new(std::sync::Mutex::new(Reader::new(
            parts.database,
            parts.store,
        ))),
        outbox: parts.outbox,
        events: parts.events,
        journal: String::new(),
        connected: false,
        in_flight: None,
        next_from: 1,
        priority_seen: 0,
        acked: 0,
        persisted: 0,
        persisted_at: Instant::now(),
        batch_due: None,
        head: 0,
    }
    .serve(wire_rx, parts.shutdown)
    .await;
}

/// A batch published and not yet acknowledged.
struct InFlight {
    from: i64,
    to: i64,
    sent: Instant,
}

struct Uplink {
    station: String,
    status_interval: Duration,
    client: AsyncClient,
    reader: Arc<std::sync::Mutex<Reader>>,
    outbox: OutboxHandle,
    events: tokio::sync::mpsc::UnboundedSender<Event>,
    /// The journal's identity.
    journal: String,
    connected: bool,
    in_flight: Option<InFlight>,
    /// The first entry of the next batch.
    next_from: i64,
    /// The last entry looked at for the priority topic.
    priority_seen: i64,
    /// The last entry the collector said it committed…
    acked: i64,
    /// …and the cursor in the journal's file, written every
    /// `CURSOR_EVERY`.
    persisted: i64,
    persisted_at: Instant,
    /// When the entries committed since the last batch are sent.
    batch_due: Option<Instant>,
    head: i64,
}

/// Waits until `at`, or for ever.
async fn until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

impl Uplink {
    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Reader) -> Result<T, crate::store::StoreError> + Send + 'static,
    ) -> Option<T> {
        let reader = Arc::clone(&self.reader);
        let out = tokio::task::spawn_blocking(move || {
            let mut reader = reader.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut reader)
        })
        .await;
        match out {
            Ok(Ok(v)) => Some(v),
            Ok(Err(e)) => {
                tracing::warn!("uplink: reading the journal: {e}");
                None
            }
            Err(e) => {
                tracing::warn!("uplink: reading the journal: {e}");
                None
            }
        }
    }

    async fn serve(mut self, mut wire_rx: mpsc::Receiver<Wire>, shutdown: Shutdown) {
        // Where the district has us, and where the priority topic starts:
        // alarms from before this start are in the journal already.
        let mut retry = Duration::from_secs(1);
        loop {
            if let Some((outbox, head)) = self.read(|r| r.state()).await {
                self.journal = outbox.journal_id;
                self.acked = outbox.acked;
                self.persisted = outbox.acked;
                self.next_from = outbox.acked + 1;
                self.priority_seen = head.seq;
                self.head = head.seq;
                break;
            }
            tokio::select! {
                () = tokio::time::sleep(retry) => {}
                () = shutdown.begun() => return,
            }
            retry = (retry * 2).min(RECONNECT_MAX);
        }
        let mut commits = self.outbox.commits();
        let mut urgent_seen = commits.borrow_and_update().urgent;
        let mut status = tokio::time::interval(self.status_interval);
        status.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut resend = tokio::time::interval(Duration::from_secs(5));
        resend.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = shutdown.begun() => break,
                w = wire_rx.recv() => match w {
                    None => break,
                    Some(Wire::Connected) => {
                        tracing::info!("uplink: connected; sending from entry {}", self.resume_from());
                        self.connected = true;
                        self.subscribe();
                        // Whatever was in flight is sent again.
                        self.next_from = self.resume_from();
                        self.in_flight = None;
                        self.publish_status().await;
                        self.send_priority().await;
                        self.send_batch().await;
                    }
                    Some(Wire::Down(why)) => {
                        if self.connected {
                            tracing::warn!("uplink: the broker cannot be reached ({why}); the journal keeps what is not sent");
                        }
                        self.connected = false;
                    }
                    Some(Wire::Message(Topic::Ack, payload)) => self.on_ack(&payload).await,
                    Some(Wire::Message(Topic::Command, payload)) => self.on_command(&payload).await,
                    Some(Wire::Message(..)) => {}
                },
                changed = commits.changed() => {
                    if changed.is_err() {
                        // The writer closed: the station is stopping.
                        break;
                    }
                    let now = *commits.borrow_and_update();
                    if now.urgent != urgent_seen {
                        urgent_seen = now.urgent;
                        self.send_priority().await;
                    }
                    self.batch_due.get_or_insert(Instant::now() + BATCH_DELAY);
                }
                () = until(self.batch_due) => {
                    self.batch_due = None;
                    self.send_batch().await;
                }
                _ = status.tick() => self.publish_status().await,
                _ = resend.tick() => {
                    if self.in_flight.as_ref().is_some_and(|f| f.sent.elapsed() >= ACK_TIMEOUT) {
                        self.next_from = self.resume_from();
                        self.in_flight = None;
                    }
                    // Also picks up entries a failed read left behind.
                    self.send_batch().await;
                    self.save_cursor(false).await;
                }
            }
        }
        self.save_cursor(true).await;
        // Goodbye: the retained status says offline at once, instead of
        // after the broker's keep-alive runs out.
        if self.connected {
            let offline = Status {
                state: Link::Offline,
                summary: None,
            };
            let _ = self.client.try_publish(
                wire::topic(&self.station, Topic::Status),
                QoS::AtLeastOnce,
                true,
                serde_json::to_vec(&offline).unwrap_or_default(),
            );
            let _ = self.client.try_disconnect();
        }
    }

    /// The first entry not known to be committed at the district.
    fn resume_from(&self) -> i64 {
        self.in_flight
            .as_ref()
            .map_or(self.next_from, |f| f.from)
            .min(self.next_from)
    }

    // Every request to the client is `try_`: the connection's task may be
    // waiting for this loop, and a full queue only means a batch or a status
    // goes at the next tick (the journal keeps everything).
    fn subscribe(&self) {
        for t in [Topic::Ack, Topic::Command] {
            if let Err(e) = self
                .client
                .try_subscribe(wire::topic(&self.station, t), QoS::AtLeastOnce)
            {
                tracing::warn!("uplink: subscribing to {}: {e}", t.word());
            }
        }
    }

    async fn send_batch(&mut self) {
        if !self.connected || self.in_flight.is_some() {
            return;
        }
        let (station, from) = (self.station.clone(), self.next_from);
        // Read and written as JSON on a blocking thread: a batch of 500
        // entries is a millisecond of work the runtime's workers, which
        // also run the station loop, should not do.
        let read = self.read(move |r| {
            Ok(r.batch(&station, from)?.map(|batch| {
                let json = serde_json::to_vec(&batch);
                (batch.from, batch.to, batch.head.seq, json)
            }))
        });
        let Some((from, to, head, json)) = read.await.flatten() else {
            return;
        };
        self.head = head;
        let payload = match json {
            Ok(p) => p,
            Err(e) => {
                tracing::error!("uplink: entries {from}–{to} cannot be written as JSON: {e}");
                return;
            }
        };
        match self.client.try_publish(
            wire::topic(&self.station, Topic::Journal),
            QoS::AtLeastOnce,
            false,
            payload,
        ) {
            Ok(()) => {
                self.in_flight = Some(InFlight {
                    from,
                    to,
                    sent: Instant::now(),
                });
            }
            Err(e) => tracing::warn!("uplink: publishing entries {from}–{to}: {e}"),
        }
    }

    async fn send_priority(&mut self) {
        if !self.connected {
            return;
        }
        let after = self.priority_seen;
        let Some(rows) = self.read(move |r| r.priority_after(after)).await else {
            return;
        };
        for row in rows {
            let seq = row.entry.seq;
            let message = Priority {
                station: self.station.clone(),
                journal: self.journal.clone(),
                row,
            };
            let Ok(payload) = serde_json::to_vec(&message) else {
                continue;
            };
            if let Err(e) = self.client.try_publish(
                wire::topic(&self.station, Topic::Priority),
                QoS::AtLeastOnce,
                false,
                payload,
            ) {
                // The journal carries it in order anyway.
                tracing::warn!("uplink: priority entry {seq}: {e}");
                return;
            }
            self.priority_seen = seq;
        }
    }

    async fn on_ack(&mut self, payload: &[u8]) {
        let ack: Ack = match serde_json::from_slice(payload) {
            Ok(a) => a,
            Err(e) => {
                tracing::warn!("uplink: an acknowledgement that is not one ({e}); ignored");
                return;
            }
        };
        if ack.journal != self.journal {
            tracing::warn!(
                "uplink: an acknowledgement for journal {} (this station's is {}); ignored",
                ack.journal,
                self.journal
            );
            return;
        }
        self.acked = self.acked.max(ack.to);
        self.save_cursor(false).await;
        if let Some(f) = &self.in_flight
            && ack.to >= f.to
        {
            self.next_from = self.next_from.max(ack.to + 1);
            self.in_flight = None;
            self.send_batch().await;
        }
    }

    /// Writes the acknowledged cursor to the journal's file when it moved
    /// and `CURSOR_EVERY` has passed (or `now`).
    async fn save_cursor(&mut self, now: bool) {
        if self.acked <= self.persisted || !(now || self.persisted_at.elapsed() >= CURSOR_EVERY) {
            return;
        }
        match self.outbox.acknowledge(self.acked).await {
            Ok(cursor) => {
                self.persisted = cursor;
                self.persisted_at = Instant::now();
            }
            Err(e) => tracing::warn!(
                "uplink: recording that the district holds the journal up to {}: {e} (it is sent again after a restart; nothing is lost)",
                self.acked
            ),
        }
    }

    async fn on_command(&mut self, payload: &[u8]) {
        match serde_json::from_slice::<Command>(payload) {
            Ok(Command::ResendFrom { journal, seq }) if journal == self.journal => {
                tracing::info!("uplink: the district asks for the journal again from {seq}");
                self.next_from = seq.max(1);
                self.in_flight = None;
                self.send_batch().await;
            }
            Ok(Command::ResendFrom { journal, .. }) => tracing::warn!(
                "uplink: a command for journal {journal} (this station's is {}); ignored",
                self.journal
            ),
            Err(e) => tracing::warn!("uplink: a command that is not one ({e}); ignored"),
        }
    }

    async fn publish_status(&mut self) {
        if !self.connected {
            return;
        }
        let (reply, answer) = oneshot::channel();
        if self
            .events
            .send(Event::Probe(ProbeEvent::State(reply)))
            .is_err()
        {
            return;
        }
        let Ok(state) = answer.await else { return };
        if let Some((outbox, head)) = self.read(|r| r.state()).await {
            self.acked = self.acked.max(outbox.acked);
            self.head = head.seq;
        }
        let message = Status {
            state: Link::Online,
            summary: Some(status::summary(&state, self.head, self.acked)),
        };
        let Ok(payload) = serde_json::to_vec(&message) else {
            return;
        };
        if let Err(e) = self.client.try_publish(
            wire::topic(&self.station, Topic::Status),
            QoS::AtLeastOnce,
            true,
            payload,
        ) {
            tracing::warn!("uplink: status: {e}");
        }
    }
}
