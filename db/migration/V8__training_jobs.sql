-- Training jobs (task construction): one row per job, its outcome and report. The dataset is not
-- kept: a job that was running when the control plane stopped is marked failed at the next start.
-- No foreign key, so a job's record outlives the vFM it trained, as the lifecycle audit does.

create table training_jobs (
    id           uuid         primary key,
    vfm_id       uuid         not null,
    recipe       varchar(16)  not null,
    state        varchar(16)  not null,
    examples     integer      not null,
    created_at   timestamptz  not null,
    started_at   timestamptz,
    finished_at  timestamptz,
    version      integer,
    report       text,
    error        text
);

create index training_jobs_vfm_idx on training_jobs (vfm_id, created_at);
