//! What the station says aloud, as the phrases of a clip set: a call ("请 A
//! 零 零 七 号 到 1 号窗口 办理"), a screen read aloud for a citizen who
//! cannot read it, the evacuation message.
//!
//! A clip set names its sentences in its manifest as lists of phrase keys
//! with the placeholders `{ticket}`, `{window}`, `{windows}` and `{ahead}`;
//! here those are filled from digit, letter and number phrases by the set's
//! grammar (how its numbers are composed). The shell loads the clips, plays
//! the phrases and journals what it played ([`AnnouncementKind`],
//! [`AnnouncementOutcome`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalog::WindowNo;
use crate::ticket::TicketCode;

/// How a set composes numbers: Mandarin-like (十, 百) or English-like
/// (teens, tens, hundred). A local recording (Hainanese, Li) uses `zh`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Grammar {
    Zh,
    En,
}

/// How ticket numbers are read: digit by digit as printed ("A 零 零 七"), or
/// as a number ("A 七"). Windows and counts are always numbers.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NumberStyle {
    #[default]
    Digits,
    Number,
}

/// Something to say.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Announcement {
    /// A window called (or recalled) a ticket.
    Call {
        ticket: TicketCode,
        window: WindowNo,
        recall: bool,
    },
    /// Staff asked for a call to be said again (not a recall: it does not
    /// count against the recall limit).
    Repeat {
        ticket: TicketCode,
        window: WindowNo,
    },
    /// A citizen pressed 读给我听 on a screen.
    Read(Reading),
    /// The evacuation message, looped while a smoke alarm is latched.
    Evacuation,
}

/// The screens that can be read aloud, with what they show.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Reading {
    /// The home screen: how to choose.
    Home,
    /// The priority lane's choice of category.
    Priority,
    /// Ticketing closed.
    Closed,
    /// A ticket just taken: its number, the people ahead, the windows that
    /// serve it.
    Ticket {
        ticket: TicketCode,
        ahead: u32,
        windows: Vec<WindowNo>,
    },
    /// No ticket could be issued.
    NoTicket,
    ComplaintTopic,
    ComplaintWindow,
    ComplaintText,
    ComplaintPhone,
    ComplaintConfirm,
    ComplaintDone,
}

/// What kind of announcement a journal entry is about.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnnouncementKind {
    Call,
    Recall,
    Repeat,
    ReadAloud,
    Evacuation,
}

/// How an announcement ended.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnnouncementOutcome {
    /// Played to the end.
    Played,
    /// Staff stopped it (the entry's actor says who).
    Stopped,
    /// The evacuation message cut it off.
    Interrupted,
    /// A newer call for the same window replaced it before it began.
    Superseded,
    /// The speaker is muted at this hour.
    Muted,
    /// The station has no working speaker.
    Failed,
}

/// The sentences every set must have, with the placeholders each may use.
pub const SENTENCES: &[(&str, &[&str])] = &[
    ("call", &["{ticket}", "{window}"]),
    ("evacuate", &[]),
    ("read_home", &[]),
    ("read_priority", &[]),
    ("read_closed", &[]),
    ("read_ticket", &["{ticket}", "{ahead}", "{windows}"]),
    ("read_ticket_next", &["{ticket}", "{windows}"]),
    ("read_no_ticket", &[]),
    ("read_complaint_topic", &[]),
    ("read_complaint_window", &[]),
    ("read_complaint_text", &[]),
    ("read_complaint_phone", &[]),
    ("read_complaint_confirm", &[]),
    ("read_complaint_done", &[]),
];

/// The phrase every set starts an announcement with.
pub const CHIME: &str = "chime";

/// A set's sentences as its manifest gives them.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Sentences {
    pub grammar: Grammar,
    pub sentences: BTreeMap<String, Vec<String>>,
}

/// One step of an announcement: the chime, or a sentence of one set (its
/// index in the settings' order) as phrase keys.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Step {
    Chime { set: usize },
    Sentence { set: usize, phrases: Vec<String> },
}

/// Why an announcement cannot be said in a set.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum VoiceError {
    #[error("the clip set has no sentence `{0}`")]
    MissingSentence(&'static str),
    #[error("sentence `{sentence}` uses `{placeholder}`, which it cannot fill")]
    Placeholder {
        sentence: String,
        placeholder: String,
    },
}

