//! Call key → first sample of the call written to the WAV file on the
//! simulated board, and the gaps between the clips of whole announcements.
//!
//! The real path from the keypad onwards: `Event::Input` with window 1's call
//! key enters the station loop, the domain decides, the single writer commits
//! to a real SQLite file with `synchronous=FULL`, the call is handed to the
//! player, which renders it from the built-in Mandarin set and writes its
//! first 100 ms to `voice/NNNN.wav` (written and flushed); the clock stops
//! when that write returns. Each round issues a ticket, calls it with the
//! speaker silent, and stops the call once it has begun (a call waits for the
//! one playing, by design: the bar is the silent speaker's). Then whole
//! calls are played in Mandarin and English (`cmn` then `en`) at real time:
//! the gaps between the clips of a sentence are measured in the WAVs (runs of
//! 5 ms frames below −50 dBFS across each boundary), and how far ahead of
//! the listener the player stayed (a speaker starves, and a gap opens, when
//! that falls to zero). Run: `cargo bench -p kiosk --bench voice_latency
//! [-- N]`.

mod support;

use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use board::{Input, StaffKey};
use kiosk::app::{CitizenEvent, Core, DeviceEvent, Event, ProbeEvent};
use kiosk::app::{StaffEvent, VoiceControl};
use kiosk::config::Config;
use kiosk::domain::{Actor, Station};
use kiosk::store::Store;
use kiosk::voice::{Setup, Sink, Source, WavSink, check};
use support::NoScreen;

/// The WAV sink, noting when each announcement's first samples are written
/// and, for every write, how far ahead of real time it was.
struct TimedSink {
    wav: WavSink,
    first: Sender<Instant>,
    begun: Option<(Instant, u64)>,
    /// The least lead seen, in ms.
    least_lead: Arc<Mutex<f64>>,
}

impl Sink for TimedSink {
    fn describe(&self) -> String {
        self.wav.describe()
    }
    fn begin(&mut self, rate: u32) -> Result<Option<String>, String> {
        self.begun = None;
        let file = self.wav.begin(rate)?;
        self.begun = Some((Instant::now(), 0));
        Ok(file)
    }
    fn write(&mut self, samples: &[i16]) -> Result<(), String> {
        self.wav.write(samples)?;
        let now = Instant::now();
        if let Some((start, written)) = &mut self.begun {
            if *written == 0 {
                let _ = self.first.send(now);
            }
            // The lead before this write: what was written so far, less
            // the time gone (once the first 100 ms burst is out).
            let heard = now.duration_since(*start).as_secs_f64() * 1000.0;
            let lead = *written as f64 / 16.0 - heard;
            if *written >= 1600 {
                let mut least = self.least_lead.lock().unwrap();
                *least = least.min(lead);
            }
            *written += samples.len() as u64;
        }
        Ok(())
    }
    fn end(&mut self, cut: bool) -> Result<(), String> {
        self.wav.end(cut)
    }
}

