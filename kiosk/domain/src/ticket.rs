//! Queue tickets: their printed code and their life from issue to the end.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::catalog::{CategoryId, WindowNo};

/// The code printed on a ticket and called out: category letter plus a number of at
/// least three digits (`A001`, `A1000`). Unique within a business day.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TicketCode {
    pub category: CategoryId,
    pub number: u32,
}

impl fmt::Display for TicketCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{:03}", self.category, self.number)
    }
}

impl FromStr for TicketCode {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let bad = || format!("`{text}` is not a ticket number such as A001");
        let mut chars = text.chars();
        let category = chars
            .next()
            .and_then(|c| CategoryId::new(c.to_ascii_uppercase()))
            .ok_or_else(bad)?;
        let digits = chars.as_str();
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let number: u32 = digits.parse().map_err(|_| bad())?;
        if number == 0 {
            return Err(bad());
        }
        Ok(Self { category, number })
    }
}

impl TryFrom<String> for TicketCode {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        text.parse()
    }
}

impl From<TicketCode> for String {
    fn from(code: TicketCode) -> String {
        code.to_string()
    }
}

/// Where a ticket is in its life.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TicketState {
    /// In the queue of `Ticket::queue`.
    Waiting,
    /// Called to a window and being served there.
    Called {
        window: WindowNo,
        at: Timestamp,
        recalls: u8,
    },
    /// Served to the end.
    Completed { window: WindowNo },
    /// Called but the citizen did not come (过号); staff may re-queue it.
    Skipped { window: WindowNo },
    /// Still open when the business day closed.
    Unserved,
}

impl TicketState {
    /// Short lowercase name for logs and JSON.
    pub fn name(&self) -> &'static str {
        match self {
            TicketState::Waiting => "waiting",
            TicketState::Called { .. } => "called",
            TicketState::Completed { .. } => "completed",
            TicketState::Skipped { .. } => "skipped",
            TicketState::Unserved => "unserved",
        }
    }
}

/// One ticket of the current business day.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Ticket {
    pub code: TicketCode,
    /// The category whose queue it is in: its own, or the one it was transferred to.
    pub queue: CategoryId,
    pub priority: bool,
    pub issued_at: Timestamp,
    /// Position key in the queue; smaller is called earlier. Only comparable between
    /// waiting tickets.
    pub order: i64,
    pub state: TicketState,
    /// The matter it was taken for at the lobby guide, if any.
    pub matter: Option<crate::matter::MatterRef>,
}