/// The phrases a set of `grammar` needs beyond those its sentences name:
/// the chime, digits, letters, the number words, "and".
pub fn required_phrases(grammar: Grammar) -> Vec<String> {
    let mut keys = vec![CHIME.to_string(), "and".to_string()];
    keys.extend((0..10).map(|d| format!("digit-{d}")));
    keys.extend(('a'..='z').map(|c| format!("letter-{c}")));
    match grammar {
        Grammar::Zh => keys.extend(["ten", "hundred"].map(String::from)),
        Grammar::En => {
            keys.extend((10..20).map(|n| format!("n{n}")));
            keys.extend((2..10).map(|t| format!("n{t}0")));
            keys.push("hundred".into());
        }
    }
    keys
}

fn digit(d: u32) -> String {
    format!("digit-{d}")
}

/// A number as words: cardinal up to 999, digit by digit above (a count of
/// people or a ticket that high is read as its digits).
pub fn number(n: u32, grammar: Grammar) -> Vec<String> {
    if n > 999 {
        return digits(&n.to_string());
    }
    let (hundreds, tens, ones) = (n / 100, n / 10 % 10, n % 10);
    let mut words = Vec::new();
    match grammar {
        Grammar::Zh => {
            if hundreds > 0 {
                words.extend([digit(hundreds), "hundred".into()]);
                if tens == 0 && ones > 0 {
                    words.push(digit(0));
                }
            }
            if tens > 0 {
                // 十 alone for 10–19; 一百一十 once hundreds are said.
                if tens > 1 || hundreds > 0 {
                    words.push(digit(tens));
                }
                words.push("ten".into());
            }
            if ones > 0 || n == 0 {
                words.push(digit(ones));
            }
        }
        Grammar::En => {
            if hundreds > 0 {
                words.extend([digit(hundreds), "hundred".into()]);
            }
            match (tens, ones) {
                (0, 0) if hundreds > 0 => {}
                (0, o) => words.push(digit(o)),
                (1, o) => words.push(format!("n1{o}")),
                (t, 0) => words.push(format!("n{t}0")),
                (t, o) => words.extend([format!("n{t}0"), digit(o)]),
            }
        }
    }
    words
}

fn digits(text: &str) -> Vec<String> {
    text.chars()
        .filter_map(|c| c.to_digit(10))
        .map(digit)
        .collect()
}

/// A ticket's code as words: its letter, then its number as printed
/// (`A007`: A 0 0 7) or as a number.
pub fn ticket(code: TicketCode, style: NumberStyle, grammar: Grammar) -> Vec<String> {
    let letter = format!("letter-{}", code.category.to_string().to_ascii_lowercase());
    let mut words = vec![letter];
    match style {
        NumberStyle::Digits => words.extend(digits(&format!("{:03}", code.number))),
        NumberStyle::Number => words.extend(number(code.number, grammar)),
    }
    words
}

/// Window numbers as words, "and" before the last.
fn windows(list: &[WindowNo], grammar: Grammar) -> Vec<String> {
    let mut words = Vec::new();
    for (i, w) in list.iter().enumerate() {
        if i > 0 && i + 1 == list.len() {
            words.push("and".into());
        }
        words.extend(number(u32::from(w.get()), grammar));
    }
    words
}

