//! Clip sets: a folder of WAV clips and the `manifest.toml` naming each
//! phrase and sentence; the two shipped sets (`cmn`, `en`) are compiled in.
//! Loading a set checks it as `kiosk voice check` does: every phrase present,
//! 16-bit mono PCM at the manifest's rate, silence trimmed, level within the
//! bounds, no clipping — each problem with its file and phrase.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use super::wav;
use crate::domain::{CHIME, Grammar, Sentences, check_sentences, required_phrases};

// `BUILTIN`: (set, file, bytes) of every file under `assets/voice/{cmn,en}`.
include!(concat!(env!("OUT_DIR"), "/voice_sets.rs"));

pub use crate::config::BUILTIN_SETS;

/// Silence is a 10 ms frame below this level (dBFS).
pub const SILENCE_DB: f64 = -50.0;
/// At most this much silence at either end of a clip.
pub const MAX_EDGE_MS: u32 = 20;
/// A clip's peak stays this far below full scale.
pub const MAX_PEAK_DB: f64 = -1.0;
/// A clip's level over its sounding frames.
pub const LEVEL_DB: (f64, f64) = (-24.0, -14.0);
/// Each spoken clip within this many dB of the set's median level.
pub const SPREAD_DB: f64 = 4.0;
/// The chime no louder than the speech's median plus this.
pub const CHIME_OVER_DB: f64 = 3.0;
/// Clip lengths: shorter is a click, longer a recording left running.
pub const LENGTH_MS: (u32, u32) = (80, 15_000);

const FRAME_MS: u32 = 10;

/// The manifest as a station writes it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    /// Shown to staff.
    name: String,
    grammar: Grammar,
    rate: u32,
    #[serde(default)]
    #[allow(dead_code)]
    source: Option<String>,
    phrases: BTreeMap<String, Phrase>,
    sentences: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Phrase {
    file: String,
    /// What the clip says, for whoever records a set.
    #[serde(default)]
    #[allow(dead_code)]
    text: String,
}

/// One thing wrong with a set: the file, the phrase it holds, what to do.
#[derive(Clone, PartialEq, Debug)]
pub struct Problem {
    pub file: String,
    pub phrase: Option<String>,
    pub message: String,
    /// The set cannot be played at all (as opposed to a level or silence
    /// that should be fixed but plays).
    pub fatal: bool,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.phrase {
            Some(p) => write!(f, "{}: phrase `{p}`: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Where a set comes from: compiled in, or a folder.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Source {
    Builtin(&'static str),
    Folder(PathBuf),
}

impl Source {
    /// A built-in set's name, or else a folder.
    pub fn named(name: &str) -> Source {
        match BUILTIN_SETS.iter().find(|s| **s == name) {
            Some(s) => Source::Builtin(s),
            None => Source::Folder(PathBuf::from(name)),
        }
    }

    /// How the journal and staff name the set: `cmn`, or the folder's name.
    pub fn id(&self) -> String {
        match self {
            Source::Builtin(s) => (*s).to_string(),
            Source::Folder(p) => p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| p.display().to_string()),
        }
    }

    fn read(&self, file: &str) -> Result<Cow<'static, [u8]>, String> {
        match self {
            Source::Builtin(set) => BUILTIN
                .iter()
                .find(|(s, f, _)| s == set && *f == file)
                .map(|(_, _, bytes)| Cow::Borrowed(*bytes))
                .ok_or_else(|| "not in the built-in set".to_string()),
            Source::Folder(dir) => {
                let path = dir.join(file);
                if Path::new(file).components().count() != 1 {
                    return Err("name a file inside the set's folder, with no path".into());
                }
                std::fs::read(&path)
                    .map(Cow::Owned)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))
            }
        }
    }
}

/// A clip's samples: 16-bit little-endian mono at the set's rate, borrowed
/// from the binary for a built-in set.
#[derive(Clone)]
pub struct Clip {
    bytes: Bytes,
    range: std::ops::Range<usize>,
    encoding: wav::Encoding,
}

/// A clip file's bytes: in the binary (a built-in set), or read from a
/// folder and shared; cloning either is cheap.
#[derive(Clone)]
enum Bytes {
    Static(&'static [u8]),
    Shared(Arc<[u8]>),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Static(b) => b,
            Bytes::Shared(b) => b,
        }
    }
}

impl From<Cow<'static, [u8]>> for Bytes {
    fn from(bytes: Cow<'static, [u8]>) -> Self {
        match bytes {
            Cow::Borrowed(b) => Bytes::Static(b),
            Cow::Owned(v) => Bytes::Shared(v.into()),
        }
    }
}

