-- Audit of every vFM lifecycle transition: what changed, when, and by which API call. Kept
-- without a foreign key so the history of a deleted vFM survives it.

create table lifecycle_events (
    id          bigserial    primary key,
    vfm_id      uuid         not null,
    vfm_name    varchar(128) not null,
    action      varchar(32)  not null,
    from_state  varchar(16),
    to_state    varchar(16)  not null,
    version     integer      not null,
    api_call    varchar(255) not null,
    detail      text,
    at          timestamptz  not null
);

create index lifecycle_events_vfm_idx on lifecycle_events (vfm_id, id);
