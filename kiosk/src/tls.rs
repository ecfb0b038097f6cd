//! The console over HTTPS: reading the certificate chain and key the
//! station serves (PEM files named in `[console]`), making a self-signed pair
//! for a station whose IT has no certificate to give (`kiosk console cert`),
//! and the certificate's SHA-256 fingerprint, which staff compare on the
//! window PCs before they trust it. The handshakes themselves run in the
//! console's accept loop (`console::listen`).

use std::fs::OpenOptions;
use std::io::Write;
use std::net::IpAddr;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// Why a certificate could not be made, written or read.
#[derive(Debug, thiserror::Error)]
pub enum CertError {
    /// Neither a name nor an address to put in the certificate.
    #[error(
        "the certificate needs the names or addresses the window PCs use for the station — pass --name HOST or --ip ADDRESS"
    )]
    NoName,
    /// A name that cannot be a DNS name in a certificate.
    #[error("`{0}` is not a host name (letters, digits, hyphens and dots)")]
    BadName(String),
    /// rcgen refused the parameters or could not make the key.
    #[error("cannot make the certificate: {0}")]
    Make(#[from] rcgen::Error),
    /// The file is there already: replacing it changes the fingerprint the
    /// window PCs trust.
    #[error(
        "{0} exists already — the window PCs trust its fingerprint; pass --force to replace it, then give them the new fingerprint"
    )]
    Exists(PathBuf),
    /// The file could not be written.
    #[error("cannot write {path}: {source} — pass --out with a folder you can write")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The certificate file could not be read or holds no certificate.
    #[error("{path}: {why}")]
    Read { path: PathBuf, why: String },
}

/// A certificate made for the console and its private key, both PEM.
#[derive(Clone, Debug)]
pub struct SelfSigned {
    pub cert_pem: String,
    pub key_pem: String,
    /// The certificate's SHA-256 fingerprint, as [`fingerprint`] writes it.
    pub fingerprint: String,
}

/// The file names `kiosk console cert` writes in its folder.
pub const CERT_FILE: &str = "console.crt";
pub const KEY_FILE: &str = "console.key";

/// Reads the certificate chain and its private key, and checks that they
/// belong together. The message says which file is wrong and how.
pub fn server_config(cert: &Path, key: &Path) -> Result<Arc<ServerConfig>, String> {
    let chain = fleet::broker::read_chain(cert)?;
    let private = PrivateKeyDer::from_pem_file(key).map_err(|e| {
        format!(
            "{}: no usable private key (PEM, PKCS#8, RSA or EC): {e}",
            key.display()
        )
    })?;
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(chain, private)
        .map_err(|e| {
            format!(
                "{} and {}: the key does not fit the certificate, or is of a kind not supported: {e}",
                cert.display(),
                key.display()
            )
        })?;
    Ok(Arc::new(config))
}

/// Makes a self-signed certificate (ECDSA P-256, for a server, not a
/// certificate authority) for the station's host `names` and `addresses`,
/// valid from `from` for `days` days.
pub fn self_signed(
    names: &[String],
    addresses: &[IpAddr],
    from: jiff::civil::Date,
    days: u16,
) -> Result<SelfSigned, CertError> {
    use rcgen::{
        CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
        KeyUsagePurpose, SanType,
    };
    if names.is_empty() && addresses.is_empty() {
        return Err(CertError::NoName);
    }
    for name in names {
        let fits = !name.is_empty()
            && name.len() <= 253
            && name.split('.').all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
        if !fits {
            return Err(CertError::BadName(name.clone()));
        }
    }
    let mut params = CertificateParams::new(names.to_vec())?;
    params
        .subject_alt_names
        .extend(addresses.iter().map(|a| SanType::IpAddress(*a)));
    let mut subject = DistinguishedName::new();
    let common = names
        .first()
        .cloned()
        .or_else(|| addresses.first().map(IpAddr::to_string))
        .unwrap_or_default();
    subject.push(DnType::CommonName, common);
    subject.push(DnType::OrganizationName, "station kiosk staff console");
    params.distinguished_name = subject;
    let until = from
        .checked_add(jiff::Span::new().days(i64::from(days)))
        .unwrap_or(jiff::civil::Date::MAX);
    let day = |d: jiff::civil::Date| {
        rcgen::date_time_ymd(i32::from(d.year()), d.month() as u8, d.day() as u8)
    };
    params.not_before = day(from);
    params.not_after = day(until);
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let key = KeyPair::generate()?;
    let cert = params.self_signed(&key)?;
    Ok(SelfSigned {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
        fingerprint: fingerprint(cert.der()),
    })
}

