-- Intake from shared sources (SFTP): which instance is taking which file, and whether a campaign's file left the inbox.
-- Runs unchanged on H2 and PostgreSQL.

-- When the campaign's file was archived at its source. A file read again while its campaign is accepted but its
-- file was never archived (a crash or an outage between the two) is archived as that campaign, not sent again.
alter table campaign add column archived_at timestamp with time zone;
-- campaigns accepted before this column existed had their files archived right after
update campaign set archived_at = read_at where read_at is not null;

-- A file being taken: one row per file (server, path, size and modification time), held by one running
-- instance, renewed while it works on it, free for another once the lease ran out (the holder died).
create table intake_claim (
    claim_key   varchar(1024) primary key,
    owner       varchar(128)  not null,
    claimed_at  timestamp with time zone not null,
    renewed_at  timestamp with time zone not null
);
create index intake_claim_owner on intake_claim (owner);
