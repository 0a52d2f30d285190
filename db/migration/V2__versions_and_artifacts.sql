-- vFM versions and their uploaded artifacts. A vFM whose task needs trained weights starts at
-- version 0 (no version yet, state CREATED); every upload that validates creates the next one.

alter table vfms drop constraint vfms_version_check;
alter table vfms add constraint vfms_version_check check (version >= 0);

create table vfm_versions (
    vfm_id      uuid        not null references vfms (id) on delete cascade,
    version     integer     not null check (version >= 1),
    created_at  timestamptz not null,
    primary key (vfm_id, version)
);

create table vfm_artifacts (
    vfm_id      uuid         not null,
    version     integer      not null,
    file_name   varchar(255) not null,
    content     bytea        not null,
    sha256      varchar(64)  not null,
    size_bytes  bigint       not null check (size_bytes >= 0),
    primary key (vfm_id, version, file_name),
    foreign key (vfm_id, version) references vfm_versions (vfm_id, version) on delete cascade
);
