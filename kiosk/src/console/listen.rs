//! The console's connections: our own accept loop, not `axum::serve`, so
//! that nobody on the station network can starve the station of file
//! descriptors, and so that every wait on a client is bounded.
//!
//! `axum::serve` accepts every connection and serves it with hyper's
//! automatic builder without a timer, so hyper's header read timeout never
//! runs: a client that connects and sends nothing (or half a request) holds
//! its descriptor forever. A thousand such clients exhausted the process's
//! descriptors, and then the console's sign-in (which opens the database) and
//! the control socket failed with it. Here instead:
//!
//! - **Connection caps.** At most [`Limits::connections`] at once, and at most
//!   [`Limits::per_address`] from one address (an IPv6 client counts by its
//!   /64, since one host may hold many addresses in it). A connection over a
//!   cap is accepted and closed at once: its descriptor is back in
//!   microseconds and the client learns at once, rather than waiting in the
//!   kernel's queue. The per-address cap keeps one machine from taking the
//!   console from the others; the total cap bounds the descriptors the
//!   console can ever hold, far below the process's limit (`LimitNOFILE` in
//!   the unit), so the database, the printer and the control socket always
//!   have theirs.
//! - **Read timeouts.** Each connection is served by hyper's HTTP/1 builder
//!   with tokio's timer and a header read timeout: a request's head must
//!   arrive within [`Limits::read_timeout`] of the connection (or of the
//!   previous answer, for a kept-alive connection) or the connection is
//!   closed. A request (its body and its handling) must finish within
//!   [`REQUEST_TIME`]. A TLS client has [`HANDSHAKE`] to finish its
//!   handshake, which runs in the connection's own task, so a silent client
//!   holds up nobody else.
//! - **One loop for both transports.** Plain TCP and TLS go through the same
//!   accept loop, caps and timeouts; TLS only adds the handshake.
//!
//! Handlers learn the client's address as `ConnectInfo<Peer>`.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tower::ServiceExt;

use crate::app::Shutdown;

/// The longest a client may take to finish its TLS handshake.
pub const HANDSHAKE: Duration = Duration::from_secs(10);
/// The longest a request may take once its head has arrived: reading its
/// body (at most 16 KB) and making the answer (a year's export included).
pub const REQUEST_TIME: Duration = Duration::from_secs(120);
/// The most a connection buffers while reading a request: a console request's
/// head is a few hundred bytes; hyper's default (about 400 KB) times the
/// connection cap would be a Pi's memory for nothing.
const READ_BUFFER: usize = 32 * 1024;

pub use crate::config::Limits;

/// Where a request came from, over plain TCP or TLS alike.
#[derive(Clone, Copy, Debug)]
pub struct Peer(pub SocketAddr);

/// The address a client is counted under: an IPv4 address (also written as
/// an IPv4-mapped IPv6 address), or an IPv6 address's /64 network.
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// Why a connection was turned away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The console holds [`Limits::connections`] already.
    Total,
    /// This address holds [`Limits::per_address`] already.
    Address,
}

/// Counts the connections held, in all and per address; hands out a
/// [`Permit`] per connection and takes it back when the connection ends.
#[derive(Debug)]
pub struct Gate {
    limits: Limits,
    held: Mutex<Held>,
}

#[derive(Debug, Default)]
struct Held {
    total: usize,
    by_address: HashMap<IpAddr, usize>,
    /// Said once until the console is under its cap again, so that a flood
    /// does not flood the log too.
    warned_total: bool,
    warned: Vec<IpAddr>,
}

/// One admitted connection; dropping it frees its place.
#[derive(Debug)]
pub struct Permit {
    gate: Arc<Gate>,
    key: IpAddr,
}

impl Gate {
    pub fn new(limits: Limits) -> Arc<Self> {
        Arc::new(Self {
            limits,
            held: Mutex::new(Held::default()),
        })
    }

    /// A place for a connection from `ip`, or why there is none.
    pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Result<Permit, Refusal> {
        let key = client_key(ip);
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        if held.total >= self.limits.connections {
            if !held.warned_total {
                held.warned_total = true;
                tracing::warn!(
                    "staff console: {} connections held, the most it takes; refusing more until some close",
                    self.limits.connections
                );
            }
            return Err(Refusal::Total);
        }
        let from = held.by_address.get(&key).copied().unwrap_or(0);
        if from >= self.limits.per_address {
            if !held.warned.contains(&key) {
                held.warned.push(key);
                tracing::warn!(
                    "staff console: {key} holds {} connections, the most one address may; refusing more from it",
                    self.limits.per_address
                );
            }
            return Err(Refusal::Address);
        }
        held.total += 1;
        *held.by_address.entry(key).or_insert(0) += 1;
        Ok(Permit {
            gate: Arc::clone(self),
            key,
        })
    }

