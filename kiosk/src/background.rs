//! Work that may wait for the station: the console's reads (a month's
//! report, a log page over a year) and staff PIN checks (Argon2id, tens of
//! milliseconds of CPU each). They run on threads of their own at a lower
//! CPU priority (nice 10), so that on a board with one busy core the station
//! loop, the writer and the screen are served first, and a panic button is
//! latched in its bar while a report is being read (ADR 0033).
//!
//! Not the runtime's own blocking pool: a thread there may next wait for a
//! commit's answer, which must not inherit a lowered priority (an
//! unprivileged process cannot raise it again). A thread of the caller's
//! pool only waits for the answer, so that the caller's runtime knows work
//! is under way: a paused test clock does not leap ahead while a PIN is
//! being checked.

use std::sync::OnceLock;

use tokio::runtime::{Builder, Runtime};
use tokio::task::JoinHandle;

/// The nice value of background threads (0 is the station's; 19 the least).
pub const NICE: i32 = 10;

/// The most background threads at once: two console readers and a PIN check
/// in each lane is more than a station sees.
const THREADS: usize = 4;

fn runtime() -> Option<&'static Runtime> {
    static RUNTIME: OnceLock<Option<Runtime>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            Builder::new_current_thread()
                .thread_name("kiosk-background")
                .max_blocking_threads(THREADS)
                .on_thread_start(lower_this_thread)
                .build()
                .map_err(|e| {
                    tracing::warn!(
                        "no background threads ({e}); console reads and PIN checks run at the station's priority"
                    )
                })
                .ok()
        })
        .as_ref()
}

/// Runs `f` on a background thread. Called within a runtime, a thread of
/// its blocking pool waits (without CPU) for the answer; from outside one,
/// the handle is awaited wherever it is taken. A panic in `f` is the
/// returned handle's, as with [`tokio::task::spawn_blocking`].
pub fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let Some(runtime) = runtime() else {
        return tokio::task::spawn_blocking(f);
    };
    let work = runtime.spawn_blocking(f);
    let Ok(caller) = tokio::runtime::Handle::try_current() else {
        return work;
    };
    caller.spawn_blocking(move || match runtime.handle().block_on(work) {
        Ok(answer) => answer,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        // The background runtime lives as long as the process.
        Err(e) => panic!("background work cancelled: {e}"),
    })
}

/// Lowers the calling thread's CPU priority to [`NICE`] (Linux keeps a
/// nice value a thread), unless it is lower already. A failure only leaves
/// the thread as it was.
fn lower_this_thread() {
    if this_thread_nice() >= NICE {
        return;
    }
    // SAFETY: plain system calls on the calling thread's own id.
    let result = unsafe {
        let tid = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, NICE)
    };
    if result != 0 {
        tracing::debug!(
            "background thread kept its priority: {}",
            std::io::Error::last_os_error()
        );
    }
}

/// The calling thread's nice value.
pub fn this_thread_nice() -> i32 {
    // SAFETY: as above; `getpriority` returns the value itself (errno is
    // not needed: the thread's own id always exists).
    unsafe {
        let tid = libc::gettid();
        libc::getpriority(libc::PRIO_PROCESS, tid as libc::id_t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn background_work_runs_below_the_stations_priority_and_the_pool_does_not() {
        let station = this_thread_nice();
        let background = spawn_blocking(this_thread_nice).await.unwrap();
        assert_eq!(background, station.max(NICE));
        // The runtime's own blocking threads (a commit's answer waits on one)
        // keep the station's priority.
        let pool = tokio::task::spawn_blocking(this_thread_nice).await.unwrap();
        assert_eq!(pool, station);
    }

    #[test]
    fn background_work_may_be_started_outside_a_runtime() {
        let work = spawn_blocking(|| 7);
        let runtime = Builder::new_current_thread().build().unwrap();
        assert_eq!(runtime.block_on(work).unwrap(), 7);
    }

    #[tokio::test]
    async fn a_panic_in_background_work_is_the_callers_to_see() {
        let outcome = spawn_blocking(|| -> u8 { panic!("checked") }).await;
        assert!(outcome.unwrap_err().is_panic());
        assert_eq!(spawn_blocking(|| 7).await.unwrap(), 7);
    }

    /// A paused test clock does not move while background work runs: the
    /// caller's runtime counts it as its own.
    #[tokio::test(start_paused = true)]
    async fn a_paused_clock_waits_for_background_work() {
        let (go, wait) = std::sync::mpsc::channel::<()>();
        let started = tokio::time::Instant::now();
        let work = spawn_blocking(move || wait.recv().is_ok());
        // A timer the clock could leap to while the runtime is idle.
        let timer = tokio::spawn(tokio::time::sleep(Duration::from_secs(3600)));
        // The work ends a little real time later.
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            go.send(()).is_ok()
        });
        assert!(work.await.unwrap());
        assert_eq!(started.elapsed(), Duration::ZERO);
        assert!(release.join().unwrap());
        timer.abort();
    }
}
