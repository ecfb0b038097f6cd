-- People at the windows (issue 21): the staff number signed on at the window
-- when a ticket was called, then when it was completed — who served it.
-- Written only by `project`, from `ticket_called` and `ticket_completed`
-- entries that name a member; NULL for tickets served before members signed
-- on, or where signing on is optional and nobody did.

ALTER TABLE tickets ADD COLUMN served_by TEXT;
