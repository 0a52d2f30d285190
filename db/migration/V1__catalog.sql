-- FMplex catalog: the backbones workers can serve and the vFMs users define on them.
-- This folder is the only place the schema is defined (Flyway; Hibernate only validates).

create table backbones (
    name             varchar(128) primary key,
    family           varchar(64)  not null,
    modality         varchar(32)  not null,
    hidden_size      integer      not null check (hidden_size > 0),
    layers           integer      not null check (layers > 0),
    parameter_bytes  bigint       not null check (parameter_bytes >= 0),
    max_input_tokens integer      not null check (max_input_tokens > 0),
    registered_at    timestamptz  not null,
    updated_at       timestamptz  not null
);

create table vfms (
    id          uuid          primary key,
    name        varchar(128)  not null,
    backbone    varchar(128)  not null references backbones (name),
    version     integer       not null check (version >= 1),
    state       varchar(16)   not null
                check (state in ('CREATED', 'DEPLOYING', 'ACTIVE', 'PAUSED', 'DELETING', 'DELETED', 'FAILED')),
    weight      double precision not null check (weight > 0 and weight <= 1000),
    task        text          not null,
    quota       text,
    created_at  timestamptz   not null,
    updated_at  timestamptz   not null,
    constraint vfms_name_unique unique (name)
);

create index vfms_backbone_idx on vfms (backbone);
