//! The district's collector (ADR 0026, docs/fleet.md): takes every
//! station's journal from the broker into PostgreSQL, checking that each
//! station's chain continues, and serves the district dashboard.

pub mod chain;
pub mod dashboard;
pub mod db;
pub mod ingest;
pub mod users;
