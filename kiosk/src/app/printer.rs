//! The printer worker: a thread that sends encoded tickets to the port, one job at
//! a time, and reports each outcome back to the station loop as an event.
//!
//! It keeps the port open between jobs and reopens it after a failure, so a
//! printer that comes back (cable replugged) is used again without a restart.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use drivers::transport::{Port, Printer};
use tokio::sync::mpsc::UnboundedSender;

use super::Event;
use crate::domain::{PrintOutcome, TicketCode};

/// One ticket to print.
pub struct PrintJob {
    pub ticket: TicketCode,
    pub bytes: Vec<u8>,
}

/// Handle to the worker thread.
pub struct PrinterWorker {
    jobs: Option<mpsc::Sender<PrintJob>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl PrinterWorker {
    pub fn start(
        port: Port,
        timeout: Duration,
        events: UnboundedSender<Event>,
    ) -> std::io::Result<Self> {
        let (tx, rx) = mpsc::channel::<PrintJob>();
        let stop = Arc::new(AtomicBool::new(false));
        let thread_stop = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("printer".into())
            .spawn(move || {
                let mut printer: Option<Printer> = None;
                for job in rx {
                    let outcome = print(&port, timeout, &mut printer, &job.bytes, &thread_stop);
                    if let PrintOutcome::Failed { reason } = &outcome {
                        tracing::warn!("ticket {} not printed: {reason}", job.ticket);
                    }
                    let _ = events.send(Event::Printed {
                        ticket: job.ticket,
                        outcome,
                    });
                }
                let _ = events.send(Event::PrinterStopped);
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
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
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

fn print(
    port: &Port,
    timeout: Duration,
    printer: &mut Option<Printer>,
    bytes: &[u8],
    stop: &AtomicBool,
) -> PrintOutcome {
    if printer.is_none() {
        match Printer::open(port, timeout) {
            Ok(p) => *printer = Some(p),
            Err(e) => {
                return PrintOutcome::Failed {
                    reason: e.to_string(),
                };
            }
        }
    }
    let Some(p) = printer.as_mut() else {
        return PrintOutcome::Failed {
            reason: "the printer is not open".into(),
        };
    };
    match p.send(bytes, stop) {
        Ok(()) => PrintOutcome::Printed {
            bytes: bytes.len() as u32,
        },
        Err(e) => {
            // Reopen next time: the port may have vanished and come back.
            *printer = None;
            PrintOutcome::Failed {
                reason: e.to_string(),
            }
        }
    }
}
