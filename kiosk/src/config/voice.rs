//! `[voice]` in kiosk.toml: whether calls are said aloud, in which clip sets
//! and in which order, how ticket numbers are read, and the volume by the
//! hour. Where the sound goes is the board profile's (`[audio]`).

use std::path::Path;

use super::*;
use crate::domain::NumberStyle;

/// The clip sets compiled in (`assets/voice/…`).
pub const BUILTIN_SETS: &[&str] = &["cmn", "en"];

/// The `[voice]` table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VoiceSettings {
    pub enabled: bool,
    /// The sets calls (and screens in Chinese) are said in, in order: a
    /// built-in set's name (`cmn`, `en`) or a folder (relative to the
    /// settings file).
    pub sets: Vec<String>,
    /// The set a screen shown in English is read in; `None`: read in `sets`.
    pub english: Option<String>,
    pub numbers: NumberStyle,
    /// Percent, within opening hours.
    pub volume: u8,
    /// Percent, from `early_minutes` before opening; muted otherwise after
    /// hours (but for the evacuation, always at full volume).
    pub early_volume: u8,
    pub early_minutes: u32,
}

impl Default for VoiceSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            sets: vec!["cmn".into()],
            english: Some("en".into()),
            numbers: NumberStyle::Digits,
            volume: 80,
            early_volume: 40,
            early_minutes: 60,
        }
    }
}

pub(super) fn voice_settings(
    src: &Source<'_>,
    raw: &RawVoice,
    base: Option<&Path>,
) -> Result<VoiceSettings, ConfigError> {
    let d = VoiceSettings::default();
    let set = |s: &Spanned<String>, field: &str| -> Result<String, ConfigError> {
        let name = s.get_ref().trim();
        if name.is_empty() {
            return Err(src.error(
                Some(s.span()),
                Some(field),
                "names no set: use \"cmn\", \"en\" or a folder holding a manifest.toml",
            ));
        }
        if BUILTIN_SETS.contains(&name) {
            return Ok(name.to_string());
        }
        let folder = base.unwrap_or(Path::new(".")).join(name);
        if !folder.join("manifest.toml").is_file() {
            return Err(src.error(
                Some(s.span()),
                Some(field),
                format!(
                    "is neither a built-in set (cmn, en) nor a folder with a manifest.toml ({} has none) — check the path, relative to this file",
                    folder.display()
                ),
            ));
        }
        Ok(folder.display().to_string())
    };
    let sets = match &raw.sets {
        None => d.sets,
        Some(list) if list.get_ref().is_empty() => {
            return Err(src.error(
                Some(list.span()),
                Some("voice.sets"),
                "is empty: name at least one set (\"cmn\"), or set enabled = false",
            ));
        }
        Some(list) => list
            .get_ref()
            .iter()
            .map(|s| set(s, "voice.sets"))
            .collect::<Result<_, _>>()?,
    };
    let english = match &raw.english {
        None => d.english,
        Some(s) if s.get_ref().trim().is_empty() => None,
        Some(s) => Some(set(s, "voice.english")?),
    };
    let numbers = match &raw.numbers {
        None => d.numbers,
        Some(s) => match s.get_ref().trim() {
            "digits" => NumberStyle::Digits,
            "number" => NumberStyle::Number,
            _ => {
                return Err(src.error(
                    Some(s.span()),
                    Some("voice.numbers"),
                    "must be \"digits\" (A 零 零 七, as printed) or \"number\" (A 七)",
                ));
            }
        },
    };
    Ok(VoiceSettings {
        enabled: raw.enabled.as_ref().map_or(d.enabled, |e| *e.get_ref()),
        sets,
        english,
        numbers,
        volume: src.in_range(&raw.volume, "voice.volume", 0..=100, d.volume, " %")?,
        early_volume: src.in_range(
            &raw.early_volume,
            "voice.early_volume",
            0..=100,
            d.early_volume,
            " %",
        )?,
        early_minutes: src.in_range(
            &raw.early_minutes,
            "voice.early_minutes",
            0..=240,
            d.early_minutes,
            " minutes",
        )?,
    })
}
