-- The daily tier (arauto.send.daily-limit) counts the numbers a request may have gone to in the last 24 hours, from
-- the ledger, so every instance sharing it counts the same. Runs unchanged on H2 and PostgreSQL.

-- One row per claim (QUEUED -> SENDING: from then on a request may leave), written in the claim's own commit, with the
-- message's number. Whatever became of the message after (sent, failed, uncertain, back for a retry), its number counts
-- for 24 hours from its last claim. Appended only, never updated, so two senders never contend for a row; rows older
-- than a day are swept. A table of its own, so the message table keeps its single B-tree and intake its speed.
create table recipient_request (
    phone_e164   varchar(20)              not null,
    requested_at timestamp with time zone not null
);
-- the last 24 hours are one range, with the numbers in the index itself (count, oldest)...
create index recipient_request_at on recipient_request (requested_at, phone_e164);
-- ...and whether the numbers of a batch are in it
create index recipient_request_phone on recipient_request (phone_e164, requested_at);

-- numbers claimed before this table existed: their message's last change is the nearest thing to it
insert into recipient_request (phone_e164, requested_at)
    select phone_e164, max(updated_at) from message
    where attempts > 0 and phone_e164 is not null and updated_at > current_timestamp - interval '2' day
    group by phone_e164;
