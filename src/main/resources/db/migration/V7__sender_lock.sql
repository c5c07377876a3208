-- The lock that elects the one active sender among the instances sharing this ledger (Spring Integration's
-- JDBC lock registry, DefaultLockRepository's own table and columns). The holder renews CREATED_DATE every
-- arauto.leader.heartbeat; a row older than arauto.leader.lease belongs to an instance that stopped, and the
-- next instance to look takes it over. Runs unchanged on H2 and PostgreSQL.
create table int_lock (
    lock_key     char(36)     not null,
    region       varchar(100) not null,
    client_id    char(36),
    created_date timestamp    not null,
    constraint int_lock_pk primary key (lock_key, region)
);
