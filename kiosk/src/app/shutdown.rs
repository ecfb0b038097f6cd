//! Stopping as a subsystem. One [`Shutdown`] is shared by every part that
//! serves someone: the staff console, the control socket, their connections.
//! Stopping (a signal, `quit`, the window closed) cancels its token; each part
//! then stops taking new work and finishes what it has — a console answer
//! being written, a control command being carried out — in a task the
//! tracker knows. Only when the tracker is empty (or after a bounded grace)
//! is the station loop told to stop, so it still takes the commands those
//! answers need; the loop then finishes its print jobs and closes the
//! database itself (`Core::shutdown`).

use std::future::Future;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::Event;

/// How long stopping waits for the console's and the control socket's work
/// in flight before it stops the station loop anyway.
pub const GRACE: Duration = Duration::from_secs(5);

/// The token every serving part watches and the tasks stopping waits for.
#[derive(Clone, Default)]
pub struct Shutdown {
    token: CancellationToken,
    tracker: TaskTracker,
}

impl Shutdown {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts stopping; calling it again does nothing.
    pub fn begin(&self) {
        self.token.cancel();
    }

    /// Resolves once stopping has begun.
    pub async fn begun(&self) {
        self.token.cancelled().await;
    }

    /// Spawns work that stopping waits for.
    pub fn spawn<F>(&self, work: F) -> tokio::task::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.tracker.spawn(work)
    }

    /// Waits until stopping begins, then for the tracked work (at most
    /// `grace`); whether all of it finished.
    pub async fn finish(&self, grace: Duration) -> bool {
        self.begun().await;
        self.tracker.close();
        tokio::time::timeout(grace, self.tracker.wait())
            .await
            .is_ok()
    }

    /// The station's own stopping sequence: once stopping begins and the
    /// tracked work is done (or the grace is over), the station loop is told
    /// to stop.
    pub async fn stop_station(self, events: UnboundedSender<Event>) {
        if self.finish(GRACE).await {
            tracing::info!("stopping: the console and the control socket have finished their work");
        } else {
            tracing::warn!(
                "stopping: work of the console or the control socket did not finish in {} s; stopping anyway",
                GRACE.as_secs()
            );
        }
        let _ = events.send(Event::Shutdown);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Work in flight when stopping begins is waited for; the station loop
    /// hears of it only after.
    #[tokio::test(start_paused = true)]
    async fn the_station_stops_after_the_work_in_flight() {
        let shutdown = Shutdown::new();
        let (release, released) = tokio::sync::oneshot::channel::<()>();
        let (done_tx, mut done) = tokio::sync::mpsc::unbounded_channel();
        shutdown.spawn(async move {
            let _ = released.await;
            let _ = done_tx.send("answered");
        });
        let (events, mut heard) = tokio::sync::mpsc::unbounded_channel();
        let stopper = tokio::spawn(shutdown.clone().stop_station(events));
        shutdown.begin();
        tokio::task::yield_now().await;
        assert!(
            heard.try_recv().is_err(),
            "told to stop with work in flight"
        );
        release.send(()).unwrap();
        assert_eq!(done.recv().await, Some("answered"));
        stopper.await.unwrap();
        assert!(matches!(heard.try_recv(), Ok(Event::Shutdown)));
    }

    /// Work that never ends does not keep the station up past the grace.
    #[tokio::test(start_paused = true)]
    async fn work_that_hangs_is_given_up_after_the_grace() {
        let shutdown = Shutdown::new();
        shutdown.spawn(std::future::pending::<()>());
        shutdown.begin();
        let started = tokio::time::Instant::now();
        assert!(!shutdown.finish(GRACE).await);
        assert_eq!(started.elapsed(), GRACE);
    }
}
