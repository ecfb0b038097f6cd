//! The virtual printer: the far side of a pseudo-terminal, behaving as a serial
//! ESC/POS printer does — including when it goes wrong.
//!
//! The kiosk opens a stable path (a symbolic link to the pseudo-terminal, as a
//! udev rule gives a real printer a stable name) through the same `serialport`
//! code it uses for `/dev/ttyUSB0`. Two threads model the printer:
//!
//! - the **receiver** takes bytes off the line no faster than the baud rate
//!   allows (10 bits a byte), into a receive buffer of the model's size; when the
//!   buffer is full it stops reading, as a printer on a 3-wire line does, and the
//!   sender's writes back up. It answers the real-time `DLE EOT n` as the bytes
//!   arrive, from the printer's true state.
//! - the **mechanism** takes bytes out of the buffer, decodes them, and prints:
//!   each line costs paper at the model's speed, each cut the cutter's time. It
//!   answers `GS r 1` once everything before it is printed, sends automatic
//!   status blocks when `GS a` asked for them, and stops while the paper is out,
//!   the cover open or the printer offline — holding what it has received.
//!
//! Each job, ended by a cut, is kept and written as `job-NNNN.bin` (raw bytes),
//! `.txt` (the paper as text), `.dump` (commands as tokens) and `.png` (a picture
//! of the paper). Numbers go on from the highest job already in the folder, so
//! a restarted kiosk never overwrites what an earlier run printed: the folder
//! is the paper that came out. Faults are injected through
//! [`VirtualPrinter::act`]; `unplug` makes the port vanish, mid-job if need be,
//! and the job in progress is lost with the printer's power, as on a real one;
//! `unplug-after-cut` pulls the cable the moment the next paper is cut, before
//! the printer answers what follows it (its end marker).

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serialport::{SerialPort, TTYPort};

use super::decode::{Decoder, Event, Page};
use super::render;
use crate::command::PrinterAction;

/// What kind of printer to be.
#[derive(Clone, Debug)]
pub struct Model {
    pub width_dots: usize,
    pub dots_per_mm: f64,
    pub speed_mm_s: f64,
    pub cut_ms: u64,
    pub receive_buffer: usize,
    pub baud: u32,
    /// Take the time a real printer takes (the wire, the paper, the cutter).
    /// Off, the printer is instant, for tests that are not about time.
    pub paced: bool,
}

impl Model {
    /// A 58 mm printer at 9600 baud with a 4 KB buffer, instant.
    pub fn instant_58mm() -> Self {
        Self {
            width_dots: 384,
            dots_per_mm: 8.0,
            speed_mm_s: 90.0,
            cut_ms: 300,
            receive_buffer: 4096,
            baud: 9600,
            paced: false,
        }
    }
}

/// One printed job as the virtual printer saw it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Job {
    /// The job's number in its folder: one more than the highest there
    /// when it was printed.
    pub number: usize,
    pub bytes: usize,
    /// The printed lines' text.
    pub lines: Vec<String>,
    /// The paper as text: lines, `[qr …]`, `[image WxH]`, `[cut partial]`.
    pub text: String,
    /// The decoded stream with commands as `<tokens>`.
    pub dump: String,
    pub cut: String,
    /// Paper used, in millimetres (rounded) and in dots.
    pub paper_mm: u32,
    pub paper_dots: u64,
    /// Where the job's `.bin`, `.txt`, `.dump` and `.png` were written (without
    /// extension).
    pub files: PathBuf,
}

/// What is wrong with the printer, as set through [`PrinterAction`].
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Faults {
    pub paper_out: bool,
    pub paper_low: bool,
    pub cover_open: bool,
    pub offline: bool,
    pub stalled: bool,
    pub wrong_baud: bool,
    /// Paper left on the roll, when a test set it (millimetres).
    pub paper_left_mm: Option<f64>,
}

impl Faults {
    /// The mechanism does not print.
    fn stopped(&self) -> bool {
        self.paper_out || self.cover_open || self.offline || self.stalled
    }

