//! The district's collector (ADR 0026, docs/fleet.md): takes every
//! station's journal from the broker into PostgreSQL, checking that each
//! station's chain continues, and serves the district dashboard.

/// What the collector's library reports; the binary adds the context.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the district database: {0} — check that PostgreSQL runs and that --database names it")]
    Database(#[from] tokio_postgres::Error),
    #[error("the broker connection: {0}")]
    Broker(#[from] fleet::rumqttc::ClientError),
    #[error("a message cannot be written as JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// Input the collector refuses, with what would be accepted.
    #[error("{0}")]
    Refused(String),
    /// A database worker ended; the broker delivers its messages again
    /// once the collector restarts.
    #[error("database worker {0} stopped — restart the collector")]
    WorkerStopped(usize),
}

pub mod chain;
pub mod dashboard;
pub mod db;
pub mod ingest;
pub mod users;
