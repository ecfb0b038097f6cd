-- Version 7: the district uplink's outbox (ADR 0026). The journal is the
-- outbox; this row says which journal it is (a random id made when the
-- database is, so that a district can tell a station restored from a backup
-- from the one it knew) and the last entry the district's collector has
-- acknowledged as committed. The cursor only moves forward.

CREATE TABLE uplink (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    journal_id TEXT    NOT NULL,
    acked_seq  INTEGER NOT NULL DEFAULT 0 CHECK (acked_seq >= 0)
) STRICT;

INSERT INTO uplink (id, journal_id) VALUES (1, lower(hex(randomblob(16))));

CREATE TRIGGER uplink_cursor_only_moves_forward BEFORE UPDATE ON uplink
WHEN NEW.acked_seq < OLD.acked_seq OR NEW.journal_id != OLD.journal_id
BEGIN
    SELECT RAISE(ABORT, 'the uplink cursor only moves forward');
END;
