//! What a batch means for the district's copy of a station's journal: the
//! rules of ADR 0026 as one pure function, so that every case — the next
//! batch, a batch again, a gap, a journal edited after it reported, a
//! station restored from a backup, a new database — is decided in one place
//! and tested without a broker or a database.

use fleet::wire::Batch;

/// What the district holds of a station (its row in `stations`).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Held {
    /// The journal it reported last; `None`: never heard of.
    pub journal: Option<String>,
    pub incarnation: i32,
    /// The last entry held and its hash (0 and empty: none).
    pub last_seq: i64,
    pub last_hash: String,
    /// The longest head the station ever reported.
    pub head_seq: i64,
}

/// What to do with a batch.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Verdict {
    /// Store the rows from index `skip` on (the ones before are held
    /// already, hash for hash), under the held incarnation or — with
    /// `diverged` — a new one, and acknowledge the batch.
    Append {
        skip: usize,
        diverged: Option<Divergence>,
    },
    /// Held already, every hash the same: acknowledge again.
    Duplicate,
    /// Entries are missing before the batch: ask for them.
    Gap { resend_from: i64 },
    /// The batch contradicts itself; nothing stored, the station marked.
    Malformed(String),
}

/// Why the district's copy and the station's journal part.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Divergence {
    /// A different database (new, or another station's): its id changed.
    NewJournal { was: String },
    /// An entry the district holds now has another hash at the station:
    /// restored from a backup and written on since, or rewritten.
    Rewritten { seq: i64, held: String, now: String },
    /// The batch's first entry does not continue from the last entry the
    /// district holds: that entry was changed at the station after it was
    /// reported.
    Edited { seq: i64, held: String, now: String },
}

impl Divergence {
    /// The report's kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Divergence::NewJournal { .. } => "new_journal",
            Divergence::Rewritten { .. } => "rewritten",
            Divergence::Edited { .. } => "edited",
        }
    }

    /// The entry where it shows.
    pub fn seq(&self) -> Option<i64> {
        match self {
            Divergence::NewJournal { .. } => None,
            Divergence::Rewritten { seq, .. } | Divergence::Edited { seq, .. } => Some(*seq),
        }
    }

    /// What the dashboard says, for a supervisor to act on.
    pub fn message(&self) -> String {
        match self {
            Divergence::NewJournal { was } => format!(
                "the station reports a different journal (was {was}): a new or replaced database — what it sends is kept apart from what it sent before"
            ),
            Divergence::Rewritten { seq, held, now } => format!(
                "entry {seq} is no longer the one the station reported (the district holds {}…, the station now has {}…): restored from a backup and written on since, or rewritten — compare with `kiosk verify-log --anchor {seq}:{held}` at the station",
                short(held),
                short(now)
            ),
            Divergence::Edited { seq, held, now } => format!(
                "the station's entry {seq} changed after it was reported (the district holds {}…, the station's next entry follows {}…): its journal was edited — check it with `kiosk verify-log --anchor {seq}:{held}` at the station",
                short(held),
                short(now)
            ),
        }
    }
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// Decides a batch against what is held; `held_hashes` are the district's
/// hashes of the batch's entries it holds (`from..=last_seq`), in order.
pub fn decide(held: &Held, batch: &Batch, held_hashes: &[(i64, String)]) -> Verdict {
    if let Err(why) = consistent(batch) {
        return Verdict::Malformed(why);
    }
    let Some(journal) = &held.journal else {
        return Verdict::Append {
            skip: 0,
            diverged: None,
        };
    };
    if *journal != batch.journal {
        return Verdict::Append {
            skip: 0,
            diverged: Some(Divergence::NewJournal {
                was: journal.clone(),
            }),
        };
    }
    if batch.from > held.last_seq + 1 {
        return Verdict::Gap {
            resend_from: held.last_seq + 1,
        };
    }
    if batch.from == held.last_seq + 1 {
        let first = &batch.rows[0];
        if held.last_seq > 0 && first.prev != held.last_hash {
            return Verdict::Append {
                skip: 0,
                diverged: Some(Divergence::Edited {
                    seq: held.last_seq,
                    held: held.last_hash.clone(),
                    now: first.prev.clone(),
                }),
            };
        }
        return Verdict::Append {
            skip: 0,
            diverged: None,
        };
    }
    // The batch starts inside what is held: every held entry must match.
    for row in &batch.rows {
        let seq = row.entry.seq;
        if seq > held.last_seq {
            break;
        }
        let mine = held_hashes.iter().find(|(s, _)| *s == seq).map(|(_, h)| h);
        match mine {
            Some(h) if *h == row.hash => {}
            Some(h) => {
                return Verdict::Append {
                    skip: 0,
                    diverged: Some(Divergence::Rewritten {
                        seq,
                        held: h.clone(),
                        now: row.hash.clone(),
                    }),
                };
            }
            // Held under an earlier incarnation only: nothing to compare.
            None => {}
        }
    }
    if batch.to <= held.last_seq {
        return Verdict::Duplicate;
    }
    let skip = usize::try_from(held.last_seq + 1 - batch.from).unwrap_or(0);
    Verdict::Append {
        skip,
        diverged: None,
    }
}

/// The batch's own promises: `from..=to` in order, each entry's `prev` the
/// hash of the one before.
fn consistent(batch: &Batch) -> Result<(), String> {
    let (Some(first), Some(last)) = (batch.rows.first(), batch.rows.last()) else {
        return Err("a batch with no entries".into());
    };
    if first.entry.seq != batch.from || last.entry.seq != batch.to {
        return Err(format!(
            "the batch says {}–{} but holds {}–{}",
            batch.from, batch.to, first.entry.seq, last.entry.seq
        ));
    }
    for pair in batch.rows.windows(2) {
        if pair[1].entry.seq != pair[0].entry.seq + 1 {
            return Err(format!(
                "entry {} follows entry {}",
                pair[1].entry.seq, pair[0].entry.seq
            ));
        }
        if pair[1].prev != pair[0].hash {
            return Err(format!(
                "entry {} does not continue the chain of entry {}",
                pair[1].entry.seq, pair[0].entry.seq
            ));
        }
    }
    if batch.head.seq < batch.to {
        return Err(format!(
            "the head ({}) is before the batch's last entry ({})",
            batch.head.seq, batch.to
        ));
    }
    Ok(())
}

/// A station whose journal is now shorter than it once said was restored
/// from a backup (or its database replaced by an older copy).
pub fn restored(held: &Held, batch: &Batch) -> Option<String> {
    (held.journal.as_deref() == Some(batch.journal.as_str()) && batch.head.seq < held.head_seq)
        .then(|| {
            format!(
                "the station's journal now ends at entry {}, but it reported entries up to {}: restored from a backup (or an older copy of its database)",
                batch.head.seq, held.head_seq
            )
        })
}

#[cfg(test)]
mod tests;
