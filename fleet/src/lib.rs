//! The district uplink's protocol (ADR 0026), shared by the station's
//! uplink and the district's collector: the messages ([`wire`]), the
//! broker's address ([`broker`]) and the TLS both speak.

pub mod broker;
pub mod wire;

pub use rumqttc;
pub use tokio_rustls::rustls;
