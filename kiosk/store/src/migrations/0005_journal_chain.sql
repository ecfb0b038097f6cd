-- Version 5: the journal becomes tamper-evident. Each entry carries the
-- SHA-256 of the entry before it (`prev`, zeros for the first) and its own
-- (`hash`, over `prev` and every column but the sequence number), so an edited,
-- deleted or reordered row breaks the chain where it happened
-- (`kiosk verify-log`). Rows written before this version are chained by the
-- program right after this script, in the same transaction; the update trigger
-- is lifted for that and put back.

DROP TRIGGER journal_is_append_only_update;
ALTER TABLE journal ADD COLUMN prev BLOB;
ALTER TABLE journal ADD COLUMN hash BLOB;
