//! The virtual printer: the far side of a pseudo-terminal, reading what the kiosk
//! sends exactly as a serial printer would receive it.
//!
//! The kiosk opens a stable path (a symbolic link to the pseudo-terminal, as a
//! udev rule gives a real printer a stable name) through the same `serialport`
//! code it uses for `/dev/ttyUSB0`. Each job, ended by a cut, is kept and written
//! as `job-NNNN.bin` (raw bytes), `.txt` (decoded text with commands as tokens)
//! and `.png` (a picture of the paper). `unplug` makes the port vanish, mid-job if
//! need be, the way a pulled USB cable does.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::Serialize;
use serialport::{SerialPort, TTYPort};

use super::decode::{Decoder, Page};
use super::render;

/// One printed job as the virtual printer saw it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Job {
    /// 1 for the first job since the printer started.
    pub number: usize,
    pub bytes: usize,
    /// The printed lines' text.
    pub lines: Vec<String>,
    /// The decoded stream with commands as `<tokens>`.
    pub dump: String,
    pub cut: String,
    /// Where the job's `.bin`, `.txt` and `.png` were written (without extension).
    pub files: PathBuf,
}

#[derive(Default)]
struct State {
    jobs: Vec<Job>,
    received: usize,
    plugged: bool,
    error: Option<String>,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

struct Running {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

/// A virtual ESC/POS printer on a pseudo-terminal.
pub struct VirtualPrinter {
    link: PathBuf,
    out_dir: PathBuf,
    width: usize,
    shared: Arc<Shared>,
    running: Option<Running>,
}

/// What the state command shows of the virtual printer.
#[derive(Clone, Debug, Serialize)]
pub struct Status {
    pub path: PathBuf,
    pub plugged: bool,
    pub jobs: usize,
    pub bytes_received: usize,
    pub last_job: Option<Job>,
    pub error: Option<String>,
}

impl VirtualPrinter {
    /// Starts a printer reachable at `link`, writing jobs into `out_dir`, printing
    /// `width` dots wide.
    pub fn start(link: &Path, out_dir: &Path, width: usize) -> io::Result<Self> {
        std::fs::create_dir_all(out_dir)?;
        let mut printer = Self {
            link: link.to_path_buf(),
            out_dir: out_dir.to_path_buf(),
            width,
            shared: Arc::default(),
            running: None,
        };
        printer.plug()?;
        Ok(printer)
    }

    /// The path the kiosk opens.
    pub fn path(&self) -> &Path {
        &self.link
    }

    /// Connects the printer: a fresh pseudo-terminal behind the stable path.
    pub fn plug(&mut self) -> io::Result<()> {
        if self.running.is_some() {
            return Ok(());
        }
        let (mut master, slave) = TTYPort::pair().map_err(io::Error::other)?;
        let name = slave
            .name()
            .ok_or_else(|| io::Error::other("the pseudo-terminal has no name"))?;
        // Replace the link atomically so the kiosk never sees a half-made one.
        let tmp = self.link.with_extension("new");
        let _ = std::fs::remove_file(&tmp);
        std::os::unix::fs::symlink(&name, &tmp)?;
        std::fs::rename(&tmp, &self.link)?;
        master
            .set_timeout(Duration::from_millis(50))
            .map_err(io::Error::other)?;

        let stop = Arc::new(AtomicBool::new(false));
        let shared = Arc::clone(&self.shared);
        let out_dir = self.out_dir.clone();
        let width = self.width;
        let thread_stop = Arc::clone(&stop);
        shared
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .plugged = true;
        let thread = std::thread::Builder::new()
            .name("virtual-printer".into())
            .spawn(move || {
                // The slave end stays open here so that the master never sees a
                // hang-up between the kiosk's jobs.
                let _slave = slave;
                read_loop(&mut master, &thread_stop, &shared, &out_dir, width);
            })?;
        self.running = Some(Running { stop, thread });
        self.shared.changed.notify_all();
        Ok(())
    }

