//! The staff console over HTTPS with a provided certificate: a real rustls
//! client that trusts only the test CA signs in and gets a `Secure` cookie;
//! plain HTTP on that port gets no page; clients that never finish their
//! handshake hold up nobody; bad TLS settings are refused by name. A
//! certificate made by `kiosk console cert` is served, and the fingerprint
//! it printed (and `kiosk doctor` prints) is the one the client sees.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{ClientConfig, RootCertStore};

use crate::support::{MONDAY_9AM, Station, TEST_CONFIG, add_staff, kiosk};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/tls")
        .join(name)
}

fn config_with(dir: &Path, tls: &str) -> PathBuf {
    let path = dir.join("tls-kiosk.toml");
    let text = TEST_CONFIG.replacen("[console]\n", &format!("[console]\n{tls}"), 1);
    std::fs::write(&path, text).unwrap();
    path
}

fn tls_lines(cert: &Path, key: &Path) -> String {
    format!(
        "tls_cert = {:?}\ntls_key = {:?}\n",
        cert.display().to_string(),
        key.display().to_string()
    )
}

/// One HTTP/1.1 request over TLS; the whole answer as text.
async fn https(addr: &str, request: String) -> String {
    https_trusting(&fixture("ca.pem"), "localhost", None, addr, request)
        .await
        .0
}

/// One HTTP/1.1 request over TLS from the local address `from` (by default
/// 127.0.0.1) to a server named `name`, trusting only the certificates in
/// `roots`; the whole answer, and the fingerprint of the certificate the
/// server presented.
async fn https_trusting(
    roots: &Path,
    name: &str,
    from: Option<&str>,
    addr: &str,
    request: String,
) -> (String, String) {
    let mut store = RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(roots).unwrap() {
        store.add(cert.unwrap()).unwrap();
    }
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(store)
        .with_no_client_auth();
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket
        .bind(
            format!("{}:0", from.unwrap_or("127.0.0.1"))
                .parse()
                .unwrap(),
        )
        .unwrap();
    let tcp = socket.connect(addr.parse().unwrap()).await.unwrap();
    let mut tls = TlsConnector::from(Arc::new(config))
        .connect(ServerName::try_from(name.to_string()).unwrap(), tcp)
        .await
        .expect("the handshake succeeds against the trusted certificate");
    let presented = tls.get_ref().1.peer_certificates().unwrap()[0].clone();
    tls.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    // The server closes after answering (Connection: close).
    let _ = tls.read_to_end(&mut answer).await;
    (
        String::from_utf8_lossy(&answer).into_owned(),
        kiosk::tls::fingerprint(&presented),
    )
}

