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
//!
//! With `KIOSK_DRAW_FRAMES=1` (the frame-time bench, `benches/frames.rs`)
//! the loop draws as a display's would: each frame the UI asks for, into a
//! kept 32-bit buffer (partial redraws, as LinuxKMS's software renderer
//! does on a Pi), and prints as it ends how long frames took to draw and how
//! long a posted change (a touch, a key) waited until a frame showed it.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::Write;
use std::rc::Rc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use slint::EventLoopError;
use slint::platform::software_renderer::{
    MinimalSoftwareWindow, PremultipliedRgbaColor, RepaintBufferType,
};
use slint::platform::{EventLoopProxy, Platform, WindowAdapter};

/// The longest the loop sleeps with no timer due, so that a quit is never
/// missed for long even if a wake-up were.
const IDLE: Duration = Duration::from_secs(1);

/// How often a drawing loop wakes while an animation runs (60 Hz).
const ANIMATION_TICK: Duration = Duration::from_millis(16);

/// The variable that turns drawing on.
pub const DRAW_FRAMES: &str = "KIOSK_DRAW_FRAMES";

type Job = Box<dyn FnOnce() + Send>;

/// What other threads hand the loop, each job with when it was posted.
#[derive(Default)]
struct Inbox {
    jobs: VecDeque<(Instant, Job)>,
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
    /// Set when frames are drawn.
    drawing: Option<RefCell<Drawing>>,
}

/// A drawing loop's window, buffer and timings.
#[derive(Default)]
struct Drawing {
    window: Option<Rc<MinimalSoftwareWindow>>,
    buffer: Vec<PremultipliedRgbaColor>,
    /// How long each frame took to draw.
    frames: Vec<Duration>,
    /// For each frame drawn after jobs ran: from the oldest job's posting to
    /// the frame's end.
    shown: Vec<Duration>,
    /// When the oldest job run since the last frame was posted.
    undrawn: Option<Instant>,
}

impl Drawing {
    /// Draws the window if it asked to be, and notes how long that took.
    fn draw(&mut self) {
        let Some(window) = self.window.clone() else {
            return;
        };
        let size = window.size();
        let (width, height) = (size.width as usize, size.height as usize);
        if width == 0 || height == 0 {
            return;
        }
        self.buffer
            .resize(width * height, PremultipliedRgbaColor::default());
        let buffer = &mut self.buffer;
        let started = Instant::now();
        let drawn = window.draw_if_needed(|renderer| {
            renderer.render(buffer, width);
        });
        let done = Instant::now();
        // Jobs that changed nothing on screen (a view that stayed the same)
        // wait for no frame: only a frame that shows them counts.
        let posted = self.undrawn.take();
        if drawn {
            self.frames.push(done - started);
            if let Some(posted) = posted {
                self.shown.push(done - posted);
            }
        }
    }

    /// A job posted at `posted` has run; the next frame shows it.
    fn ran(&mut self, posted: Instant) {
        self.undrawn = Some(self.undrawn.map_or(posted, |u| u.min(posted)));
    }

    /// The line the loop prints as it ends.
    fn summary(&mut self) -> String {
        format!(
            "frames drawn={} frame_ms {} posted_to_drawn_ms {}",
            self.frames.len(),
            percentiles(&mut self.frames),
            percentiles(&mut self.shown)
        )
    }
}

/// `n=… p50 … p99 … max …` in milliseconds.
fn percentiles(v: &mut [Duration]) -> String {
    if v.is_empty() {
        return "n=0".into();
    }
    v.sort();
    let at = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1e3;
    format!(
        "n={} p50 {:.2} p99 {:.2} max {:.2}",
        v.len(),
        at(0.5),
        at(0.99),
        at(1.0)
    )
}

impl Platform for Headless {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, slint::PlatformError> {
        let Some(drawing) = &self.drawing else {
            return Ok(MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer));
        };
        let window = MinimalSoftwareWindow::new(RepaintBufferType::ReusedBuffer);
        drawing.borrow_mut().window = Some(Rc::clone(&window));
        Ok(window)
    }

    fn run_event_loop(&self) -> Result<(), slint::PlatformError> {
        self.mailbox.lock().ended = false;
        loop {
            slint::platform::update_timers_and_animations();
            let mut wait =
                slint::platform::duration_until_next_timer_update().map_or(IDLE, |d| d.min(IDLE));
            if let Some(drawing) = &self.drawing {
                let mut drawing = drawing.borrow_mut();
                drawing.draw();
                if drawing
                    .window
                    .as_ref()
                    .is_some_and(|w| w.has_active_animations())
                {
                    wait = wait.min(ANIMATION_TICK);
                }
            }
            let job = {
                let mut inbox = self.mailbox.lock();
                if inbox.jobs.is_empty() && !inbox.quit {
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
                        drop(inbox);
                        if let Some(drawing) = &self.drawing {
                            // Nobody may be reading any more: never a panic.
                            let line = drawing.borrow_mut().summary();
                            let _ = writeln!(std::io::stdout(), "{line}");
                        }
                        return Ok(());
                    }
                    None => None,
                }
            };
            if let Some((posted, job)) = job {
                job();
                if let Some(drawing) = &self.drawing {
                    drawing.borrow_mut().ran(posted);
                }
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
        inbox.jobs.push_back((Instant::now(), job));
        drop(inbox);
        self.0.posted.notify_one();
        Ok(())
    }
}

/// Makes the headless platform Slint's, before any window is made; it draws
/// frames when `KIOSK_DRAW_FRAMES` is `1`.
pub fn init() -> Result<(), slint::PlatformError> {
    let drawing = std::env::var_os(DRAW_FRAMES).is_some_and(|v| v == "1");
    let platform = Headless {
        drawing: drawing.then(RefCell::default),
        ..Headless::default()
    };
    slint::platform::set_platform(Box::new(platform))
        .map_err(|e| slint::PlatformError::Other(e.to_string()))
}
