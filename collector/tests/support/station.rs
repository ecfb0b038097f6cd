//! A simulated station's uplink for the collector's tests and benchmark:
//! a journal with a valid chain, sent batch by batch as ADR 0026 says —
//! the next batch once the collector acknowledged the last, again after a
//! timeout, from where a `resend_from` command says.
#![allow(dead_code)]

use std::time::Duration;

use fleet::rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
use fleet::wire::{self, Ack, Batch, Command, Head, Topic, UplinkRow};
use store::LogEntry;
use tokio::sync::mpsc;

/// Entries `from..=to` of a busy day: tickets issued, called, completed,
/// rated; hashes chained (`tag` makes another history).
pub fn journal(from: i64, to: i64, tag: &str, day: &str) -> Vec<UplinkRow> {
    (from..=to)
        .map(|seq| {
            let (kind, body) = match seq % 4 {
                0 => ("ticket_issued", serde_json::json!({"kind": "ticket_issued", "ticket": format!("A{:03}", seq % 1000), "priority": false, "order": seq, "ahead": 2, "wait_minutes": 5})),
                1 => ("ticket_called", serde_json::json!({"kind": "ticket_called", "ticket": format!("A{:03}", (seq - 1) % 1000), "window": 1})),
                2 => ("ticket_completed", serde_json::json!({"kind": "ticket_completed", "ticket": format!("A{:03}", (seq - 2) % 1000), "window": 1, "service_seconds": 300, "by_next_call": false})),
                _ => ("ticket_rated", serde_json::json!({"kind": "ticket_rated", "ticket": format!("A{:03}", (seq - 3) % 1000), "window": 1, "level": 5})),
            };
            UplinkRow {
                entry: LogEntry {
                    seq,
                    at: format!("{day}T{:02}:{:02}:{:02}+08:00", 8 + (seq / 3600) % 10, (seq / 60) % 60, seq % 60),
                    day: day.to_string(),
                    kind: kind.into(),
                    actor: serde_json::json!({"kind": "system"}),
                    ticket: body.get("ticket").and_then(|t| t.as_str()).map(String::from),
                    window: body.get("window").and_then(|w| w.as_u64()).map(|w| w as u8),
                    body,
                },
                prev: if seq == 1 { String::new() } else { hash(seq - 1, tag) },
                hash: hash(seq, tag),
            }
        })
        .collect()
}

/// A zone's alarm entry (`alarm_raised`, `alarm_reset`) as the priority
/// topic carries it.
pub fn alarm(seq: i64, kind: &str, zone: &str, at: &str) -> UplinkRow {
    UplinkRow {
        entry: LogEntry {
            seq,
            at: at.to_string(),
            day: at[..10].to_string(),
            kind: kind.into(),
            actor: serde_json::json!({"kind": "system"}),
            ticket: None,
            window: None,
            body: serde_json::json!({"kind": kind, "zone": zone, "role": "panic"}),
        },
        prev: String::new(),
        hash: String::new(),
    }
}

pub fn hash(seq: i64, tag: &str) -> String {
    format!("{tag}{seq:060}")
}

/// A station connected to the broker.
pub struct SimStation {
    pub id: String,
    pub journal_id: String,
    client: AsyncClient,
    answers: mpsc::UnboundedReceiver<(Topic, Vec<u8>)>,
}

/// What the collector answered a batch with.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    Ack(i64),
    Resend(i64),
}

