//! PIN checks off the station loop and off the writer, and the guard of the
//! public touchscreen's PIN pad.
//!
//! Argon2id takes tens of milliseconds here and several times that on a Pi.
//! Checked on the writer thread, it held up every record behind it — a panic
//! press during a PIN check was journaled that much later. Here the slow part
//! ([`store::verify_pin`]) runs on tokio's blocking pool on a read-only
//! connection of its own, one check at a time per lane: the touchscreen and
//! commands in one lane, the console in the other, so that a burst of console
//! sign-ins never delays the manager at the kiosk. The station loop goes on
//! handling events meanwhile and counts the outcome through the writer when
//! the verdict comes back.
//!
//! The touchscreen is a public surface: anyone in the lobby can type there.
//! Wrong PINs typed on it never count against a member — five of them would
//! otherwise lock the manager out of resetting a smoke alarm — and a lockout
//! earned elsewhere does not stop the right PIN there. The pad guards itself
//! instead ([`PadGuard`]): after a few wrong PINs it waits a little longer
//! each time, never more than [`PAD_WAIT_MAX`], so guessing is slow and the
//! right person with the right PIN is in within a minute (ADR 0016).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::Semaphore;
use tokio::time::Instant;

use super::{Refusal, StoreProblem};
use crate::domain::SignInPlace;
use crate::store::{self, Counting, StoreSettings, Verdict};

/// Checks PINs against the database, off the station loop.
#[derive(Clone)]
pub struct PinChecker {
    db: PathBuf,
    settings: StoreSettings,
    /// The touchscreen and commands: one check at a time.
    local: Arc<Semaphore>,
    /// The console: one check at a time, apart from the local lane.
    console: Arc<Semaphore>,
}

impl PinChecker {
    /// Checks against the database at `db`.
    pub fn new(db: PathBuf, settings: StoreSettings) -> Self {
        Self {
            db,
            settings,
            local: Arc::new(Semaphore::new(1)),
            console: Arc::new(Semaphore::new(1)),
        }
    }

    /// The verdict on `pin` for `staff` typed at `place` at `now`. Nothing
    /// is written: the station loop counts the outcome.
    pub async fn verify(
        &self,
        staff: String,
        pin: String,
        now: Timestamp,
        place: SignInPlace,
    ) -> Result<Verdict, Refusal> {
        let lane = match place {
            SignInPlace::Console => &self.console,
            SignInPlace::Touchscreen | SignInPlace::Command | SignInPlace::Keypad => &self.local,
        };
        let _turn = lane.acquire().await.map_err(|_| Refusal::Stopping)?;
        let (db, settings) = (self.db.clone(), self.settings.clone());
        let counting = counting(place);
        crate::background::spawn_blocking(move || {
            let conn = store::open_read_only(&db, &settings).map_err(|e| Refusal::from(&e))?;
            store::verify_pin(&conn, &staff, &pin, now, counting).map_err(|e| Refusal::from(&e))
        })
        .await
        .map_err(|e| Refusal::NotRecorded {
            problem: StoreProblem::Other,
            message: format!("the PIN check stopped: {e}"),
        })?
    }
}

/// Whether wrong PINs typed at `place` count against the member.
pub fn counting(place: SignInPlace) -> Counting {
    match place {
        SignInPlace::Touchscreen => Counting::Surface,
        // A window's keypad is behind the counter: wrong PINs count against
        // the member, and ten lock them out.
        SignInPlace::Console | SignInPlace::Command | SignInPlace::Keypad => Counting::Account,
    }
}

/// Wrong PINs the pad takes before it starts to wait.
pub const PAD_FREE: u32 = 3;
/// The first wait; each further wrong PIN doubles it, up to the most.
const PAD_WAIT_FIRST: Duration = Duration::from_secs(5);
/// The longest the pad waits: a manager who arrives while a stranger keeps
/// it waiting, and mistypes once, is still in within a minute.
pub const PAD_WAIT_MAX: Duration = Duration::from_secs(20);
/// Quiet this long and the pad forgets the wrong PINs.
const PAD_FORGET: Duration = Duration::from_secs(10 * 60);

/// The touchscreen PIN pad's own guard against guessing: a state machine on
/// the monotonic clock, time passed in.
#[derive(Clone, Debug, Default)]
pub struct PadGuard {
    /// Wrong PINs since the pad last let someone in (or was quiet).
    wrong: u32,
    last: Option<Instant>,
    /// No PIN is checked before this.
    until: Option<Instant>,
}

impl PadGuard {
    /// How long the pad still waits at `now`, if it does.
    pub fn waiting(&self, now: Instant) -> Option<Duration> {
        self.until
            .filter(|until| *until > now)
            .map(|until| until - now)
    }

    /// A wrong PIN (or an unknown number) was typed at `now`.
    pub fn wrong(&mut self, now: Instant) {
        if self
            .last
            .is_some_and(|last| now.duration_since(last) >= PAD_FORGET)
        {
            self.wrong = 0;
        }
        self.wrong += 1;
        self.last = Some(now);
        if self.wrong >= PAD_FREE {
            let doublings = (self.wrong - PAD_FREE).min(8);
            let wait = (PAD_WAIT_FIRST * 2u32.pow(doublings)).min(PAD_WAIT_MAX);
            self.until = Some(now + wait);
        }
    }

    /// Someone signed in: the pad starts afresh.
    pub fn right(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_pad_waits_longer_after_each_wrong_pin_but_never_more_than_its_most() {
        let mut pad = PadGuard::default();
        let now = Instant::now();
        for _ in 0..PAD_FREE - 1 {
            pad.wrong(now);
            assert_eq!(pad.waiting(now), None, "the first wrong PINs are free");
        }
        let mut waits = Vec::new();
        for _ in 0..6 {
            pad.wrong(now);
            waits.push(pad.waiting(now).unwrap().as_secs());
        }
        assert_eq!(waits, [5, 10, 20, 20, 20, 20]);
        // The wait runs out; the right PIN clears it all.
        assert_eq!(pad.waiting(now + PAD_WAIT_MAX), None);
        pad.right();
        pad.wrong(now);
        assert_eq!(pad.waiting(now), None);
        // Ten quiet minutes and the pad forgets.
        let later = now + PAD_FORGET;
        for _ in 0..PAD_FREE - 1 {
            pad.wrong(later);
        }
        assert_eq!(pad.waiting(later), None);
    }
}