#[test]
fn the_console_serves_https_with_a_provided_certificate() {
    let dir = tempfile::tempdir().unwrap();
    add_staff(dir.path(), "0101", "王芳", "staff", "2468");
    let config = config_with(
        dir.path(),
        &tls_lines(&fixture("cert.pem"), &fixture("key.pem")),
    );
    let config = config.display().to_string();
    let station = Station::start(dir.path(), &["--config", &config, "--clock", MONDAY_9AM]);
    let base = station.console.clone().expect("the console runs");
    let addr = base
        .strip_prefix("https://")
        .unwrap_or_else(|| panic!("served over HTTPS: {base}"))
        .to_string();

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // Clients on another machine (another loopback address) that connect
    // and say nothing: more than the console takes from one address, and
    // more than it ever had handshakes in progress at once.
    let _silent: Vec<_> = runtime.block_on(async {
        let mut silent = Vec::new();
        for _ in 0..64 {
            let socket = tokio::net::TcpSocket::new_v4().unwrap();
            socket.bind("127.0.0.3:0".parse().unwrap()).unwrap();
            silent.push(socket.connect(addr.parse().unwrap()).await.unwrap());
        }
        silent
    });

    // Everyone else is served at once, the silent ones notwithstanding.
    let asked = std::time::Instant::now();
    let page = runtime.block_on(https(
        &addr,
        format!("GET /login HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    ));
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("工号 Staff number"), "{page}");
    assert!(
        asked.elapsed() < std::time::Duration::from_secs(5),
        "waited {:?} behind silent clients",
        asked.elapsed()
    );

    let body = "staff=0101&pin=2468";
    let signed_in = runtime.block_on(https(
        &addr,
        format!(
            "POST /login HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    ));
    assert!(signed_in.starts_with("HTTP/1.1 303"), "{signed_in}");
    let cookie = signed_in
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .unwrap_or_else(|| panic!("no cookie: {signed_in}"));
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.ends_with("; Secure"),
        "{cookie}"
    );

    // Plain HTTP on the HTTPS port: no page comes back.
    let mut plain = std::net::TcpStream::connect(&addr).unwrap();
    plain
        .set_read_timeout(Some(std::time::Duration::from_secs(15)))
        .unwrap();
    plain
        .write_all(format!("GET /login HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
        .unwrap();
    let mut answer = Vec::new();
    let _ = plain.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(!answer.contains("工号"), "{answer}");
    drop(station);
}

#[test]
fn bad_tls_settings_are_refused_with_the_field_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let cert = fixture("cert.pem");
    let missing = dir.path().join("nowhere.pem");
    let cases = [
        (
            format!("tls_cert = {:?}\n", cert.display().to_string()),
            "console.tls_key",
        ),
        (tls_lines(&missing, &fixture("key.pem")), "nowhere.pem"),
        // A certificate where the key should be.
        (tls_lines(&cert, &cert), "no usable private key"),
        // The key of another certificate: the CA's certificate with the leaf's key.
        (
            tls_lines(&fixture("ca.pem"), &fixture("key.pem")),
            "does not fit the certificate",
        ),
    ];
    for (lines, expected) in cases {
        let config = config_with(dir.path(), &lines);
        let out = kiosk()
            .args(["run", "--headless", "--clock", MONDAY_9AM, "--data"])
            .arg(dir.path())
            .arg("--config")
            .arg(&config)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{lines}: started anyway");
        assert!(stderr.contains(expected), "{lines}: {stderr}");
        assert!(
            stderr.contains("tls-kiosk.toml"),
            "names the file: {stderr}"
        );
    }
}

#[test]
fn a_certificate_made_by_the_kiosk_is_served_with_the_fingerprint_it_printed() {
    let dir = tempfile::tempdir().unwrap();
    let certs = dir.path().join("etc");
    let made = kiosk()
        .args([
            "console",
            "cert",
            "--name",
            "localhost",
            "--ip",
            "127.0.0.1",
            "--out",
        ])
        .arg(&certs)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&made.stdout).into_owned();
    assert!(
        made.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let fingerprint = said
        .lines()
        .map(str::trim)
        .find(|l| l.len() == 95 && l.bytes().filter(|b| *b == b':').count() == 31)
        .unwrap_or_else(|| panic!("no fingerprint printed: {said}"))
        .to_string();
    assert!(
        said.contains("tls_cert = ") && said.contains("listen = \"127.0.0.1:8443\""),
        "{said}"
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(certs.join("console.key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "the key is for its owner only");
    // Made once: a second run does not replace what the window PCs trust.
    let again = kiosk()
        .args(["console", "cert", "--name", "localhost", "--out"])
        .arg(&certs)
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));

    let config = config_with(
        dir.path(),
        &tls_lines(&certs.join("console.crt"), &certs.join("console.key")),
    );
    let config = config.display().to_string();
    let data = dir.path().join("data");
    let station = Station::start(&data, &["--config", &config, "--clock", MONDAY_9AM]);
    let base = station.console.clone().expect("the console runs");
    let addr = base.strip_prefix("https://").unwrap().to_string();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // A client that trusts exactly this certificate, by name and by address.
    for name in ["localhost", "127.0.0.1"] {
        let (page, presented) = runtime.block_on(https_trusting(
            &certs.join("console.crt"),
            name,
            None,
            &addr,
            format!("GET /login HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
        ));
        assert!(page.starts_with("HTTP/1.1 200"), "{page}");
        assert_eq!(presented, fingerprint);
    }
    // kiosk doctor shows the same fingerprint.
    let doctor = kiosk()
        .args(["doctor", "--config", &config, "--data"])
        .arg(&data)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&doctor.stdout);
    assert!(
        said.lines()
            .any(|l| l.starts_with("ok    console") && l.contains(&fingerprint)),
        "{said}"
    );
    drop(station);
}
