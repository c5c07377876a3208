-- A campaign paused because Meta refused its template (codes 132000, 132001, 132012, 132015, 132016): status PAUSED,
-- with the reason, until an operator resumes it. Its rows stay QUEUED meanwhile. Runs unchanged on H2 and PostgreSQL.
alter table campaign add column paused_reason varchar(1000);
alter table campaign add column paused_at timestamp with time zone;
