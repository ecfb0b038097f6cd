-- Version 2: cases (bad ratings, later complaints). A case lives longer than the
-- business day it was opened on, so its current state is kept here, updated in
-- the same transaction as the journal rows that change it; the journal keeps
-- every step.

CREATE TABLE cases (
    number    TEXT    PRIMARY KEY,  -- 2026-0007
    year      INTEGER NOT NULL,
    seq       INTEGER NOT NULL,
    day       TEXT    NOT NULL,     -- business day it was opened
    stage     TEXT    NOT NULL,     -- accepted, registered, handled, answered, archived
    window_no INTEGER,
    body      TEXT    NOT NULL,     -- JSON: the case with its history
    UNIQUE (year, seq)
) STRICT;

CREATE INDEX cases_by_stage ON cases (stage, year, seq);
