//! systemd's notification protocol, spoken by hand (a datagram to
//! `$NOTIFY_SOCKET`): `READY=1` once the station takes commands, `STOPPING=1`
//! on the way out, and `WATCHDOG=1` only while both the station loop and the
//! UI thread answer — so a hung UI or runtime stops the pings and systemd
//! restarts the kiosk (`WatchdogSec=` in `packaging/kiosk.service`).
//!
//! Without `$NOTIFY_SOCKET` (a desktop, the tests that do not ask for it)
//! nothing here does anything.

use crate::app::ProbeEvent;
use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::oneshot;

use super::{Event, Screen};

/// Where systemd listens for this service's notifications.
pub struct Notifier {
    socket: UnixDatagram,
    addr: SocketAddr,
}

impl Notifier {
    /// From `$NOTIFY_SOCKET`: a path, or `@name` in the abstract namespace.
    pub fn from_env() -> Option<Self> {
        let target = std::env::var_os("NOTIFY_SOCKET")?;
        let target = target.to_string_lossy();
        let addr = match target.strip_prefix('@') {
            Some(name) => {
                use std::os::linux::net::SocketAddrExt;
                SocketAddr::from_abstract_name(name.as_bytes())
            }
            None => SocketAddr::from_pathname(target.as_ref()),
        };
        let addr = match addr {
            Ok(a) => a,
            Err(e) => {
                tracing::warn!("NOTIFY_SOCKET `{target}` is not a socket address: {e}");
                return None;
            }
        };
        match UnixDatagram::unbound() {
            Ok(socket) => Some(Self { socket, addr }),
            Err(e) => {
                tracing::warn!("cannot make a socket to notify systemd: {e}");
                None
            }
        }
    }

    /// Sends one notification (`KEY=value` lines).
    pub fn send(&self, state: &str) {
        if let Err(e) = self.socket.send_to_addr(state.as_bytes(), &self.addr) {
            tracing::warn!("notifying systemd ({state:?}): {e}");
        }
    }
}

/// `$WATCHDOG_USEC`, when the watchdog is meant for this process
/// (`$WATCHDOG_PID` unset or ours).
pub fn watchdog_interval() -> Option<Duration> {
    if let Some(pid) = std::env::var_os("WATCHDOG_PID")
        && pid.to_string_lossy().trim() != std::process::id().to_string()
    {
        return None;
    }
    let usec: u64 = std::env::var("WATCHDOG_USEC").ok()?.trim().parse().ok()?;
    (usec > 0).then(|| Duration::from_micros(usec))
}

/// Pings the watchdog at half its interval while the station loop and the
/// UI thread both answer within that time; when one does not, says so in
/// the log and lets the watchdog run out.
pub async fn watchdog(
    notifier: Arc<Notifier>,
    interval: Duration,
    events: UnboundedSender<Event>,
    screen: Arc<dyn Screen>,
) {
    let every = interval / 2;
    let mut ticker = tokio::time::interval(every);
    loop {
        ticker.tick().await;
        let (loop_tx, loop_rx) = oneshot::channel();
        if events
            .send(Event::Probe(ProbeEvent::Barrier(loop_tx)))
            .is_err()
        {
            return;
        }
        let (ui_tx, ui_rx) = oneshot::channel();
        screen.run(Box::new(move |_| {
            let _ = ui_tx.send(());
        }));
        let answered = tokio::time::timeout(every, async {
            loop_rx.await.is_ok() && ui_rx.await.is_ok()
        })
        .await;
        match answered {
            Ok(true) => notifier.send("WATCHDOG=1"),
            Ok(false) => return,
            Err(_) => tracing::error!(
                "the station loop or the screen did not answer within {} ms; the watchdog is not told, so systemd will restart the kiosk",
                every.as_millis()
            ),
        }
    }
}
