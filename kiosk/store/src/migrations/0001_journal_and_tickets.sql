-- Version 1: the append-only journal and the tickets table the screens and
-- reports read. The journal is the truth; `tickets` is a projection of it kept in
-- the same transaction.

CREATE TABLE journal (
    seq       INTEGER PRIMARY KEY,  -- order of commit; never reused
    at        TEXT    NOT NULL,     -- RFC 3339 UTC instant, full precision
    at_ms     INTEGER NOT NULL,     -- the same instant in Unix milliseconds, for ranges
    day       TEXT    NOT NULL,     -- business day (station time zone), YYYY-MM-DD
    kind      TEXT    NOT NULL,     -- fact kind, such as ticket_issued
    actor     TEXT    NOT NULL,     -- JSON: who caused it
    ticket    TEXT,                 -- ticket code the fact is about, if any
    window_no INTEGER,              -- window the fact is about, if any
    body      TEXT    NOT NULL      -- JSON: the fact itself
) STRICT;

CREATE INDEX journal_by_day ON journal (day, seq);
CREATE INDEX journal_by_kind ON journal (kind, at_ms);
CREATE INDEX journal_by_ticket ON journal (ticket, day);

CREATE TRIGGER journal_is_append_only_update BEFORE UPDATE ON journal
BEGIN
    SELECT RAISE(ABORT, 'the journal is append-only');
END;

CREATE TRIGGER journal_is_append_only_delete BEFORE DELETE ON journal
BEGIN
    SELECT RAISE(ABORT, 'the journal is append-only');
END;

CREATE TABLE tickets (
    day             TEXT    NOT NULL,
    code            TEXT    NOT NULL,
    category        TEXT    NOT NULL,
    number          INTEGER NOT NULL,
    queue           TEXT    NOT NULL,  -- category queue it waits in (after a transfer)
    priority        INTEGER NOT NULL,
    state           TEXT    NOT NULL,  -- waiting, called, completed, skipped, unserved
    issued_at_ms    INTEGER NOT NULL,
    ahead           INTEGER NOT NULL,
    wait_minutes    INTEGER,
    called_at_ms    INTEGER,
    window_no       INTEGER,
    recalls         INTEGER NOT NULL DEFAULT 0,
    finished_at_ms  INTEGER,
    service_seconds INTEGER,
    PRIMARY KEY (day, code),
    UNIQUE (day, category, number)     -- a number is never issued twice in a day
) STRICT;

CREATE INDEX tickets_by_finish ON tickets (queue, finished_at_ms);
