-- Ids for the two tables that take a row per webhook event (the event, and the audit record of the status it changes) are
-- handed out from a cache of 1,000 rather than H2's default 32. On H2 each time a cache runs out is a commit of its own
-- (one more write to disk with WRITE_DELAY=0), once per 32 events before. A crash may leave a gap of up to 1,000 ids;
-- nothing reads meaning into them. Runs unchanged on H2 and PostgreSQL (there each connection keeps its own cache).
alter table webhook_event alter column id set cache 1000;
alter table audit alter column id set cache 1000;
