-- The daily tier (arauto.send.daily-limit) counts the numbers a request may have gone to in the last 24 hours, from
-- the ledger, so every instance sharing it counts the same. Runs unchanged on H2 and PostgreSQL.

-- One row per number: when a request to it last may have left, i.e. its last claim (QUEUED -> SENDING), written in
-- the claim's own commit. Whatever became of the message after (sent, failed, uncertain, back for a retry), the
-- number counts for 24 hours from then. A table of its own, small (rows older than a day are swept), so the message
-- table keeps its single B-tree and intake its speed.
create table recipient_request (
    phone_e164   varchar(20)              primary key,
    requested_at timestamp with time zone not null
);
create index recipient_request_at on recipient_request (requested_at);

-- numbers claimed before this table existed: their message's last change is the nearest thing to it
insert into recipient_request (phone_e164, requested_at)
    select phone_e164, max(updated_at) from message
    where attempts > 0 and phone_e164 is not null and updated_at > current_timestamp - interval '2' day
    group by phone_e164;
