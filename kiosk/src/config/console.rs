//! The staff console's settings (`[console]` in kiosk.toml): where it
//! listens, its TLS files, its session time and connection limits. They live
//! with the rest of the settings so that reading kiosk.toml needs nothing of
//! the console itself.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

/// Where the console listens, how long a session lasts, and what it
/// allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleSettings {
    pub enabled: bool,
    pub listen: SocketAddr,
    /// A session ends after this long without a person's request.
    pub session_idle: Duration,
    /// Serve HTTPS with this certificate chain and key (PEM files), checked
    /// when the settings are read.
    pub tls: Option<TlsFiles>,
    /// Serve plain HTTP on an address other than loopback, PINs in clear:
    /// refused unless set (`allow_plain_http`).
    pub allow_plain_http: bool,
    /// Connections held and how long a client may take.
    pub limits: Limits,
}

/// The certificate chain and private key the console serves HTTPS with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl Default for ConsoleSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            session_idle: Duration::from_secs(30 * 60),
            tls: None,
            allow_plain_http: false,
            limits: Limits::default(),
        }
    }
}

impl ConsoleSettings {
    /// Whether PINs would cross the network in clear: plain HTTP on an
    /// address other than loopback.
    pub fn plain_on_network(&self) -> bool {
        self.enabled && self.tls.is_none() && !is_loopback(self.listen.ip())
    }
}

/// Loopback, also written as an IPv4-mapped IPv6 address. The unspecified
/// address (all interfaces) is not.
pub fn is_loopback(ip: IpAddr) -> bool {
    ip.to_canonical().is_loopback()
}

/// How many connections the console holds and how long it waits for a
/// client (`[console]` in kiosk.toml).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Connections at once, from everyone.
    pub connections: usize,
    /// Connections at once from one address (an IPv6 /64).
    pub per_address: usize,
    /// The longest wait for a request's head (also on an idle kept-alive
    /// connection).
    pub read_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            connections: 128,
            per_address: 16,
            read_timeout: Duration::from_secs(10),
        }
    }
}