    /// Pulls the cable: the port and its path disappear.
    pub fn unplug(&mut self) {
        if let Some(running) = self.running.take() {
            running.stop.store(true, Ordering::Relaxed);
            let _ = running.thread.join();
        }
        let _ = std::fs::remove_file(&self.link);
        self.lock().plugged = false;
        self.shared.changed.notify_all();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.shared.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Jobs printed so far.
    pub fn jobs(&self) -> Vec<Job> {
        self.lock().jobs.clone()
    }

    /// Waits until at least `n` jobs are printed; false on timeout.
    pub fn wait_for_jobs(&self, n: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut state = self.lock();
        while state.jobs.len() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            state = self
                .shared
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        true
    }

    pub fn status(&self) -> Status {
        let s = self.lock();
        Status {
            path: self.link.clone(),
            plugged: s.plugged,
            jobs: s.jobs.len(),
            bytes_received: s.received,
            last_job: s.jobs.last().cloned(),
            error: s.error.clone(),
        }
    }
}

impl Drop for VirtualPrinter {
    fn drop(&mut self) {
        self.unplug();
    }
}

fn read_loop(
    master: &mut TTYPort,
    stop: &AtomicBool,
    shared: &Shared,
    out_dir: &Path,
    width: usize,
) {
    let mut decoder = Decoder::default();
    let mut buf = [0u8; 1024];
    while !stop.load(Ordering::Relaxed) {
        match master.read(&mut buf) {
            Ok(0) => continue,
            Ok(n) => {
                let pages = decoder.feed(&buf[..n]);
                let mut state = shared.state.lock().unwrap_or_else(|e| e.into_inner());
                state.received += n;
                for page in pages {
                    let number = state.jobs.len() + 1;
                    match save(&page, number, out_dir, width) {
                        Ok(job) => state.jobs.push(job),
                        Err(e) => {
                            state.error = Some(format!(
                                "cannot write job {number} into {}: {e}",
                                out_dir.display()
                            ))
                        }
                    }
                }
                drop(state);
                shared.changed.notify_all();
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::TimedOut
                        | io::ErrorKind::WouldBlock
                        | io::ErrorKind::Interrupted
                ) => {}
            Err(e) => {
                shared.state.lock().unwrap_or_else(|e| e.into_inner()).error =
                    Some(format!("virtual printer stopped reading: {e}"));
                break;
            }
        }
    }
}

fn save(page: &Page, number: usize, out_dir: &Path, width: usize) -> io::Result<Job> {
    let files = out_dir.join(format!("job-{number:04}"));
    std::fs::write(files.with_extension("bin"), &page.bytes)?;
    std::fs::write(files.with_extension("txt"), &page.dump)?;
    render::draw(&page.lines, width)?.write_png(&files.with_extension("png"))?;
    Ok(Job {
        number,
        bytes: page.bytes.len(),
        lines: page
            .lines
            .iter()
            .map(|l| l.text())
            .filter(|t| !t.is_empty())
            .collect(),
        dump: page.dump.clone(),
        cut: page.cut.clone(),
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn open(path: &Path) -> Box<dyn SerialPort> {
        serialport::new(path.to_string_lossy(), 9600)
            .timeout(Duration::from_secs(2))
            .open()
            .unwrap()
    }

    #[test]
    fn jobs_arrive_as_files_and_the_port_can_vanish() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("printer.tty");
        let mut printer = VirtualPrinter::start(&link, &dir.path().join("jobs"), 384).unwrap();
        let mut port = open(&link);
        port.write_all(b"\x1b@\x1c&\xba\xc5A001\n\x1dVA\x03")
            .unwrap();
        assert!(printer.wait_for_jobs(1, Duration::from_secs(5)));
        let job = &printer.jobs()[0];
        assert_eq!(job.lines, ["号A001"]);
        assert_eq!(
            std::fs::read_to_string(job.files.with_extension("txt")).unwrap(),
            "<init><chinese on>号A001\n<cut full>"
        );
        assert!(job.files.with_extension("png").exists());

        printer.unplug();
        assert!(!link.exists(), "the path vanishes with the cable");
        assert!(
            port.write_all(b"more").and_then(|_| port.flush()).is_err(),
            "writes fail once unplugged"
        );
        printer.plug().unwrap();
        let mut port = open(&link);
        port.write_all(b"again\n\x1dVB\x00").unwrap();
        assert!(printer.wait_for_jobs(2, Duration::from_secs(5)));
        assert_eq!(printer.status().jobs, 2);
    }
}