/// Writes the certificate (`console.crt`, readable by all) and its key
/// (`console.key`, readable by its owner only) into `dir`; an existing file
/// is replaced only with `force`. The two paths.
pub fn write(dir: &Path, made: &SelfSigned, force: bool) -> Result<(PathBuf, PathBuf), CertError> {
    let (cert, key) = (dir.join(CERT_FILE), dir.join(KEY_FILE));
    if !force {
        for path in [&cert, &key] {
            if path.exists() {
                return Err(CertError::Exists(path.clone()));
            }
        }
    }
    std::fs::create_dir_all(dir).map_err(|source| CertError::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    // Each file is written beside its place and renamed over it, so a
    // failure leaves the old pair; the key is made readable by its owner
    // only from its creation, never for a moment by others.
    for (path, text, mode) in [(&key, &made.key_pem, 0o600), (&cert, &made.cert_pem, 0o644)] {
        let part = path.with_extension("part");
        let failed = |source| CertError::Write {
            path: path.clone(),
            source,
        };
        match std::fs::remove_file(&part) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(failed(e)),
        }
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&part)
            .map_err(failed)?;
        file.write_all(text.as_bytes()).map_err(failed)?;
        file.sync_all().map_err(failed)?;
        std::fs::rename(&part, path).map_err(failed)?;
    }
    Ok((cert, key))
}

/// A certificate's SHA-256 fingerprint over its DER bytes, in the form
/// browsers show: upper-case hex pairs separated by colons.
pub fn fingerprint(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// The fingerprint of the first certificate (the station's own) in a PEM
/// file.
pub fn fingerprint_file(path: &Path) -> Result<String, CertError> {
    let read = |why: String| CertError::Read {
        path: path.to_path_buf(),
        why,
    };
    let first = CertificateDer::pem_file_iter(path)
        .map_err(|e| read(format!("cannot read a PEM certificate: {e}")))?
        .next()
        .ok_or_else(|| read("no certificate in it (expected -----BEGIN CERTIFICATE-----)".into()))?
        .map_err(|e| read(format!("not a PEM certificate: {e}")))?;
    Ok(fingerprint(&first))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> jiff::civil::Date {
        text.parse().unwrap()
    }

    #[test]
    fn a_made_certificate_is_served_by_rustls_and_its_fingerprint_is_its_der_digest() {
        let dir = tempfile::tempdir().unwrap();
        let made = self_signed(
            &["kiosk.local".into()],
            &["192.168.1.20".parse().unwrap()],
            day("2026-12-01"),
            1825,
        )
        .unwrap();
        let (cert, key) = write(dir.path(), &made, false).unwrap();
        // The pair loads as the console would load it.
        server_config(&cert, &key).unwrap();
        assert_eq!(fingerprint_file(&cert).unwrap(), made.fingerprint);
        assert_eq!(made.fingerprint.len(), 32 * 3 - 1);
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&key), 0o600);
        assert_eq!(mode(&cert), 0o644);
        // Not replaced without --force; replaced with it, and then differs.
        assert!(matches!(
            write(dir.path(), &made, false),
            Err(CertError::Exists(_))
        ));
        let again = self_signed(&["kiosk.local".into()], &[], day("2026-12-01"), 30).unwrap();
        write(dir.path(), &again, true).unwrap();
        assert_eq!(fingerprint_file(&cert).unwrap(), again.fingerprint);
        assert_ne!(again.fingerprint, made.fingerprint);
        assert_eq!(mode(&key), 0o600);
    }

    #[test]
    fn a_certificate_needs_a_name_that_fits() {
        let today = day("2026-12-01");
        assert!(matches!(
            self_signed(&[], &[], today, 30),
            Err(CertError::NoName)
        ));
        for bad in ["", "a b", "kiosk..local", "<script>", "站"] {
            assert!(
                matches!(
                    self_signed(&[bad.into()], &[], today, 30),
                    Err(CertError::BadName(_))
                ),
                "{bad:?}"
            );
        }
        assert!(self_signed(&[], &["::1".parse().unwrap()], today, 30).is_ok());
    }

    #[test]
    fn the_fingerprint_is_written_as_browsers_show_it() {
        assert_eq!(
            fingerprint(b"abc"),
            "BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD"
        );
    }
}
