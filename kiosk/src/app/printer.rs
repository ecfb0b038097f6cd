//! The printer worker: a thread that prints jobs one at a time, watches the
//! printer's health, and reports both to the station loop as events.
//!
//! A job goes through: open the port (reopened after any failure, so a printer
//! that comes back is used again without a restart) → ask its status → send
//! the bytes → send the end-of-job marker and wait, bounded, for the answer that
//! says everything printed. When the printer is out of paper, its cover open,
//! offline, silent or gone, the job is **held**, not failed: the ticket stays
//! valid and on screen, staff are told, and the worker asks again every poll
//! interval. When the fault clears the job resumes where it stopped — bytes the
//! printer kept are not sent twice — or, if the printer lost them (unplugged,
//! switched off), is printed again whole under the same number — marked 补打
//! when the printer had taken any of it, since what it took may have come out
//! (the station journals that second print). A job held
//! longer than the hold time (counted from the touch) is given up — unless the
//! printer already holds part of it and says why it stopped (paper, cover,
//! offline): that part prints by itself when the fault clears, so giving up
//! would only invite a reprint that comes out twice. Staff can reprint any
//! ticket given up.
//!
//! Between jobs the worker asks for the printer's status every poll interval,
//! so paper running low or a cover left open reaches staff before a citizen
//! finds out. Every wait here is bounded by a setting.

use crate::app::DeviceEvent;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use drivers::escpos::Encoded;
use drivers::status::{Fault, Health};
use drivers::transport::{self, Port, Printer, TransportError};
use tokio::sync::mpsc::UnboundedSender;

use super::{Event, JobKey};
use crate::domain::{PrintOutcome, PrinterFault, PrinterHealth};

/// One document to print.
pub struct PrintJob {
    pub job: JobKey,
    pub encoded: Encoded,
    /// The same paper marked 补打, sent instead when the printer lost its
    /// port after taking some of the job and before confirming it.
    pub resend: Encoded,
    /// The time the printer needs for the paper and the cut at full speed.
    pub paper_time: Duration,
    /// When the job was made: the hold time counts from here, so a ticket
    /// queued behind a held one does not get a fresh hold time of its own.
    pub queued_at: Instant,
}

/// How the worker talks to the printer.
#[derive(Clone, Debug)]
pub struct PrinterSetup {
    pub port: Port,
    pub transport: transport::Settings,
    /// How long a job waits for a fault to clear before it is given up.
    pub hold: Duration,
    /// How often status is asked between jobs and during a fault.
    pub poll: Duration,
    pub auto_status: bool,
}

