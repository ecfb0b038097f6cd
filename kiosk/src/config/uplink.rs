//! `[uplink]` in kiosk.toml: the district uplink (ADR 0026) — the broker,
//! the station's id there, TLS with the station's own certificate. Off
//! unless a broker is named.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::*;

/// The `[uplink]` table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UplinkSettings {
    /// Where to report; `None`: the uplink is off.
    pub link: Option<UplinkLink>,
    /// How often the retained status is refreshed.
    pub status_interval: Duration,
}

/// The broker and who the station is there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UplinkLink {
    pub host: String,
    pub port: u16,
    /// The station's id in topics (`stations/{id}/…`) and its client id.
    pub station: String,
    /// `mqtts://`: the broker's CA, and the station's own certificate.
    pub tls: Option<UplinkTls>,
}

/// The files of a TLS uplink (PEM), checked when the settings are read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UplinkTls {
    pub ca: PathBuf,
    /// The station's client certificate and key, when the broker asks for
    /// them (a district's should: its ACL knows stations by certificate).
    pub client: Option<(PathBuf, PathBuf)>,
}

impl UplinkTls {
    /// The TLS the uplink speaks (the files read and checked).
    pub fn client_config(&self) -> Result<std::sync::Arc<fleet::rustls::ClientConfig>, String> {
        fleet::broker::client_config(
            &self.ca,
            self.client
                .as_ref()
                .map(|(c, k)| (c.as_path(), k.as_path())),
        )
    }
}

/// How often the status is refreshed when the settings do not say.
pub const DEFAULT_STATUS_SECONDS: u64 = 30;

impl Default for UplinkSettings {
    fn default() -> Self {
        Self {
            link: None,
            status_interval: Duration::from_secs(DEFAULT_STATUS_SECONDS),
        }
    }
}

pub(super) fn uplink_settings(
    src: &Source<'_>,
    raw: &RawUplink,
    base: Option<&Path>,
) -> Result<UplinkSettings, ConfigError> {
    let status_interval = Duration::from_secs(src.in_range(
        &raw.status_seconds,
        "uplink.status_seconds",
        5..=3600,
        DEFAULT_STATUS_SECONDS,
        " seconds",
    )?);
    let given = |v: &Option<Spanned<String>>| v.clone().filter(|s| !s.get_ref().trim().is_empty());
    let Some(broker) = given(&raw.broker) else {
        // Off: nothing else may be half-set and silently ignored.
        for (value, field) in [
            (&raw.station, "uplink.station"),
            (&raw.ca, "uplink.ca"),
            (&raw.cert, "uplink.cert"),
            (&raw.key, "uplink.key"),
        ] {
            if let Some(v) = given(value) {
                return Err(src.error(
                    Some(v.span()),
                    Some(field),
                    "is set but uplink.broker is empty, so the uplink is off — name the broker (mqtt://HOST:1883) or empty this",
                ));
            }
        }
        return Ok(UplinkSettings {
            link: None,
            status_interval,
        });
    };
    let (host, port, tls) = fleet::broker::broker_url(broker.get_ref().trim())
        .map_err(|e| src.error(Some(broker.span()), Some("uplink.broker"), e))?;
    let station = match given(&raw.station) {
        Some(s) if fleet::wire::valid_station_id(s.get_ref().trim()) => {
            s.get_ref().trim().to_string()
        }
        Some(s) => {
            return Err(src.error(
                Some(s.span()),
                Some("uplink.station"),
                "must be the id the district gave this station: 1–64 of a-z, 0-9, - and _ (such as \"lingao-bohou-03\")",
            ));
        }
        None => {
            return Err(src.error(
                Some(broker.span()),
                Some("uplink.station"),
                "is needed with uplink.broker: the id the district gave this station (such as \"lingao-bohou-03\")",
            ));
        }
    };
    let at = |p: &Spanned<String>| base.unwrap_or(Path::new(".")).join(p.get_ref().trim());
    let client = match (given(&raw.cert), given(&raw.key)) {
        (None, None) => None,
        (Some(c), None) => {
            return Err(src.error(
                Some(c.span()),
                Some("uplink.key"),
                "uplink.cert needs uplink.key too: the certificate's private key (PEM)",
            ));
        }
        (None, Some(k)) => {
            return Err(src.error(
                Some(k.span()),
                Some("uplink.cert"),
                "uplink.key needs uplink.cert too: the station's certificate (PEM)",
            ));
        }
        (Some(c), Some(k)) => Some((c, k)),
    };
    let tls = match (tls, given(&raw.ca)) {
        (false, None) => {
            if let Some((c, _)) = client {
                return Err(src.error(
                    Some(c.span()),
                    Some("uplink.cert"),
                    "a client certificate needs TLS — write the broker as mqtts://HOST:8883 and give uplink.ca",
                ));
            }
            None
        }
        (false, Some(ca)) => {
            return Err(src.error(
                Some(ca.span()),
                Some("uplink.ca"),
                "is set but the broker URL is mqtt:// (no TLS) — write mqtts://HOST:8883, or empty this",
            ));
        }
        (true, None) => {
            return Err(src.error(
                Some(broker.span()),
                Some("uplink.ca"),
                "mqtts:// needs uplink.ca: the certificate (PEM) of the authority that signed the broker's",
            ));
        }
        (true, Some(ca)) => {
            let files = UplinkTls {
                ca: at(&ca),
                client: client.as_ref().map(|(c, k)| (at(c), at(k))),
            };
            files
                .client_config()
                .map_err(|e| src.error(Some(ca.span()), Some("uplink.ca"), e))?;
            Some(files)
        }
    };
    Ok(UplinkSettings {
        link: Some(UplinkLink {
            host,
            port,
            station,
            tls,
        }),
        status_interval,
    })
}
