-- Version 4: a complainant's callback number, kept with the case only. The
-- journal records that a number was left, never the number; every view but the
-- case file shows it masked. Written in the same transaction as the case.

CREATE TABLE case_contacts (
    case_no TEXT PRIMARY KEY REFERENCES cases (number),
    phone   TEXT NOT NULL  -- 11 digits
) STRICT;