impl Clip {
    pub fn samples(&self) -> impl Iterator<Item = i16> + '_ {
        self.samples_from(0)
    }

    /// The samples from the `from`th on.
    pub fn samples_from(&self, from: usize) -> impl Iterator<Item = i16> + '_ {
        let start = (self.range.start + from * self.encoding.width()).min(self.range.end);
        wav::samples(&self.bytes[start..self.range.end], self.encoding)
    }

    /// How many samples.
    pub fn len(&self) -> usize {
        self.range.len() / self.encoding.width()
    }

    pub fn is_empty(&self) -> bool {
        self.range.is_empty()
    }
}

/// Hands the pages of the built-in clips back to the kernel: they are read
/// from the binary again (from the page cache, normally) when next played,
/// so a day of announcements does not keep the sets resident. The pages
/// given back lie between the first and the last clip in the binary's
/// read-only data: constants, so reading them again gives the same bytes.
pub fn release_builtin() {
    let (low, high) = BUILTIN
        .iter()
        .filter(|(_, f, _)| f.ends_with(".wav"))
        .map(|(_, _, b)| (b.as_ptr() as usize, b.as_ptr() as usize + b.len()))
        .fold((usize::MAX, 0), |(l, h), (a, b)| (l.min(a), h.max(b)));
    // SAFETY: sysconf only reads a constant of the system.
    let page = match unsafe { libc::sysconf(libc::_SC_PAGESIZE) } {
        p if p > 0 => p as usize,
        _ => return,
    };
    let start = low.div_ceil(page) * page;
    let end = high / page * page;
    if start >= end {
        return;
    }
    // SAFETY: [start, end) lies inside the binary's read-only data (the
    // section holding the included clip files, rounded inwards to whole
    // pages); dropping a private, never-written file page only makes the
    // next read fault it in again from the file, with the same bytes. No
    // reference is invalidated.
    unsafe {
        libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED);
    }
}

/// A set ready to play.
pub struct ClipSet {
    /// `cmn`, `en`, or the folder's name.
    pub id: String,
    pub name: String,
    pub rate: u32,
    pub sentences: Sentences,
    clips: HashMap<String, Clip>,
}

impl ClipSet {
    pub fn clip(&self, phrase: &str) -> Option<&Clip> {
        self.clips.get(phrase)
    }

    /// All clips' sample bytes, for the size bar.
    pub fn bytes(&self) -> usize {
        self.clips.values().map(|c| c.range.len()).sum()
    }
}

/// What a set's check found: the set when it can be played, and every
/// problem.
pub struct Checked {
    pub set: Option<ClipSet>,
    pub problems: Vec<Problem>,
    /// How many clips were read.
    pub clips: usize,
}

/// A clip's level, measured in 10 ms frames.
#[derive(Clone, Copy, Debug)]
pub struct Level {
    pub lead_ms: u32,
    pub trail_ms: u32,
    pub peak_db: f64,
    pub full_scale: bool,
    /// RMS over the frames at or above [`SILENCE_DB`]; None when all silent.
    pub active_db: Option<f64>,
    pub length_ms: u32,
}

fn db(value: f64) -> f64 {
    if value <= 0.0 {
        f64::NEG_INFINITY
    } else {
        20.0 * (value / 32768.0).log10()
    }
}

/// Measures a clip, in one pass over its samples.
pub fn level(samples: impl IntoIterator<Item = i16>, rate: u32) -> Level {
    let frame = (rate * FRAME_MS / 1000).max(1) as usize;
    let silent = |sum: f64, n: usize| db((sum / n as f64).sqrt()) < SILENCE_DB;
    let (mut frames, mut lead, mut trail) = (0u32, None, 0u32);
    let (mut active, mut active_n) = (0.0f64, 0usize);
    let (mut peak, mut full_scale, mut total) = (0u32, false, 0u64);
    let (mut sum, mut n) = (0.0f64, 0usize);
    let mut close = |sum: f64, n: usize, frames: &mut u32| {
        if silent(sum, n) {
            trail += 1;
        } else {
            lead.get_or_insert(*frames);
            trail = 0;
            active += sum;
            active_n += n;
        }
        *frames += 1;
    };
    for s in samples {
        peak = peak.max(i32::from(s).unsigned_abs());
        full_scale |= s == i16::MAX || s == i16::MIN;
        total += 1;
        sum += f64::from(s) * f64::from(s);
        n += 1;
        if n == frame {
            close(sum, n, &mut frames);
            (sum, n) = (0.0, 0);
        }
    }
    if n > 0 {
        close(sum, n, &mut frames);
    }
    let lead = lead.unwrap_or(frames);
    Level {
        lead_ms: lead * FRAME_MS,
        trail_ms: if active_n > 0 {
            trail * FRAME_MS
        } else {
            frames * FRAME_MS
        },
        peak_db: db(f64::from(peak)),
        full_scale,
        active_db: (active_n > 0).then(|| db((active / active_n as f64).sqrt())),
        length_ms: (total * 1000 / u64::from(rate.max(1))) as u32,
    }
}

