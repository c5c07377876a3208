-- The daily tier (arauto.send.daily-limit) counts the numbers a request may have gone to in the last 24 hours,
-- from the ledger, so every instance sharing it counts the same. Runs unchanged on H2 and PostgreSQL.

-- When a request for the message last may have left: set by every claim (QUEUED -> SENDING), never cleared, so a
-- message sent, failed, uncertain or waiting for a retry still counts for 24 hours after its last claim.
alter table message add column requested_at timestamp with time zone;
-- messages claimed before this column existed: their last change is the nearest thing to it (only recent ones matter)
update message set requested_at = updated_at where attempts > 0 and updated_at > current_timestamp - interval '2' day;
-- the last 24 hours of requests are one range of it, with the numbers in the index itself
create index message_requested on message (requested_at, phone_e164);
