-- When a message of each campaign was last claimed for sending (made SENDING). The ledger watchdog looks for messages a
-- stopped Arauto left SENDING only in campaigns with a claim since its last look (and a stale-after's margin), instead of
-- reading every message of every unsettled campaign every 30 seconds: a million-row campaign waiting for its send window
-- cost a second of CPU and a pass of H2's cache per look. A claim is the only way into SENDING, and it writes the mark in
-- its own transaction. Runs unchanged on H2 and PostgreSQL.
create table sending_mark (
    campaign_id bigint                   primary key,
    claimed_at  timestamp with time zone not null
);

-- a ledger upgraded with messages still SENDING (an Arauto that stopped half-way): their campaigns are looked at
insert into sending_mark (campaign_id, claimed_at)
    select campaign_id, max(updated_at) from message where status = 'SENDING' group by campaign_id;
