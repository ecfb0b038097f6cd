//! The station's voice (ADR 0027): calls said aloud from recorded clip sets,
//! screens read aloud for citizens who cannot read them, and the evacuation
//! message. `clips` loads and checks sets, `queue` orders announcements,
//! `player` plays them paced at real time to a `sink` (ALSA, or WAV files on
//! the simulated board). What is said is the domain's (`domain::voice`).

mod clips;
mod player;
mod queue;
mod sink;
mod wav;

use std::path::PathBuf;

use jiff::Timestamp;

pub use clips::{
    BUILTIN_SETS, Checked, ClipSet, Level, Problem, Source, check, clip_level, gaps, level, load,
};
pub use player::{
    CHUNK_MS, Ended, Entry, LEAD_MS, Mark, Played, Report, Request, SENTENCE_PAUSE_MS, Setup,
    Voice, VoiceState, WORD_GAP_MS, start,
};
pub use sink::{Sink, WavSink};

#[cfg(feature = "alsa")]
pub use sink::AlsaSink;

use crate::config::VoiceSettings;
use crate::domain::{HolidayCalendar, Hours, Settings, is_open_day};

/// Where the sound goes.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Output {
    /// WAV files in this folder (the simulated board).
    Wav(PathBuf),
    /// An ALSA device by name (the board profile's `[audio]`).
    Alsa(String),
}

/// Loads the sets the settings name and opens the output: what cannot be
/// used is a problem the station starts without (a set left out, the device
/// missing), never a stop. `None` when no set at all can be played.
pub fn prepare(settings: &VoiceSettings, output: &Output) -> (Option<Setup>, Vec<String>) {
    let mut problems = Vec::new();
    let mut load = |name: &str| -> Option<ClipSet> {
        let checked = load(&Source::named(name));
        for p in &checked.problems {
            let what = if p.fatal {
                "left out"
            } else {
                "plays, but fix it"
            };
            problems.push(format!("voice set `{name}` ({what}): {p}"));
        }
        checked.set
    };
    let mut sets: Vec<ClipSet> = settings.sets.iter().filter_map(|s| load(s)).collect();
    let mut english = settings.english.as_deref().and_then(&mut load);
    let rate = sets.first().or(english.as_ref()).map(|s| s.rate);
    let Some(rate) = rate else {
        problems.push("voice: no clip set can be played; calls are shown, not said".into());
        return (None, problems);
    };
    let same_rate = |s: &ClipSet, problems: &mut Vec<String>| {
        let same = s.rate == rate;
        if !same {
            problems.push(format!(
                "voice set `{}` (left out): its clips are at {} Hz and the first set's at {rate} Hz — resample them (`sox in.wav -r {rate} out.wav`) and change its manifest's rate",
                s.id, s.rate
            ));
        }
        same
    };
    sets.retain(|s| same_rate(s, &mut problems));
    english = english.filter(|s| same_rate(s, &mut problems));
    // Reading the clips' headers brought their pages in (the kernel maps
    // the pages around each one read): give them back until they play.
    clips::release_builtin();
    let sink: Box<dyn Sink> = match output {
        Output::Wav(dir) => match WavSink::new(dir) {
            Ok(s) => Box::new(s),
            Err(why) => {
                problems.push(format!("voice: {why}; calls are shown, not said"));
                return (None, problems);
            }
        },
        Output::Alsa(device) => match alsa_sink(device, rate) {
            Ok(s) => s,
            Err(why) => {
                problems.push(format!("voice: {why}; calls are shown, not said"));
                return (None, problems);
            }
        },
    };
    let setup = Setup {
        sets,
        english,
        style: settings.numbers,
        sink,
        problems: problems.clone(),
        volume: settings.volume,
    };
    (Some(setup), problems)
}

#[cfg(feature = "alsa")]
fn alsa_sink(device: &str, rate: u32) -> Result<Box<dyn Sink>, String> {
    let sink = AlsaSink::start(device, rate)?;
    Ok(Box::new(sink))
}

#[cfg(not(feature = "alsa"))]
fn alsa_sink(device: &str, _rate: u32) -> Result<Box<dyn Sink>, String> {
    Err(format!(
        "audio device `{device}`: this kiosk was built without ALSA (the `alsa` feature)"
    ))
}

/// The volume at `now`: `volume` within opening hours, `early_volume` from
/// `early_minutes` before opening, muted otherwise (the evacuation message
/// ignores this and plays at full volume).
pub fn volume_at(
    voice: &VoiceSettings,
    hours: &Hours,
    calendar: &HolidayCalendar,
    settings: &Settings,
    now: Timestamp,
) -> u8 {
    let local = settings.time_zone.to_datetime(now);
    let date = local.date();
    if !is_open_day(hours, calendar, settings.closed_on_holidays, date) {
        return 0;
    }
    let (Some(first), Some(last)) = (hours.sessions.first(), hours.sessions.last()) else {
        return 0;
    };
    let open = date.to_datetime(first.start);
    let close = date.to_datetime(last.end);
    let early = open
        .checked_sub(jiff::SignedDuration::from_mins(i64::from(
            voice.early_minutes,
        )))
        .unwrap_or(open);
    if local >= open && local < close {
        voice.volume
    } else if local >= early && local < open {
        voice.early_volume
    } else {
        0
    }
}
