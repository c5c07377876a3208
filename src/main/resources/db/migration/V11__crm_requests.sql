-- The CRM trigger table (arauto.crm.requests.table): its rows become messages of rolling campaigns, one per day and
-- template. Runs unchanged on H2 and PostgreSQL.

-- A campaign that takes new rows until this time (the end of its day): it is not settled before, however idle.
alter table campaign add column open_until timestamp with time zone;

-- The rolling campaign of each name (crm-<template>-<yyyy-MM-dd>, with a fingerprint of its header: a template edited
-- during the day gets a new one): the key makes two takers open one campaign, not two.
create table rolling_campaign (
    name        varchar(255) primary key,
    campaign_id bigint       not null
);

-- Every CRM request row in the ledger, by its table and id: the message it became. The key makes a row read twice
-- (a crash after its message was recorded but before the CRM marked it taken, or two takers racing) one message.
-- reported_at is the message's updated_at last written back to the CRM row's status columns.
create table crm_request (
    request_table varchar(255) not null,
    request_id    varchar(255) not null,
    message_id    bigint       not null,
    created_at    timestamp with time zone not null,
    reported_at   timestamp with time zone,
    primary key (request_table, request_id)
);
create index crm_request_created on crm_request (created_at);
