//! The broker: its address as a URL, the TLS a station or a collector
//! speaks to it with, and the MQTT options both start from.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rumqttc::{AsyncClient, EventLoop, MqttOptions, NetworkOptions, Transport};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{ClientConfig, RootCertStore};

/// A broker to connect to.
#[derive(Clone, Debug)]
pub struct Broker {
    pub host: String,
    pub port: u16,
    pub tls: Option<Arc<ClientConfig>>,
}

impl Broker {
    /// The options of a client with a persistent session (`client_id` is
    /// its name at the broker): the broker keeps what was sent to it while
    /// it is away. Messages up to `max_packet` bytes.
    pub fn options(&self, client_id: &str, max_packet: usize) -> MqttOptions {
        let mut options = MqttOptions::new(client_id, &self.host, self.port);
        options
            .set_keep_alive(Duration::from_secs(30))
            .set_clean_session(false)
            .set_max_packet_size(max_packet, max_packet);
        if let Some(tls) = &self.tls {
            options.set_transport(Transport::tls_with_config(
                rumqttc::TlsConfiguration::Rustls(Arc::clone(tls)),
            ));
        }
        options
    }
}

/// A client and its connection with `options`, `capacity` requests
/// queued. Small messages go at once (`TCP_NODELAY`): left to Nagle's
/// algorithm, an acknowledgement of a few bytes waits out the peer's
/// delayed ACK, some 40 ms a hop on Linux.
pub fn client(options: MqttOptions, capacity: usize) -> (AsyncClient, EventLoop) {
    let (client, mut eventloop) = AsyncClient::new(options, capacity);
    let mut network = NetworkOptions::new();
    network.set_tcp_nodelay(true);
    eventloop.set_network_options(network);
    (client, eventloop)
}

/// `mqtt://host[:port]` or `mqtts://host[:port]`: host, port, TLS.
pub fn broker_url(url: &str) -> Result<(String, u16, bool), String> {
    let (rest, tls) = if let Some(r) = url.strip_prefix("mqtts://") {
        (r, true)
    } else if let Some(r) = url.strip_prefix("mqtt://") {
        (r, false)
    } else {
        return Err(format!(
            "`{url}` is not a broker URL — write mqtt://HOST:1883, or mqtts://HOST:8883 for TLS"
        ));
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
        let (h, after) = v6
            .split_once(']')
            .ok_or_else(|| format!("`{url}`: an IPv6 address needs its closing `]`"))?;
        (h, after.strip_prefix(':'))
    } else {
        match rest.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (rest, None),
        }
    };
    if host.is_empty() || host.contains(['/', '@', ' ']) {
        return Err(format!(
            "`{url}`: the host must be a name or an address, with no path or user"
        ));
    }
    let port = match port {
        None => {
            if tls {
                8883
            } else {
                1883
            }
        }
        Some(p) => p
            .parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| format!("`{url}`: the port must be 1–65535"))?,
    };
    Ok((host.to_string(), port, tls))
}

/// The certificates of a PEM file, at least one.
pub fn read_chain(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("{}: cannot read a PEM certificate: {e}", path.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: not a PEM certificate: {e}", path.display()))?;
    if chain.is_empty() {
        return Err(format!(
            "{}: no certificate in it (expected -----BEGIN CERTIFICATE-----)",
            path.display()
        ));
    }
    Ok(chain)
}

/// TLS to the broker: its certificate checked against `ca`, and the
/// client's own certificate and key when given. The message says which
/// file is wrong and how.
pub fn client_config(
    ca: &Path,
    client: Option<(&Path, &Path)>,
) -> Result<Arc<ClientConfig>, String> {
    let mut roots = RootCertStore::empty();
    for cert in read_chain(ca)? {
        roots
            .add(cert)
            .map_err(|e| format!("{}: not a usable CA certificate: {e}", ca.display()))?;
    }
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots);
    let config = match client {
        None => builder.with_no_client_auth(),
        Some((cert, key)) => {
            let chain = read_chain(cert)?;
            let private = PrivateKeyDer::from_pem_file(key).map_err(|e| {
                format!(
                    "{}: no usable private key (PEM, PKCS#8, RSA or EC): {e}",
                    key.display()
                )
            })?;
            builder.with_client_auth_cert(chain, private).map_err(|e| {
                format!(
                    "{} and {}: the key does not fit the certificate, or is of a kind not supported: {e}",
                    cert.display(),
                    key.display()
                )
            })?
        }
    };
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::broker_url;

    #[test]
    fn broker_urls_give_host_port_and_tls() {
        assert_eq!(
            broker_url("mqtt://broker.example").unwrap(),
            ("broker.example".into(), 1883, false)
        );
        assert_eq!(
            broker_url("mqtts://10.0.0.5").unwrap(),
            ("10.0.0.5".into(), 8883, true)
        );
        assert_eq!(
            broker_url("mqtt://127.0.0.1:41883/").unwrap(),
            ("127.0.0.1".into(), 41883, false)
        );
        assert_eq!(
            broker_url("mqtts://[::1]:8884").unwrap(),
            ("::1".into(), 8884, true)
        );
        for bad in [
            "tcp://x",
            "mqtt://",
            "mqtt://x:0",
            "mqtt://x:99999",
            "mqtt://u@x",
            "mqtt://x/path",
            "mqtts://[::1",
        ] {
            assert!(broker_url(bad).is_err(), "{bad}");
        }
    }
}