    /// Connections held now: in all, and from `ip`'s address.
    pub fn held(&self, ip: IpAddr) -> (usize, usize) {
        let held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        let from = held.by_address.get(&client_key(ip)).copied().unwrap_or(0);
        (held.total, from)
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut held = self.gate.held.lock().unwrap_or_else(|p| p.into_inner());
        held.total = held.total.saturating_sub(1);
        held.warned_total = held.warned_total && held.total > 0;
        if let Some(n) = held.by_address.get_mut(&self.key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                held.by_address.remove(&self.key);
                held.warned.retain(|k| *k != self.key);
            }
        }
    }
}

/// Serves `app` on `listener` until stopping begins: over TLS when given a
/// configuration, else plain HTTP; within `limits`. Then it takes no new
/// connection, and each connection finishes the answer it is writing and
/// closes (tracked by `shutdown`, which waits for them).
pub async fn serve(
    listener: TcpListener,
    tls: Option<Arc<ServerConfig>>,
    limits: Limits,
    app: Router,
    shutdown: Shutdown,
) {
    let gate = Gate::new(limits);
    let acceptor = tls.map(TlsAcceptor::from);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = shutdown.begun() => return,
        };
        let (stream, peer) = match accepted {
            Ok(c) => c,
            Err(e) => {
                // Out of file descriptors, say: the connection waits in the
                // kernel's queue; wait a little rather than spin on it.
                tracing::warn!("staff console: accepting a connection: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Ok(permit) = gate.admit(peer.ip()) else {
            // Closed at once: the descriptor is free again.
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let (app, acceptor, stopping) = (app.clone(), acceptor.clone(), shutdown.clone());
        shutdown.spawn(async move {
            let _permit = permit;
            match acceptor {
                None => connection(stream, peer, app, limits.read_timeout, stopping).await,
                Some(acceptor) => {
                    match tokio::time::timeout(HANDSHAKE, acceptor.accept(stream)).await {
                        Ok(Ok(tls)) => {
                            connection(tls, peer, app, limits.read_timeout, stopping).await
                        }
                        Ok(Err(e)) => {
                            tracing::debug!("staff console: TLS handshake with {peer} failed: {e}")
                        }
                        Err(_) => tracing::debug!(
                            "staff console: {peer} did not finish its TLS handshake in time"
                        ),
                    }
                }
            }
        });
    }
}

/// Serves one connection's requests (HTTP/1.1, kept alive) until the client
/// closes it, a read times out, or stopping begins — then the answer under
/// way is finished and the connection closed.
async fn connection<I>(
    io: I,
    peer: SocketAddr,
    app: Router,
    read_timeout: Duration,
    shutdown: Shutdown,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(Peer(peer)));
        let app = app.clone();
        async move {
            let answer = match tokio::time::timeout(REQUEST_TIME, app.oneshot(request)).await {
                Ok(Ok(response)) => response,
                Ok(Err(never)) => match never {},
                Err(_) => too_slow(),
            };
            Ok::<_, std::convert::Infallible>(answer)
        }
    });
    let served = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(read_timeout)
        .max_buf_size(READ_BUFFER)
        .serve_connection(TokioIo::new(io), service);
    tokio::pin!(served);
    let served = tokio::select! {
        served = served.as_mut() => served,
        () = shutdown.begun() => {
            served.as_mut().graceful_shutdown();
            served.await
        }
    };
    if let Err(e) = served {
        tracing::debug!("staff console: connection from {peer} ended: {e}");
    }
}