impl SimStation {
    pub async fn connect(broker_port: u16, id: &str, journal_id: &str) -> SimStation {
        let mut options = MqttOptions::new(format!("station-{id}"), "127.0.0.1", broker_port);
        options
            .set_keep_alive(Duration::from_secs(30))
            .set_clean_session(false)
            .set_max_packet_size(1024 * 1024, 1024 * 1024);
        let (client, mut eventloop) = fleet::broker::client(options, 64);
        let (tx, answers) = mpsc::unbounded_channel();
        let (ready_tx, ready) = tokio::sync::oneshot::channel();
        let mut ready_tx = Some(ready_tx);
        let sub = client.clone();
        let me = id.to_string();
        tokio::spawn(async move {
            loop {
                match eventloop.poll().await {
                    Ok(Event::Incoming(Packet::ConnAck(_))) => {
                        for t in [Topic::Ack, Topic::Command] {
                            let _ = sub.try_subscribe(wire::topic(&me, t), QoS::AtLeastOnce);
                        }
                    }
                    Ok(Event::Incoming(Packet::SubAck(_))) => {
                        if let Some(r) = ready_tx.take() {
                            // Both subscriptions go out together; one SubAck
                            // each, the second follows at once.
                            let _ = r.send(());
                        }
                    }
                    Ok(Event::Incoming(Packet::Publish(p))) => {
                        if let Some((_, t)) = Topic::parse(&p.topic) {
                            let _ = tx.send((t, p.payload.to_vec()));
                        }
                    }
                    Ok(_) => {}
                    Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
                }
            }
        });
        let _ = ready.await;
        SimStation {
            id: id.to_string(),
            journal_id: journal_id.to_string(),
            client,
            answers,
        }
    }

    /// Publishes `rows` as one batch with `head`.
    pub async fn publish(&self, rows: &[UplinkRow], head: i64, tag: &str) {
        self.publish_raw(self.batch(rows, head, tag)).await;
    }

    /// `rows` as one batch's message with `head`.
    pub fn batch(&self, rows: &[UplinkRow], head: i64, tag: &str) -> Vec<u8> {
        let batch = Batch {
            station: self.id.clone(),
            journal: self.journal_id.clone(),
            from: rows[0].entry.seq,
            to: rows[rows.len() - 1].entry.seq,
            head: Head {
                seq: head,
                hash: hash(head, tag),
            },
            rows: rows.to_vec(),
        };
        serde_json::to_vec(&batch).expect("json")
    }

    /// Publishes a batch's message made beforehand.
    pub async fn publish_raw(&self, payload: Vec<u8>) {
        self.client
            .publish(
                wire::topic(&self.id, Topic::Journal),
                QoS::AtLeastOnce,
                false,
                payload,
            )
            .await
            .expect("publish");
    }

    /// The collector's next answer, within `within`.
    pub async fn answer(&mut self, within: Duration) -> Option<Answer> {
        loop {
            let (topic, payload) = tokio::time::timeout(within, self.answers.recv())
                .await
                .ok()??;
            match topic {
                Topic::Ack => {
                    let ack: Ack = serde_json::from_slice(&payload).ok()?;
                    return Some(Answer::Ack(ack.to));
                }
                Topic::Command => {
                    let Command::ResendFrom { seq, .. } = serde_json::from_slice(&payload).ok()?;
                    return Some(Answer::Resend(seq));
                }
                _ => {}
            }
        }
    }

    /// Sends the whole journal as a station does: a batch, its answer, the
    /// next; sent again after `timeout` without one. How many batches went.
    pub async fn send_all(
        &mut self,
        rows: &[UplinkRow],
        batch: usize,
        tag: &str,
        timeout: Duration,
    ) -> usize {
        let head = rows.last().map_or(0, |r| r.entry.seq);
        let first = rows.first().map_or(1, |r| r.entry.seq);
        let mut next = first;
        let mut sent = 0;
        while next <= head {
            let at = usize::try_from(next - first).expect("in range");
            let part = &rows[at..(at + batch).min(rows.len())];
            self.publish(part, head, tag).await;
            sent += 1;
            match self.answer(timeout).await {
                Some(Answer::Ack(to)) => next = next.max(to + 1),
                Some(Answer::Resend(from)) => next = from,
                None => {}
            }
        }
        sent
    }

    pub async fn status(&self, json: serde_json::Value) {
        self.client
            .publish(
                wire::topic(&self.id, Topic::Status),
                QoS::AtLeastOnce,
                true,
                serde_json::to_vec(&json).expect("json"),
            )
            .await
            .expect("publish");
    }

    pub async fn priority(&self, row: &UplinkRow) {
        let p = fleet::wire::Priority {
            station: self.id.clone(),
            journal: self.journal_id.clone(),
            row: row.clone(),
        };
        self.client
            .publish(
                wire::topic(&self.id, Topic::Priority),
                QoS::AtLeastOnce,
                false,
                serde_json::to_vec(&p).expect("json"),
            )
            .await
            .expect("publish");
    }
}
