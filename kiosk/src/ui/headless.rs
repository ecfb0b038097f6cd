//! The headless screen: the real Slint UI on Slint's public platform API,
//! drawn by its software renderer into memory, with an event loop of its
//! own. Used where no display is (the simulated board on a build machine,
//! CI, the benches); screenshots render the current frame on demand.
//!
//! The event loop runs Slint's timers and animations on the system clock
//! and the jobs other threads post with `slint::invoke_from_event_loop`, in
//! the order they were posted, until `slint::quit_event_loop`. Nothing is
//! drawn unless asked for: nobody looks at this screen, and drawing every
//! frame would take the CPU the station's loop and benches measure.

use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use slint::EventLoopError;
use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{EventLoopProxy, Platform, WindowAdapter};

/// The longest the loop sleeps with no timer due, so that a quit is never
/// missed for long even if a wake-up were.
const IDLE: Duration = Duration::from_secs(1);

type Job = Box<dyn FnOnce() + Send>;

/// What other threads hand the loop.
#[derive(Default)]
struct Inbox {
    jobs: VecDeque<Job>,
    quit: bool,
    /// The loop ended: nothing posted now would ever run.
    ended: bool,
}

/// The inbox and the signal that something is in it.
#[derive(Default)]
struct Mailbox {
    inbox: Mutex<Inbox>,
    posted: Condvar,
}

impl Mailbox {
    fn lock(&self) -> MutexGuard<'_, Inbox> {
        // A job that panicked did so outside the lock; the inbox is whole.
        self.inbox.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The headless platform.
#[derive(Default)]
pub struct Headless {
    mailbox: Arc<Mailbox>,
}

impl Platform for Headless {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, slint::PlatformError> {
        Ok(MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer))
    }

    fn run_event_loop(&self) -> Result<(), slint::PlatformError> {
        self.mailbox.lock().ended = false;
        loop {
            slint::platform::update_timers_and_animations();
            let job = {
                let mut inbox = self.mailbox.lock();
                if inbox.jobs.is_empty() && !inbox.quit {
                    let wait = slint::platform::duration_until_next_timer_update()
                        .map_or(IDLE, |d| d.min(IDLE));
                    inbox = self
                        .mailbox
                        .posted
                        .wait_timeout(inbox, wait)
                        .unwrap_or_else(|p| p.into_inner())
                        .0;
                }
                match inbox.jobs.pop_front() {
                    Some(job) => Some(job),
                    None if inbox.quit => {
                        inbox.quit = false;
                        inbox.ended = true;
                        return Ok(());
                    }
                    None => None,
                }
            };
            if let Some(job) = job {
                job();
            }
        }
    }

    fn new_event_loop_proxy(&self) -> Option<Box<dyn EventLoopProxy>> {
        Some(Box::new(Proxy(Arc::clone(&self.mailbox))))
    }
}

/// Posts to the headless loop from any thread.
struct Proxy(Arc<Mailbox>);

impl EventLoopProxy for Proxy {
    fn quit_event_loop(&self) -> Result<(), EventLoopError> {
        self.0.lock().quit = true;
        self.0.posted.notify_one();
        Ok(())
    }

    fn invoke_from_event_loop(&self, job: Box<dyn FnOnce() + Send>) -> Result<(), EventLoopError> {
        let mut inbox = self.0.lock();
        if inbox.ended {
            return Err(EventLoopError::EventLoopTerminated);
        }
        inbox.jobs.push_back(job);
        drop(inbox);
        self.0.posted.notify_one();
        Ok(())
    }
}

/// Makes the headless platform Slint's, before any window is made.
pub fn init() -> Result<(), slint::PlatformError> {
    slint::platform::set_platform(Box::<Headless>::default())
        .map_err(|e| slint::PlatformError::Other(e.to_string()))
}