/// The silences at the boundaries between the clips of each sentence of an
/// announcement, in ms, measured in its samples: from the middle of each
/// boundary, the run of 5 ms frames below [`SILENCE_DB`]. `clips` are the
/// clips' (start, end) sample ranges in order; a pause longer than 100 ms
/// between two clips is one between sentences (deliberate) and not counted.
pub fn gaps(samples: &[i16], rate: u32, clips: &[(usize, usize)]) -> Vec<f64> {
    let frame = (rate / 200).max(1) as usize;
    let silent = |at: usize| {
        let f = &samples[at..(at + frame).min(samples.len())];
        let sum: f64 = f.iter().map(|&s| f64::from(s).powi(2)).sum();
        db((sum / f.len().max(1) as f64).sqrt()) < SILENCE_DB
    };
    let mut out = Vec::new();
    for pair in clips.windows(2) {
        let (end, start) = (pair[0].1, pair[1].0);
        if start.saturating_sub(end) > rate as usize / 10 {
            continue;
        }
        let mid = (end + start) / 2;
        let (mut a, mut b) = (mid, mid);
        while a >= frame && silent(a - frame) {
            a -= frame;
        }
        while b + frame <= samples.len() && silent(b) {
            b += frame;
        }
        out.push((b - a) as f64 * 1000.0 / f64::from(rate));
    }
    out
}

/// One clip file judged alone, as `kiosk voice check` judges each: whether
/// it can be played at `rate`, and its level.
pub fn clip_level(bytes: &[u8], rate: u32) -> Result<Level, String> {
    let w = wav::parse(bytes)?;
    if let Some(why) = w.unplayable(rate) {
        return Err(why);
    }
    let encoding = w.encoding().ok_or("its format cannot be played")?;
    Ok(level(wav::samples(w.data, encoding), rate))
}

/// What is wrong with a clip's level, and its level when it sounds.
fn judge(l: &Level) -> (Vec<String>, Option<f64>) {
    let mut problems = Vec::new();
    if let Some(active) = l.active_db {
        if l.lead_ms > MAX_EDGE_MS || l.trail_ms > MAX_EDGE_MS {
            problems.push(format!(
                "{} ms of silence at the start and {} ms at the end (at most {MAX_EDGE_MS} ms each): trim it",
                l.lead_ms, l.trail_ms
            ));
        }
        if l.full_scale {
            problems.push("it is clipped (samples at full scale): record it again, or lower the gain before saving".into());
        } else if l.peak_db > MAX_PEAK_DB {
            problems.push(format!(
                "its peak is {:.1} dBFS, above {MAX_PEAK_DB} dBFS: lower its gain",
                l.peak_db
            ));
        }
        if active < LEVEL_DB.0 || active > LEVEL_DB.1 {
            let fix = if active < LEVEL_DB.0 {
                "raise its gain"
            } else {
                "lower its gain"
            };
            problems.push(format!(
                "its level is {active:.1} dBFS, outside {} … {} dBFS: {fix}",
                LEVEL_DB.0, LEVEL_DB.1
            ));
        }
    } else {
        problems.push("it is silent".into());
    }
    if l.length_ms < LENGTH_MS.0 || l.length_ms > LENGTH_MS.1 {
        problems.push(format!(
            "it lasts {} ms; a clip lasts {} ms to {} s",
            l.length_ms,
            LENGTH_MS.0,
            LENGTH_MS.1 / 1000
        ));
    }
    (problems, l.active_db)
}

/// Checks a set as `kiosk voice check` does: its files and their format,
/// and every clip's silence, peak and level.
pub fn check(source: &Source) -> Checked {
    examine(source, true)
}

/// Loads a set to play: its files and their format checked, and, for a
/// station's own recording, its clips' levels too. The built-in sets' levels
/// are checked by the test suite: measuring them here would read every clip
/// into memory at every start.
pub fn load(source: &Source) -> Checked {
    examine(source, matches!(source, Source::Folder(_)))
}

