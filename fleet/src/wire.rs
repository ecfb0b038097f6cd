//! The district uplink's messages (ADR 0026), as the station publishes
//! them and the collector reads them: one JSON object per MQTT message.
//!
//! | topic                         | from      | message      |
//! |-------------------------------|-----------|--------------|
//! | `stations/{id}/journal`       | station   | [`Batch`]    |
//! | `stations/{id}/priority`      | station   | [`Priority`] |
//! | `stations/{id}/status`        | station   | [`Status`], retained; the last will says offline |
//! | `stations/{id}/ack`           | collector | [`Ack`]      |
//! | `stations/{id}/command`       | collector | [`Command`]  |

use serde::{Deserialize, Serialize};

pub use store::uplink::{Head, UplinkRow};

/// The topic a station's message of `kind` goes on.
pub fn topic(station: &str, kind: Topic) -> String {
    format!("stations/{station}/{}", kind.word())
}

/// The five topics under a station's id.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Topic {
    Journal,
    Priority,
    Status,
    Ack,
    Command,
}

impl Topic {
    pub fn word(self) -> &'static str {
        match self {
            Topic::Journal => "journal",
            Topic::Priority => "priority",
            Topic::Status => "status",
            Topic::Ack => "ack",
            Topic::Command => "command",
        }
    }

    /// The station id and topic of `stations/{id}/{topic}`.
    pub fn parse(topic: &str) -> Option<(&str, Topic)> {
        let rest = topic.strip_prefix("stations/")?;
        let (station, word) = rest.split_once('/')?;
        let kind = [
            Topic::Journal,
            Topic::Priority,
            Topic::Status,
            Topic::Ack,
            Topic::Command,
        ]
        .into_iter()
        .find(|t| t.word() == word)?;
        (valid_station_id(station)).then_some((station, kind))
    }
}

/// A station's id may be used in a topic: 1–64 of `a-z`, `0-9`, `-`, `_`
/// (never `/`, `+` or `#`, which MQTT reads as levels and wildcards).
pub fn valid_station_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// Consecutive journal entries `from..=to`, the station's head with them.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Batch {
    pub station: String,
    /// The journal's identity: a restored or replaced database is told
    /// apart by it and by its chain.
    pub journal: String,
    pub from: i64,
    pub to: i64,
    pub head: Head,
    pub rows: Vec<UplinkRow>,
}

/// An alarm or a bad rating, sent at once beside the journal's order.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Priority {
    pub station: String,
    pub journal: String,
    pub row: UplinkRow,
}

/// The collector committed the station's entries up to `to`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Ack {
    pub journal: String,
    pub to: i64,
}

/// What the collector asks of a station.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    /// Send the journal again from `seq` (a gap, or a chain to look at).
    ResendFrom { journal: String, seq: i64 },
}

/// Whether the station's uplink is connected.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Link {
    Online,
    /// The station said goodbye, or the broker gave its last will.
    Offline,
}

/// The retained status: online with a summary of the station's state, or
/// offline (the last will carries no summary).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Status {
    pub state: Link,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Summary>,
}

/// The station at one instant, in figures and words a supervisor reads —
/// nothing a citizen typed, no callback number.
#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
pub struct Summary {
    /// The station's clock, RFC 3339.
    pub at: String,
    /// The business day, if one is open.
    pub day: Option<String>,
    pub issuing: bool,
    pub tickets_today: u32,
    pub waiting: u32,
    pub serving: u32,
    /// Open cases and how many have missed a deadline.
    pub open_cases: u32,
    pub overdue_cases: u32,
    /// Zones whose alarm is latched, by name.
    pub alarms: Vec<String>,
    /// The printer: `ready`, `paper_low`, or its fault's word (`paper_out`,
    /// `cover_open`, `offline`, …), and what the fault is.
    pub printer: String,
    pub printer_fault: Option<String>,
    /// What the board could not open, and why the database cannot be
    /// written, each with its fix.
    pub problems: Vec<String>,
    /// The journal's head and what the district has acknowledged.
    pub head: i64,
    pub acked: i64,
    /// The kiosk's version.
    pub version: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_name_the_station_and_read_back() {
        let t = topic("lingao-bohou-03", Topic::Journal);
        assert_eq!(t, "stations/lingao-bohou-03/journal");
        assert_eq!(Topic::parse(&t), Some(("lingao-bohou-03", Topic::Journal)));
        assert_eq!(Topic::parse("stations/a/b/journal"), None);
        assert_eq!(Topic::parse("stations/+/journal"), None);
        assert_eq!(Topic::parse("stations/x/other"), None);
        assert_eq!(Topic::parse("other/x/journal"), None);
    }

    #[test]
    fn station_ids_cannot_hold_topic_syntax() {
        for good in ["a", "haikou-001", "s_1", &"x".repeat(64)] {
            assert!(valid_station_id(good), "{good}");
        }
        for bad in ["", "A", "a/b", "a+", "#", "站", " a", &"x".repeat(65)] {
            assert!(!valid_station_id(bad), "{bad}");
        }
    }

    #[test]
    fn the_last_will_is_a_status_without_summary() {
        let offline = serde_json::to_string(&Status {
            state: Link::Offline,
            summary: None,
        })
        .unwrap();
        assert_eq!(offline, r#"{"state":"offline"}"#);
        let back: Status = serde_json::from_str(&offline).unwrap();
        assert_eq!(back.state, Link::Offline);
        let resend = serde_json::to_string(&Command::ResendFrom {
            journal: "j".into(),
            seq: 7,
        })
        .unwrap();
        assert_eq!(resend, r#"{"command":"resend_from","journal":"j","seq":7}"#);
    }
}
