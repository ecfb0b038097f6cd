//! The player: one task that keeps the announcement queue, renders each
//! announcement from the clip sets into samples (volume applied), writes them
//! to the sink paced at real time — at most [`LEAD_MS`] ahead of what is
//! heard, so a stop or an evacuation cuts in at once — and reports each
//! announcement's start and end. Announcements never overlap; the evacuation
//! message interrupts anything and loops until the alarm is reset; a screen
//! read aloud cuts short the reading of the screen before it.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::time::Instant;

use super::clips::{Clip, ClipSet};
use super::queue::{Item, Queue};
use super::sink::Sink;
use crate::domain::{
    Actor, Announcement, AnnouncementKind, AnnouncementOutcome, NumberStyle, Step, TicketCode,
    WindowNo,
};

/// Samples are written in pieces of this length…
pub const CHUNK_MS: u64 = 20;
/// …at most this far ahead of what is being heard.
pub const LEAD_MS: u64 = 100;
/// Silence put between two clips of one sentence.
pub const WORD_GAP_MS: u32 = 25;
/// After the chime, and between two sentences (a call said twice, or in two
/// sets): a deliberate pause, not a gap between clips.
pub const CHIME_PAUSE_MS: u32 = 200;
pub const SENTENCE_PAUSE_MS: u32 = 500;
/// Between two rounds of the evacuation message.
pub const EVACUATION_PAUSE_MS: u32 = 1000;
/// How many ended announcements `state` lists.
const PLAYED: usize = 32;

/// What the station loop asks of the player.
#[derive(Debug)]
pub enum Request {
    /// Queue an announcement; `english`: a screen read in English.
    Say {
        announcement: Announcement,
        english: bool,
    },
    /// Stop the announcement playing (`None`) or one by its number.
    Stop { id: Option<u64>, by: Actor },
    /// A smoke alarm latched (true) or was reset.
    Evacuate(bool),
    /// The volume now, in percent (0: muted but for the evacuation).
    Volume(u8),
    /// Answer once nothing is playing or waiting (tests, `voice wait`).
    WhenIdle(tokio::sync::oneshot::Sender<()>),
    /// Answer once every request before this one is handled and what it
    /// started has begun (`state` reads the player after it).
    Sync(tokio::sync::oneshot::Sender<()>),
}

/// What the player tells the station loop.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Report {
    /// An announcement began to sound (the board highlights its ticket).
    Started { id: u64, announcement: Announcement },
    /// An announcement ended: what the journal keeps.
    Ended(Ended),
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Ended {
    pub id: u64,
    pub announcement: Announcement,
    pub sets: Vec<String>,
    pub outcome: AnnouncementOutcome,
    /// Who stopped it.
    pub by: Option<Actor>,
}

/// One announcement as `state` shows it.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Entry {
    pub id: u64,
    pub kind: AnnouncementKind,
    pub ticket: Option<TicketCode>,
    pub window: Option<WindowNo>,
}

impl Entry {
    /// What it is, for staff: `叫号 call A001 → 1`.
    pub fn describe(&self) -> String {
        let kind = match self.kind {
            AnnouncementKind::Call => "叫号 call",
            AnnouncementKind::Recall => "重呼 recall",
            AnnouncementKind::Repeat => "重播 repeat",
            AnnouncementKind::ReadAloud => "读屏 read aloud",
            AnnouncementKind::Evacuation => "疏散 evacuation",
        };
        let ticket = self.ticket.map(|t| format!(" {t}")).unwrap_or_default();
        let window = self.window.map(|w| format!(" → {w}")).unwrap_or_default();
        format!("{kind}{ticket}{window}")
    }

    fn of(id: u64, a: &Announcement) -> Self {
        Self {
            id,
            kind: a.kind(),
            ticket: a.ticket(),
            window: a.window(),
        }
    }
}

/// A clip placed in an announcement: which, and its samples' range.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Mark {
    /// `cmn:please`.
    pub clip: String,
    pub start: usize,
    pub end: usize,
}

/// An announcement that ended, with what was said.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Played {
    #[serde(flatten)]
    pub entry: Entry,
    pub sets: Vec<String>,
    pub outcome: AnnouncementOutcome,
    /// The WAV it was written to (simulated board), in the data folder's
    /// `voice/`.
    pub file: Option<String>,
    pub rate: u32,
    /// The clips in order (one round, for the evacuation).
    pub clips: Vec<Mark>,
    /// From the request to its first sample written, when it sounded.
    pub first_sample_ms: Option<f64>,
}