fn examine(source: &Source, measure: bool) -> Checked {
    let mut problems = Vec::new();
    let fatal = |file: &str, phrase: Option<&str>, message: String| Problem {
        file: file.into(),
        phrase: phrase.map(String::from),
        message,
        fatal: true,
    };
    let text = match source.read("manifest.toml") {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => {
            return Checked {
                set: None,
                problems: vec![fatal("manifest.toml", None, e)],
                clips: 0,
            };
        }
    };
    let manifest: Manifest = match toml::from_str(&text) {
        Ok(m) => m,
        Err(e) => {
            let message = e.message().to_string();
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
            let file = match line {
                Some(l) => format!("manifest.toml:{l}"),
                None => "manifest.toml".into(),
            };
            return Checked {
                set: None,
                problems: vec![fatal(&file, None, message)],
                clips: 0,
            };
        }
    };
    if !(8_000..=48_000).contains(&manifest.rate) {
        problems.push(fatal(
            "manifest.toml",
            None,
            format!(
                "rate = {} is not a sample rate from 8000 to 48000 Hz",
                manifest.rate
            ),
        ));
    }
    let sentences = Sentences {
        grammar: manifest.grammar,
        sentences: manifest.sentences.clone(),
    };
    let mut needed = required_phrases(manifest.grammar);
    match check_sentences(&sentences) {
        Ok(keys) => {
            for key in keys {
                if !needed.contains(&key) {
                    needed.push(key);
                }
            }
        }
        Err(errors) => {
            for e in errors {
                problems.push(fatal("manifest.toml", None, format!("[sentences]: {e}")));
            }
        }
    }
    for key in &needed {
        if !manifest.phrases.contains_key(key) {
            problems.push(fatal(
                "manifest.toml",
                Some(key),
                "missing from [phrases]: record it and list it there".into(),
            ));
        }
    }
    let mut clips = HashMap::new();
    let mut levels = Vec::new();
    for (key, phrase) in &manifest.phrases {
        let file = phrase.file.as_str();
        let bytes = match source.read(file) {
            Ok(b) => b,
            Err(e) => {
                problems.push(fatal(file, Some(key), e));
                continue;
            }
        };
        let (range, encoding) = match wav::parse(&bytes) {
            Ok(w) => {
                let encoding = match (w.unplayable(manifest.rate), w.encoding()) {
                    (None, Some(e)) => e,
                    (why, _) => {
                        let why = why.unwrap_or_else(|| "its format cannot be played".into());
                        problems.push(fatal(file, Some(key), why));
                        continue;
                    }
                };
                let start = w.data.as_ptr() as usize - bytes.as_ptr() as usize;
                let len = w.data.len() / encoding.width() * encoding.width();
                (start..start + len, encoding)
            }
            Err(why) => {
                problems.push(fatal(file, Some(key), why));
                continue;
            }
        };
        if measure {
            let l = level(wav::samples(&bytes[range.clone()], encoding), manifest.rate);
            let (messages, active) = judge(&l);
            for message in messages {
                problems.push(Problem {
                    file: file.into(),
                    phrase: Some(key.clone()),
                    message,
                    fatal: false,
                });
            }
            if let Some(active) = active {
                levels.push((key.clone(), file.to_string(), active));
            }
        }
        clips.insert(
            key.clone(),
            Clip {
                bytes: bytes.into(),
                range,
                encoding,
            },
        );
    }
    // The spoken clips level with one another; the chime not above them.
    let mut spoken: Vec<f64> = levels
        .iter()
        .filter(|(k, _, _)| k != CHIME)
        .map(|(_, _, db)| *db)
        .collect();
    spoken.sort_by(f64::total_cmp);
    if let Some(&median) = spoken.get(spoken.len() / 2) {
        for (key, file, active) in &levels {
            let off = active - median;
            let wrong = if key == CHIME {
                (off > CHIME_OVER_DB).then(|| {
                    format!("the chime is {off:.1} dB above the speech (at most {CHIME_OVER_DB}): lower it")
                })
            } else {
                (off.abs() > SPREAD_DB).then(|| {
                    format!(
                        "it is {:.1} dB {} than the set's median {median:.1} dBFS (at most {SPREAD_DB} dB apart)",
                        off.abs(),
                        if off > 0.0 { "louder" } else { "quieter" }
                    )
                })
            };
            if let Some(message) = wrong {
                problems.push(Problem {
                    file: file.clone(),
                    phrase: Some(key.clone()),
                    message,
                    fatal: false,
                });
            }
        }
    }
    let count = clips.len();
    let set = (!problems.iter().any(|p| p.fatal)).then(|| ClipSet {
        id: source.id(),
        name: manifest.name,
        rate: manifest.rate,
        sentences,
        clips,
    });
    Checked {
        set,
        problems,
        clips: count,
    }
}

#[cfg(test)]
mod tests;
