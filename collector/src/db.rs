//! PostgreSQL: the district's copy of every station's journal, the
//! stations' state, the reports a supervisor reviews, and the dashboard's
//! users. Every batch is one transaction that locks its station's row, so
//! several collectors sharing the subscription never interleave a station.

use fleet::wire::{Batch, Priority, Status};
use serde_json::Value;
use tokio_postgres::{Client, GenericClient, NoTls};

use crate::chain::{self, Divergence, Held, Verdict};

/// PostgreSQL's notification channel for a newly stored alarm or bad
/// rating; the payload is the station's id.
pub const PRIORITY_CHANNEL: &str = "district_priority";

/// The schema; every statement may run again.
const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS stations (
    id          text PRIMARY KEY,
    journal     text,
    incarnation integer NOT NULL DEFAULT 1,
    last_seq    bigint  NOT NULL DEFAULT 0,
    last_hash   text    NOT NULL DEFAULT '',
    head_seq    bigint  NOT NULL DEFAULT 0,
    head_hash   text    NOT NULL DEFAULT '',
    chain       text    NOT NULL DEFAULT 'ok',
    chain_note  text,
    link        text    NOT NULL DEFAULT 'unknown',
    status      jsonb,
    status_at   timestamptz,
    batch_at    timestamptz
);
CREATE TABLE IF NOT EXISTS entries (
    station     text    NOT NULL REFERENCES stations (id),
    incarnation integer NOT NULL,
    seq         bigint  NOT NULL,
    at          timestamptz NOT NULL,
    day         date,
    kind        text    NOT NULL,
    actor       jsonb   NOT NULL,
    ticket      text,
    window_no   smallint,
    body        jsonb   NOT NULL,
    prev        text    NOT NULL,
    hash        text    NOT NULL,
    received    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (station, incarnation, seq)
);
CREATE INDEX IF NOT EXISTS entries_day ON entries (day, kind);
CREATE TABLE IF NOT EXISTS priority (
    station     text    NOT NULL,
    journal     text    NOT NULL,
    seq         bigint  NOT NULL,
    at          timestamptz NOT NULL,
    kind        text    NOT NULL,
    body        jsonb   NOT NULL,
    received    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (station, journal, seq)
);
CREATE TABLE IF NOT EXISTS reports (
    id          bigserial PRIMARY KEY,
    station     text    NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    kind        text    NOT NULL,
    seq         bigint,
    message     text    NOT NULL,
    reviewed_by text,
    reviewed_at timestamptz,
    UNIQUE (station, kind, seq, message)
);
CREATE TABLE IF NOT EXISTS users (
    name        text PRIMARY KEY,
    role        text NOT NULL CHECK (role IN ('viewer', 'supervisor')),
    hash        text NOT NULL,
    created     timestamptz NOT NULL DEFAULT now()
);
"#;

/// Connects (the connection runs on its own task) and brings the schema up
/// to date.
pub async fn connect(conninfo: &str) -> Result<Client, tokio_postgres::Error> {
    let (client, connection) = tokio_postgres::connect(conninfo, NoTls).await?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::warn!("database connection: {e}");
        }
    });
    Ok(client)
}

pub async fn migrate(client: &Client) -> Result<(), tokio_postgres::Error> {
    // Two collectors starting at once must not race on CREATE.
    client
        .batch_execute(&format!(
            "SELECT pg_advisory_lock(7262026); {SCHEMA} SELECT pg_advisory_unlock(7262026);"
        ))
        .await
}

/// What the collector answers a batch with, once committed.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Outcome {
    /// Committed (or held already) up to here: acknowledge.
    Ack(i64),
    /// Not stored: ask the station for its journal from here.
    Resend(i64),
    /// Not stored and not to be asked again: the batch contradicts itself.
    Refused(String),
}

