-- Nightly schedules (arauto.schedules.<name>): one row per occurrence, written before it runs, so that a restart, a
-- misfire or a second instance never runs the same occurrence twice (the key refuses the second insert). status:
-- RUNNING while its audience is read, DONE once its campaign is in, SKIPPED when it would have started later than its
-- grace, FAILED with the reason. Runs unchanged on H2 and PostgreSQL.
create table schedule_occurrence (
    schedule_name varchar(255)             not null,
    occurs_at     timestamp with time zone not null,
    status        varchar(16)              not null,
    campaign_id   bigint,
    reason        varchar(1000),
    started_at    timestamp with time zone not null,
    finished_at   timestamp with time zone,
    constraint schedule_occurrence_pk primary key (schedule_name, occurs_at)
);
