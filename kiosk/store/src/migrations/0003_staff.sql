-- Version 3: staff and their PINs. One model for alarm resets now and for the
-- staff console later. A PIN is stored only as an Argon2id hash (PHC string).
-- Wrong PINs are counted: 5 in a row lock the member out for 5 minutes, 10
-- lock them until a manager unlocks them.

CREATE TABLE staff (
    id              TEXT    PRIMARY KEY,  -- staff number, such as 0101
    name            TEXT    NOT NULL,
    role            TEXT    NOT NULL,     -- staff, technician, manager
    pin_hash        TEXT    NOT NULL,     -- $argon2id$v=19$...
    failures        INTEGER NOT NULL DEFAULT 0,
    locked_until_ms INTEGER,              -- Unix milliseconds
    hard_locked     INTEGER NOT NULL DEFAULT 0,
    disabled        INTEGER NOT NULL DEFAULT 0
) STRICT;
