-- One row that Arauto rewrites to find out whether the ledger can be written: a database closed after
-- an error, a full disk or a read-only file still answer "select 1". Runs unchanged on H2 and PostgreSQL.
create table ledger_probe (
    id         integer                  primary key,
    written_at timestamp with time zone not null
);
insert into ledger_probe (id, written_at) values (1, current_timestamp);
