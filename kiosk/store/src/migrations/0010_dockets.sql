-- Dockets (issue 22): matters accepted with a receipt and not finished at
-- the counter — promised matters (承诺件) and proxy matters (代办件). Like a
-- case, a docket outlives its day: its current state is kept here, updated
-- in the same transaction as the journal rows that change it, and the
-- journal keeps every step. The columns beside the body are what the
-- ledger filters and the monthly report count on.

CREATE TABLE dockets (
    number        TEXT    PRIMARY KEY,  -- SL2026-00012
    year          INTEGER NOT NULL,
    seq           INTEGER NOT NULL,
    day           TEXT    NOT NULL,     -- business day it was accepted
    kind          TEXT    NOT NULL,     -- promised, proxy
    stage         TEXT    NOT NULL,     -- accepted … collected
    matter_id     TEXT    NOT NULL,
    window_no     INTEGER NOT NULL,
    staff         TEXT,                 -- who accepted it (首问)
    promised      TEXT    NOT NULL,     -- promised date
    result_day    TEXT,                 -- business day of 办结 or 退件
    collected_day TEXT,
    office        TEXT,                 -- 送件: the office it went to
    rating        INTEGER,              -- the result's rating; 0 unrated
    body          TEXT    NOT NULL,     -- JSON: the docket with its history
    UNIQUE (year, seq)
) STRICT;

CREATE INDEX dockets_by_stage ON dockets (stage, year, seq);
CREATE INDEX dockets_by_day ON dockets (day);

-- A proxy commission's citizen (委托人): personal data, kept with the docket
-- only. The journal records that there is one, never who; deleted after the
-- retention period following hand-over (`principal_deleted`).
CREATE TABLE docket_principals (
    docket_no TEXT PRIMARY KEY REFERENCES dockets (number),
    name      TEXT NOT NULL,
    id_number TEXT NOT NULL
) STRICT;

-- The 首问 ledger reads the `matters` projection: a matter's receipt, and
-- where it was referred (转办).
ALTER TABLE matters ADD COLUMN receipt TEXT;
ALTER TABLE matters ADD COLUMN referred TEXT;
CREATE INDEX matters_by_staff ON matters (staff, day);
