//! The station's state as one typed snapshot: what the control socket's
//! `state` command prints, what the staff console's pages and `kiosk doctor`
//! read. The station loop makes it ([`crate::app::Core`]); its JSON is only
//! its serialisation, read back with the same types.

use board::card::Card;
use board::sim::printer::Status as SimulatedPrinter;
use domain::{BuzzerPattern, PrinterHealth, StationView};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// A value's name as the snapshot's JSON spells it (`panic`, `open`,
/// `received`): how staff surfaces name a role, a fault or a stage.
pub fn word<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// Everything the station shows of itself at one instant.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StationState {
    /// The station's time (its clock, never before the journal's last entry
    /// once the clock is held).
    pub now: Timestamp,
    /// `now` in the station's time zone, as people read it.
    pub local: String,
    /// The clock is the simulated board's, moved by commands.
    pub simulated_clock: bool,
    pub station: StationView,
    /// Today's tickets in the order they were issued.
    pub tickets: Vec<TicketRow>,
    pub printer: PrinterState,
    /// The window cards, by window.
    pub cards: Vec<CardState>,
    pub outputs: OutputsState,
    /// What the board could not open, each with its fix.
    pub board_problems: Vec<String>,
    /// Why the database cannot be written, while it cannot.
    pub store_fault: Option<String>,
    /// The voice: its output, queue and latest announcements; `None`
    /// without a speaker.
    #[serde(default)]
    pub voice: Option<crate::voice::VoiceState>,
    /// The notice bar's line for staff; empty when all is well.
    pub notice: String,
}

/// One ticket of today.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketRow {
    pub code: String,
    pub queue: String,
    pub priority: bool,
    pub state: String,
}

/// The printer as the station sees it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PrinterState {
    /// Where it is attached; `None` when the station has no printer.
    pub port: Option<String>,
    /// Jobs handed to the printer worker and not yet finished.
    pub outstanding: usize,
    /// Jobs held through a fault, by their code.
    pub held: Vec<String>,
    /// The printer profile's id.
    pub model: String,
    pub health: PrinterHealth,
    pub fault: Option<String>,
    /// The virtual printer's own account, on the simulated board.
    pub simulated: Option<SimulatedPrinter>,
}

/// A window's card: what it shows and how its display is doing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardState {
    pub window: u8,
    pub card: Option<Card>,
    /// How many times the card changed.
    pub changes: u32,
    /// Why the card's display failed last, if it did.
    pub error: Option<String>,
}

/// The alarm outputs: what the station wants of them and what they did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputsState {
    pub alarm_relay: bool,
    pub siren_relay: bool,
    pub buzzer: BuzzerPattern,
    pub heartbeat: bool,
    pub heartbeat_toggles: u64,
    /// Changes of the relays and buzzer, in order.
    pub changes: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::domain::{Actor, Command, Station, Topic, ZoneFault};

    /// What the control socket prints, `kiosk doctor` reads back whole: a
    /// station with a ticket, an open case and a faulted zone survives the
    /// round trip through JSON.
    #[test]
    fn the_snapshot_reads_back_from_its_json() {
        let config = Config::builtin().unwrap();
        let mut station = Station::new(config.catalog, config.calendar, config.settings);
        let now: Timestamp = "2026-11-30T02:00:00Z".parse().unwrap();
        let issue = Command::Issue {
            category: crate::domain::CategoryId::new('A').unwrap(),
            priority: false,
        };
        let complaint = Command::FileComplaint {
            topic: Topic::Efficiency,
            window: None,
            text: "等太久".into(),
            phone: None,
            form: 0,
            channel: Default::default(),
        };
        for command in [issue, complaint] {
            let d = station.decide(&command, &Actor::Citizen, now).unwrap();
            for r in &d.records {
                station.apply(r);
            }
        }
        let mut view = station.view(now);
        view.zones[1].state.fault = Some(ZoneFault::Open);
        assert_eq!((view.cases.len(), view.waiting.len()), (1, 1));
        let state = StationState {
            now,
            local: station.local(now),
            simulated_clock: true,
            station: view,
            tickets: Vec::new(),
            printer: PrinterState {
                port: None,
                outstanding: 0,
                held: vec!["A001".into()],
                model: "generic-58".into(),
                health: PrinterHealth::PaperLow,
                fault: None,
                simulated: None,
            },
            cards: vec![CardState {
                window: 1,
                card: None,
                changes: 2,
                error: None,
            }],
            outputs: OutputsState {
                alarm_relay: true,
                siren_relay: false,
                buzzer: BuzzerPattern::Alarm,
                heartbeat: true,
                heartbeat_toggles: 3,
                changes: 1,
            },
            board_problems: vec!["no ADC".into()],
            store_fault: Some("disk full".into()),
            voice: None,
            notice: "打印机缺纸".into(),
        };
        let json = serde_json::to_value(&state).unwrap();
        let back: StationState = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back.station, state.station);
        assert_eq!(serde_json::to_value(&back).unwrap(), json);
    }
}
