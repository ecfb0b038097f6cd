-- Lookups the staff console's log page filters by, so that a filter on a
-- journal of a million entries reads the matching rows and no others, newest
-- first: who did it (the actor's staff number, or the staff number a refused
-- PIN was typed for), the case an entry is about, and each kind in sequence
-- order. Partial indexes: most entries name no staff member and no case.

CREATE INDEX journal_by_staff
    ON journal (coalesce(json_extract(actor, '$.id'), json_extract(body, '$.staff')), seq)
    WHERE coalesce(json_extract(actor, '$.id'), json_extract(body, '$.staff')) IS NOT NULL;

CREATE INDEX journal_by_case
    ON journal (json_extract(body, '$.case'), seq)
    WHERE json_extract(body, '$.case') IS NOT NULL;

CREATE INDEX journal_by_kind_seq ON journal (kind, seq);
