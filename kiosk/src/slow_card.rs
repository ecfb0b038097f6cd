//! `KIOSK_SLOW_CARD`: the Pi-class harness's slow SD card (store::slow_card,
//! ADR 0032) for the running program and the benchmarks.

use store::slow_card::{self, CardModel};

/// The variable that names the card's model: `MEDIAN,P99,WORST` in
/// milliseconds, or `cheap` (5, 40, 250).
pub const VARIABLE: &str = "KIOSK_SLOW_CARD";

/// Installs the slow card when the variable is set, before any database
/// opens; says which model is in force.
pub fn from_env() -> Result<Option<CardModel>, String> {
    let Some(text) = std::env::var_os(VARIABLE) else {
        return Ok(None);
    };
    let text = text
        .into_string()
        .map_err(|_| format!("{VARIABLE} is not text: give MEDIAN,P99,WORST in milliseconds"))?;
    if text.is_empty() {
        return Ok(None);
    }
    let model = CardModel::parse(&text).map_err(|e| format!("{VARIABLE}: {e}"))?;
    slow_card::install(model).map_err(|e| format!("{VARIABLE}: {e}"))?;
    Ok(Some(model))
}

/// One line on what the card was asked to do, for the log and the benches.
pub fn summary() -> Option<String> {
    let model = slow_card::model()?;
    let s = slow_card::stats();
    Some(format!(
        "slow card {:?}/{:?}/{:?}: {} syncs waited {:.1} s; written {} bytes (database {}, wal {}, other {})",
        model.median,
        model.p99,
        model.worst,
        s.syncs,
        s.delay.as_secs_f64(),
        s.written(),
        s.db_bytes,
        s.wal_bytes,
        s.other_bytes
    ))
}