    /// Offline as the printer reports it: paper out and cover open take it
    /// offline too. A stalled printer still claims to be fine.
    fn reports_offline(&self) -> bool {
        self.paper_out || self.cover_open || self.offline
    }

    /// The answer to `DLE EOT n`.
    fn dle_eot(&self, n: u8) -> u8 {
        let bit = |on: bool, b: u8| if on { 1 << b } else { 0 };
        match n {
            1 => 0x12 | bit(self.reports_offline(), 3),
            2 => 0x12 | bit(self.cover_open, 2) | bit(self.paper_out, 5),
            4 => {
                0x12 | if self.paper_low || self.paper_out {
                    0x0c
                } else {
                    0
                } | if self.paper_out { 0x60 } else { 0 }
            }
            _ => 0x12,
        }
    }

    /// The answer to `GS r 1`: the roll-paper sensors.
    fn paper_sensor(&self) -> u8 {
        (if self.paper_low || self.paper_out {
            0x03
        } else {
            0
        }) | if self.paper_out { 0x0c } else { 0 }
    }

    /// An automatic status back block.
    fn auto_status(&self) -> [u8; 4] {
        let bit = |on: bool, b: u8| if on { 1 << b } else { 0 };
        [
            0x10 | bit(self.reports_offline(), 3) | bit(self.cover_open, 5),
            0x00,
            self.paper_sensor(),
            0x00,
        ]
    }
}

/// How many of the latest jobs the virtual printer keeps in memory (every
/// job stays in its folder as files): a station that prints all year must not
/// grow by every ticket it printed (the soak measured 0.4 MB a busy day).
pub const KEPT_JOBS: usize = 64;

struct State {
    /// The latest [`KEPT_JOBS`] jobs, oldest first.
    jobs: VecDeque<Job>,
    /// Jobs printed since the printer started.
    printed: usize,
    /// Bytes taken off the line since the printer started.
    received: usize,
    plugged: bool,
    error: Option<String>,
    buffer: VecDeque<u8>,
    faults: Faults,
    auto_status: bool,
    decoder: Decoder,
    /// Dots of paper of the job in progress.
    job_dots: u64,
    /// Status answers sent (real-time and end markers).
    answers: usize,
    /// The number the next job gets.
    next_number: usize,
    /// Pull the cable as soon as the next paper is cut.
    unplug_after_cut: bool,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    model: Model,
    out_dir: PathBuf,
    /// The stable path the kiosk opens.
    link: PathBuf,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The printer's end of the line towards the kiosk: gone (`None`) once the
/// cable is pulled, so that its descriptor closes with the others.
type Line = Mutex<Option<TTYPort>>;

struct Running {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
    /// The line towards the kiosk, for answers and noise.
    line: Arc<Line>,
}

/// A virtual ESC/POS printer on a pseudo-terminal.
pub struct VirtualPrinter {
    link: PathBuf,
    shared: Arc<Shared>,
    running: Option<Running>,
}

/// What the state command shows of the virtual printer.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Status {
    pub path: PathBuf,
    pub plugged: bool,
    pub jobs: usize,
    pub bytes_received: usize,
    /// Bytes received and not yet printed.
    pub buffered: usize,
    pub faults: Faults,
    /// Commands the printer did not understand: a test fails on any.
    pub unknown_commands: usize,
    pub answers: usize,
    pub last_job: Option<Job>,
    pub error: Option<String>,
}

