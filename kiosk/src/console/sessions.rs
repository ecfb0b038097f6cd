//! Who is signed in to the console: sessions kept alive only by a person's
//! requests, one per member, and the sign-in attempts counted per address.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::time::Duration;

use tokio::time::Instant;

use crate::domain::{StaffRole, WindowNo};

use super::*;

pub(super) const COOKIE: &str = "kiosk_session";
/// Sign-in attempts allowed per address in [`ATTEMPT_WINDOW`].
pub(super) const ATTEMPTS: u32 = 10;
pub(super) const ATTEMPT_WINDOW: Duration = Duration::from_secs(5 * 60);
/// How often ended attempt windows are journaled and dead sessions dropped.
pub(super) const SWEEP: Duration = Duration::from_secs(60);
/// A signed-in member.
#[derive(Clone, Debug)]
pub(super) struct Session {
    pub(super) staff: String,
    pub(super) name: String,
    pub(super) role: StaffRole,
    pub(super) csrf: String,
    /// The member's last request (a page or a form, not a refresh).
    pub(super) last_seen: Instant,
    /// The member's PIN hash when they signed in: a new PIN ends the session.
    pub(super) pin: String,
    /// The window the member works at, once they chose it in the window
    /// console.
    pub(super) window: Option<WindowNo>,
}

/// The signed-in sessions by token. Time is passed in: the rules (idle
/// expiry, what counts as activity, one session per member) are tested
/// without a clock.
#[derive(Debug, Default)]
pub(super) struct Sessions {
    pub(super) by_token: HashMap<String, Session>,
}

impl Sessions {
    /// Adds a new session and ends the member's earlier ones (a member
    /// works in one browser at a time, and a session left open on another
    /// PC should not outlive the next sign-in); how many it ended.
    pub(super) fn open(&mut self, token: String, session: Session) -> usize {
        let before = self.by_token.len();
        self.by_token.retain(|_, s| s.staff != session.staff);
        let ended = before - self.by_token.len();
        self.by_token.insert(token, session);
        ended
    }

    /// The session of `token` if it is alive at `now`; an expired one is
    /// dropped.
    pub(super) fn peek(&mut self, token: &str, now: Instant, idle: Duration) -> Option<Session> {
        let session = self.by_token.get(token)?;
        if now.saturating_duration_since(session.last_seen) > idle {
            self.by_token.remove(token);
            return None;
        }
        Some(session.clone())
    }

    /// A person's request on `token` at `now`: the session stays alive.
    pub(super) fn touch(&mut self, token: &str, now: Instant) {
        if let Some(s) = self.by_token.get_mut(token) {
            s.last_seen = s.last_seen.max(now);
        }
    }

    pub(super) fn end(&mut self, token: &str) {
        self.by_token.remove(token);
    }

    /// Drops every session idle for longer than `idle`.
    pub(super) fn prune(&mut self, now: Instant, idle: Duration) {
        self.by_token
            .retain(|_, s| now.saturating_duration_since(s.last_seen) <= idle);
    }

    pub(super) fn set_window(&mut self, token: &str, window: WindowNo) {
        if let Some(s) = self.by_token.get_mut(token) {
            s.window = Some(window);
        }
    }

    /// Who works at which window: members who chose a window, their
    /// sessions alive at `now`.
    pub(super) fn on_duty(&self, now: Instant, idle: Duration) -> BTreeMap<u8, Vec<String>> {
        let mut duty: BTreeMap<u8, Vec<String>> = BTreeMap::new();
        for s in self.by_token.values() {
            if let Some(w) = s.window
                && now.saturating_duration_since(s.last_seen) <= idle
            {
                let who = format!("{} ({})", s.name, s.staff);
                let names = duty.entry(w.get()).or_default();
                if !names.contains(&who) {
                    names.push(who);
                }
            }
        }
        duty
    }
}

/// What the attempt limit says of a sign-in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Attempt {
    Allowed,
    /// Over the limit. The first refusal of a window is journaled at once;
    /// the rest are counted and journaled as one entry when the window ends,
    /// so that a flood cannot fill the journal (or keep the station loop
    /// busy) one refusal at a time.
    Refused {
        first: bool,
    },
}

/// Sign-in attempts per address (an IPv6 /64) in windows of
/// [`ATTEMPT_WINDOW`]. Time is passed in.
#[derive(Debug, Default)]
pub(super) struct Attempts {
    pub(super) by: HashMap<IpAddr, Tries>,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Tries {
    pub(super) since: Instant,
    pub(super) count: u32,
    /// Refused over the limit in this window.
    pub(super) over: u32,
}

impl Attempts {
    pub(super) fn attempt(&mut self, ip: IpAddr, now: Instant) -> Attempt {
        let tries = self.by.entry(listen::client_key(ip)).or_insert(Tries {
            since: now,
            count: 0,
            over: 0,
        });
        if now.saturating_duration_since(tries.since) > ATTEMPT_WINDOW {
            // A window ended and nobody swept it yet: its count of refusals
            // stays for the sweep; only the count of attempts starts over.
            tries.since = now;
            tries.count = 0;
        }
        tries.count += 1;
        if tries.count <= ATTEMPTS {
            return Attempt::Allowed;
        }
        tries.over += 1;
        Attempt::Refused {
            first: tries.over == 1,
        }
    }

    /// Forgets the windows that ended by `now`; for each address, how many
    /// refusals after its first are still to be journaled.
    pub(super) fn sweep(&mut self, now: Instant) -> Vec<(IpAddr, u32)> {
        let mut unsaid = Vec::new();
        self.by.retain(|ip, t| {
            if now.saturating_duration_since(t.since) <= ATTEMPT_WINDOW {
                return true;
            }
            if t.over > 1 {
                unsaid.push((*ip, t.over - 1));
            }
            false
        });
        unsaid.sort();
        unsaid
    }
}

/// 32 random bytes in hex.
pub(super) fn token() -> String {
    let mut bytes = [0u8; 32];
    // The OS's generator does not fail on Linux; if it ever did, the zeros
    // would make every session equal, so refuse to go on instead.
    getrandom::fill(&mut bytes).expect("the operating system's random number generator works");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