impl Announcement {
    /// The name of the sentence that says it.
    pub fn sentence(&self) -> &'static str {
        match self {
            Announcement::Call { .. } | Announcement::Repeat { .. } => "call",
            Announcement::Evacuation => "evacuate",
            Announcement::Read(reading) => match reading {
                Reading::Home => "read_home",
                Reading::Priority => "read_priority",
                Reading::Closed => "read_closed",
                Reading::Ticket { ahead: 0, .. } => "read_ticket_next",
                Reading::Ticket { .. } => "read_ticket",
                Reading::NoTicket => "read_no_ticket",
                Reading::ComplaintTopic => "read_complaint_topic",
                Reading::ComplaintWindow => "read_complaint_window",
                Reading::ComplaintText => "read_complaint_text",
                Reading::ComplaintPhone => "read_complaint_phone",
                Reading::ComplaintConfirm => "read_complaint_confirm",
                Reading::ComplaintDone => "read_complaint_done",
            },
        }
    }

    /// What the journal calls it.
    pub fn kind(&self) -> AnnouncementKind {
        match self {
            Announcement::Call { recall: false, .. } => AnnouncementKind::Call,
            Announcement::Call { recall: true, .. } => AnnouncementKind::Recall,
            Announcement::Repeat { .. } => AnnouncementKind::Repeat,
            Announcement::Read(_) => AnnouncementKind::ReadAloud,
            Announcement::Evacuation => AnnouncementKind::Evacuation,
        }
    }

    /// The ticket it is about.
    pub fn ticket(&self) -> Option<TicketCode> {
        match self {
            Announcement::Call { ticket, .. }
            | Announcement::Repeat { ticket, .. }
            | Announcement::Read(Reading::Ticket { ticket, .. }) => Some(*ticket),
            _ => None,
        }
    }

    /// The window it calls to.
    pub fn window(&self) -> Option<WindowNo> {
        match self {
            Announcement::Call { window, .. } | Announcement::Repeat { window, .. } => {
                Some(*window)
            }
            _ => None,
        }
    }

    /// A call (or a repeat) starts with the chime and is said twice; the
    /// evacuation starts with the chime; a screen is read once.
    fn shape(&self) -> (bool, usize) {
        match self {
            Announcement::Call { .. } | Announcement::Repeat { .. } => (true, 2),
            Announcement::Evacuation => (true, 1),
            Announcement::Read(_) => (false, 1),
        }
    }

    /// The announcement in one set: its sentence with the placeholders
    /// filled.
    pub fn say(&self, set: &Sentences, style: NumberStyle) -> Result<Vec<String>, VoiceError> {
        let name = self.sentence();
        let template = set
            .sentences
            .get(name)
            .ok_or(VoiceError::MissingSentence(name))?;
        let mut words = Vec::new();
        for item in template {
            let filled = match (item.as_str(), self) {
                ("{ticket}", _) if self.ticket().is_some() => {
                    self.ticket().map(|t| ticket(t, style, set.grammar))
                }
                ("{window}", _) => self
                    .window()
                    .map(|w| number(u32::from(w.get()), set.grammar)),
                ("{ahead}", Announcement::Read(Reading::Ticket { ahead, .. })) => {
                    Some(number(*ahead, set.grammar))
                }
                ("{windows}", Announcement::Read(Reading::Ticket { windows: w, .. })) => {
                    Some(windows(w, set.grammar))
                }
                (key, _) if key.starts_with('{') => None,
                (key, _) => Some(vec![key.to_string()]),
            };
            match filled {
                Some(filled) => words.extend(filled),
                None => {
                    return Err(VoiceError::Placeholder {
                        sentence: name.into(),
                        placeholder: item.clone(),
                    });
                }
            }
        }
        Ok(words)
    }

    /// The whole announcement over the sets in order: the first set's chime
    /// when it has one, then the sentence in every set, all of that twice
    /// for a call. A set that cannot say it is left out (the shell checked
    /// every set when it loaded it, so this does not happen to a valid set).
    pub fn script(&self, sets: &[&Sentences], style: NumberStyle) -> Vec<Step> {
        let (chime, times) = self.shape();
        let mut steps = Vec::new();
        if chime && !sets.is_empty() {
            steps.push(Step::Chime { set: 0 });
        }
        for _ in 0..times {
            for (i, set) in sets.iter().enumerate() {
                if let Ok(phrases) = self.say(set, style) {
                    steps.push(Step::Sentence { set: i, phrases });
                }
            }
        }
        steps
    }
}

/// Checks a set's sentences: every required one present, each using only
/// the placeholders it may. The phrase keys they name are returned, for the
/// caller to find among the set's clips.
pub fn check_sentences(set: &Sentences) -> Result<Vec<String>, Vec<VoiceError>> {
    let mut errors = Vec::new();
    let mut keys = Vec::new();
    for (name, allowed) in SENTENCES {
        let Some(template) = set.sentences.get(*name) else {
            errors.push(VoiceError::MissingSentence(name));
            continue;
        };
        for item in template {
            if item.starts_with('{') {
                if !allowed.contains(&item.as_str()) {
                    errors.push(VoiceError::Placeholder {
                        sentence: (*name).into(),
                        placeholder: item.clone(),
                    });
                }
            } else if !keys.contains(item) {
                keys.push(item.clone());
            }
        }
    }
    if errors.is_empty() {
        Ok(keys)
    } else {
        Err(errors)
    }
}