impl VirtualPrinter {
    /// Starts a printer reachable at `link`, writing jobs into `out_dir`.
    pub fn start(link: &Path, out_dir: &Path, model: Model) -> io::Result<Self> {
        std::fs::create_dir_all(out_dir)?;
        let next_number = highest_job(out_dir)? + 1;
        let mut printer = Self {
            link: link.to_path_buf(),
            shared: Arc::new(Shared {
                state: Mutex::new(State {
                    jobs: VecDeque::new(),
                    printed: 0,
                    received: 0,
                    plugged: false,
                    error: None,
                    buffer: VecDeque::new(),
                    faults: Faults::default(),
                    auto_status: false,
                    decoder: Decoder::default(),
                    job_dots: 0,
                    answers: 0,
                    next_number,
                    unplug_after_cut: false,
                }),
                changed: Condvar::new(),
                model,
                out_dir: out_dir.to_path_buf(),
                link: link.to_path_buf(),
            }),
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
        // The mechanism may have pulled its own cable (`unplug-after-cut`).
        if self
            .running
            .as_ref()
            .is_some_and(|r| r.stop.load(Ordering::Relaxed))
        {
            self.unplug();
        }
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
            .set_timeout(Duration::from_millis(20))
            .map_err(io::Error::other)?;
        let line = Arc::new(Mutex::new(Some(
            master.try_clone_native().map_err(io::Error::other)?,
        )));

        let stop = Arc::new(AtomicBool::new(false));
        self.shared.lock().plugged = true;
        let receiver = {
            let (shared, stop, line) = (
                Arc::clone(&self.shared),
                Arc::clone(&stop),
                Arc::clone(&line),
            );
            std::thread::Builder::new()
                .name("virtual-printer-rx".into())
                .spawn(move || {
                    // The slave end stays open here so that the master never sees
                    // a hang-up between the kiosk's jobs.
                    let _slave = slave;
                    receive(&mut master, &shared, &stop, &line);
                })?
        };
        let mechanism = {
            let (shared, stop, line) = (
                Arc::clone(&self.shared),
                Arc::clone(&stop),
                Arc::clone(&line),
            );
            std::thread::Builder::new()
                .name("virtual-printer".into())
                .spawn(move || print(&shared, &stop, &line))?
        };
        self.running = Some(Running {
            stop,
            threads: vec![receiver, mechanism],
            line,
        });
        self.shared.changed.notify_all();
        Ok(())
    }

    /// Pulls the cable: the port and its path disappear, and the job in progress
    /// is lost with the printer's power. Stored logos stay (non-volatile).
    pub fn unplug(&mut self) {
        if let Some(running) = self.running.take() {
            running.stop.store(true, Ordering::Relaxed);
            self.shared.changed.notify_all();
            for t in running.threads {
                let _ = t.join();
            }
        }
        let _ = std::fs::remove_file(&self.link);
        let mut s = self.shared.lock();
        s.plugged = false;
        s.buffer.clear();
        s.decoder.reset();
        s.job_dots = 0;
        s.auto_status = false;
        drop(s);
        self.shared.changed.notify_all();
    }

    /// Does what a technician, a citizen or bad luck does to the printer.
    pub fn act(&mut self, action: PrinterAction) -> io::Result<()> {
        let set = |f: &dyn Fn(&mut Faults)| {
            let mut s = self.shared.lock();
            f(&mut s.faults);
        };
        match action {
            PrinterAction::Unplug => {
                self.unplug();
                return Ok(());
            }
            PrinterAction::Plug => return self.plug(),
            PrinterAction::UnplugAfterCut => {
                self.shared.lock().unplug_after_cut = true;
                return Ok(());
            }
            PrinterAction::PaperOut => set(&|f| f.paper_out = true),
            PrinterAction::PaperLow => set(&|f| f.paper_low = true),
            PrinterAction::PaperEndIn(mm) => set(&|f| f.paper_left_mm = Some(f64::from(mm))),
            PrinterAction::PaperLoad => set(&|f| {
                f.paper_out = false;
                f.paper_low = false;
                f.paper_left_mm = None;
            }),
            PrinterAction::CoverOpen => set(&|f| f.cover_open = true),
            PrinterAction::CoverClose => set(&|f| f.cover_open = false),
            PrinterAction::Offline => set(&|f| f.offline = true),
            PrinterAction::Online => set(&|f| f.offline = false),
            PrinterAction::Stall(on) => set(&|f| f.stalled = on),
            PrinterAction::WrongBaud(on) => set(&|f| f.wrong_baud = on),
            PrinterAction::Garbage => {
                if let Some(running) = &self.running {
                    let noise: Vec<u8> = (0u8..32).map(|i| i.wrapping_mul(37) | 0x81).collect();
                    send(&running.line, &noise);
                }
                return Ok(());
            }
        }
        self.status_changed();
        Ok(())
    }

    /// After a fault changes: wake the mechanism, and tell the kiosk when it asked
    /// for automatic status.
    fn status_changed(&self) {
        if let Some(running) = &self.running {
            tell_status(self.shared.lock(), &running.line);
        }
        self.shared.changed.notify_all();
    }

    /// The jobs printed so far, oldest first: all of them, or the latest
    /// [`KEPT_JOBS`] once more were printed (the rest are files in the
    /// jobs folder; [`Status::jobs`] counts them all).
    pub fn jobs(&self) -> Vec<Job> {
        self.shared.lock().jobs.iter().cloned().collect()
    }

    /// Waits until at least `n` jobs are printed; false on timeout.
    pub fn wait_for_jobs(&self, n: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut state = self.shared.lock();
        while state.printed < n {
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
        let s = self.shared.lock();
        Status {
            path: self.link.clone(),
            plugged: s.plugged,
            jobs: s.printed,
            bytes_received: s.received,
            buffered: s.buffer.len(),
            faults: s.faults,
            unknown_commands: s.decoder.unknown(),
            answers: s.answers,
            last_job: s.jobs.back().cloned(),
            error: s.error.clone(),
        }
    }
}

impl Drop for VirtualPrinter {
    fn drop(&mut self) {
        self.unplug();
    }
}

/// Writes towards the kiosk; a line that is gone takes nothing.
fn send(line: &Line, bytes: &[u8]) {
    let mut line = line.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(line) = line.as_mut() {
        let _ = line.write_all(bytes);
        let _ = line.flush();
    }
}

/// Sends an automatic status block with the printer's state, when the kiosk
/// asked for them. The lock is released before writing to the line.
fn tell_status(state: MutexGuard<'_, State>, line: &Line) {
    let block = state.auto_status.then(|| state.faults.auto_status());
    let wrong = state.faults.wrong_baud;
    drop(state);
    if let Some(block) = block {
        send(line, &mangle(&block, wrong));
    }
}

/// What a printer set to another baud rate seems to answer: the fixed bits are
/// wrong.
fn mangle(bytes: &[u8], wrong_baud: bool) -> Vec<u8> {
    if wrong_baud {
        bytes.iter().map(|b| b ^ 0x81).collect()
    } else {
        bytes.to_vec()
    }
}

/// The receiver: line → receive buffer, at the baud rate, answering `DLE EOT n`
/// on arrival.
fn receive(master: &mut TTYPort, shared: &Shared, stop: &AtomicBool, line: &Line) {
    let model = &shared.model;
    let bytes_per_s = f64::from(model.baud) / 10.0;
    // At most 10 ms of the wire per read, so that pacing is smooth.
    let most = ((bytes_per_s / 100.0) as usize).clamp(1, 1024);
    let mut buf = vec![0u8; most];
    let mut realtime: Vec<u8> = Vec::with_capacity(3);
    let mut wire = WireClock::new(bytes_per_s);
    while !stop.load(Ordering::Relaxed) {
        let room = {
            let mut s = shared.lock();
            while s.buffer.len() >= model.receive_buffer && !stop.load(Ordering::Relaxed) {
                // Full: stop taking bytes off the line, as a 3-wire printer does.
                s = shared
                    .changed
                    .wait_timeout(s, Duration::from_millis(50))
                    .unwrap_or_else(|e| e.into_inner())
                    .0;
            }
            model.receive_buffer - s.buffer.len().min(model.receive_buffer)
        };
        if room == 0 {
            continue;
        }
        let want = room.min(most);
        match master.read(&mut buf[..want]) {
            Ok(0) => continue,
            Ok(n) => {
                if model.paced {
                    wire.take(n);
                }
                let mut answers = Vec::new();
                let mut s = shared.lock();
                for &b in &buf[..n] {
                    realtime.push(b);
                    match realtime.as_slice() {
                        [0x10] | [0x10, 0x04] => {}
                        [0x10, 0x04, k @ 1..=4] => {
                            answers.push(s.faults.dle_eot(*k));
                            realtime.clear();
                        }
                        _ => {
                            realtime.clear();
                            if b == 0x10 {
                                realtime.push(b);
                            }
                        }
                    }
                }
                s.received += n;
                s.buffer.extend(&buf[..n]);
                s.answers += answers.len();
                let wrong = s.faults.wrong_baud;
                drop(s);
                shared.changed.notify_all();
                if !answers.is_empty() {
                    send(line, &mangle(&answers, wrong));
                }
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::TimedOut
                        | io::ErrorKind::WouldBlock
                        | io::ErrorKind::Interrupted
                ) => {}
            Err(e) => {
                shared.lock().error = Some(format!("virtual printer stopped reading: {e}"));
                break;
            }
        }
    }
}

/// Bytes arrive no faster than the wire carries them.
struct WireClock {
    start: Instant,
    bytes: f64,
    per_s: f64,
}

impl WireClock {
    fn new(per_s: f64) -> Self {
        Self {
            start: Instant::now(),
            bytes: 0.0,
            per_s,
        }
    }

    /// `n` bytes came off the line: wait until the wire could have carried them.
    fn take(&mut self, n: usize) {
        let now = Instant::now();
        // An idle line does not bank time for later.
        let due = self.start + Duration::from_secs_f64(self.bytes / self.per_s);
        if due < now {
            self.start = now;
            self.bytes = 0.0;
        }
        self.bytes += n as f64;
        let due = self.start + Duration::from_secs_f64(self.bytes / self.per_s);
        std::thread::sleep(due.saturating_duration_since(Instant::now()));
    }
}

/// The mechanism: receive buffer → paper.
fn print(shared: &Shared, stop: &AtomicBool, line: &Line) {
    let model = &shared.model;
    loop {
        let mut s = shared.lock();
        while !stop.load(Ordering::Relaxed) && (s.buffer.is_empty() || s.faults.stopped()) {
            s = shared
                .changed
                .wait_timeout(s, Duration::from_millis(50))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let Some(byte) = s.buffer.pop_front() else {
            continue;
        };
        let pages = s.decoder.feed(&[byte]);
        let events = s.decoder.take_events();
        drop(s);
        shared.changed.notify_all();

        let mut delay = Duration::ZERO;
        for event in events {
            match event {
                Event::Line { dots } => {
                    let mm = f64::from(dots) / model.dots_per_mm;
                    delay += Duration::from_secs_f64(mm / model.speed_mm_s);
                    let mut s = shared.lock();
                    s.job_dots += u64::from(dots);
                    if let Some(left) = s.faults.paper_left_mm.as_mut() {
                        *left -= mm;
                        if *left <= 0.0 {
                            s.faults.paper_left_mm = None;
                            s.faults.paper_out = true;
                            s.faults.paper_low = true;
                            tell_status(s, line);
                        }
                    }
                }
                Event::Cut => delay += Duration::from_millis(model.cut_ms),
                Event::StatusRequest(n) => {
                    if model.paced {
                        std::thread::sleep(std::mem::take(&mut delay));
                    }
                    let mut s = shared.lock();
                    let answer = if matches!(n, 1 | 49) {
                        s.faults.paper_sensor()
                    } else {
                        0x00
                    };
                    s.answers += 1;
                    let wrong = s.faults.wrong_baud;
                    drop(s);
                    send(line, &mangle(&[answer], wrong));
                }
                Event::AutoStatus(n) => {
                    let mut s = shared.lock();
                    s.auto_status = n != 0;
                    tell_status(s, line);
                }
            }
        }
        if model.paced && !delay.is_zero() {
            std::thread::sleep(delay);
        }
        for page in pages {
            let mut s = shared.lock();
            let number = s.next_number;
            s.next_number += 1;
            let dots = std::mem::take(&mut s.job_dots);
            drop(s);
            let saved = save(&page, number, dots, model, &shared.out_dir);
            let pull = shared.lock().unplug_after_cut;
            if pull {
                // The paper is out; the cable goes before anything after it
                // is answered. Both threads stop and the pseudo-terminal
                // closes, as the port of an unplugged adapter does.
                stop.store(true, Ordering::Relaxed);
                line.lock().unwrap_or_else(|e| e.into_inner()).take();
                let _ = std::fs::remove_file(&shared.link);
            }
            // The job and the pulled cable are seen together: whoever
            // waits for the job finds the printer unplugged already.
            let mut s = shared.lock();
            match saved {
                Ok(job) => {
                    if s.jobs.len() == KEPT_JOBS {
                        s.jobs.pop_front();
                    }
                    s.jobs.push_back(job);
                    s.printed += 1;
                }
                Err(e) => {
                    s.error = Some(format!(
                        "cannot write job {number} into {}: {e}",
                        shared.out_dir.display()
                    ))
                }
            }
            if pull {
                s.unplug_after_cut = false;
                s.plugged = false;
                s.buffer.clear();
                s.decoder.reset();
                s.job_dots = 0;
                s.auto_status = false;
            }
            drop(s);
            shared.changed.notify_all();
            if pull {
                return;
            }
        }
    }
}

/// The highest job number already in `dir` (0 when there is none).
fn highest_job(dir: &Path) -> io::Result<usize> {
    let mut highest = 0;
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name();
        let number = name
            .to_str()
            .and_then(|n| n.strip_prefix("job-"))
            .and_then(|n| n.split('.').next())
            .and_then(|n| n.parse::<usize>().ok());
        if let Some(n) = number {
            highest = highest.max(n);
        }
    }
    Ok(highest)
}

fn save(page: &Page, number: usize, dots: u64, model: &Model, out_dir: &Path) -> io::Result<Job> {
    let files = out_dir.join(format!("job-{number:04}"));
    let text = page.text();
    std::fs::write(files.with_extension("bin"), &page.bytes)?;
    std::fs::write(files.with_extension("txt"), &text)?;
    std::fs::write(files.with_extension("dump"), &page.dump)?;
    render::draw(&page.lines, model.width_dots)?.write_png(&files.with_extension("png"))?;
    Ok(Job {
        number,
        bytes: page.bytes.len(),
        lines: page
            .lines
            .iter()
            .map(|l| l.text())
            .filter(|t| !t.is_empty())
            .collect(),
        text,
        dump: page.dump.clone(),
        cut: page.cut.clone(),
        paper_mm: (dots as f64 / model.dots_per_mm).round() as u32,
        paper_dots: dots,
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(path: &Path) -> Box<dyn SerialPort> {
        serialport::new(path.to_string_lossy(), 9600)
            .timeout(Duration::from_secs(2))
            .open()
            .unwrap()
    }

    fn ask(port: &mut Box<dyn SerialPort>, request: &[u8]) -> u8 {
        port.write_all(request).unwrap();
        let mut answer = [0u8; 1];
        port.read_exact(&mut answer).unwrap();
        answer[0]
    }

    fn printer(dir: &Path, model: Model) -> VirtualPrinter {
        VirtualPrinter::start(&dir.join("printer.tty"), &dir.join("jobs"), model).unwrap()
    }

    #[test]
    fn jobs_arrive_as_files_and_the_port_can_vanish() {
        let dir = tempfile::tempdir().unwrap();
        let mut printer = printer(dir.path(), Model::instant_58mm());
        let link = printer.path().to_path_buf();
        let mut port = open(&link);
        port.write_all(b"\x1b@\x1c&\xba\xc5A001\n\x1dVA\x03")
            .unwrap();
        assert!(printer.wait_for_jobs(1, Duration::from_secs(5)));
        let job = &printer.jobs()[0];
        assert_eq!(job.lines, ["号A001"]);
        assert_eq!(
            std::fs::read_to_string(job.files.with_extension("txt")).unwrap(),
            "号A001\n[cut full]\n"
        );
        assert_eq!(
            std::fs::read_to_string(job.files.with_extension("dump")).unwrap(),
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
        assert_eq!(printer.status().unknown_commands, 0);
    }

    #[test]
    fn a_printer_that_prints_all_year_keeps_only_its_latest_jobs_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let printer = printer(dir.path(), Model::instant_58mm());
        let mut port = open(printer.path());
        let total = KEPT_JOBS + 3;
        for n in 1..=total {
            port.write_all(format!("A{n:03}\n\x1dVB\x00").as_bytes())
                .unwrap();
        }
        assert!(printer.wait_for_jobs(total, Duration::from_secs(20)));
        let kept = printer.jobs();
        assert_eq!(kept.len(), KEPT_JOBS);
        assert_eq!(kept[0].lines, ["A004"], "the oldest went first");
        assert_eq!(printer.status().jobs, total, "every job is counted");
        let last = printer.status().last_job.unwrap();
        assert_eq!(last.lines, [format!("A{total:03}")]);
        // Every job is still a file.
        assert!(dir.path().join("jobs/job-0001.txt").exists());
        assert!(last.files.with_extension("txt").exists());
    }

    #[test]
    fn a_restarted_printer_numbers_on_and_never_overwrites_a_job() {
        let dir = tempfile::tempdir().unwrap();
        for (run, expected) in [(1, "job-0001"), (2, "job-0002")] {
            let printer = printer(dir.path(), Model::instant_58mm());
            let mut port = open(printer.path());
            port.write_all(format!("run {run}\n\x1dVB\x00").as_bytes())
                .unwrap();
            assert!(printer.wait_for_jobs(1, Duration::from_secs(5)));
            let job = &printer.jobs()[0];
            assert_eq!(job.files.file_name().unwrap(), expected);
            drop(port);
            drop(printer);
        }
        let first = std::fs::read_to_string(dir.path().join("jobs/job-0001.txt")).unwrap();
        assert!(first.starts_with("run 1"), "{first}");
    }

    #[test]
    fn unplugged_after_the_cut_the_paper_is_out_and_its_end_marker_never_answered() {
        let dir = tempfile::tempdir().unwrap();
        let mut printer = printer(dir.path(), Model::instant_58mm());
        let link = printer.path().to_path_buf();
        let mut port = open(&link);
        printer.act(PrinterAction::UnplugAfterCut).unwrap();
        port.write_all(b"A001\n\x1dVB\x00\x1dr\x01").unwrap();
        assert!(printer.wait_for_jobs(1, Duration::from_secs(5)));
        assert_eq!(printer.jobs()[0].lines, ["A001"]);
        // The answer never comes: the line is gone.
        let mut answer = [0u8; 1];
        let read = port.read(&mut answer);
        assert!(
            !matches!(read, Ok(1)),
            "answered {answer:?} after the cable was pulled"
        );
        assert!(!printer.status().plugged);
        assert!(!link.exists());
        // Plugged again, it prints as before.
        printer.act(PrinterAction::Plug).unwrap();
        let mut port = open(&link);
        port.write_all(b"A002\n\x1dVB\x00").unwrap();
        assert!(printer.wait_for_jobs(2, Duration::from_secs(5)));
    }

    #[test]
    fn status_answers_tell_the_truth() {
        let dir = tempfile::tempdir().unwrap();
        let mut printer = printer(dir.path(), Model::instant_58mm());
        let mut port = open(printer.path());
        assert_eq!(ask(&mut port, b"\x10\x04\x01"), 0x12, "online");
        assert_eq!(ask(&mut port, b"\x10\x04\x04"), 0x12, "paper adequate");
        printer.act(PrinterAction::PaperLow).unwrap();
        assert_eq!(ask(&mut port, b"\x10\x04\x04"), 0x1e, "near end");
        printer.act(PrinterAction::CoverOpen).unwrap();
        assert_eq!(ask(&mut port, b"\x10\x04\x01"), 0x1a, "offline");
        assert_eq!(
            ask(&mut port, b"\x10\x04\x02"),
            0x16,
            "because the cover is open"
        );
        printer.act(PrinterAction::CoverClose).unwrap();
        printer.act(PrinterAction::PaperOut).unwrap();
        assert_eq!(ask(&mut port, b"\x10\x04\x02"), 0x32, "paper end stop");
        assert_eq!(ask(&mut port, b"\x10\x04\x04"), 0x7e);
        // While out of paper, a job waits in the buffer and GS r 1 is not answered.
        port.write_all(b"A001\n\x1dr\x01").unwrap();
        assert_eq!(
            ask(&mut port, b"\x10\x04\x01"),
            0x1a,
            "real-time answers still come"
        );
        assert_eq!(printer.status().jobs, 0);
        printer.act(PrinterAction::PaperLoad).unwrap();
        let mut answer = [0u8; 1];
        port.read_exact(&mut answer).unwrap();
        assert_eq!(answer[0], 0x00, "printed, paper adequate");
        printer.act(PrinterAction::WrongBaud(true)).unwrap();
        assert_eq!(ask(&mut port, b"\x10\x04\x01") & 0x93, 0x93, "mangled");
    }

    #[test]
    fn paper_running_out_mid_ticket_holds_the_rest_until_a_new_roll() {
        let dir = tempfile::tempdir().unwrap();
        let mut printer = printer(dir.path(), Model::instant_58mm());
        let mut port = open(printer.path());
        // Each line is 30 dots = 3.75 mm: the roll ends during the third line.
        printer.act(PrinterAction::PaperEndIn(10.0)).unwrap();
        port.write_all(b"1\n2\n3\n4\n5\n\x1dr\x01\x1dVB\x00")
            .unwrap();
        // The printer goes offline by itself.
        let deadline = Instant::now() + Duration::from_secs(5);
        while ask(&mut port, b"\x10\x04\x01") != 0x1a {
            assert!(Instant::now() < deadline, "the paper never ran out");
        }
        assert!(printer.status().buffered > 0, "the rest is held");
        printer.act(PrinterAction::PaperLoad).unwrap();
        assert!(printer.wait_for_jobs(1, Duration::from_secs(5)));
        assert_eq!(printer.jobs()[0].lines, ["1", "2", "3", "4", "5"]);
    }

    #[test]
    fn a_full_buffer_stops_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let model = Model {
            receive_buffer: 64,
            ..Model::instant_58mm()
        };
        let mut printer = printer(dir.path(), model);
        printer.act(PrinterAction::Stall(true)).unwrap();
        let mut port = serialport::new(printer.path().to_string_lossy(), 9600)
            .timeout(Duration::from_millis(300))
            .open()
            .unwrap();
        // The kernel's buffers fill behind the printer's: writes stop being taken.
        let chunk = [b'x'; 1024];
        let mut written = 0;
        while written < 1 << 20 {
            match port.write(&chunk) {
                Ok(n) => written += n,
                Err(_) => break,
            }
        }
        assert!(written < 1 << 20, "the line never stopped");
        assert_eq!(printer.status().buffered, 64);
        // A stalled printer still says it is fine: only the end marker tells.
        assert!(printer.status().faults.stalled);
    }

    #[test]
    fn a_paced_printer_takes_the_wire_and_the_paper_time() {
        let dir = tempfile::tempdir().unwrap();
        let model = Model {
            paced: true,
            baud: 115_200,
            ..Model::instant_58mm()
        };
        let printer = printer(dir.path(), model);
        let mut port = open(printer.path());
        // 24 empty lines of 30 dots = 90 mm = 1 s at 90 mm/s, and a 300 ms cut.
        let started = Instant::now();
        port.write_all(&[b'\n'; 24]).unwrap();
        port.write_all(b"\x1dVB\x00\x1dr\x01").unwrap();
        let mut answer = [0u8; 1];
        port.read_exact(&mut answer).unwrap();
        let took = started.elapsed();
        // Never faster than the physics; how close it comes is measured by the
        // delivery benchmark, not asserted here.
        assert!(took >= Duration::from_millis(1300), "{took:?}");
        assert_eq!(printer.jobs()[0].paper_mm, 90);
    }
}