/// The player's state for `state`, the console and staff mode.
#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
pub struct VoiceState {
    /// Where the sound goes.
    pub output: String,
    /// The sets calls are said in, in order, and the one for screens read in
    /// English.
    pub sets: Vec<String>,
    pub english: Option<String>,
    /// What is wrong with the output or the sets, with the fix.
    pub problems: Vec<String>,
    pub volume: u8,
    pub evacuating: bool,
    pub playing: Option<Entry>,
    pub queue: Vec<Entry>,
    /// The latest ended announcements, newest last.
    pub played: VecDeque<Played>,
}

/// The player's handle: the loop's way to ask, and its state.
#[derive(Clone)]
pub struct Voice {
    tx: UnboundedSender<Request>,
    state: Arc<Mutex<VoiceState>>,
}

impl Voice {
    pub fn ask(&self, request: Request) {
        let _ = self.tx.send(request);
    }

    pub fn state(&self) -> VoiceState {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// What the player plays with.
pub struct Setup {
    /// The sets calls and screens in Chinese are said in, in order.
    pub sets: Vec<ClipSet>,
    /// The set screens read in English use.
    pub english: Option<ClipSet>,
    pub style: NumberStyle,
    pub sink: Box<dyn Sink>,
    /// What was wrong at start (a set left out, a device missing).
    pub problems: Vec<String>,
    pub volume: u8,
}

/// A piece of an announcement: a clip, or silence of so many samples.
enum Piece {
    Clip(Clip),
    Silence(usize),
}

impl Piece {
    fn len(&self) -> usize {
        match self {
            Piece::Clip(c) => c.len(),
            Piece::Silence(n) => *n,
        }
    }
}

struct Playing {
    item: Item,
    sets: Vec<String>,
    /// The announcement, made into samples only as they are written: its
    /// pieces, their total length, the gain, and where the next sample
    /// comes from (piece, offset).
    pieces: Vec<Piece>,
    total: usize,
    gain: f32,
    at: (usize, usize),
    clips: Vec<Mark>,
    written: usize,
    start: Instant,
    requested: Instant,
    first_sample: Option<Duration>,
    file: Option<String>,
}

impl Playing {
    /// The next `n` samples into `out` (fewer at the end), volume applied.
    fn fill(&mut self, n: usize, out: &mut Vec<i16>) {
        out.clear();
        while out.len() < n && self.at.0 < self.pieces.len() {
            let piece = &self.pieces[self.at.0];
            let take = (piece.len() - self.at.1).min(n - out.len());
            match piece {
                Piece::Silence(_) => out.resize(out.len() + take, 0),
                Piece::Clip(c) => out.extend(
                    c.samples_from(self.at.1)
                        .take(take)
                        .map(|s| (f32::from(s) * self.gain) as i16),
                ),
            }
            self.at.1 += take;
            if self.at.1 >= piece.len() {
                self.at = (self.at.0 + 1, 0);
            }
        }
    }
}

struct Player {
    setup: Setup,
    rate: u32,
    queue: Queue,
    /// When each waiting announcement was asked for.
    asked: Vec<(u64, Instant)>,
    playing: Option<Playing>,
    evacuating: bool,
    volume: u8,
    report: Box<dyn Fn(Report) + Send>,
    state: Arc<Mutex<VoiceState>>,
    sink_problem: Option<String>,
    /// Waiting for the player to fall silent.
    idle: Vec<tokio::sync::oneshot::Sender<()>>,
    /// Waiting for the requests before theirs.
    synced: Vec<tokio::sync::oneshot::Sender<()>>,
    /// The piece being written (one chunk, reused).
    buffer: Vec<i16>,
}

/// Starts the player on the current tokio runtime.
pub fn start(setup: Setup, report: impl Fn(Report) + Send + 'static) -> Voice {
    let (tx, rx) = unbounded_channel();
    let rate = setup
        .sets
        .first()
        .or(setup.english.as_ref())
        .map_or(22_050, |s| s.rate);
    let state = Arc::new(Mutex::new(VoiceState {
        output: setup.sink.describe(),
        sets: setup.sets.iter().map(|s| s.id.clone()).collect(),
        english: setup.english.as_ref().map(|s| s.id.clone()),
        problems: setup.problems.clone(),
        volume: setup.volume,
        ..Default::default()
    }));
    let player = Player {
        rate,
        volume: setup.volume,
        setup,
        queue: Queue::new(),
        asked: Vec::new(),
        playing: None,
        evacuating: false,
        report: Box::new(report),
        state: state.clone(),
        sink_problem: None,
        idle: Vec::new(),
        synced: Vec::new(),
        buffer: Vec::new(),
    };
    tokio::spawn(player.run(rx));
    Voice { tx, state }
}

fn samples_for(ms: u32, rate: u32) -> usize {
    (u64::from(ms) * u64::from(rate) / 1000) as usize
}

impl Player {
    async fn run(mut self, mut rx: UnboundedReceiver<Request>) {
        loop {
            let wake = self.playing.as_ref().map(|p| self.wake(p));
            tokio::select! {
                request = rx.recv() => match request {
                    Some(r) => self.request(r),
                    None => break,
                },
                _ = tokio::time::sleep_until(wake.unwrap_or_else(Instant::now)), if wake.is_some() => {
                    self.advance();
                }
            }
            // An announcement the output refused is ended; the next one is
            // tried at once.
            while self.playing.is_none() && self.queue.waiting().next().is_some() {
                self.start_next();
            }
            self.publish();
            for waiter in self.synced.drain(..) {
                let _ = waiter.send(());
            }
            if self.playing.is_none() {
                for waiter in self.idle.drain(..) {
                    let _ = waiter.send(());
                }
            }
        }
        self.cut(AnnouncementOutcome::Interrupted, None);
    }

    fn time_of(&self, samples: usize) -> Duration {
        Duration::from_micros(samples as u64 * 1_000_000 / u64::from(self.rate))
    }

    /// When the next piece is due, or the announcement has been heard out.
    fn wake(&self, p: &Playing) -> Instant {
        if p.written < p.total {
            let chunk = samples_for(CHUNK_MS as u32, self.rate);
            let next = (p.written + chunk).min(p.total);
            (p.start + self.time_of(next))
                .checked_sub(Duration::from_millis(LEAD_MS))
                .unwrap_or(p.start)
        } else {
            p.start + self.time_of(p.total)
        }
    }

    fn request(&mut self, request: Request) {
        match request {
            Request::Say {
                announcement,
                english,
            } => {
                let evacuation = matches!(announcement, Announcement::Evacuation);
                // A citizen who asks for another screen to be read wants
                // that one now, not the rest of the last.
                let reading = matches!(announcement, Announcement::Read(_));
                let reading_now = self
                    .playing
                    .as_ref()
                    .is_some_and(|p| matches!(p.item.announcement, Announcement::Read(_)));
                if reading && reading_now {
                    self.cut(AnnouncementOutcome::Superseded, None);
                }
                let (item, replaced) = self.queue.push(announcement, english);
                for old in replaced {
                    self.asked.retain(|(id, _)| *id != old.id);
                    self.ended(&old, Vec::new(), AnnouncementOutcome::Superseded, None);
                }
                if self.evacuating && !evacuation {
                    self.queue.remove(item.id);
                    self.ended(&item, Vec::new(), AnnouncementOutcome::Interrupted, None);
                } else if self.volume == 0 && !evacuation {
                    self.queue.remove(item.id);
                    self.ended(&item, Vec::new(), AnnouncementOutcome::Muted, None);
                } else {
                    self.asked.push((item.id, Instant::now()));
                }
            }
            Request::Stop { id, by } => {
                let current = self.playing.as_ref().map(|p| p.item.id);
                if id.is_none() || id == current {
                    if current.is_some() {
                        self.cut(AnnouncementOutcome::Stopped, Some(by));
                    }
                } else if let Some(item) = id.and_then(|id| self.queue.remove(id)) {
                    self.ended(&item, Vec::new(), AnnouncementOutcome::Stopped, Some(by));
                }
            }
            Request::Evacuate(on) if on == self.evacuating => {}
            Request::Evacuate(true) => {
                self.evacuating = true;
                self.cut(AnnouncementOutcome::Interrupted, None);
                for item in self.queue.clear() {
                    self.ended(&item, Vec::new(), AnnouncementOutcome::Interrupted, None);
                }
                self.asked.clear();
                let (item, _) = self.queue.push(Announcement::Evacuation, false);
                self.asked.push((item.id, Instant::now()));
            }
            Request::Evacuate(false) => {
                self.evacuating = false;
                let evacuation = self
                    .playing
                    .as_ref()
                    .is_some_and(|p| p.item.announcement == Announcement::Evacuation);
                if evacuation {
                    self.cut(AnnouncementOutcome::Played, None);
                }
            }
            Request::Volume(v) => self.volume = v.min(100),
            Request::WhenIdle(reply) => self.idle.push(reply),
            Request::Sync(reply) => self.synced.push(reply),
        }
    }

    fn sets_for(&self, item: &Item) -> Vec<&ClipSet> {
        let english = self.setup.english.as_ref();
        match (&item.announcement, english) {
            (Announcement::Evacuation, _) => {
                let mut all: Vec<&ClipSet> = self.setup.sets.iter().collect();
                if let Some(e) = english.filter(|e| !all.iter().any(|s| s.id == e.id)) {
                    all.push(e);
                }
                all
            }
            (_, Some(e)) if item.english => vec![e],
            _ => self.setup.sets.iter().collect(),
        }
    }

    /// An announcement as pieces (clips and silences), with where each clip
    /// lies, and its gain.
    fn render(&self, item: &Item) -> (Vec<String>, Vec<Piece>, Vec<Mark>, f32) {
        let sets = self.sets_for(item);
        let sentences: Vec<_> = sets.iter().map(|s| &s.sentences).collect();
        let steps = item.announcement.script(&sentences, self.setup.style);
        let volume = if item.announcement == Announcement::Evacuation {
            100
        } else {
            self.volume
        };
        let (mut pieces, mut marks, mut at) = (Vec::new(), Vec::new(), 0);
        let silence = |pieces: &mut Vec<Piece>, at: &mut usize, ms| {
            let n = samples_for(ms, self.rate);
            pieces.push(Piece::Silence(n));
            *at += n;
        };
        for (i, step) in steps.iter().enumerate() {
            if i > 0 {
                let pause = match steps[i - 1] {
                    Step::Chime { .. } => CHIME_PAUSE_MS,
                    Step::Sentence { .. } => SENTENCE_PAUSE_MS,
                };
                silence(&mut pieces, &mut at, pause);
            }
            let (set, phrases) = match step {
                Step::Chime { set } => (*set, vec![crate::domain::CHIME.to_string()]),
                Step::Sentence { set, phrases } => (*set, phrases.clone()),
            };
            for (j, phrase) in phrases.iter().enumerate() {
                if j > 0 {
                    silence(&mut pieces, &mut at, WORD_GAP_MS);
                }
                let Some(clip) = sets[set].clip(phrase) else {
                    continue;
                };
                marks.push(Mark {
                    clip: format!("{}:{phrase}", sets[set].id),
                    start: at,
                    end: at + clip.len(),
                });
                at += clip.len();
                pieces.push(Piece::Clip(clip.clone()));
            }
        }
        if item.announcement == Announcement::Evacuation {
            silence(&mut pieces, &mut at, EVACUATION_PAUSE_MS);
        }
        let ids = sets.iter().map(|s| s.id.clone()).collect();
        (ids, pieces, marks, f32::from(volume) / 100.0)
    }

    fn start_next(&mut self) {
        let Some(item) = self.queue.pop() else {
            return;
        };
        let requested = self
            .asked
            .iter()
            .find(|(id, _)| *id == item.id)
            .map_or_else(Instant::now, |(_, at)| *at);
        self.asked.retain(|(id, _)| *id != item.id);
        let (sets, pieces, clips, gain) = self.render(&item);
        let total = pieces.iter().map(Piece::len).sum();
        let file = match self.setup.sink.begin(self.rate) {
            Ok(file) => file,
            Err(why) => {
                tracing::warn!("voice: {why}");
                self.sink_problem = Some(why);
                self.ended(&item, sets, AnnouncementOutcome::Failed, None);
                return;
            }
        };
        (self.report)(Report::Started {
            id: item.id,
            announcement: item.announcement.clone(),
        });
        self.playing = Some(Playing {
            item,
            sets,
            pieces,
            total,
            gain,
            at: (0, 0),
            clips,
            written: 0,
            start: Instant::now(),
            requested,
            first_sample: None,
            file,
        });
        self.advance();
    }

    /// Writes what is due; ends (or loops) an announcement heard out.
    fn advance(&mut self) {
        let Some(mut p) = self.playing.take() else {
            return;
        };
        let now = Instant::now();
        let ahead = now.saturating_duration_since(p.start) + Duration::from_millis(LEAD_MS);
        let due = ((ahead.as_micros() * u128::from(self.rate) / 1_000_000) as usize).min(p.total);
        let chunk = samples_for(CHUNK_MS as u32, self.rate).max(1);
        while p.written < due {
            let end = (p.written + chunk).min(due);
            p.fill(end - p.written, &mut self.buffer);
            if let Err(why) = self.setup.sink.write(&self.buffer) {
                tracing::warn!("voice: {why}");
                self.sink_problem = Some(why);
                let _ = self.setup.sink.end(true);
                self.finish(p, AnnouncementOutcome::Failed, None);
                return;
            }
            if p.first_sample.is_none() {
                p.first_sample = Some(now.saturating_duration_since(p.requested));
            }
            p.written = end;
        }
        let heard = p.start + self.time_of(p.total);
        if p.written == p.total && now >= heard {
            if self.evacuating && p.item.announcement == Announcement::Evacuation {
                // Another round, seamlessly, into the same output.
                p.start = heard;
                p.written = 0;
                p.at = (0, 0);
                self.playing = Some(p);
                self.advance();
                return;
            }
            let _ = self.setup.sink.end(false);
            self.sink_problem = None;
            self.finish(p, AnnouncementOutcome::Played, None);
            return;
        }
        self.playing = Some(p);
    }

    /// Stops the announcement playing, if any, at once.
    fn cut(&mut self, outcome: AnnouncementOutcome, by: Option<Actor>) {
        if let Some(p) = self.playing.take() {
            let _ = self.setup.sink.end(true);
            self.finish(p, outcome, by);
        }
    }

    fn finish(&mut self, p: Playing, outcome: AnnouncementOutcome, by: Option<Actor>) {
        // The clips played stay in the binary, not in memory.
        super::clips::release_builtin();
        self.buffer = Vec::new();
        let played = Played {
            entry: Entry::of(p.item.id, &p.item.announcement),
            sets: p.sets.clone(),
            outcome,
            file: p.file,
            rate: self.rate,
            clips: p.clips,
            first_sample_ms: p.first_sample.map(|d| d.as_secs_f64() * 1000.0),
        };
        self.remember(played);
        self.report_end(&p.item, p.sets, outcome, by);
    }

    /// An announcement that never sounded.
    fn ended(
        &mut self,
        item: &Item,
        sets: Vec<String>,
        outcome: AnnouncementOutcome,
        by: Option<Actor>,
    ) {
        self.remember(Played {
            entry: Entry::of(item.id, &item.announcement),
            sets: sets.clone(),
            outcome,
            file: None,
            rate: self.rate,
            clips: Vec::new(),
            first_sample_ms: None,
        });
        self.report_end(item, sets, outcome, by);
    }

    fn report_end(
        &self,
        item: &Item,
        sets: Vec<String>,
        outcome: AnnouncementOutcome,
        by: Option<Actor>,
    ) {
        (self.report)(Report::Ended(Ended {
            id: item.id,
            announcement: item.announcement.clone(),
            sets,
            outcome,
            by,
        }));
    }

    fn remember(&mut self, played: Played) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.played.push_back(played);
        while state.played.len() > PLAYED {
            state.played.pop_front();
        }
    }

    /// Updates what `state` shows.
    fn publish(&mut self) {
        let sink_problem = self
            .setup
            .sink
            .problem()
            .or_else(|| self.sink_problem.clone());
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.volume = self.volume;
        state.evacuating = self.evacuating;
        state.playing = self
            .playing
            .as_ref()
            .map(|p| Entry::of(p.item.id, &p.item.announcement));
        state.queue = self
            .queue
            .waiting()
            .map(|i| Entry::of(i.id, &i.announcement))
            .collect();
        state.problems = self.setup.problems.clone();
        state.problems.extend(sink_problem);
    }
}

#[cfg(test)]
mod tests;
