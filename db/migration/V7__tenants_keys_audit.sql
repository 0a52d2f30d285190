-- Tenancy: every vFM belongs to a tenant, names are unique per tenant; API keys stored only as
-- keyed hashes; an audit of every mutating call with the key and tenant that made it.

create table tenants (
    name                varchar(63)  primary key check (name ~ '^[a-z][a-z0-9-]{0,62}$'),
    requests_per_second double precision check (requests_per_second > 0),
    inputs_per_second   double precision check (inputs_per_second > 0),
    created_at          timestamptz  not null
);

-- Existing vFMs move to the default tenant.
insert into tenants (name, created_at) values ('default', now());

alter table vfms add column tenant varchar(63) not null default 'default' references tenants (name);
alter table vfms alter column tenant drop default;
alter table vfms drop constraint vfms_name_unique;
alter table vfms add constraint vfms_tenant_name_unique unique (tenant, name);
create index vfms_tenant_idx on vfms (tenant);

create table api_keys (
    id                  varchar(32)  primary key,
    name                varchar(128) not null,
    scope               varchar(16)  not null
                        check (scope in ('admin', 'tenant-admin', 'infer', 'metrics')),
    tenant              varchar(63)  references tenants (name),
    vfms                text,
    -- HMAC-SHA-256 of the whole key under the server's key-hash secret; never the key itself.
    key_hash            bytea        not null,
    requests_per_second double precision check (requests_per_second > 0),
    inputs_per_second   double precision check (inputs_per_second > 0),
    created_by          varchar(32),
    created_at          timestamptz  not null,
    expires_at          timestamptz,
    revoked_at          timestamptz,
    last_used_at        timestamptz,
    check ((scope in ('admin', 'metrics')) = (tenant is null)),
    check (vfms is null or scope = 'infer')
);

create index api_keys_tenant_idx on api_keys (tenant);

create table audit_events (
    id          bigserial    primary key,
    at          timestamptz  not null,
    key_id      varchar(32)  not null,
    tenant      varchar(63),
    method      varchar(8)   not null,
    path        varchar(512) not null,
    status      integer      not null,
    detail      text
);

create index audit_events_at_idx on audit_events (at);
create index audit_events_key_idx on audit_events (key_id, id);