/// Stores a batch as ADR 0026 says, in one transaction.
pub async fn ingest(client: &mut Client, batch: &Batch) -> Result<Outcome, tokio_postgres::Error> {
    let tx = client.transaction().await?;
    tx.execute(
        "INSERT INTO stations (id) VALUES ($1) ON CONFLICT DO NOTHING",
        &[&batch.station],
    )
    .await?;
    let row = tx
        .query_one(
            "SELECT journal, incarnation, last_seq, last_hash, head_seq
             FROM stations WHERE id = $1 FOR UPDATE",
            &[&batch.station],
        )
        .await?;
    let held = Held {
        journal: row.get(0),
        incarnation: row.get(1),
        last_seq: row.get(2),
        last_hash: row.get(3),
        head_seq: row.get(4),
    };
    let held_hashes: Vec<(i64, String)> = if batch.from <= held.last_seq {
        tx.query(
            "SELECT seq, hash FROM entries
             WHERE station = $1 AND incarnation = $2 AND seq BETWEEN $3 AND $4 ORDER BY seq",
            &[
                &batch.station,
                &held.incarnation,
                &batch.from,
                &batch.to.min(held.last_seq),
            ],
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
    } else {
        Vec::new()
    };
    if let Some(message) = chain::restored(&held, batch) {
        report(
            &tx,
            &batch.station,
            "restored",
            Some(batch.head.seq),
            &message,
        )
        .await?;
    }
    let outcome = match chain::decide(&held, batch, &held_hashes) {
        Verdict::Malformed(why) => {
            let message = format!(
                "a batch of entries {}–{} was refused: {why}",
                batch.from, batch.to
            );
            report(&tx, &batch.station, "malformed", Some(batch.from), &message).await?;
            tx.execute(
                "UPDATE stations SET chain = 'broken', chain_note = $2 WHERE id = $1",
                &[&batch.station, &message],
            )
            .await?;
            Outcome::Refused(message)
        }
        Verdict::Gap { resend_from } => {
            tx.execute(
                "UPDATE stations SET chain = 'gap',
                    chain_note = 'waiting for entries from ' || $2::bigint
                 WHERE id = $1 AND chain IN ('ok', 'gap')",
                &[&batch.station, &resend_from],
            )
            .await?;
            Outcome::Resend(resend_from)
        }
        Verdict::Duplicate => {
            head(&tx, batch).await?;
            Outcome::Ack(batch.to)
        }
        Verdict::Append { skip, diverged } => {
            let incarnation = match &diverged {
                None => held.incarnation,
                Some(d) => {
                    let fresh = if held.journal.is_some() {
                        held.incarnation + 1
                    } else {
                        held.incarnation
                    };
                    diverge(&tx, batch, d, fresh).await?;
                    fresh
                }
            };
            insert(&tx, &batch.station, incarnation, &batch.rows[skip..]).await?;
            let last = batch
                .rows
                .last()
                .map(|r| r.hash.clone())
                .unwrap_or_default();
            tx.execute(
                "UPDATE stations SET journal = $2, last_seq = $3, last_hash = $4,
                    batch_at = now(),
                    chain = CASE WHEN chain = 'gap' THEN 'ok' ELSE chain END,
                    chain_note = CASE WHEN chain = 'gap' THEN NULL ELSE chain_note END
                 WHERE id = $1",
                &[&batch.station, &batch.journal, &batch.to, &last],
            )
            .await?;
            head(&tx, batch).await?;
            Outcome::Ack(batch.to)
        }
    };
    tx.commit().await?;
    Ok(outcome)
}

/// The station's head as it last said (lower only when it was restored,
/// which is reported).
async fn head(
    tx: &tokio_postgres::Transaction<'_>,
    batch: &Batch,
) -> Result<(), tokio_postgres::Error> {
    tx.execute(
        "UPDATE stations SET head_seq = $2, head_hash = $3 WHERE id = $1",
        &[&batch.station, &batch.head.seq, &batch.head.hash],
    )
    .await?;
    Ok(())
}

async fn diverge(
    tx: &tokio_postgres::Transaction<'_>,
    batch: &Batch,
    d: &Divergence,
    incarnation: i32,
) -> Result<(), tokio_postgres::Error> {
    let message = d.message();
    report(tx, &batch.station, d.kind(), d.seq(), &message).await?;
    tx.execute(
        "UPDATE stations SET incarnation = $2, chain = $3, chain_note = $4 WHERE id = $1",
        &[&batch.station, &incarnation, &d.kind(), &message],
    )
    .await?;
    Ok(())
}

async fn report(
    tx: &impl GenericClient,
    station: &str,
    kind: &str,
    seq: Option<i64>,
    message: &str,
) -> Result<(), tokio_postgres::Error> {
    tracing::warn!("station {station}: {message}");
    tx.execute(
        "INSERT INTO reports (station, kind, seq, message) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING",
        &[&station, &kind, &seq, &message],
    )
    .await?;
    Ok(())
}

async fn insert(
    tx: &tokio_postgres::Transaction<'_>,
    station: &str,
    incarnation: i32,
    rows: &[store::uplink::UplinkRow],
) -> Result<(), tokio_postgres::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut seq = Vec::with_capacity(rows.len());
    let mut at = Vec::with_capacity(rows.len());
    let mut day = Vec::with_capacity(rows.len());
    let mut kind = Vec::with_capacity(rows.len());
    let mut actor = Vec::with_capacity(rows.len());
    let mut ticket = Vec::with_capacity(rows.len());
    let mut window: Vec<Option<i16>> = Vec::with_capacity(rows.len());
    let mut body = Vec::with_capacity(rows.len());
    let mut prev = Vec::with_capacity(rows.len());
    let mut hash = Vec::with_capacity(rows.len());
    for r in rows {
        seq.push(r.entry.seq);
        at.push(r.entry.at.as_str());
        day.push(r.entry.day.as_str());
        kind.push(r.entry.kind.as_str());
        actor.push(&r.entry.actor);
        ticket.push(r.entry.ticket.as_deref());
        window.push(r.entry.window.map(i16::from));
        body.push(&r.entry.body);
        prev.push(r.prev.as_str());
        hash.push(r.hash.as_str());
    }
    tx.execute(
        "INSERT INTO entries
            (station, incarnation, seq, at, day, kind, actor, ticket, window_no, body, prev, hash)
         SELECT $1, $2, s, a::timestamptz, NULLIF(d, '')::date, k, ac, t, w, b, p, h
         FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::jsonb[],
                     $8::text[], $9::smallint[], $10::jsonb[], $11::text[], $12::text[])
              AS u (s, a, d, k, ac, t, w, b, p, h)
         ON CONFLICT DO NOTHING",
        &[
            &station,
            &incarnation,
            &seq,
            &at,
            &day,
            &kind,
            &actor,
            &ticket,
            &window,
            &body,
            &prev,
            &hash,
        ],
    )
    .await?;
    Ok(())
}

