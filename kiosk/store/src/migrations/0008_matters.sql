-- Matters (事项, issue 20): what became of each matter a citizen brought to
-- a window, one row per `matter_handled` entry of the journal, in journal
-- order (so a replay gives the same ids), written only by `project`. The
-- reports count matters by outcome, matter, window and staff from here; a
-- matter is named by its catalog id and the version it was recorded under,
-- with its name then.

CREATE TABLE matters (
    id INTEGER PRIMARY KEY,
    day TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    ticket TEXT,
    window_no INTEGER NOT NULL,
    matter_id TEXT NOT NULL,
    matter_version INTEGER NOT NULL,
    matter_zh TEXT NOT NULL,
    outcome TEXT NOT NULL,
    notice TEXT,
    promised TEXT,
    staff TEXT
);

CREATE INDEX matters_by_day ON matters (day, matter_id);

-- The matter a ticket was taken for at the lobby guide, if any.
ALTER TABLE tickets ADD COLUMN matter_id TEXT;
