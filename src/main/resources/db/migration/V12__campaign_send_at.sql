-- A campaign uploaded with send-at (POST /api/campaigns): nothing of it is sent before that time. Its QUEUED messages wait
-- with next_attempt_at = send_at, set in the same commit that makes it ACTIVE; the column keeps the time for the API to show.
-- Runs unchanged on H2 and PostgreSQL.
alter table campaign add column send_at timestamp with time zone;