/// A station's retained status.
pub async fn status(
    client: &Client,
    station: &str,
    status: &Status,
) -> Result<(), tokio_postgres::Error> {
    let link = match status.state {
        fleet::wire::Link::Online => "online",
        fleet::wire::Link::Offline => "offline",
    };
    let summary: Option<Value> = status
        .summary
        .as_ref()
        .and_then(|s| serde_json::to_value(s).ok());
    client
        .execute(
            "INSERT INTO stations (id, link, status, status_at) VALUES ($1, $2, $3, now())
             ON CONFLICT (id) DO UPDATE SET link = $2,
                status = coalesce($3, stations.status), status_at = now()",
            &[&station, &link, &summary],
        )
        .await?;
    Ok(())
}

/// An alarm or a bad rating, as it happens.
pub async fn priority(client: &Client, p: &Priority) -> Result<(), tokio_postgres::Error> {
    client
        .execute(
            "INSERT INTO stations (id) VALUES ($1) ON CONFLICT DO NOTHING",
            &[&p.station],
        )
        .await?;
    let new = client
        .execute(
            "INSERT INTO priority (station, journal, seq, at, kind, body)
             VALUES ($1, $2, $3, $4::text::timestamptz, $5, $6) ON CONFLICT DO NOTHING",
            &[
                &p.station,
                &p.journal,
                &p.row.entry.seq,
                &p.row.entry.at,
                &p.row.entry.kind,
                &p.row.entry.body,
            ],
        )
        .await?;
    if new > 0 {
        // Every dashboard, whichever collector serves it, shows it at once.
        client
            .execute("SELECT pg_notify($1, $2)", &[&PRIORITY_CHANNEL, &p.station])
            .await?;
    }
    Ok(())
}