/// Handle to the worker thread.
pub struct PrinterWorker {
    jobs: Option<mpsc::Sender<PrintJob>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl PrinterWorker {
    pub fn start(setup: PrinterSetup, events: UnboundedSender<Event>) -> std::io::Result<Self> {
        let (tx, rx) = mpsc::channel::<PrintJob>();
        let stop = Arc::new(AtomicBool::new(false));
        let thread_stop = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("printer".into())
            .spawn(move || {
                let mut worker = Worker {
                    setup,
                    printer: None,
                    reported: None,
                    events,
                    stop: thread_stop,
                };
                worker.check();
                loop {
                    match rx.recv_timeout(worker.setup.poll) {
                        Ok(job) => worker.job(job),
                        Err(RecvTimeoutError::Timeout) => worker.check(),
                        Err(RecvTimeoutError::Disconnected) => break,
                    }
                }
                let _ = worker
                    .events
                    .send(Event::Device(DeviceEvent::PrinterStopped));
            })?;
        Ok(Self {
            jobs: Some(tx),
            stop,
            thread: Some(thread),
        })
    }

    /// Queues a job; false when the worker is gone.
    pub fn submit(&self, job: PrintJob) -> bool {
        self.jobs.as_ref().is_some_and(|j| j.send(job).is_ok())
    }

    /// Takes no more jobs; the queued ones are still printed.
    pub fn finish(&mut self) {
        self.jobs.take();
    }

    /// Abandons the job in progress between chunks, and every queued one.
    pub fn abandon(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    pub fn join(&mut self) {
        self.finish();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for PrinterWorker {
    fn drop(&mut self) {
        self.abandon();
        self.join();
    }
}

/// Why an attempt did not print, and whether what was sent is lost.
struct Problem {
    health: PrinterHealth,
    /// The printer lost what it had (the port went away): send it all again.
    lost: bool,
}

impl Problem {
    /// The printer said what stopped it, and keeps what it has until then.
    fn printer_keeps_data(&self) -> bool {
        matches!(
            self.health,
            PrinterHealth::Fault {
                fault: PrinterFault::PaperOut | PrinterFault::CoverOpen | PrinterFault::Offline,
                ..
            }
        )
    }
}

/// Where a job stands with the printer it is on.
#[derive(Default)]
struct Progress {
    /// Bytes the printer has taken.
    sent: usize,
    /// The end marker was sent and is still to be answered.
    marker: bool,
    /// Send the copy marked 补打: an earlier copy may have come out.
    resend: bool,
    /// The station was told of this copy (a second print, journaled).
    told: bool,
}

impl Progress {
    /// The printer lost what it had: start again — with the marked copy if
    /// the printer took any of this one (it may have printed it).
    fn lost(&self) -> Self {
        if self.sent > 0 || self.marker {
            Progress {
                resend: true,
                ..Progress::default()
            }
        } else {
            Progress {
                resend: self.resend,
                told: self.told,
                ..Progress::default()
            }
        }
    }
}

struct Worker {
    setup: PrinterSetup,
    printer: Option<Printer>,
    /// The last health told to the station.
    reported: Option<PrinterHealth>,
    events: UnboundedSender<Event>,
    stop: Arc<AtomicBool>,
}

impl Worker {
    fn report(&mut self, health: PrinterHealth) {
        if self.reported.as_ref() != Some(&health) {
            self.reported = Some(health.clone());
            let _ = self
                .events
                .send(Event::Device(DeviceEvent::PrinterHealth(health)));
        }
    }

    fn open(&mut self) -> Result<&mut Printer, Problem> {
        let printer = match self.printer.take() {
            Some(printer) => printer,
            None => {
                let mut printer = Printer::open(&self.setup.port, self.setup.transport)
                    .map_err(|e| problem(&e))?;
                if self.setup.auto_status {
                    printer.set_auto_status(true).map_err(|e| problem(&e))?;
                }
                printer
            }
        };
        Ok(self.printer.insert(printer))
    }

    /// The printer's health now; a port that fails is closed, to be reopened.
    fn health(&mut self) -> Result<Health, Problem> {
        let status = self.setup.transport.status;
        let printer = self.open()?;
        if !status {
            return Ok(Health::default());
        }
        let result = printer.health().map_err(|e| problem(&e));
        if result.as_ref().is_err_and(|p| p.lost) {
            self.printer = None;
        }
        result
    }

    /// Between jobs: ask, and tell staff what changed.
    fn check(&mut self) {
        let health = match self.health() {
            Ok(h) => of(&h),
            Err(p) => p.health,
        };
        self.report(health);
    }

    fn job(&mut self, job: PrintJob) {
        let started = job.queued_at;
        let mut progress = Progress::default();
        let mut held: Option<PrinterHealth> = None;
        let outcome = loop {
            if self.stop.load(Ordering::Relaxed) {
                break PrintOutcome::Failed {
                    reason: "not printed: the kiosk was stopping".into(),
                };
            }
            match self.attempt(&job, &mut progress) {
                Ok(health) => {
                    self.report(health);
                    let sent = if progress.resend {
                        &job.resend
                    } else {
                        &job.encoded
                    };
                    break PrintOutcome::Printed {
                        bytes: sent.bytes.len() as u32,
                        after_fault: held.is_some(),
                    };
                }
                Err(problem) => {
                    if problem.lost {
                        progress = progress.lost();
                        self.printer = None;
                    }
                    let reason = match &problem.health {
                        PrinterHealth::Fault { detail, .. } => detail.clone(),
                        _ => "the printer is not ready".into(),
                    };
                    self.report(problem.health.clone());
                    if held.is_none() {
                        let _ = self.events.send(Event::Device(DeviceEvent::PrintHeld {
                            job: job.job,
                            reason: reason.clone(),
                        }));
                    }
                    let printer_has_part =
                        (progress.sent > 0 || progress.marker) && problem.printer_keeps_data();
                    held = Some(problem.health);
                    if started.elapsed() >= self.setup.hold && !printer_has_part {
                        // Whatever the printer still holds must not come out
                        // later as a surprise: start afresh next time.
                        self.printer = None;
                        break PrintOutcome::Failed {
                            reason: format!(
                                "not printed within {} s: {reason} — the ticket stays valid; staff can reprint it",
                                self.setup.hold.as_secs()
                            ),
                        };
                    }
                    let to_hold_end = self.setup.hold.saturating_sub(started.elapsed());
                    let wait = if printer_has_part || to_hold_end.is_zero() {
                        self.setup.poll
                    } else {
                        self.setup.poll.min(to_hold_end)
                    };
                    self.pause(wait);
                }
            }
        };
        if let PrintOutcome::Failed { reason } = &outcome {
            tracing::warn!("{} not printed: {reason}", job.job);
        }
        let _ = self.events.send(Event::Device(DeviceEvent::Printed {
            job: job.job,
            outcome,
        }));
    }

    /// One try: status, the bytes still to send, the end marker. `Ok` carries
    /// the health after printing (paper low shows here).
    fn attempt(
        &mut self,
        job: &PrintJob,
        progress: &mut Progress,
    ) -> Result<PrinterHealth, Problem> {
        let health = self.health()?;
        if let Some(f) = health.fault() {
            return Err(Problem {
                health: of_fault(f),
                lost: false,
            });
        }
        let stop = Arc::clone(&self.stop);
        let bound = self.bound(job);
        let bytes = if progress.resend {
            &job.resend
        } else {
            &job.encoded
        };
        if progress.resend && !progress.told {
            progress.told = true;
            let _ = self
                .events
                .send(Event::Device(DeviceEvent::PrintResent { job: job.job }));
        }
        let printer = self.open()?;
        if !progress.marker {
            if let Err(e) = printer.send_from(bytes, progress.sent, &stop) {
                if let TransportError::Timeout { sent, .. } = e {
                    // The printer stopped taking bytes; it keeps the ones it took.
                    progress.sent = sent;
                }
                return Err(problem(&e));
            }
            progress.sent = bytes.bytes.len();
        }
        if !progress.marker {
            printer.send_end_marker().map_err(|e| problem(&e))?;
            progress.marker = true;
        }
        let answer = printer.wait_end_marker(bound);
        match answer {
            Ok(paper) => {
                let mut after = health;
                after.paper_near_end |= paper.near_end;
                after.paper_out |= paper.end;
                Ok(of(&after))
            }
            // The printer said what stopped it (automatic status back).
            Err(TransportError::Stopped { health, .. }) => Err(Problem {
                health: of(&health),
                lost: false,
            }),
            // A fault during the job: the next attempt's status question says
            // which, and the marker is waited for again once it clears.
            Err(TransportError::Unfinished { .. }) => {
                let health = self.health()?;
                match health.fault() {
                    Some(f) => Err(Problem {
                        health: of_fault(f),
                        lost: false,
                    }),
                    None => Err(Problem {
                        health: fault(
                            PrinterFault::Stalled,
                            format!(
                                "the printer took the ticket but did not finish it within {} s — switch it off and on",
                                bound.as_secs()
                            ),
                        ),
                        lost: false,
                    }),
                }
            }
            Err(e) => Err(problem(&e)),
        }
    }

    /// How long the end marker may take: the wire and the paper at the
    /// printer's speed, with room to spare.
    fn bound(&self, job: &PrintJob) -> Duration {
        let wire = match &self.setup.port {
            Port::Serial { line, .. } => line.wire_time(job.encoded.bytes.len()),
            Port::UsbLp { .. } => Duration::ZERO,
        };
        (wire + job.paper_time) * 3 / 2 + Duration::from_secs(1)
    }

    /// Waits, waking early when the kiosk stops.
    fn pause(&self, total: Duration) {
        let until = Instant::now() + total;
        while !self.stop.load(Ordering::Relaxed) {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            std::thread::sleep(left.min(Duration::from_millis(50)));
        }
    }
}

fn fault(fault: PrinterFault, detail: String) -> PrinterHealth {
    PrinterHealth::Fault { fault, detail }
}

/// The station's view of a printer's answers.
fn of(health: &Health) -> PrinterHealth {
    match health.fault() {
        Some(f) => of_fault(f),
        None if health.paper_near_end => PrinterHealth::PaperLow,
        None => PrinterHealth::Ready,
    }
}

fn of_fault(f: Fault) -> PrinterHealth {
    let kind = match f {
        Fault::PaperOut => PrinterFault::PaperOut,
        Fault::CoverOpen => PrinterFault::CoverOpen,
        Fault::Error { .. } | Fault::Offline => PrinterFault::Offline,
    };
    fault(kind, format!("printer {f}"))
}

/// What a transport error means for the job and for staff.
fn problem(e: &TransportError) -> Problem {
    let (kind, lost) = match e {
        TransportError::Missing(_)
        | TransportError::Vanished { .. }
        | TransportError::Gone { .. } => (PrinterFault::Unplugged, true),
        // Silence does not prove the printer lost anything (a full buffer on a
        // 3-wire line, a printer busy or switched off): resend nothing yet. If
        // it was switched off, its end marker is never answered and the job
        // ends as stalled, for staff to reprint.
        TransportError::NoAnswer { .. } => (PrinterFault::NoAnswer, false),
        TransportError::Timeout { .. } => (PrinterFault::NoAnswer, false),
        TransportError::BadReply { .. } => (PrinterFault::BadReply, false),
        TransportError::Unfinished { .. } => (PrinterFault::Stalled, false),
        TransportError::Stopped { .. } => (PrinterFault::Offline, false),
        TransportError::Permission(_)
        | TransportError::Busy(_)
        | TransportError::NoStatus(_)
        | TransportError::Abandoned { .. }
        | TransportError::Io { .. } => (PrinterFault::PortError, true),
    };
    Problem {
        health: fault(kind, e.to_string()),
        lost,
    }
}

/// The port the printer is on; `None` when there is no printer. The simulated
/// printer is reached at `sim_port` (in the data folder).
pub fn printer_port(
    settings: &crate::config::PrinterSettings,
    sim_port: &std::path::Path,
) -> Option<drivers::transport::Port> {
    match &settings.port {
        crate::config::PrinterPort::Simulated => Some(drivers::transport::Port::Serial {
            path: sim_port.to_path_buf(),
            line: settings.line,
        }),
        crate::config::PrinterPort::Serial(path) => Some(drivers::transport::Port::Serial {
            path: path.clone(),
            line: settings.line,
        }),
        crate::config::PrinterPort::UsbLp(path) => {
            Some(drivers::transport::Port::UsbLp { path: path.clone() })
        }
        crate::config::PrinterPort::None => None,
    }
}

/// The transport's settings from kiosk.toml and the printer's profile.
pub fn transport_settings(
    settings: &crate::config::PrinterSettings,
) -> drivers::transport::Settings {
    drivers::transport::Settings {
        write_timeout: settings.write_timeout,
        reply_timeout: settings.status_timeout,
        receive_buffer: settings.profile.receive_buffer as usize,
        status: settings.profile.status,
        drain_rate: settings.profile.drain_rate(),
    }
}

/// The printer worker's setup from kiosk.toml.
pub fn printer_setup(
    settings: &crate::config::PrinterSettings,
    port: drivers::transport::Port,
) -> PrinterSetup {
    PrinterSetup {
        port,
        transport: transport_settings(settings),
        hold: settings.hold,
        poll: settings.poll,
        auto_status: settings.auto_status,
    }
}

/// The simulated printer is the configured model.
pub fn sim_model(settings: &crate::config::PrinterSettings) -> board::sim::printer::Model {
    let p = &settings.profile;
    board::sim::printer::Model {
        width_dots: usize::from(p.width_dots),
        dots_per_mm: f64::from(p.dots_per_mm),
        speed_mm_s: f64::from(p.speed_mm_s),
        cut_ms: u64::from(p.cut_ms),
        receive_buffer: p.receive_buffer as usize,
        baud: settings.line.baud,
        paced: settings.sim_timing,
    }
}