fn main() {
    let n = support::rounds().min(400);
    let runtime = support::runtime();
    let dir = support::database_dir();
    let config = Config::builtin().expect("the built-in config");
    let store = Store::open(&dir.path().join("kiosk.db"), &config.store).expect("the database");
    let voice_dir = dir.path().join("voice");
    let (first_tx, first_rx) = channel();
    let least_lead = Arc::new(Mutex::new(f64::MAX));
    let sink = TimedSink {
        wav: WavSink::new(&voice_dir).expect("the voice folder"),
        first: first_tx,
        begun: None,
        least_lead: least_lead.clone(),
    };
    let set = |name| check(&Source::Builtin(name)).set.expect("a built-in set");
    let setup = Setup {
        sets: vec![set("cmn"), set("en")],
        english: None,
        style: config.voice.numbers,
        sink: Box::new(sink),
        problems: Vec::new(),
        volume: config.voice.volume,
    };

    let _guard = runtime.enter();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let reports = tx.clone();
    let voice = kiosk::voice::start(setup, move |r| {
        let _ = reports.send(Event::Device(DeviceEvent::Voice(r)));
    });
    // The queue's own rules are off (no one signs on at window 1, a call
    // does not wait for the last one's rating): this measures the voice.
    let settings = kiosk::domain::Settings {
        sign_on_required: false,
        call_waits_for_rating: false,
        ..config.settings.clone()
    };
    let station = Station::new(config.catalog.clone(), config.calendar.clone(), settings);
    let mut core = Core::new(support::core_parts(
        &config,
        dir.path(),
        store,
        station,
        NoScreen::default(),
        tx.clone(),
    ));
    core.with_voice(voice.clone(), config.voice.clone());
    runtime.block_on(core.prepare());
    let task = runtime.spawn(core.run(rx));

    let silent = || {
        let (reply, wait) = tokio::sync::oneshot::channel();
        tx.send(Event::Probe(ProbeEvent::VoiceIdle(reply))).unwrap();
        runtime.block_on(wait).unwrap();
    };
    let ticket = || {
        tx.send(Event::Citizen(CitizenEvent::TakeTicket {
            category: "A".into(),
            priority: false,
            english: false,
        }))
        .unwrap();
    };
    let call = || {
        tx.send(Event::Device(DeviceEvent::Input(
            Input::StaffKey {
                window: 1,
                key: StaffKey::CallNext,
            },
            None,
        )))
        .unwrap();
    };
    let mut latencies = Vec::with_capacity(n);
    for i in 0..n + 20 {
        ticket();
        silent();
        let pressed = Instant::now();
        call();
        let first = first_rx
            .recv_timeout(Duration::from_secs(10))
            .expect("the call reaches the WAV");
        if i >= 20 {
            latencies.push(first - pressed);
        }
        tx.send(Event::Staff(StaffEvent::Voice {
            control: VoiceControl::Stop { id: None },
            actor: Actor::Technician,
            reply: None,
        }))
        .unwrap();
        silent();
    }
    support::report(
        &format!("call_key_to_first_sample calls={n} (after 20 warm-up; bar p99 300 ms)"),
        latencies,
    );

    // Whole calls, in Mandarin then English, at real time.
    *least_lead.lock().unwrap() = f64::MAX;
    let whole = 5;
    let before = voice.state().played.back().map_or(0, |p| p.entry.id);
    for _ in 0..whole {
        ticket();
        call();
        let _ = first_rx.recv_timeout(Duration::from_secs(10));
        silent();
    }
    let played: Vec<_> = voice
        .state()
        .played
        .iter()
        .filter(|p| p.entry.id > before)
        .cloned()
        .collect();
    assert_eq!(played.len(), whole, "every whole call was played");
    let (mut gaps, mut longest_call) = (Vec::new(), 0.0f64);
    for p in &played {
        let file = voice_dir.join(p.file.as_ref().expect("written to a WAV"));
        let mut reader = hound::WavReader::open(&file).unwrap();
        let samples: Vec<i16> = reader.samples::<i16>().map(Result::unwrap).collect();
        longest_call = longest_call.max(samples.len() as f64 / f64::from(p.rate));
        let ranges: Vec<(usize, usize)> = p.clips.iter().map(|m| (m.start, m.end)).collect();
        gaps.extend(kiosk::voice::gaps(&samples, p.rate, &ranges));
    }
    gaps.sort_by(f64::total_cmp);
    println!(
        "gaps between clips: {} boundaries in {whole} whole calls (cmn then en, {longest_call:.1} s each): median {:.1} ms, max {:.1} ms (bar 50 ms)",
        gaps.len(),
        gaps[gaps.len() / 2],
        gaps.last().copied().unwrap_or(0.0)
    );
    println!(
        "the player stayed at least {:.1} ms ahead of the listener (it aims at {} ms; 0 would starve the speaker)",
        *least_lead.lock().unwrap(),
        kiosk::voice::LEAD_MS
    );
    let sizes: usize = ["cmn", "en"].iter().map(|s| set(s).bytes()).sum();
    println!(
        "built-in clip sets: {:.2} MB of samples (bar 5 MB)",
        sizes as f64 / 1e6
    );
    tx.send(Event::Shutdown).unwrap();
    runtime.block_on(task).unwrap();
}
