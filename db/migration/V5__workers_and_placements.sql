-- Workers that registered with the control plane, and which vFM versions they hold. Workers
-- hold only caches: everything here can be rebuilt from the catalog when a worker (re)joins.

create table workers (
    id                  uuid         primary key,
    address             varchar(255) not null unique,
    memory_budget_bytes bigint       not null check (memory_budget_bytes > 0),
    backbones           text         not null,
    state               varchar(16)  not null check (state in ('ALIVE', 'DEAD')),
    registered_at       timestamptz  not null,
    last_heartbeat      timestamptz  not null
);

create table placements (
    vfm_id          uuid        not null references vfms (id) on delete cascade,
    worker_id       uuid        not null references workers (id) on delete cascade,
    version         integer     not null,
    resident_bytes  bigint      not null,
    placed_at       timestamptz not null,
    primary key (vfm_id, worker_id)
);
