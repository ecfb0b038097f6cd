//! The single writer: one thread owns the database connection and commits what
//! the station loop sends it, answering each commit when it is on disk.
//!
//! The loop waits for an answer on tokio's blocking pool rather than on an
//! async channel. Under a paused clock (the scenario tests) tokio advances time
//! whenever the runtime is idle — but never while a blocking task runs — so a
//! commit in progress never lets simulated time jump ahead of the disk.

use std::sync::mpsc;
use std::thread::JoinHandle;

use jiff::Timestamp;

use crate::domain::{CaseNo, Phone, Record, StaffRole};
use crate::store::{PinRefusal, Resume, Store, StoreError, Verdict};

type PinAnswer = Result<Result<(StaffRole, String), PinRefusal>, StoreError>;

/// What a decision keeps beside the journal, never in it: callback numbers
/// and commissions' citizens.
#[derive(Default)]
pub struct Private {
    pub contacts: Vec<(CaseNo, Phone)>,
    pub principals: Vec<(crate::domain::DocketNo, crate::domain::Principal)>,
}

enum Request {
    Commit(Vec<Record>, Private, mpsc::Sender<Result<(), StoreError>>),
    Resume(mpsc::Sender<Result<Resume, StoreError>>),
    RecordPin {
        staff: String,
        verdict: Verdict,
        now: Timestamp,
        reply: mpsc::Sender<PinAnswer>,
    },
    ExpiredContacts(Timestamp, mpsc::Sender<Result<Vec<CaseNo>, StoreError>>),
    DaySlip(
        jiff::civil::Date,
        jiff::tz::TimeZone,
        mpsc::Sender<Result<DaySlip, StoreError>>,
    ),
    /// A read on the writer's connection (the closure sends its answer).
    Read(Box<dyn FnOnce(&Store) + Send>),
    /// The district's collector committed the journal up to this entry.
    Acknowledge(i64, mpsc::Sender<Result<i64, StoreError>>),
    /// Stop taking requests (the uplink may still hold a sender).
    Close,
}

/// What the closing slip of a day says: its figures, and the journal's head
/// when it was asked for.
pub struct DaySlip {
    pub report: crate::store::report::Report,
    pub anchor: Option<crate::store::audit::Anchor>,
}

/// Handle to the writer thread. Dropping it (after [`Writer::close`]) ends the
/// thread.
pub struct Writer {
    tx: Option<mpsc::Sender<Request>>,
    thread: Option<JoinHandle<()>>,
    commits: tokio::sync::watch::Receiver<Commits>,
}

/// What the district uplink may ask of the writer: to move the outbox's
/// cursor, and to be woken when entries were committed. Holding it does not
/// keep the writer open: after [`Writer::close`] its requests fail.
#[derive(Clone)]
pub struct OutboxHandle {
    tx: mpsc::Sender<Request>,
    commits: tokio::sync::watch::Receiver<Commits>,
}

/// What the writer has committed since it started, as the uplink watches
/// it: every commit, and those that held an urgent fact (an alarm, a bad
/// rating: [`crate::domain::Fact::is_urgent`]), so that the uplink reads
/// the journal for the priority topic only when there is something to send.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Commits {
    pub all: u64,
    pub urgent: u64,
}

impl OutboxHandle {
    /// Moves the cursor to `seq` (never back, never past the journal's
    /// end); the cursor afterwards.
    pub async fn acknowledge(&self, seq: i64) -> Result<i64, StoreError> {
        let (reply, answer) = mpsc::channel();
        self.tx
            .send(Request::Acknowledge(seq, reply))
            .map_err(|_| StoreError::WriterGone)?;
        wait(answer).await
    }

    /// Changes each time a commit lands.
    pub fn commits(&self) -> tokio::sync::watch::Receiver<Commits> {
        self.commits.clone()
    }
}

