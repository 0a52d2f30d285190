-- Optimistic locking: concurrent changes to one vFM (a PATCH racing a pause, say) must not
-- silently overwrite each other; the loser gets a 409 and retries.
alter table vfms add column row_version bigint not null default 0;