/// The answer to a request that took longer than [`REQUEST_TIME`]; the
/// connection closes after it.
fn too_slow() -> Response {
    let mut r = (
        StatusCode::REQUEST_TIMEOUT,
        format!(
            "the request took longer than {} s; try again",
            REQUEST_TIME.as_secs()
        ),
    )
        .into_response();
    r.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    /// Stopping while an answer is being made: no new connection is taken,
    /// the answer is finished and sent whole, the connection then closes,
    /// and stopping knows when all of it is done.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn stopping_finishes_the_answer_under_way_and_takes_no_new_connection() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        use tokio::sync::{mpsc, oneshot};
        let (entered_tx, mut entered) = mpsc::unbounded_channel::<()>();
        let (release_tx, release) = oneshot::channel::<()>();
        let release = Arc::new(Mutex::new(Some(release)));
        let app = Router::new().route(
            "/slow",
            axum::routing::get(move || {
                let (entered_tx, release) = (entered_tx.clone(), Arc::clone(&release));
                async move {
                    let _ = entered_tx.send(());
                    let waiting = release.lock().unwrap().take();
                    if let Some(waiting) = waiting {
                        let _ = waiting.await;
                    }
                    "finished whole"
                }
            }),
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let shutdown = Shutdown::new();
        let server = tokio::spawn(serve(
            listener,
            None,
            Limits::default(),
            app,
            shutdown.clone(),
        ));
        let mut client = tokio::net::TcpStream::connect(address).await.unwrap();
        client
            .write_all(b"GET /slow HTTP/1.1\r\nHost: kiosk\r\n\r\n")
            .await
            .unwrap();
        entered.recv().await.unwrap();

        shutdown.begin();
        server.await.unwrap();
        assert!(
            tokio::net::TcpStream::connect(address).await.is_err(),
            "a connection was taken after stopping began"
        );
        release_tx.send(()).unwrap();
        let mut answer = String::new();
        client.read_to_string(&mut answer).await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.ends_with("finished whole"), "{answer}");
        assert!(shutdown.finish(Duration::from_secs(10)).await);
    }

    #[test]
    fn one_address_gets_its_share_and_the_others_still_get_in() {
        let gate = Gate::new(Limits {
            connections: 10,
            per_address: 3,
            read_timeout: Duration::from_secs(1),
        });
        let flood: Vec<_> = (0..3)
            .map(|_| gate.admit(ip("127.0.0.1")).unwrap())
            .collect();
        for _ in 0..1000 {
            assert_eq!(gate.admit(ip("127.0.0.1")).unwrap_err(), Refusal::Address);
        }
        // The same machine written as an IPv4-mapped IPv6 address.
        assert_eq!(
            gate.admit(ip("::ffff:127.0.0.1")).unwrap_err(),
            Refusal::Address
        );
        let other = gate.admit(ip("127.0.0.2")).unwrap();
        assert_eq!(gate.held(ip("127.0.0.1")), (4, 3));
        drop(flood);
        assert_eq!(gate.held(ip("127.0.0.1")), (1, 0));
        let again = gate.admit(ip("127.0.0.1")).unwrap();
        drop((other, again));
        assert_eq!(gate.held(ip("127.0.0.1")), (0, 0));
    }

    #[test]
    fn the_total_cap_holds_across_addresses_and_frees_on_close() {
        let gate = Gate::new(Limits {
            connections: 4,
            per_address: 2,
            read_timeout: Duration::from_secs(1),
        });
        let mut held: Vec<_> = ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"]
            .iter()
            .map(|a| gate.admit(ip(a)).unwrap())
            .collect();
        assert_eq!(gate.admit(ip("10.0.0.5")).unwrap_err(), Refusal::Total);
        assert_eq!(gate.admit(ip("10.0.0.1")).unwrap_err(), Refusal::Total);
        held.pop();
        assert!(gate.admit(ip("10.0.0.5")).is_ok());
    }

    #[test]
    fn an_ipv6_client_counts_by_its_64_network() {
        assert_eq!(client_key(ip("2001:db8:1:2:aaaa::1")), ip("2001:db8:1:2::"));
        assert_eq!(
            client_key(ip("2001:db8:1:2:bbbb::9")),
            client_key(ip("2001:db8:1:2::77"))
        );
        assert_ne!(client_key(ip("2001:db8:1:3::1")), ip("2001:db8:1:2::"));
        assert_eq!(client_key(ip("::ffff:192.168.1.7")), ip("192.168.1.7"));
        let gate = Gate::new(Limits {
            connections: 10,
            per_address: 1,
            read_timeout: Duration::from_secs(1),
        });
        let _one = gate.admit(ip("2001:db8:1:2::1")).unwrap();
        assert_eq!(
            gate.admit(ip("2001:db8:1:2::2")).unwrap_err(),
            Refusal::Address
        );
    }
}