impl Writer {
    /// Moves the store onto its own thread.
    pub fn start(mut store: Store) -> std::io::Result<Self> {
        let (tx, rx) = mpsc::channel::<Request>();
        let (committed, commits) = tokio::sync::watch::channel(Commits::default());
        let thread = std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || {
                for request in rx {
                    match request {
                        Request::Commit(records, private, reply) => {
                            let done = store
                                .commit_private(&records, &private.contacts, &private.principals)
                                .map(|_| ());
                            if done.is_ok() {
                                let urgent = records.iter().any(|r| r.fact.is_urgent());
                                committed.send_modify(|c| {
                                    c.all += 1;
                                    c.urgent += u64::from(urgent);
                                });
                            }
                            let _ = reply.send(done);
                        }
                        Request::Acknowledge(seq, reply) => {
                            let _ = reply.send(store.acknowledge(seq).map(|o| o.acked));
                        }
                        Request::Close => break,
                        Request::Resume(reply) => {
                            let _ = reply.send(store.resume());
                        }
                        Request::RecordPin {
                            staff,
                            verdict,
                            now,
                            reply,
                        } => {
                            let _ = reply.send(store.record_pin(&staff, &verdict, now));
                        }
                        Request::ExpiredContacts(by, reply) => {
                            let _ = reply.send(store.expired_contacts(by));
                        }
                        Request::DaySlip(day, tz, reply) => {
                            let _ = reply.send(day_slip(&store, day, &tz));
                        }
                        Request::Read(read) => read(&store),
                    }
                }
                // Every commit is already durable (synchronous=FULL); folding the WAL
                // back into the main file keeps the next start quick.
                if let Err(e) = store
                    .connection()
                    .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
                {
                    tracing::warn!("closing the database: {e}");
                }
            })?;
        Ok(Self {
            tx: Some(tx),
            thread: Some(thread),
            commits,
        })
    }

    /// The handle the district uplink moves the outbox's cursor with.
    pub fn outbox(&self) -> Option<OutboxHandle> {
        Some(OutboxHandle {
            tx: self.tx.clone()?,
            commits: self.commits.clone(),
        })
    }

    /// Commits records, and what is kept beside them (the callback numbers
    /// of cases and the citizens of commissions they open); returns when
    /// they are on disk or have failed.
    pub async fn commit(&self, records: Vec<Record>, private: Private) -> Result<(), StoreError> {
        let (reply, answer) = mpsc::channel();
        self.send(Request::Commit(records, private, reply))?;
        wait(answer).await
    }

    /// Reads back what a restart would: the latest business day's records.
    pub async fn resume(&self) -> Result<Resume, StoreError> {
        let (reply, answer) = mpsc::channel();
        self.send(Request::Resume(reply))?;
        wait(answer).await
    }

    /// Counts a PIN check's verdict against the member (the check itself
    /// ran elsewhere: Argon2id never holds up a commit): their role and
    /// name, or why not.
    pub async fn record_pin(&self, staff: String, verdict: Verdict, now: Timestamp) -> PinAnswer {
        let (reply, answer) = mpsc::channel();
        self.send(Request::RecordPin {
            staff,
            verdict,
            now,
            reply,
        })?;
        wait(answer).await
    }

    /// The cases whose callback number is due for deletion: filed at or
    /// before `archived_by`.
    pub async fn expired_contacts(
        &self,
        archived_by: Timestamp,
    ) -> Result<Vec<CaseNo>, StoreError> {
        let (reply, answer) = mpsc::channel();
        self.send(Request::ExpiredContacts(archived_by, reply))?;
        wait(answer).await
    }

    /// The figures of `day` and the journal's head now, for its closing slip.
    pub async fn day_slip(
        &self,
        day: jiff::civil::Date,
        tz: jiff::tz::TimeZone,
    ) -> Result<DaySlip, StoreError> {
        let (reply, answer) = mpsc::channel();
        self.send(Request::DaySlip(day, tz, reply))?;
        wait(answer).await
    }

    /// Reads on the writer's connection, between commits (a few
    /// milliseconds: last week's attendance for the notice board).
    pub async fn read<T: Send + 'static>(
        &self,
        read: impl FnOnce(&Store) -> T + Send + 'static,
    ) -> Result<T, StoreError> {
        let (reply, answer) = mpsc::channel();
        self.send(Request::Read(Box::new(move |store| {
            let _ = reply.send(Ok(read(store)));
        })))?;
        wait(answer).await
    }

    fn send(&self, request: Request) -> Result<(), StoreError> {
        self.tx
            .as_ref()
            .ok_or(StoreError::WriterGone)?
            .send(request)
            .map_err(|_| StoreError::WriterGone)
    }

    /// Finishes outstanding commits, checkpoints and closes the database.
    pub fn close(&mut self) {
        if let Some(tx) = self.tx.take() {
            let _ = tx.send(Request::Close);
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn day_slip(
    store: &Store,
    day: jiff::civil::Date,
    tz: &jiff::tz::TimeZone,
) -> Result<DaySlip, StoreError> {
    let conn = store.connection();
    let sql = |e| StoreError::from_sql(store.path(), e);
    let report = crate::store::report::report(conn, day, day, tz)?;
    let last: i64 = conn
        .query_row("SELECT coalesce(max(seq), 0) FROM journal", [], |r| {
            r.get(0)
        })
        .map_err(sql)?;
    let anchor = crate::store::audit::anchor_at(conn, last).map_err(sql)?;
    Ok(DaySlip { report, anchor })
}

/// Waits for the writer's answer on the blocking pool.
async fn wait<T: Send + 'static>(
    answer: mpsc::Receiver<Result<T, StoreError>>,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(move || answer.recv())
        .await
        .map_err(|_| StoreError::WriterGone)?
        .map_err(|_| StoreError::WriterGone)?
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.close();
    }
}
